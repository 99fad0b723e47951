// ANALYZE GRAPH and SHOW SCHEMA INFO as admin statements: both read the graph in a
// transaction of their own. ANALYZE GRAPH's statistics are written to the storage's
// metadata, each key committed alone (logged, snapshotted and replicated, so only MAIN runs
// it), and change plans, so the plan cache is cleared after it, as Memgraph does.

import type { AdminRegistry } from './admin-registry.js';
import type { Storage } from '../storage/types.js';
import { ANALYZE_COLUMNS, DELETE_COLUMNS, type IndexStatistics, type StatisticsChange } from './index-statistics.js';
import { schemaInfo } from './schema-info.js';
import { showEnums } from './server-metadata.js';
import type { Value } from '../values/model.js';

/** Memgraph's refusals inside explicit transactions. */
export const ANALYZE_IN_TRANSACTION = 'Analyze graph query not allowed in multicommand transactions.';
export const SCHEMA_INFO_IN_TRANSACTION = 'Show schema info cannot be executed in multicommand transactions.';

export function registerGraphInfoStatements(
  admin: AdminRegistry,
  storage: Storage,
  stats: IndexStatistics,
  plansChanged: () => void,
  checkWritable: () => void,
): void {
  /** Commits the change's writes one after the other (each waits for the WAL, then replicas). */
  const keep = async (change: StatisticsChange): Promise<Value[][]> => {
    try {
      for (const [key, value] of change.writes) {
        if (storage.setMetadata(key, value)) await storage.takeSchemaCommit();
      }
    } finally {
      plansChanged();
    }
    return change.rows;
  };
  admin.register(
    'AnalyzeGraph',
    async (stmt) => {
      checkWritable();
      if (stmt.delete) return { columns: DELETE_COLUMNS, rows: await keep(stats.delete(stmt.labels)) };
      const tx = storage.begin();
      let change: StatisticsChange;
      try {
        change = stats.analyze(tx, storage.indexes(), stmt.labels);
      } finally {
        tx.abort();
      }
      return { columns: ANALYZE_COLUMNS, rows: await keep(change) };
    },
    { refusedInTransaction: ANALYZE_IN_TRANSACTION, firstInTransactionAllowed: true },
  );
  admin.register(
    'ShowSchemaInfo',
    async () => {
      const tx = storage.begin();
      try {
        const enums = showEnums(storage.metadata()).map(([name, values]): [string, Value] => [name as string, values]);
        return { columns: ['schema'], rows: [[schemaInfo(tx, storage.indexes(), storage.constraints(), enums)]] };
      } finally {
        tx.abort();
      }
    },
    { refusedInTransaction: SCHEMA_INFO_IN_TRANSACTION, firstInTransactionAllowed: true },
  );
}
