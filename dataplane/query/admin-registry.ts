// Who answers which admin statement. Each subsystem registers the statement kinds it owns
// (durability: snapshots and the data directory lock; replication: SET REPLICATION ROLE,
// REGISTER REPLICA …; coordination: REGISTER INSTANCE, SHOW INSTANCES …) with a typed
// handler; the engine dispatches by kind. A kind nobody registered answers Memgraph's
// `… is not supported yet.`, so a coordinator-only statement on a data instance (or one
// not built yet) fails cleanly. Registration returns an unregister function, so a role
// change can swap the handlers it owns.

import { Codes, MghaError } from '../errors.js';
import type { Value } from '../values/model.js';
import type { AdminKind, ConfigMap, DispatchedStatement } from './admin-ast.js';
import type { Notification } from '../notifications.js';

export interface AdminContext {
  /** The statement as the client wrote it (trimmed, without a trailing `;`), for messages. */
  text: string;
  /** The query's parameters: config-map values may be `$parameters`. */
  params: ReadonlyMap<string, Value>;
  /** True in an auto-commit transaction, false inside BEGIN … COMMIT. */
  implicit: boolean;
  /** The first statement of its transaction (all an `executeQuery` transaction holds). */
  firstInTransaction?: boolean;
}

export interface AdminResult {
  columns: string[];
  rows: Value[][];
  notifications?: Notification[];
}

export type AdminHandler<K extends AdminKind> = (stmt: Extract<DispatchedStatement, { kind: K }>, ctx: AdminContext) => Promise<AdminResult>;

export interface AdminOptions {
  /**
   * Memgraph's refusal inside an explicit transaction, e.g. `Replication clause not allowed
   * in multicommand transactions.`; omitted: the statement runs there too.
   */
  refusedInTransaction?: string;
  /**
   * Beyond Memgraph: a read-only statement refused in explicit transactions still runs as
   * the first statement of one, which is what the driver's `executeQuery` sends.
   */
  firstInTransactionAllowed?: boolean;
}

interface Entry {
  handler: (stmt: DispatchedStatement, ctx: AdminContext) => Promise<AdminResult>;
  options: AdminOptions;
}

/**
 * Memgraph's refusals of admin statements in explicit transactions. Memgraph 3 words them
 * all as the coordinator one (`<what> is not allowed in multicommand transactions. A
 * multicommand transaction, …`); mgha keeps the short older texts its clients already
 * match (as for index DDL), except for coordinators, where only Memgraph 3's text (typo
 * included) is known.
 */
export const InTransaction = {
  replication: 'Replication clause not allowed in multicommand transactions.',
  coordinator:
    'Managing coordinators is not allowed in multicommand transactions. A multicommand transaction, also known as an ' +
    'explicit transaction, groups multiple commands into a single atomic operation. Instead, please use an implicit ' +
    'transaction, also knwon as an auto committing transaction, in order to execute this particular query. ' +
    'For more details, visit https://memgraph.com/docs',
  lockPath: 'Lock path query not allowed in multicommand transactions.',
  snapshot: 'Snapshot cannot be created in multicommand transactions.',
} as const;

export class AdminRegistry {
  private readonly entries = new Map<AdminKind, Entry>();

  /**
   * Makes `handler` answer statements of `kind`; throws if the kind already has one (two
   * owners would be a wiring bug). Returns a function that removes this registration.
   */
  register<K extends AdminKind>(kind: K, handler: AdminHandler<K>, options: AdminOptions = {}): () => void {
    if (this.entries.has(kind)) throw new Error(`admin statement ${kind} already has a handler`);
    // Sound: dispatch only hands an entry statements of its own kind.
    const entry: Entry = { handler: handler as Entry['handler'], options };
    this.entries.set(kind, entry);
    return () => {
      if (this.entries.get(kind) === entry) this.entries.delete(kind);
    };
  }

  has(kind: AdminKind): boolean {
    return this.entries.has(kind);
  }

  /** Runs the registered handler; refuses first, before any side effect, what it must. */
  dispatch(stmt: DispatchedStatement, ctx: AdminContext): Promise<AdminResult> {
    const entry = this.entries.get(stmt.kind);
    if (entry === undefined) {
      const text = stmt.kind === 'Show' ? `SHOW ${stmt.what}` : ctx.text;
      return Promise.reject(new MghaError(Codes.MemgraphClientError, `${text} is not supported yet.`));
    }
    const refusal = entry.options.refusedInTransaction;
    const allowed = ctx.implicit || (entry.options.firstInTransactionAllowed === true && ctx.firstInTransaction === true);
    if (!allowed && refusal !== undefined) return Promise.reject(new MghaError(Codes.MemgraphClientError, refusal));
    return entry.handler(stmt, ctx);
  }
}

/**
 * A config map's values as strings, parameters resolved. Errors name the key; Memgraph
 * requires string values.
 */
export function resolveConfig(config: ConfigMap, params: ReadonlyMap<string, Value>): [string, string][] {
  return config.map(({ key, value }): [string, string] => {
    if (value.kind === 'string') return [key, value.value];
    if (!params.has(value.name)) throw new MghaError(Codes.ParameterMissing, `Parameter $${value.name} not provided.`);
    const v = params.get(value.name);
    if (typeof v !== 'string') throw new MghaError(Codes.MemgraphClientError, `Config value of '${key}' must be a string.`);
    return [key, v];
  });
}
