// Memgraph's transaction queue queries: `SHOW TRANSACTIONS` (columns username,
// transaction_id, query, status, metadata) and `TERMINATE TRANSACTIONS 'id', …` (columns
// transaction_id, killed), over the engine's open transactions. Without authentication every
// user is "" and may see and end every transaction, as in Memgraph without auth.

import { Codes, MghaError } from '../errors.js';
import type { Value } from '../values/model.js';
import type { AdminRegistry } from './admin-registry.js';
import type { ConfigValue } from './admin-ast.js';

export interface TransactionInfo {
  readonly id: bigint;
  /** Every statement run in the transaction so far. */
  readonly queries: readonly string[];
  readonly status: 'running' | 'committing' | 'aborting';
  readonly metadata: Map<string, Value>;
  terminate(error: MghaError): void;
}

const IN_TRANSACTION = 'Transaction queue queries not allowed in multicommand transactions.';

/** HintedAbortError(TERMINATED): a retryable error in Memgraph, so drivers may retry the work. */
export function terminatedError(): MghaError {
  return new MghaError(Codes.Conflict, 'Transaction was asked to abort by another user.');
}

export function registerTransactionQueue(admin: AdminRegistry, open: () => TransactionInfo[]): void {
  const options = { refusedInTransaction: IN_TRANSACTION, firstInTransactionAllowed: true };
  admin.register(
    'ShowTransactions',
    async () => ({
      columns: ['username', 'transaction_id', 'query', 'status', 'metadata'],
      rows: open()
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((t) => ['', t.id.toString(), [...t.queries], t.status, new Map(t.metadata)]),
    }),
    options,
  );
  admin.register(
    'TerminateTransactions',
    async (stmt, ctx) => {
      const ids = stmt.ids.map((v) => transactionId(v, ctx.params));
      const byId = new Map(open().map((t) => [t.id.toString(), t]));
      // Memgraph lists the ids it did not find first, then the killed ones.
      const missing: Value[][] = [];
      const killed: Value[][] = [];
      for (const id of ids) {
        const t = byId.get(id);
        if (t === undefined || t.status !== 'running') {
          missing.push([id, false]);
          continue;
        }
        byId.delete(id);
        t.terminate(terminatedError());
        killed.push([id, true]);
      }
      return { columns: ['transaction_id', 'killed'], rows: [...missing, ...killed] };
    },
    options,
  );
}

function transactionId(v: ConfigValue, params: ReadonlyMap<string, Value>): string {
  if (v.kind === 'string') return v.value;
  if (!params.has(v.name)) throw new MghaError(Codes.ParameterMissing, `Parameter $${v.name} not provided.`);
  const value = params.get(v.name);
  if (typeof value !== 'string') throw new MghaError(Codes.MemgraphClientError, 'Transaction id should be a string.');
  return value;
}
