import { planPodLabels, type ObservedPod } from '../../../../operator/controller/labels.js';
import type { KnownView } from '../../../../operator/controller/view.js';
import { cluster } from '../fixtures.js';
import { edit, healthy } from './views.js';

const dataPod = (o: number, role?: string): ObservedPod => ({ name: `graph-data-${o}`, component: 'data', labels: role ? { 'mgha.io/role': role } : {} });
const coordPod = (o: number, role?: string): ObservedPod => ({ name: `graph-coord-${o}`, component: 'coordinator', labels: role ? { 'mgha.io/coordinator-role': role } : {} });
const labelled = [dataPod(0, 'main'), dataPod(1, 'replica'), coordPod(0, 'leader'), coordPod(1, 'follower'), coordPod(2, 'follower')];

test('new pods get role labels from the view', () => {
  const p = planPodLabels(cluster(), [dataPod(0), dataPod(1), coordPod(0), coordPod(1), coordPod(2)], healthy());
  expect(p.changes).toEqual([
    { pod: 'graph-data-1', labels: { 'mgha.io/role': 'replica' } },
    { pod: 'graph-coord-0', labels: { 'mgha.io/coordinator-role': 'leader' } },
    { pod: 'graph-coord-1', labels: { 'mgha.io/coordinator-role': 'follower' } },
    { pod: 'graph-coord-2', labels: { 'mgha.io/coordinator-role': 'follower' } },
    { pod: 'graph-data-0', labels: { 'mgha.io/role': 'main' } },
  ]);
  expect(p.splitBrain).toEqual([]);
});

test('labels that already match: no change', () => {
  expect(planPodLabels(cluster(), labelled, healthy()).changes).toEqual([]);
});

test('a MAIN that is down leaves every role Service at once, before failover', () => {
  expect(planPodLabels(cluster(), labelled, edit(healthy(), 'graph-data-0', { health: 'down' })).changes).toEqual([
    { pod: 'graph-data-0', labels: { 'mgha.io/role': 'unhealthy' } },
  ]);
});

test('failover: the old MAIN loses the label before the new one gets it', () => {
  const view = edit(edit(healthy(), 'graph-data-0', { role: 'replica', health: 'down' }), 'graph-data-1', { role: 'main' });
  expect(planPodLabels(cluster(), labelled, view).changes).toEqual([
    { pod: 'graph-data-0', labels: { 'mgha.io/role': 'unhealthy' } },
    { pod: 'graph-data-1', labels: { 'mgha.io/role': 'main' } },
  ]);
});

test('the old MAIN back as a healthy replica', () => {
  const view = edit(edit(healthy(), 'graph-data-0', { role: 'replica' }), 'graph-data-1', { role: 'main' });
  const pods = [dataPod(0, 'unhealthy'), dataPod(1, 'main')];
  expect(planPodLabels(cluster(), pods, view).changes).toEqual([{ pod: 'graph-data-0', labels: { 'mgha.io/role': 'replica' } }]);
});

test('fail closed: two MAINs, neither is labelled main', () => {
  const p = planPodLabels(cluster(), labelled, edit(healthy(), 'graph-data-1', { role: 'main' }));
  expect(p.splitBrain).toEqual(['graph-data-0', 'graph-data-1']);
  expect(p.changes).toEqual([
    { pod: 'graph-data-0', labels: { 'mgha.io/role': 'unhealthy' } },
    { pod: 'graph-data-1', labels: { 'mgha.io/role': 'unhealthy' } },
  ]);
});

test('unknown view: nothing changes, not even for a new pod', () => {
  expect(planPodLabels(cluster(), [...labelled, dataPod(2)], { known: false, reason: 'x' })).toEqual({ changes: [], splitBrain: [] });
});

test('a pod whose instance is not registered carries no role', () => {
  expect(planPodLabels(cluster(), [dataPod(2, 'replica')], healthy()).changes).toEqual([{ pod: 'graph-data-2', labels: { 'mgha.io/role': null } }]);
});

test('coordinators matched by id when the view names them coordinator_<id> (SHOW INSTANCES)', () => {
  const v = healthy();
  const view: KnownView = { ...v, coordinators: v.coordinators.map((c) => ({ ...c, name: `coordinator_${c.id}`, role: c.id === 2 ? 'leader' : 'follower' })) };
  expect(planPodLabels(cluster(), labelled, view).changes).toEqual([
    { pod: 'graph-coord-0', labels: { 'mgha.io/coordinator-role': 'follower' } },
    { pod: 'graph-coord-1', labels: { 'mgha.io/coordinator-role': 'leader' } },
  ]);
});
