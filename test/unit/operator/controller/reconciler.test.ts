import { AdminStatementError, PROGRESS_MS, RESYNC_MS, reconcile, type ReconcileDeps } from '../../../../operator/controller/reconciler.js';
import { PHASES } from '../../../../operator/controller/status.js';
import { DEFAULT_CONTEXT } from '../../../../operator/resources/context.js';
import type { V1StatefulSet } from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import { clusterMetrics } from '../../../../operator/controller/cluster-metrics.js';
import { FakeApi, FakeCoordinators } from './fakes.js';

const manifest = (spec: Record<string, unknown> = {}) => ({
  apiVersion: 'mgha.io/v1alpha1',
  kind: 'MemgraphCluster',
  metadata: { name: 'graph', namespace: 'ns', uid: 'uid-1', generation: 1 },
  spec: { image: 'mgha:1', ...spec },
});

function setup(spec: Record<string, unknown> = {}) {
  const api = new FakeApi(manifest(spec));
  const coordinators = new FakeCoordinators();
  let t = Date.parse('2026-12-03T05:00:00Z');
  const registry = new Registry();
  const deps: ReconcileDeps = { api, coordinators: () => coordinators, metrics: clusterMetrics(registry), ctx: DEFAULT_CONTEXT, now: () => new Date((t += 1000)) };
  return { api, coordinators, registry, run: () => reconcile(deps, 'ns', 'graph') };
}

async function settle(run: () => Promise<unknown>, times = 5): Promise<void> {
  for (let i = 0; i < times; i++) await run();
}

test('a new cluster: objects applied, bootstrapped with no manual query, labelled, Healthy', async () => {
  const { api, coordinators, run } = setup();
  expect(await run()).toEqual({ requeueAfterMs: 1000 });
  expect([...api.applied.keys()]).toEqual([
    'ConfigMap/graph-config',
    'Service/graph-data-hl',
    'Service/graph-coord-hl',
    'Service/graph',
    'Service/graph-rw',
    'Service/graph-ro',
    'Service/graph-r',
    'StatefulSet/graph-coord',
    'StatefulSet/graph-data',
    'PodDisruptionBudget/graph-coord',
    'PodDisruptionBudget/graph-data',
  ]);
  expect(coordinators.ran.map((a) => a.kind)).toEqual(['addCoordinator', 'addCoordinator', 'addCoordinator', 'registerInstance', 'registerInstance']);
  await settle(run);
  expect(coordinators.ran.filter((a) => a.kind === 'setInstanceToMain')).toEqual([{ kind: 'setInstanceToMain', name: 'graph-data-0' }]);
  expect(api.podLabels.get('graph-data-0')).toEqual({ 'mgha.io/role': 'main' });
  expect(api.podLabels.get('graph-data-1')).toEqual({ 'mgha.io/role': 'replica' });
  expect(api.podLabels.get('graph-coord-0')).toEqual({ 'mgha.io/coordinator-role': 'leader' });
  expect(api.cluster!.status).toMatchObject({ phase: PHASES.healthy, currentMain: 'graph-data-0', readyInstances: 2 });
  expect(api.reasons()).toEqual(['CoordinatorAdded', 'CoordinatorAdded', 'CoordinatorAdded', 'InstanceRegistered', 'InstanceRegistered', 'MainSet']);
  expect(await run()).toEqual({ requeueAfterMs: RESYNC_MS });
});

test('steady state writes nothing: no statements, no status patch', async () => {
  const { api, coordinators, run } = setup();
  await settle(run);
  const [ran, patches, events] = [coordinators.ran.length, api.statusPatches, api.events.length];
  await settle(run, 3);
  expect([coordinators.ran.length, api.statusPatches, api.events.length]).toEqual([ran, patches, events]);
});

test('leader unreachable: nothing registered, nothing relabelled, status says why, retried soon', async () => {
  const { api, coordinators, run } = setup();
  await settle(run);
  coordinators.reachable = false;
  const ran = coordinators.ran.length;
  expect(await run()).toEqual({ requeueAfterMs: PROGRESS_MS });
  expect(coordinators.ran.length).toBe(ran);
  expect(api.podLabels.get('graph-data-0')).toEqual({ 'mgha.io/role': 'main' });
  expect(api.cluster!.status).toMatchObject({ phase: PHASES.waiting, currentMain: 'graph-data-0' });
});

