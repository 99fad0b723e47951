import { clusterPlan, fixedPorts } from '../../../dataplane/local-cluster/plan.js';
import { formatTable } from '../../../dataplane/local-cluster/format.js';

describe('local cluster plan', () => {
  const plan = clusterPlan({
    coordinators: 3,
    dataInstances: 3,
    host: '127.0.0.1',
    baseDirectory: '/srv/c',
    ports: fixedPorts(3, 3),
    mode: 'sync',
    extraArgs: ['--log-level=WARNING'],
  });

  test("Memgraph's Docker port layout, no port used twice", () => {
    expect(plan.coordinators.map((c) => c.ports.bolt)).toEqual([7691, 7692, 7693]);
    expect(plan.data.map((d) => d.ports.bolt)).toEqual([7687, 7688, 7689]);
    const all = [...plan.coordinators, ...plan.data].flatMap((m) => Object.values(m.ports));
    expect(new Set(all).size).toBe(all.length);
    expect(plan.routingUri).toBe('neo4j://127.0.0.1:7691');
  });

  test('coordinators get the four coordinator flags and bind loopback', () => {
    const c2 = plan.coordinators[1];
    expect(c2.args).toEqual(
      expect.arrayContaining(['--coordinator-id=2', '--coordinator-port=10112', '--coordinator-hostname=127.0.0.1', '--management-port=12122', '--bolt-address=127.0.0.1']),
    );
    expect(plan.data[0].args).toEqual(expect.arrayContaining(['--management-port=13011', '--replication-address=127.0.0.1']));
    expect(plan.data[0].args.some((a) => a.startsWith('--coordinator'))).toBe(false);
  });

  test('bootstrap is the queries a Memgraph user types, in order', () => {
    expect(plan.bootstrap).toEqual([
      "ADD COORDINATOR 1 WITH CONFIG {'bolt_server': '127.0.0.1:7691', 'coordinator_server': '127.0.0.1:10111', 'management_server': '127.0.0.1:12121'}",
      "ADD COORDINATOR 2 WITH CONFIG {'bolt_server': '127.0.0.1:7692', 'coordinator_server': '127.0.0.1:10112', 'management_server': '127.0.0.1:12122'}",
      "ADD COORDINATOR 3 WITH CONFIG {'bolt_server': '127.0.0.1:7693', 'coordinator_server': '127.0.0.1:10113', 'management_server': '127.0.0.1:12123'}",
      "REGISTER INSTANCE instance_1 WITH CONFIG {'bolt_server': '127.0.0.1:7687', 'management_server': '127.0.0.1:13011', 'replication_server': '127.0.0.1:10001'}",
      "REGISTER INSTANCE instance_2 WITH CONFIG {'bolt_server': '127.0.0.1:7688', 'management_server': '127.0.0.1:13012', 'replication_server': '127.0.0.1:10002'}",
      "REGISTER INSTANCE instance_3 WITH CONFIG {'bolt_server': '127.0.0.1:7689', 'management_server': '127.0.0.1:13013', 'replication_server': '127.0.0.1:10003'}",
      'SET INSTANCE instance_1 TO MAIN',
    ]);
    const strict = clusterPlan({ coordinators: 1, dataInstances: 2, host: '127.0.0.1', baseDirectory: '/x', ports: fixedPorts(1, 2), mode: 'strict_sync', extraArgs: [] });
    expect(strict.bootstrap[1]).toMatch(/^REGISTER INSTANCE instance_1 AS STRICT_SYNC WITH CONFIG/);
    const mixed = clusterPlan({ coordinators: 1, dataInstances: 2, host: '127.0.0.1', baseDirectory: '/x', ports: fixedPorts(1, 2), mode: ['sync', 'async'], extraArgs: [] });
    expect(mixed.bootstrap.slice(1, 3).map((q) => q.slice(0, 35))).toEqual(['REGISTER INSTANCE instance_1 WITH C', 'REGISTER INSTANCE instance_2 AS ASY']);
  });

  test('a port list of the wrong length is refused', () => {
    expect(() => clusterPlan({ coordinators: 3, dataInstances: 3, host: 'h', baseDirectory: '/x', ports: fixedPorts(3, 2), mode: 'sync', extraArgs: [] })).toThrow(/expected 6 port blocks/);
  });

  test('the table has the seven SHOW INSTANCES columns; no leader says so', () => {
    const t = formatTable([
      { name: 'coordinator_1', bolt_server: '127.0.0.1:7691', coordinator_server: '127.0.0.1:10111', management_server: '127.0.0.1:12121', health: 'up', role: 'leader', last_succ_resp_ms: 0 },
    ]);
    expect(t).toContain('| name          | bolt_server    | coordinator_server | management_server | health | role   | last_succ_resp_ms |');
    expect(t).toContain('| coordinator_1 | 127.0.0.1:7691 | 127.0.0.1:10111    | 127.0.0.1:12121   | up     | leader | 0                 |');
    expect(formatTable(null)).toMatch(/LeaderNotReachable/);
  });
});
