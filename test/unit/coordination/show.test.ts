import { apply } from '../../../dataplane/coordination/cluster-state.js';
import {
  showCoordinatorSettings,
  showInstance,
  showInstances,
  showReplicationLag,
  type LeaderSnapshot,
} from '../../../dataplane/coordination/show.js';
import { bootstrap, down, healthOf, up } from './fixtures.js';

const leaderSnapshot = (patch: Partial<LeaderSnapshot> = {}): LeaderSnapshot => ({
  state: bootstrap(),
  leaderId: 1,
  coordinatorHealth: new Map([
    [2, up(120)],
    [3, down(7000)],
  ]),
  instanceHealth: healthOf({ instance_1: up(91), instance_2: up(15), instance_3: up(3) }),
  ...patch,
});

describe('SHOW INSTANCES', () => {
  test("Memgraph's 7 columns; coordinators first, then data instances in registration order", () => {
    const r = showInstances(leaderSnapshot());
    expect(r.columns).toEqual(['name', 'bolt_server', 'coordinator_server', 'management_server', 'health', 'role', 'last_succ_resp_ms']);
    expect(r.rows).toEqual([
      ['coordinator_1', 'localhost:7690', 'localhost:10111', 'localhost:12121', 'up', 'leader', 0n],
      ['coordinator_2', 'localhost:7691', 'localhost:10112', 'localhost:12122', 'up', 'follower', 120n],
      ['coordinator_3', 'localhost:7692', 'localhost:10113', 'localhost:12123', 'down', 'follower', 7000n],
      ['instance_1', 'localhost:7687', '', 'localhost:13011', 'up', 'replica', 91n],
      ['instance_2', 'localhost:7688', '', 'localhost:13012', 'up', 'replica', 15n],
      ['instance_3', 'localhost:7689', '', 'localhost:13013', 'up', 'main', 3n],
    ]);
    expect(r.notifications).toBeUndefined();
  });

  test('all data instances down: the MAIN shows down / main (no failover happened)', () => {
    const r = showInstances(leaderSnapshot({ instanceHealth: healthOf({ instance_1: down(), instance_2: down(), instance_3: down(9000) }) }));
    expect(r.rows[5]).toEqual(['instance_3', 'localhost:7689', '', 'localhost:13013', 'down', 'main', 9000n]);
  });

  test('after a failover the old MAIN shows down / replica', () => {
    const state = apply(bootstrap(), { kind: 'Failover', name: 'instance_1', mainUuid: 'u2', at: 't' }).state;
    const r = showInstances(leaderSnapshot({ state, instanceHealth: healthOf({ instance_1: up(), instance_2: up(), instance_3: down() }) }));
    expect(r.rows.slice(3).map((row) => [row[0], row[4], row[5]])).toEqual([
      ['instance_1', 'up', 'main'],
      ['instance_2', 'up', 'replica'],
      ['instance_3', 'down', 'replica'],
    ]);
  });

  test('no ready leader: zero rows and the LeaderNotReachable warning', () => {
    expect(showInstances(null)).toEqual({
      columns: ['name', 'bolt_server', 'coordinator_server', 'management_server', 'health', 'role', 'last_succ_resp_ms'],
      rows: [],
      notifications: [
        {
          severity: 'WARNING',
          code: 'LeaderNotReachable',
          title: "Couldn't reach the leader coordinator, so the state of the cluster is unknown. Please retry the query.",
        },
      ],
    });
  });
});

describe('SHOW INSTANCE', () => {
  test('the connected coordinator: 5 columns, role leader/follower', () => {
    const self = { id: 3, coordinatorServer: 'localhost:10113', managementServer: 'localhost:12123', state: bootstrap() };
    expect(showInstance({ ...self, leaderId: 3 })).toEqual({
      columns: ['name', 'bolt_server', 'coordinator_server', 'management_server', 'role'],
      rows: [['coordinator_3', 'localhost:7692', 'localhost:10113', 'localhost:12123', 'leader']],
    });
    expect(showInstance({ ...self, leaderId: 1 }).rows[0]?.[4]).toBe('follower');
    expect(showInstance({ ...self, id: 4, leaderId: null }).rows[0]?.slice(0, 2)).toEqual(['coordinator_4', '']);
  });
});

describe('SHOW REPLICATION LAG', () => {
  const info = (committed: bigint, behind: bigint) =>
    new Map([['memgraph', new Map([['num_committed_txns', committed], ['num_txns_behind_main', behind]])]]);

  test('rows by instance name; MAIN behind 0; behind is positive when a replica trails', () => {
    const r = showReplicationLag(bootstrap(), {
      mainCommittedTxns: 3,
      replicaCommittedTxns: new Map([
        ['instance_2', 1],
        ['instance_1', 3],
      ]),
    });
    expect(r.columns).toEqual(['instance_name', 'data_info']);
    expect(r.rows).toEqual([
      ['instance_1', info(3n, 0n)],
      ['instance_2', info(1n, 2n)],
      ['instance_3', info(3n, 0n)],
    ]);
  });

  test.each([
    ['no MAIN', 'no_main', true, 'No instance is currently main, so there is no replication lag to report.'],
    ['leader not ready', 'leader_not_ready', false, "Couldn't reach the leader coordinator, so the state of the cluster is unknown. Please retry the query."],
    ['MAIN unresponsive', 'main_unresponsive', false, 'Main instance instance_3 did not answer, so there is no replication lag to report.'],
  ] as const)('%s: zero rows and a ReplicationLagUnavailable warning', (_what, reason, demoted, text) => {
    const state = demoted ? apply(bootstrap(), { kind: 'DemoteInstance', name: 'instance_3' }).state : bootstrap();
    expect(showReplicationLag(state, reason)).toEqual({
      columns: ['instance_name', 'data_info'],
      rows: [],
      notifications: [{ severity: 'WARNING', code: 'ReplicationLagUnavailable', title: text }],
    });
  });
});

describe('SHOW COORDINATOR SETTINGS', () => {
  test("defaults, as strings, in Memgraph's order; a change shows", () => {
    const state = apply(bootstrap(), { kind: 'SetCoordinatorSetting', name: 'instance_down_timeout_sec', value: '1' }).state;
    const r = showCoordinatorSettings(state);
    expect(r.columns).toEqual(['setting_name', 'setting_value']);
    expect(r.rows).toEqual([
      ['enabled_reads_on_main', 'false'],
      ['sync_failover_only', 'true'],
      ['max_failover_replica_lag', '18446744073709551615'],
      ['max_replica_read_lag', '18446744073709551615'],
      ['deltas_batch_progress_size', '100000'],
      ['instance_down_timeout_sec', '1'],
      ['instance_health_check_frequency_sec', '1'],
      ['global_read_only', 'false'],
    ]);
  });
});