test('a failover the coordinators made: labels and status follow, with a MainChanged event', async () => {
  const { api, coordinators, run } = setup();
  await settle(run);
  coordinators.state.instances[0] = { ...coordinators.state.instances[0], role: 'replica', health: 'down' };
  coordinators.state.instances[1] = { ...coordinators.state.instances[1], role: 'main' };
  coordinators.state.lastFailover = { at: '2026-12-03T05:10:00Z', from: 'graph-data-0', to: 'graph-data-1' };
  await run();
  expect(api.podLabels.get('graph-data-0')).toEqual({ 'mgha.io/role': 'unhealthy' });
  expect(api.podLabels.get('graph-data-1')).toEqual({ 'mgha.io/role': 'main' });
  expect(api.cluster!.status).toMatchObject({ currentMain: 'graph-data-1', lastFailover: { to: 'graph-data-1' } });
  expect(api.events.at(-1)).toEqual({ type: 'Normal', reason: 'MainChanged', message: 'MAIN moved from graph-data-0 to graph-data-1' });
});

test('two MAINs: neither labelled main, one Warning event, Degraded', async () => {
  const { api, coordinators, run } = setup();
  await settle(run);
  coordinators.state.instances[1] = { ...coordinators.state.instances[1], role: 'main' };
  await run();
  await run();
  expect(api.podLabels.get('graph-data-0')).toEqual({ 'mgha.io/role': 'unhealthy' });
  expect(api.podLabels.get('graph-data-1')).toEqual({ 'mgha.io/role': 'unhealthy' });
  expect(api.events.filter((e) => e.reason === 'MultipleMains')).toHaveLength(1);
  expect(api.cluster!.status!.conditions!.find((c) => c.type === 'Degraded')).toMatchObject({ status: 'True', reason: 'MultipleMains' });
});

test('switchover from the spec: DEMOTE then SET, status Completed', async () => {
  const { api, coordinators, run } = setup();
  await settle(run);
  api.editSpec((s) => (s.switchover = { target: 'graph-data-1' }));
  await settle(run, 3);
  expect(coordinators.ran.slice(-2)).toEqual([{ kind: 'demoteInstance', name: 'graph-data-0' }, { kind: 'setInstanceToMain', name: 'graph-data-1' }]);
  expect(api.cluster!.status).toMatchObject({ currentMain: 'graph-data-1', switchover: { target: 'graph-data-1', phase: 'Completed' }, observedGeneration: 2 });
  expect(api.podLabels.get('graph-data-1')).toEqual({ 'mgha.io/role': 'main' });
});

test('scale in 3 → 2: unregister first, the StatefulSet shrinks after', async () => {
  const { api, coordinators, run } = setup({ data: { replicas: 3 } });
  await settle(run);
  api.editSpec((s) => (s.data = { replicas: 2 }));
  await run();
  expect(coordinators.ran.at(-1)).toEqual({ kind: 'unregisterInstance', name: 'graph-data-2' });
  expect((api.applied.get('StatefulSet/graph-data') as V1StatefulSet).spec!.replicas).toBe(3);
  await run();
  expect((api.applied.get('StatefulSet/graph-data') as V1StatefulSet).spec!.replicas).toBe(2);
  expect(api.cluster!.status).toMatchObject({ phase: PHASES.healthy, replicas: 2 });
});

test('an invalid spec: nothing applied, status and one event name the field', async () => {
  const { api, coordinators, run } = setup({ coordinators: { replicas: 4 } });
  expect(await run()).toEqual({});
  await run();
  expect(api.applied.size).toBe(0);
  expect(coordinators.ran).toEqual([]);
  expect(api.cluster!.status).toMatchObject({ phase: PHASES.invalid, phaseReason: expect.stringContaining('spec.coordinators.replicas: must be odd') });
  expect(api.events.filter((e) => e.reason === 'InvalidSpec')).toHaveLength(1);
});

