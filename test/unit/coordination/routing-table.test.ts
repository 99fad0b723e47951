import { apply } from '../../../dataplane/coordination/cluster-state.js';
import { ROUTING_TABLE_COLUMNS, routingTable, routingTableRows, routingTableValue } from '../../../dataplane/coordination/routing-table.js';
import type { ClusterState } from '../../../dataplane/coordination/types.js';
import { bootstrap, register, applyAll, addCoordinator } from './fixtures.js';

const set = (state: ClusterState, name: string, value: string) => apply(state, { kind: 'SetCoordinatorSetting', name, value }).state;
const COORDS = ['localhost:7690', 'localhost:7691', 'localhost:7692'];

describe('ROUTE', () => {
  test('WRITE = MAIN, READ = replicas, ROUTE = coordinators, TTL 300, addresses as registered', () => {
    expect(routingTable({ state: bootstrap(), replicaLag: new Map(), db: null })).toEqual({
      ttl: 300,
      db: null,
      servers: [
        { role: 'WRITE', addresses: ['localhost:7689'] },
        { role: 'READ', addresses: ['localhost:7687', 'localhost:7688'] },
        { role: 'ROUTE', addresses: COORDS },
      ],
    });
  });

  test('enabled_reads_on_main adds MAIN to READ, after the replicas', () => {
    const t = routingTable({ state: set(bootstrap(), 'enabled_reads_on_main', 'true'), replicaLag: new Map(), db: 'memgraph' });
    expect(t.servers[1]).toEqual({ role: 'READ', addresses: ['localhost:7687', 'localhost:7688', 'localhost:7689'] });
    expect(t.db).toBe('memgraph');
  });

  test('after a failover the writer is not in READ', () => {
    const state = apply(bootstrap(), { kind: 'Failover', name: 'instance_1', mainUuid: 'u2', at: 't' }).state;
    const t = routingTable({ state, replicaLag: new Map(), db: null });
    expect(t.servers.slice(0, 2)).toEqual([
      { role: 'WRITE', addresses: ['localhost:7687'] },
      { role: 'READ', addresses: ['localhost:7688', 'localhost:7689'] },
    ]);
  });

  test.each([
    // [lag of instance_1, max_replica_read_lag, instance_1 readable?]
    [undefined, '0', true],
    [0, '0', true],
    [1, '0', false],
    [5, '5', true],
    [6, '5', false],
    [-1, '18446744073709551615', false],
  ])('lag %p with max_replica_read_lag=%s → readable=%p', (lag, max, readable) => {
    const replicaLag = new Map(lag === undefined ? [] : [['instance_1', lag]]);
    const t = routingTable({ state: set(bootstrap(), 'max_replica_read_lag', max), replicaLag, db: null });
    expect(t.servers.find((s) => s.role === 'READ')?.addresses.includes('localhost:7687')).toBe(readable);
  });

  test('no MAIN: no WRITE entry; no readable replica: no READ entry', () => {
    const state = set(applyAll([addCoordinator(1), register(1)]), 'max_replica_read_lag', '3');
    expect(routingTable({ state, replicaLag: new Map([['instance_1', 9]]), db: null, ttlSec: 5 }).servers).toEqual([{ role: 'ROUTE', addresses: ['localhost:7690'] }]);
    expect(routingTable({ state, replicaLag: new Map(), db: null, ttlSec: 5 }).ttl).toBe(5);
  });

  test('the Bolt rt map and SHOW ROUTING TABLE rows', () => {
    const t = routingTable({ state: bootstrap(), replicaLag: new Map(), db: null });
    const rt = routingTableValue(t);
    expect(rt.get('ttl')).toBe(300n);
    expect(rt.get('db')).toBeNull();
    expect(rt.get('servers')).toEqual([
      new Map<string, unknown>([['addresses', ['localhost:7689']], ['role', 'WRITE']]),
      new Map<string, unknown>([['addresses', ['localhost:7687', 'localhost:7688']], ['role', 'READ']]),
      new Map<string, unknown>([['addresses', COORDS], ['role', 'ROUTE']]),
    ]);
    expect(ROUTING_TABLE_COLUMNS).toEqual(['role', 'servers']);
    expect(routingTableRows(t)).toEqual([
      ['WRITE', ['localhost:7689']],
      ['READ', ['localhost:7687', 'localhost:7688']],
      ['ROUTE', COORDS],
    ]);
  });
});
