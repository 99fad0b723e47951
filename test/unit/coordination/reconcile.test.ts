import { apply } from '../../../dataplane/coordination/cluster-state.js';
import { hasDiverged, reconcile, type InstanceReport, type ReconcileAction } from '../../../dataplane/coordination/reconcile.js';
import type { ClusterState, Health } from '../../../dataplane/coordination/types.js';
import { bootstrap, down, healthOf, perform, up } from './fixtures.js';

const replicaCfg = (n: number) => ({ name: `instance_${n}`, mode: 'sync' as const, replicationServer: `localhost:${10000 + n}` });

function mainReport(patch: Partial<InstanceReport> = {}): InstanceReport {
  return {
    role: 'main',
    mainUuid: 'uuid-1',
    writingEnabled: true,
    deltasBatchProgressSize: 100000,
    replicas: ['instance_1', 'instance_2'],
    epochId: 'e2',
    history: [{ epochId: 'e1', lastCommitTs: 4 }],
    lastCommitTs: 10,
    ...patch,
  };
}

function replicaReport(patch: Partial<InstanceReport> = {}): InstanceReport {
  return { role: 'replica', mainUuid: 'uuid-1', writingEnabled: false, deltasBatchProgressSize: 100000, replicas: [], epochId: 'e2', history: [], lastCommitTs: 10, ...patch };
}

const allUp = healthOf({ instance_1: up(), instance_2: up(), instance_3: up() });

function healthy(): Map<string, InstanceReport> {
  return new Map([
    ['instance_1', replicaReport()],
    ['instance_2', replicaReport()],
    ['instance_3', mainReport()],
  ]);
}

/** Runs reconciliation until it asks for nothing; returns the first round's actions and the rounds taken. */
function converge(state: ClusterState, health: ReadonlyMap<string, Health>, reports: Map<string, InstanceReport>) {
  const first = reconcile({ state, health, reports });
  let current = reports;
  let actions = first;
  let rounds = 0;
  while (actions.length > 0) {
    if (++rounds > 3) throw new Error(`no convergence: ${JSON.stringify(actions)}`);
    current = perform(current, actions);
    actions = reconcile({ state, health, reports: current });
  }
  return { first, rounds, reports: current };
}