test('a storage class change is refused against what the StatefulSet holds (no CEL needed)', async () => {
  const { api, run } = setup({ data: { storage: { storageClassName: 'fast' } } });
  await settle(run);
  api.editSpec((s) => (s.data = { storage: { storageClassName: 'slow' } }));
  await run();
  expect(api.cluster!.status!.phaseReason).toBe('spec.data.storage: storage is immutable: a StatefulSet cannot change its volume claim templates');
  const sts = api.applied.get('StatefulSet/graph-data') as V1StatefulSet;
  expect(sts.spec!.volumeClaimTemplates![0].spec!.storageClassName).toBe('fast');
});

test('a failing statement: Warning event, status still written, the error reaches the queue', async () => {
  const { api, coordinators, run } = setup();
  coordinators.failOn = 'registerInstance';
  await expect(run()).rejects.toThrow(AdminStatementError);
  expect(api.events.at(-1)).toMatchObject({ type: 'Warning', reason: 'AdminStatementFailed', message: expect.stringContaining('Writing to Raft log failed') });
  expect(api.cluster!.status!.phase).toBe(PHASES.settingUp);
});

test('coordinator settings are re-applied when they drift (e.g. after an upgrade)', async () => {
  const { coordinators, run } = setup({ coordinatorSettings: { instanceDownTimeoutSec: 3 } });
  await settle(run);
  expect(coordinators.settingsState).toEqual({ instance_down_timeout_sec: '3' });
  coordinators.settingsState = { instance_down_timeout_sec: '5' };
  await run();
  expect(coordinators.settingsState).toEqual({ instance_down_timeout_sec: '3' });
});

test('a deleted cluster: nothing to do', async () => {
  const { api, run } = setup();
  api.cluster = null;
  expect(await run()).toEqual({});
});

test('a new image rolls the pods in ISSU order: replica, switchover, old MAIN, coordinator followers, leader', async () => {
  const { api, coordinators, run } = setup();
  await settle(run);
  for (const i of coordinators.state.instances) i.lagTxns = 0;
  api.editSpec((s) => (s.image = 'mgha:2'));
  api.updateRevision.set('graph-data', 'r2');
  api.updateRevision.set('graph-coord', 'r2');
  // The fake coordinators do not fail over on a pod deletion; a deleted pod comes back at once.
  await settle(run, 8);
  expect(api.deleted).toEqual(['graph-data-1', 'graph-data-0', 'graph-coord-2', 'graph-coord-1', 'graph-coord-0']);
  expect(coordinators.ran.slice(-2)).toEqual([{ kind: 'demoteInstance', name: 'graph-data-0' }, { kind: 'setInstanceToMain', name: 'graph-data-1' }]);
  expect(api.reasons().filter((r) => r === 'UpgradingPod' || r === 'UpgradeSwitchover')).toEqual(['UpgradingPod', 'UpgradeSwitchover', 'UpgradingPod', 'UpgradingPod', 'UpgradingPod', 'UpgradingPod']);
  expect(api.cluster!.status).toMatchObject({ phase: PHASES.healthy, currentMain: 'graph-data-1' });
});

test('lag, health and MAIN are exported per instance; a removed instance and a deleted cluster leave no series', async () => {
  const { api, coordinators, registry, run } = setup({ data: { replicas: 3 } });
  await settle(run);
  coordinators.state.instances[2].lagTxns = 7;
  await run();
  const text = await registry.metrics();
  expect(text).toContain('mgha_cluster_replica_lag_transactions{namespace="ns",cluster="graph",instance="graph-data-2"} 7');
  expect(text).toContain('mgha_cluster_instance_is_main{namespace="ns",cluster="graph",instance="graph-data-0"} 1');
  expect(text).toContain('mgha_cluster_state_known{namespace="ns",cluster="graph"} 1');
  api.editSpec((s) => (s.data = { replicas: 2 }));
  await run();
  await run();
  expect(await registry.metrics()).not.toContain('instance="graph-data-2"');
  api.cluster = null;
  await run();
  expect(await registry.metrics()).not.toContain('cluster="graph"');
});
