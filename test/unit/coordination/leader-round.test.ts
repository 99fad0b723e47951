import { apply } from '../../../dataplane/coordination/cluster-state.js';
import { leaderRound, type RoundInput } from '../../../dataplane/coordination/leader-round.js';
import type { InstanceReport } from '../../../dataplane/coordination/reconcile.js';
import { bootstrap, down, healthOf, up } from './fixtures.js';

const report = (role: 'main' | 'replica', lastCommitTs: number, replicas: string[] = []): InstanceReport => ({
  role,
  mainUuid: 'uuid-1',
  writingEnabled: role === 'main',
  deltasBatchProgressSize: 100000,
  replicas,
  epochId: 'e1',
  history: [],
  lastCommitTs,
});

const base = (patch: Partial<RoundInput>): RoundInput => ({
  state: bootstrap(),
  health: healthOf({ instance_1: up(), instance_2: up(), instance_3: up() }),
  reports: new Map([
    ['instance_1', report('replica', 4)],
    ['instance_2', report('replica', 5)],
    ['instance_3', report('main', 5, ['instance_1', 'instance_2'])],
  ]),
  mainCommittedTxns: 5,
  occasion: 'health_check',
  freshUuid: () => 'uuid-2',
  now: Date.UTC(2026, 11, 3),
  ...patch,
});

describe('a round of the leader loop', () => {
  test('healthy cluster: reconcile, nothing to do', () => {
    expect(leaderRound(base({}))).toEqual({ kind: 'reconcile', actions: [] });
  });

  test('MAIN down: propose a failover and send nothing until it is committed', () => {
    const r = leaderRound(base({ health: healthOf({ instance_1: up(), instance_2: up(), instance_3: down() }) }));
    expect(r).toMatchObject({ kind: 'failover', decision: { name: 'instance_2' }, propose: { kind: 'Failover', name: 'instance_2', mainUuid: 'uuid-2', at: '2026-12-03T00:00:00.000Z' } });
  });

  test('all down: no failover, with the reason', () => {
    const r = leaderRound(base({ health: healthOf({ instance_1: down(), instance_2: down(), instance_3: down() }) }));
    expect(r).toMatchObject({ kind: 'noFailover', decision: { reason: 'no_instance_alive' } });
  });

  test('a leader starting without MAIN elects one; with one it reconciles', () => {
    const demoted = apply(bootstrap(), { kind: 'DemoteInstance', name: 'instance_3' }).state;
    expect(leaderRound(base({ state: demoted, occasion: 'leader_start' })).kind).toBe('failover');
    expect(leaderRound(base({ occasion: 'leader_start' })).kind).toBe('reconcile');
  });
});
