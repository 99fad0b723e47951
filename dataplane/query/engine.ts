// The query engine: transactions over storage, the plan cache, and result streams that
// drive the operator generators in batches, yielding to the event loop on PAUSE markers
// so heartbeats and other sessions keep running during long queries.

import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Engine, EngineTransaction, MaybePromise, QuerySummary, RecordBatch, ResultStream, TransactionOptions } from './engine-types.js';
import { Codes, MghaError, toMghaError } from '../errors.js';
import type { Storage, StorageCounts, StorageTransaction, WriteStats } from '../storage/types.js';
import type { Value } from '../values.js';
import { parse } from './parser.js';
import { analyze } from './semantic.js';
import { LazyStorageTransaction } from './lazy-transaction.js';
import { PlanCache } from './plan-cache.js';
import { explainLines, planQuery, type Plan } from './planner.js';
import { checkAllowedInTransaction, isSchemaStatement, runSchemaStatement, type SchemaStatement } from './schema-queries.js';
import type { DispatchedStatement } from './admin-ast.js';
import { AdminRegistry } from './admin-registry.js';
import { notificationValue } from './notifications.js';
import { materialize } from './executor/materialize.js';
import { PAUSE, type ExecContext, type Step } from './executor/types.js';

/**
 * What a commit with changes waits for before it is acknowledged (the WAL fsync), or null
 * when there is nothing to wait for, so the commit stays synchronous.
 */
export type DurabilityWait = (commitTimestamp: number) => Promise<void> | null;

/** Returns the error to report when writes are not allowed right now, or null. */
export type WriteGuard = () => MghaError | null;

type Prepared =
  | { kind: 'query'; plan: Plan; explain: boolean }
  | { kind: 'schema'; stmt: SchemaStatement }
  | { kind: 'admin'; stmt: DispatchedStatement; text: string };

const STAT_NAMES: [keyof WriteStats, string][] = [
  ['nodesCreated', 'nodes-created'],
  ['nodesDeleted', 'nodes-deleted'],
  ['relationshipsCreated', 'relationships-created'],
  ['relationshipsDeleted', 'relationships-deleted'],
  ['propertiesSet', 'properties-set'],
  ['labelsAdded', 'labels-added'],
  ['labelsRemoved', 'labels-removed'],
];

const BOOKMARK_PREFIX = 'mgha:';
const BOOKMARK_WAIT_MS = 5000;

export class QueryEngine implements Engine {
  private readonly cache: PlanCache<Prepared>;
  private maintenance: NodeJS.Timeout | null = null;
  private writeGuard: WriteGuard | null = null;
  readonly waitDurable: DurabilityWait | null;
  /** Where subsystems register the admin statements they answer (snapshots, replication …). */
  readonly admin = new AdminRegistry();

  constructor(
    readonly storage: Storage,
    options: { planCacheSize?: number; waitDurable?: DurabilityWait } = {},
  ) {
    this.cache = new PlanCache(options.planCacheSize ?? 1000);
    this.waitDurable = options.waitDurable ?? null;
  }

  /** Synchronous without bookmarks to wait for (every auto-commit query of a plain client). */
  begin(options: TransactionOptions): MaybePromise<EngineTransaction> {
    if (options.bookmarks.length > 0) return this.beginAfterBookmarks(options);
    return this.newTransaction(options);
  }

  private async beginAfterBookmarks(options: TransactionOptions): Promise<EngineTransaction> {
    await this.waitForBookmarks(options.bookmarks);
    return this.newTransaction(options);
  }

  /** An explicit transaction's snapshot is taken at BEGIN; an auto-commit one's when first needed. */
  private newTransaction(options: TransactionOptions): Transaction {
    const tx = options.implicit ? new LazyStorageTransaction(this.storage) : this.storage.begin();
    return new Transaction(this, tx, options);
  }

  currentBookmark(): string {
    return `${BOOKMARK_PREFIX}${this.storage.lastCommitTimestamp()}`;
  }

  counts(): StorageCounts {
    return this.storage.counts();
  }

