import { planMembership } from '../../../../operator/controller/membership.js';
import { PHASES, computeStatus, invalidStatus, phaseReasonCode } from '../../../../operator/controller/status.js';
import type { ClusterView } from '../../../../operator/controller/view.js';
import type { MemgraphClusterInput, MemgraphClusterStatus } from '../../../../operator/api/types.js';
import { DEFAULT_CONTEXT } from '../../../../operator/resources/context.js';
import { cluster } from '../fixtures.js';
import { edit, healthy } from './views.js';

const T0 = '2026-12-03T05:00:00Z';
const T1 = '2026-12-03T05:01:00Z';

function status(view: ClusterView, spec: Partial<MemgraphClusterInput['spec']> = {}, previous?: MemgraphClusterStatus, dataReplicas?: number, now = T0) {
  const c = cluster(spec);
  const plan = planMembership({ cluster: c, ctx: DEFAULT_CONTEXT, view, switchover: previous?.switchover });
  return computeStatus({ cluster: c, previous, view, plan, dataReplicas: dataReplicas ?? c.spec.data.replicas, now });
}
const conditions = (s: MemgraphClusterStatus) => Object.fromEntries((s.conditions ?? []).map((c) => [c.type, `${c.status} ${c.reason}`]));

test('healthy: phase, MAIN, leader, instances, ready count, all conditions with observedGeneration', () => {
  const s = status(healthy());
  expect(s).toMatchObject({
    phase: PHASES.healthy,
    phaseReason: 'MAIN graph-data-0, 1 replica(s)',
    observedGeneration: 1,
    currentMain: 'graph-data-0',
    leaderCoordinator: 'graph-coord-0',
    readyInstances: 2,
    replicas: 2,
    selector: 'mgha.io/cluster=graph,mgha.io/component=data',
    instances: [
      { name: 'graph-data-0', role: 'main', health: 'up', mode: 'sync', lagTxns: 0 },
      { name: 'graph-data-1', role: 'replica', health: 'up', mode: 'sync', lagTxns: 0 },
    ],
  });
  expect(conditions(s)).toEqual({ Ready: 'True Healthy', Available: 'True MainAvailable', Degraded: 'False AllUp', Progressing: 'False Settled' });
  for (const c of s.conditions!) expect(c).toMatchObject({ observedGeneration: 1, lastTransitionTime: T0 });
});

test('lastTransitionTime moves only when a condition flips', () => {
  const first = status(healthy());
  const again = status(healthy(), {}, first, undefined, T1);
  expect(again.conditions!.map((c) => c.lastTransitionTime)).toEqual([T0, T0, T0, T0]);
  const down = status(edit(healthy(), 'graph-data-1', { health: 'down' }), {}, first, undefined, T1);
  expect(Object.fromEntries(down.conditions!.map((c) => [c.type, c.lastTransitionTime]))).toEqual({ Ready: T1, Available: T0, Degraded: T1, Progressing: T0 });
});

test('a replica down: Degraded, still Available', () => {
  const s = status(edit(healthy(), 'graph-data-1', { health: 'down' }));
  expect(s.phase).toBe(PHASES.degraded);
  expect(s.readyInstances).toBe(1);
  expect(conditions(s)).toMatchObject({ Ready: 'False Degraded', Available: 'True MainAvailable', Degraded: 'True MembersDown' });
});

test('the MAIN down: Failing over, not Available', () => {
  const s = status(edit(healthy(), 'graph-data-0', { health: 'down' }));
  expect(s.phase).toBe(PHASES.failingOver);
  expect(s.currentMain).toBe('graph-data-0');
  expect(conditions(s).Available).toBe('False MainDown');
});

test('two MAINs: no currentMain, Degraded with the names', () => {
  const s = status(edit(healthy(), 'graph-data-1', { role: 'main' }));
  expect(s.phase).toBe(PHASES.splitBrain);
  expect(s.currentMain).toBeUndefined();
  expect(s.conditions!.find((c) => c.type === 'Degraded')).toMatchObject({ status: 'True', reason: 'MultipleMains', message: 'graph-data-0 and graph-data-1 claim MAIN' });
  expect(conditions(s).Available).toBe('False MultipleMains');
});

