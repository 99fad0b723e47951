// ANALYZE GRAPH and SHOW SCHEMA INFO as admin statements: both read the graph in a
// transaction of their own. ANALYZE GRAPH's statistics change plans, so the plan cache is
// cleared after it, as Memgraph does.

import type { AdminRegistry } from './admin-registry.js';
import type { Storage } from '../storage/types.js';
import { ANALYZE_COLUMNS, DELETE_COLUMNS, type IndexStatistics } from './index-statistics.js';
import { schemaInfo } from './schema-info.js';
import { showEnums } from './server-metadata.js';
import type { Value } from '../values/model.js';

/** Memgraph's refusals inside explicit transactions. */
export const ANALYZE_IN_TRANSACTION = 'Analyze graph query not allowed in multicommand transactions.';
export const SCHEMA_INFO_IN_TRANSACTION = 'Show schema info cannot be executed in multicommand transactions.';

export function registerGraphInfoStatements(admin: AdminRegistry, storage: Storage, stats: IndexStatistics, plansChanged: () => void): void {
  admin.register(
    'AnalyzeGraph',
    async (stmt) => {
      if (stmt.delete) {
        const rows = stats.delete(stmt.labels);
        plansChanged();
        return { columns: DELETE_COLUMNS, rows };
      }
      const tx = storage.begin();
      try {
        stats.prune(storage.indexes());
        const rows = stats.analyze(tx, storage.indexes(), stmt.labels);
        plansChanged();
        return { columns: ANALYZE_COLUMNS, rows };
      } finally {
        tx.abort();
      }
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