  /**
   * Lets replication/HA refuse writes (a REPLICA, a MAIN waiting for promotion): the guard
   * returns the error to report, or null to allow. Checked before write and schema queries.
   */
  setWriteGuard(guard: WriteGuard | null): void {
    this.writeGuard = guard;
  }

  checkWritesAllowed(): void {
    const err = this.writeGuard === null ? null : this.writeGuard();
    if (err !== null) throw err;
  }

  /** Periodic garbage collection of old versions. */
  startMaintenance(intervalMs: number): void {
    this.stop();
    this.maintenance = setInterval(() => this.storage.collectGarbage(), intervalMs);
    this.maintenance.unref();
  }

  stop(): void {
    if (this.maintenance !== null) clearInterval(this.maintenance);
    this.maintenance = null;
  }

  /** Parses and plans a query (cached by text). */
  prepare(query: string): Prepared {
    const cached = this.cache.get(query);
    if (cached !== undefined) return cached;
    const stmt = parse(query);
    analyze(stmt);
    let prepared: Prepared;
    if (stmt.kind === 'Query') {
      if (stmt.profile) throw new MghaError(Codes.MemgraphClientError, 'PROFILE is not supported yet.');
      const probe = this.storage.begin();
      try {
        const catalog = {
          hasIndex: (label: string, property: string | null) => this.storage.hasIndex(label, property),
          estimateCount: (label?: string, property?: string) => probe.estimateCount(label, property),
        };
        prepared = { kind: 'query', plan: planQuery(stmt.body, catalog), explain: stmt.explain };
      } finally {
        probe.abort();
      }
    } else if (isSchemaStatement(stmt)) prepared = { kind: 'schema', stmt };
    else prepared = { kind: 'admin', stmt, text: query.trim().replace(/;$/, '').trimEnd() };
    if (prepared.kind === 'query') this.cache.set(query, prepared);
    return prepared;
  }

  /** Plans depend on the indexes that exist. */
  schemaChanged(): void {
    this.cache.clear();
  }

