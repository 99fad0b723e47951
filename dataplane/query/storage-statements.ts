// Memgraph's storage statements that apply to an in-memory engine: `FREE MEMORY` runs the
// storage garbage collection now, and `STORAGE MODE IN_MEMORY_TRANSACTIONAL` (the only
// mode mgha has) is accepted; the other modes are refused as not supported yet.

import { Codes, MghaError } from '../errors.js';
import type { AdminRegistry } from './admin-registry.js';
import type { Storage } from '../storage/types.js';

export function registerStorageStatements(admin: AdminRegistry, storage: Storage): void {
  admin.register(
    'FreeMemory',
    async () => {
      storage.collectGarbage();
      return { columns: [], rows: [] };
    },
    { refusedInTransaction: 'Free memory query not allowed in multicommand transactions.', firstInTransactionAllowed: true },
  );
  admin.register(
    'StorageMode',
    async (stmt) => {
      if (stmt.mode !== 'IN_MEMORY_TRANSACTIONAL') throw new MghaError(Codes.MemgraphClientError, `STORAGE MODE ${stmt.mode} is not supported yet.`);
      return { columns: [], rows: [] };
    },
    { refusedInTransaction: 'Storage mode cannot be modified in multicommand transactions.', firstInTransactionAllowed: true },
  );
}
