// The Bolt ROUTE answer and `SHOW ROUTING TABLE` (reference §4): WRITE = the Raft MAIN's
// `bolt_server`; READ = the other data instances whose cached lag is unknown or within
// `max_replica_read_lag` (a negative lag — a replica ahead of a MAIN it will be reset to —
// excluded), then the MAIN if `enabled_reads_on_main`; ROUTE = the coordinators. Health is
// not filtered, as in Memgraph: a driver drops an address it cannot reach and refreshes.
// Addresses verbatim, empty roles omitted, TTL 300 s unless configured.

import { currentMain } from './cluster-state.js';
import type { ClusterState } from './types.js';
import type { Value } from '../values/model.js';

export const DEFAULT_ROUTING_TTL_SEC = 300;

export type RoutingRole = 'WRITE' | 'READ' | 'ROUTE';

export interface RoutingTable {
  ttl: number;
  /** The database the client asked for (null: the default). */
  db: string | null;
  servers: { role: RoutingRole; addresses: string[] }[];
}

export interface RoutingInput {
  state: ClusterState;
  /** Cached lag of each replica in transactions (MAIN's count − the replica's); absent: unknown. */
  replicaLag: ReadonlyMap<string, number>;
  db: string | null;
  ttlSec?: number;
}

export function routingTable(input: RoutingInput): RoutingTable {
  const { state, replicaLag, db } = input;
  const main = currentMain(state);
  const maxLag = state.settings.max_replica_read_lag;
  const readable = (name: string): boolean => {
    const lag = replicaLag.get(name);
    return lag === undefined || (lag >= 0 && BigInt(lag) <= maxLag);
  };
  const write = main === null ? [] : [main.boltServer];
  const read = state.instances.filter((i) => i.role !== 'main' && readable(i.name)).map((i) => i.boltServer);
  if (main !== null && state.settings.enabled_reads_on_main) read.push(main.boltServer);
  const route = state.coordinators.map((c) => c.boltServer);
  const servers = (
    [
      { role: 'WRITE', addresses: write },
      { role: 'READ', addresses: read },
      { role: 'ROUTE', addresses: route },
    ] as const
  )
    .filter((s) => s.addresses.length > 0)
    .map((s) => ({ role: s.role, addresses: [...s.addresses] }));
  return { ttl: input.ttlSec ?? DEFAULT_ROUTING_TTL_SEC, db, servers };
}

/** The `rt` map of the Bolt ROUTE SUCCESS metadata. */
export function routingTableValue(table: RoutingTable): Map<string, Value> {
  return new Map<string, Value>([
    ['ttl', BigInt(table.ttl)],
    ['db', table.db],
    [
      'servers',
      table.servers.map(
        (s) =>
          new Map<string, Value>([
            ['addresses', [...s.addresses]],
            ['role', s.role],
          ]),
      ),
    ],
  ]);
}

export const ROUTING_TABLE_COLUMNS = ['role', 'servers'];

/** `SHOW ROUTING TABLE` rows: (role, servers). */
export function routingTableRows(table: RoutingTable): Value[][] {
  return table.servers.map((s) => [s.role, [...s.addresses]]);
}
