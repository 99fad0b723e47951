// Memgraph's server introspection: `SHOW VERSION` (column version), `SHOW CONFIG` (name,
// default_value, current_value, description, values as text like gflags prints them) and
// `SHOW DATABASE` / `SHOW DATABASES` (one database, `memgraph`, as Memgraph without
// multi-tenancy). main.ts registers them with the flags and the version it knows.

import type { AdminRegistry } from './admin-registry.js';
import type { FlagSetting } from '../config.js';

/** Memgraph's only database without multi-tenancy. */
export const DATABASE_NAME = 'memgraph';

export interface ServerInfo {
  version: string;
  flags: () => FlagSetting[];
}

export function registerServerInfo(admin: AdminRegistry, info: ServerInfo, coordinator: boolean): void {
  admin.register('ShowVersion', async () => ({ columns: ['version'], rows: [[info.version]] }), {
    refusedInTransaction: 'Version info query not allowed in multicommand transactions.',
    firstInTransactionAllowed: true,
  });
  if (coordinator) return;
  admin.register('ShowConfig', async () => ({
    columns: ['name', 'default_value', 'current_value', 'description'],
    rows: info.flags().map((f) => [f.name, f.defaultValue, f.currentValue, f.description]),
  }));
  admin.register('ShowDatabase', async () => ({ columns: ['Current'], rows: [[DATABASE_NAME]] }));
  admin.register('ShowDatabases', async () => ({ columns: ['Name'], rows: [[DATABASE_NAME]] }));
}