describe('reconciliation', () => {
  test('a cluster that matches Raft needs nothing', () => {
    expect(reconcile({ state: bootstrap(), health: allUp, reports: healthy() })).toEqual([]);
  });

  test('after a failover: the returning old MAIN is demoted before anything, replicas swap UUID, the new MAIN is promoted with the others as replicas', () => {
    const state = apply(bootstrap(), { kind: 'Failover', name: 'instance_1', mainUuid: 'uuid-2', at: 't' }).state;
    const reports = healthy();
    const { first, rounds } = converge(state, allUp, reports);
    expect(first).toEqual([
      { kind: 'swapMainUuid', instance: 'instance_2', mainUuid: 'uuid-2' },
      { kind: 'demote', instance: 'instance_3', mainUuid: 'uuid-2' },
      { kind: 'promote', instance: 'instance_1', mainUuid: 'uuid-2', replicas: [replicaCfg(2), replicaCfg(3)], writingEnabled: true },
    ]);
    expect(rounds).toBe(1);
  });

  test('a MAIN restarted before failover (writes disabled, same UUID) is promoted again, not failed over', () => {
    const reports = healthy();
    reports.set('instance_3', mainReport({ writingEnabled: false }));
    expect(reconcile({ state: bootstrap(), health: allUp, reports })).toEqual([
      { kind: 'promote', instance: 'instance_3', mainUuid: 'uuid-1', replicas: [replicaCfg(1), replicaCfg(2)], writingEnabled: true },
    ]);
  });

  test('a MAIN with a stale UUID (missed a failover) is promoted with the current one', () => {
    const reports = healthy();
    reports.set('instance_3', mainReport({ mainUuid: 'uuid-0' }));
    expect(reconcile({ state: bootstrap(), health: allUp, reports })[0]).toMatchObject({ kind: 'promote', instance: 'instance_3', mainUuid: 'uuid-1' });
  });

  test('global_read_only: a MAIN with writes disabled is left so; one with writes enabled gets them turned off', () => {
    const state = apply(bootstrap(), { kind: 'SetCoordinatorSetting', name: 'global_read_only', value: 'true' }).state;
    const reports = healthy();
    reports.set('instance_3', mainReport({ writingEnabled: false }));
    expect(reconcile({ state, health: allUp, reports })).toEqual([]);
    expect(reconcile({ state, health: allUp, reports: healthy() })).toEqual([
      { kind: 'updateConfig', instance: 'instance_3', deltasBatchProgressSize: 100000, writingEnabled: false },
    ]);
  });

  test('the MAIN\'s replica list follows Raft: missing ones registered, unknown ones unregistered', () => {
    const reports = healthy();
    reports.set('instance_3', mainReport({ replicas: ['instance_2', 'ghost'] }));
    const { first, rounds } = converge(bootstrap(), allUp, reports);
    expect(first).toEqual([
      { kind: 'registerReplica', main: 'instance_3', mainUuid: 'uuid-1', replica: replicaCfg(1) },
      { kind: 'unregisterReplica', main: 'instance_3', replica: 'ghost' },
    ]);
    expect(rounds).toBe(1);
  });

  test('deltas_batch_progress_size is pushed to every instance that differs', () => {
    const state = apply(bootstrap(), { kind: 'SetCoordinatorSetting', name: 'deltas_batch_progress_size', value: '500' }).state;
    const { first } = converge(state, allUp, healthy());
    expect(first).toEqual([
      { kind: 'updateConfig', instance: 'instance_3', deltasBatchProgressSize: 500, writingEnabled: true },
      { kind: 'updateConfig', instance: 'instance_1', deltasBatchProgressSize: 500 },
      { kind: 'updateConfig', instance: 'instance_2', deltasBatchProgressSize: 500 },
    ]);
  });

  test('down instances and instances without a report get nothing', () => {
    const state = apply(bootstrap(), { kind: 'Failover', name: 'instance_1', mainUuid: 'uuid-2', at: 't' }).state;
    const health = healthOf({ instance_1: up(), instance_2: up(), instance_3: down() });
    const reports = healthy();
    reports.delete('instance_2');
    expect(reconcile({ state, health, reports })).toEqual([
      { kind: 'promote', instance: 'instance_1', mainUuid: 'uuid-2', replicas: [replicaCfg(2), replicaCfg(3)], writingEnabled: true },
    ]);
  });

  test('a diverged old MAIN is demoted, then force-resynced once the new MAIN is promoted; 3 vertices become 2', () => {
    // instance_3 was MAIN in epoch e2 up to ts 10; instance_1 only had ts 8 of e2 and was promoted.
    const state = apply(bootstrap(), { kind: 'Failover', name: 'instance_1', mainUuid: 'uuid-2', at: 't' }).state;
    const reports = new Map([
      ['instance_1', replicaReport({ lastCommitTs: 8 })],
      ['instance_2', replicaReport({ lastCommitTs: 8 })],
      ['instance_3', mainReport()],
    ]);
    const round1 = reconcile({ state, health: allUp, reports });
    expect(round1.map((a) => a.kind)).toEqual(['swapMainUuid', 'demote', 'promote']);
    const after1 = perform(reports, round1);
    const round2 = reconcile({ state, health: allUp, reports: after1 });
    expect(round2).toEqual([{ kind: 'forceResync', instance: 'instance_3', main: 'instance_1' }]);
    const after2 = perform(after1, round2);
    expect(after2.get('instance_3')?.lastCommitTs).toBe(8);
    expect(reconcile({ state, health: allUp, reports: after2 })).toEqual([]);
  });

  test('with no MAIN in Raft (after DEMOTE) an instance still claiming MAIN is demoted and nobody is promoted', () => {
    const state = apply(bootstrap(), { kind: 'DemoteInstance', name: 'instance_3' }).state;
    expect(reconcile({ state, health: allUp, reports: healthy() })).toEqual([{ kind: 'demote', instance: 'instance_3', mainUuid: 'uuid-1' }]);
  });

  test('reconcile is deterministic and does not mutate its inputs', () => {
    const state = apply(bootstrap(), { kind: 'Failover', name: 'instance_2', mainUuid: 'uuid-9', at: 't' }).state;
    const reports = healthy();
    const snapshot = JSON.stringify([...reports]);
    expect(reconcile({ state, health: allUp, reports })).toEqual(reconcile({ state, health: allUp, reports }));
    expect(JSON.stringify([...reports])).toBe(snapshot);
  });
});

describe('the branching-point rule', () => {
  const main = { epochId: 'e3', history: [{ epochId: 'e1', lastCommitTs: 4 }, { epochId: 'e2', lastCommitTs: 9 }], lastCommitTs: 12 };
  test.each([
    ['empty replica', 'e0', 0, false],
    ['same epoch, behind', 'e3', 11, false],
    ['same epoch, equal', 'e3', 12, false],
    ['same epoch, ahead', 'e3', 13, true],
    ['older epoch within its recorded end', 'e2', 9, false],
    ['older epoch past its recorded end', 'e2', 10, true],
    ['epoch unknown to the MAIN', 'ex', 3, true],
  ])('%s → diverged=%p', (_what, epochId, lastCommitTs, expected) => {
    expect(hasDiverged({ epochId, lastCommitTs }, main)).toBe(expected);
  });
});