  private async waitForBookmarks(bookmarks: string[]): Promise<void> {
    let target = 0;
    for (const b of bookmarks) {
      const m = /^mgha:(\d+)$/.exec(b);
      if (m === null) throw new MghaError(Codes.InvalidBookmark, `Invalid bookmark: '${b}'.`);
      target = Math.max(target, Number(m[1]));
    }
    const deadline = Date.now() + BOOKMARK_WAIT_MS;
    while (this.storage.lastCommitTimestamp() < target) {
      if (Date.now() > deadline) {
        throw new MghaError(Codes.DatabaseUnavailable, `Timed out waiting for bookmark mgha:${target} to become visible.`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

class Transaction implements EngineTransaction {
  private failure: MghaError | null = null;
  private stream: QueryStream | null = null;
  private readonly deadline: number;

  constructor(
    private readonly engine: QueryEngine,
    private readonly tx: StorageTransaction,
    private readonly options: TransactionOptions,
  ) {
    this.deadline = options.timeoutMs !== null && options.timeoutMs > 0 ? Date.now() + options.timeoutMs : Infinity;
  }

  run(query: string, parameters: Map<string, Value>): MaybePromise<ResultStream> {
    this.checkUsable();
    // An earlier result may still be open (Bolt qid streams): buffer the rest of it so
    // this statement sees its effects and the client can still pull it.
    if (this.stream !== null && !this.stream.finished) {
      const buffering = this.stream.buffer();
      if (buffering instanceof Promise) return buffering.then(() => this.runNow(query, parameters));
    }
    return this.runNow(query, parameters);
  }

  private runNow(query: string, parameters: Map<string, Value>): MaybePromise<ResultStream> {
    try {
      const started = this.start(this.engine.prepare(query), parameters);
      if (started instanceof Promise) {
        return started.then(
          (stream) => (this.stream = stream),
          (e: unknown) => {
            throw this.fail(e);
          },
        );
      }
      this.stream = started;
      return started;
    } catch (e) {
      throw this.fail(e);
    }
  }

  /** Only admin statements (answered by other subsystems) need the event loop to start. */
  private start(prepared: Prepared, params: Map<string, Value>): MaybePromise<QueryStream> {
    if (prepared.kind === 'schema') {
      if (!this.options.implicit) checkAllowedInTransaction(prepared.stmt);
      if (prepared.stmt.kind !== 'Show') this.engine.checkWritesAllowed();
      const r = runSchemaStatement(prepared.stmt, this.engine.storage);
      if (r.schemaChanged) this.engine.schemaChanged();
      const stream = QueryStream.ofRows(r.columns, r.rows, { type: r.type, stats: r.stats, plan: null, notifications: [] });
      // A schema change commits alone on its own timestamp: answer once it is durable too.
      const durable = r.schemaChanged ? (this.engine.waitDurable?.(this.engine.storage.lastCommitTimestamp()) ?? null) : null;
      return durable === null ? stream : durable.then(() => stream);
    }
    if (prepared.kind === 'admin') {
      return this.engine.admin
        .dispatch(prepared.stmt, { text: prepared.text, params, implicit: this.options.implicit })
        .then((r) => QueryStream.ofRows(r.columns, r.rows, { type: 's', stats: {}, plan: null, notifications: (r.notifications ?? []).map(notificationValue) }));
    }
    const { plan, explain } = prepared;
    if (plan.type !== 'r' && !explain) this.engine.checkWritesAllowed();
    if (explain) {
      // Like Memgraph, the plan comes back as rows of a `QUERY PLAN` column (no Bolt plan metadata).
      const lines = explainLines(plan.root);
      return QueryStream.ofRows(['QUERY PLAN'], lines.map((l) => [l]), { type: 'r', stats: {}, plan: null, notifications: [] });
    }
    const ctx: ExecContext = { tx: this.tx, params, statementTime: Date.now(), work: 0, slotCount: plan.slotCount };
    const arg: Value[] = new Array<Value>(plan.slotCount).fill(null);
    const before = { ...this.tx.stats };
    const gen = plan.root.run(ctx, arg);
    return new QueryStream(plan.columns, gen, plan.resultSlots, {
      deadline: this.deadline,
      isActive: () => this.tx.isActive(),
      onError: (e) => this.fail(e),
      summary: () => ({ type: plan.type, stats: statsDiff(before, this.tx.stats), plan: null, notifications: [] }),
    });
  }

  commit(): MaybePromise<string> {
    this.checkUsable();
    if (this.stream !== null && !this.stream.finished) {
      const discarding = this.stream.discard();
      if (discarding instanceof Promise) return discarding.then(() => this.commitNow());
    }
    return this.commitNow();
  }

  private commitNow(): MaybePromise<string> {
    this.checkUsable();
    try {
      const committed = this.tx.commit();
      if (committed.deltas.length === 0) return this.engine.currentBookmark();
      const bookmark = `${BOOKMARK_PREFIX}${committed.commitTimestamp}`;
      const durable = this.engine.waitDurable?.(committed.commitTimestamp) ?? null;
      if (durable === null) return bookmark;
      return durable.then(
        () => bookmark,
        (e: unknown) => {
          throw this.fail(e);
        },
      );
    } catch (e) {
      throw this.fail(e);
    }
  }

  rollback(): void {
    if (this.tx.isActive()) this.tx.abort();
  }

  private checkUsable(): void {
    if (this.failure !== null) {
      throw new MghaError(this.failure.code, `Transaction failed earlier and must be rolled back: ${this.failure.message}`);
    }
    if (!this.tx.isActive()) throw new MghaError(Codes.RequestInvalid, 'The transaction is no longer open.');
    if (Date.now() > this.deadline) throw this.fail(timedOut());
  }

  private fail(e: unknown): MghaError {
    const err = toMghaError(e);
    if (this.failure === null) this.failure = err;
    if (this.tx.isActive()) this.tx.abort();
    return err;
  }
}

function timedOut(): MghaError {
  return new MghaError(Codes.TransactionTimedOut, 'Transaction was terminated because it exceeded its timeout.');
}

function statsDiff(before: WriteStats, after: WriteStats): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, name] of STAT_NAMES) {
    const d = after[key] - before[key];
    if (d !== 0) out[name] = d;
  }
  return out;
}

interface StreamHooks {
  deadline: number;
  /** False once the transaction was rolled back underneath the stream (RESET, shutdown). */
  isActive: () => boolean;
  onError: (e: unknown) => MghaError;
  summary: () => QuerySummary;
}

/** Time slice after which a pull yields to the event loop even without a PAUSE marker. */
const SLICE_MS = 20;

class QueryStream implements ResultStream {
  finished = false;
  private result: QuerySummary | null = null;
  private failure: MghaError | null = null;
  private buffered: Value[][] = [];

  constructor(
    readonly fields: string[],
    private readonly gen: Generator<Step>,
    private readonly slots: number[],
    private readonly hooks: StreamHooks,
  ) {}

  static ofRows(fields: string[], rows: Value[][], summary: QuerySummary): QueryStream {
    const gen = (function* (): Generator<Step> {
      yield* rows;
    })();
    return new QueryStream(
      fields,
      gen,
      fields.map((_, i) => i),
      { deadline: Infinity, isActive: () => true, onError: toMghaError, summary: () => summary },
    );
  }

  /** Runs the query to the end, keeping the remaining records for later pulls. */
  buffer(): MaybePromise<void> {
    const rest = this.pull(-1);
    if (rest instanceof Promise) {
      return rest.then((r) => {
        this.buffered = r.records;
      });
    }
    this.buffered = rest.records;
  }

  /** Synchronous until the query has to yield to the event loop (PAUSE or a long slice). */
  pull(n: number): MaybePromise<RecordBatch> {
    if (this.failure !== null) throw this.failure;
    if (this.buffered.length > 0) {
      const records = n < 0 ? this.buffered.splice(0) : this.buffered.splice(0, n);
      return { records, hasMore: this.buffered.length > 0 };
    }
    const records: Value[][] = [];
    if (this.finished) return { records, hasMore: false };
    return this.fill(records, n);
  }

  /** Adds records until n, the end, or a yield point; resumes asynchronously after a yield. */
  private fill(records: Value[][], n: number): MaybePromise<RecordBatch> {
    try {
      const sliceStart = Date.now();
      while (n < 0 || records.length < n) {
        const step = this.gen.next();
        if (step.done === true) {
          this.finish();
          break;
        }
        if (step.value === PAUSE) return this.resumeAfterYield(records, n, true);
        // A query without RETURN produces no records, only side effects.
        if (this.fields.length === 0) continue;
        const row = step.value;
        records.push(this.slots.map((s) => materialize(row[s])));
        if ((records.length & 255) === 0 && Date.now() - sliceStart > SLICE_MS) return this.resumeAfterYield(records, n, false);
      }
    } catch (e) {
      throw this.failWith(e);
    }
    return { records, hasMore: !this.finished };
  }

  private async resumeAfterYield(records: Value[][], n: number, paused: boolean): Promise<RecordBatch> {
    await yieldToLoop();
    if (paused) {
      try {
        if (!this.hooks.isActive()) throw new MghaError(Codes.Terminated, 'The transaction was terminated while the query was running.');
        if (Date.now() > this.hooks.deadline) throw timedOut();
      } catch (e) {
        throw this.failWith(e);
      }
    }
    return this.fill(records, n);
  }

  private failWith(e: unknown): MghaError {
    this.finished = true;
    this.failure = this.hooks.onError(e);
    this.gen.return(undefined);
    return this.failure;
  }

  discard(): MaybePromise<void> {
    this.buffered = [];
    while (!this.finished) {
      const batch = this.pull(4096);
      if (batch instanceof Promise) return batch.then(() => this.discard());
    }
  }

  summary(): QuerySummary {
    if (this.result === null) throw new MghaError(Codes.RequestInvalid, 'The result has not been fully consumed yet.');
    return this.result;
  }

  private finish(): void {
    this.finished = true;
    this.result = this.hooks.summary();
  }
}