test('a new cluster: Setting up, Progressing with what is being done', () => {
  const s = status({ known: true, instances: [], coordinators: [] });
  expect(s.phase).toBe(PHASES.settingUp);
  expect(s.conditions!.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'True', reason: 'SettingUpCluster' });
  expect(s.conditions!.find((c) => c.type === 'Progressing')!.message).toContain('register graph-data-0 as SYNC');
});

test('unknown view: keeps the last known topology, conditions Unknown', () => {
  const before = status(healthy());
  const s = status({ known: false, reason: 'the coordinator knows no ready leader' }, {}, before);
  expect(s.phase).toBe(PHASES.waiting);
  expect(s.currentMain).toBe('graph-data-0');
  expect(conditions(s)).toEqual({
    Ready: 'False ClusterStateUnknown',
    Available: 'Unknown ClusterStateUnknown',
    Degraded: 'Unknown ClusterStateUnknown',
    Progressing: 'Unknown ClusterStateUnknown',
  });
});

test('switchover: target vs current tracked until done, then Completed', () => {
  const spec = { switchover: { target: 'graph-data-1' } };
  const s = status(healthy(), spec);
  expect(s).toMatchObject({ phase: PHASES.switchover, currentMain: 'graph-data-0', targetMain: 'graph-data-1', switchover: { target: 'graph-data-1', phase: 'Pending' } });
  const done = edit(edit(healthy(), 'graph-data-0', { role: 'replica' }), 'graph-data-1', { role: 'main' });
  const after = status(done, spec, s);
  expect(after).toMatchObject({ phase: PHASES.healthy, currentMain: 'graph-data-1', switchover: { target: 'graph-data-1', phase: 'Completed' } });
  expect(after.targetMain).toBeUndefined();
  // A later failover back to graph-data-0 does not reopen it.
  expect(status(healthy(), spec, after).switchover).toEqual({ target: 'graph-data-1', phase: 'Completed' });
});

test('a waiting switchover says why', () => {
  const s = status(edit(healthy(), 'graph-data-1', { lagTxns: 9 }), { switchover: { target: 'graph-data-1' } });
  expect(s.switchover).toEqual({ target: 'graph-data-1', phase: 'Pending', message: 'switchover target graph-data-1 is 9 transactions behind (at most 0 allowed)' });
});

test('scaling in: Scaling while the StatefulSet still keeps the old pod', () => {
  const s = status(healthy(3), { data: { replicas: 2 } }, undefined, 3);
  expect(s.phase).toBe(PHASES.scaling);
  expect(s.replicas).toBe(3);
  expect(s.phaseReason).toBe('unregister graph-data-2');
});

test('the last failover comes from the coordinators and is kept', () => {
  const lastFailover = { at: T0, from: 'graph-data-0', to: 'graph-data-1' };
  const s = status({ ...healthy(), lastFailover });
  expect(s.lastFailover).toEqual(lastFailover);
  expect(status(healthy(), {}, s).lastFailover).toEqual(lastFailover);
});

test('an invalid spec: phase and Ready name the field; the rest stays', () => {
  const before = status(healthy());
  const s = invalidStatus(before, 2, [{ field: 'spec.coordinators.replicas', message: 'must be odd' }], T1);
  expect(s).toMatchObject({ phase: PHASES.invalid, phaseReason: 'spec.coordinators.replicas: must be odd', observedGeneration: 2, currentMain: 'graph-data-0' });
  expect(conditions(s)).toEqual({ Ready: 'False InvalidSpec', Available: 'True MainAvailable', Degraded: 'True InvalidSpec', Progressing: 'False InvalidSpec' });
  expect(s.conditions!.every((c) => c.observedGeneration === 2)).toBe(true);
});

test('reasons are CamelCase phases', () => {
  expect(phaseReasonCode(PHASES.switchover)).toBe('SwitchoverInProgress');
  expect(phaseReasonCode(PHASES.splitBrain)).toBe('MoreThanOneMAIN');
});
