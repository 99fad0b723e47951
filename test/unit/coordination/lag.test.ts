// Replication lag from the leader's last state-check answers: SHOW REPLICATION LAG's input
// and the routing table's READ filter.
import { mainLag, replicaLag } from '../../../dataplane/coordination/lag.js';
import type { InstanceReport } from '../../../dataplane/coordination/reconcile.js';
import { bootstrap, down, healthOf, up } from './fixtures.js';

const report = (role: 'main' | 'replica', lastCommitTs: number): InstanceReport => ({
  role,
  mainUuid: 'uuid-1',
  writingEnabled: role === 'main',
  deltasBatchProgressSize: 100000,
  replicas: [],
  epochId: 'e1',
  history: [],
  lastCommitTs,
});

const state = bootstrap(); // instance_3 is MAIN
const reports = new Map([
  ['instance_1', report('replica', 7)],
  ['instance_3', report('main', 10)],
]);
const allUp = healthOf({ instance_1: up(), instance_2: up(), instance_3: up() });

test("SHOW REPLICATION LAG's input: the MAIN's count and each replica that answered", () => {
  expect(mainLag(state, { ready: true, instanceHealth: allUp, reports })).toEqual({
    mainCommittedTxns: 10,
    replicaCommittedTxns: new Map([['instance_1', 7]]),
  });
});

test('no answer: leader not ready, no MAIN, or a MAIN that is down or never answered', () => {
  expect(mainLag(state, { ready: false, instanceHealth: allUp, reports })).toBe('leader_not_ready');
  const demoted = { ...state, instances: state.instances.map((i) => ({ ...i, role: 'replica' as const })) };
  expect(mainLag(demoted, { ready: true, instanceHealth: allUp, reports })).toBe('no_main');
  expect(mainLag(state, { ready: true, instanceHealth: healthOf({ instance_1: up(), instance_3: down() }), reports })).toBe('main_unresponsive');
  expect(mainLag(state, { ready: true, instanceHealth: allUp, reports: new Map([['instance_1', report('replica', 7)]]) })).toBe('main_unresponsive');
});

test('routing lag: MAIN minus replica, negative when the replica is ahead, absent while unknown', () => {
  const ahead = new Map(reports).set('instance_2', report('replica', 12));
  expect(replicaLag(state, ahead)).toEqual(
    new Map([
      ['instance_1', 3],
      ['instance_2', -2],
    ]),
  );
  expect(replicaLag(state, new Map([['instance_1', report('replica', 7)]]))).toEqual(new Map());
});
