import type { ObservedPod } from '../../../../operator/controller/labels.js';
import { planUpgrade, type UpgradeInput } from '../../../../operator/controller/upgrade.js';
import { cluster } from '../fixtures.js';
import { edit, healthy } from './views.js';

const pod = (name: string, revision: string, ready = true): ObservedPod => ({
  name,
  component: name.includes('-coord-') ? 'coordinator' : 'data',
  labels: {},
  revision,
  ready,
});
const pods = (data: string[], coord: string[]) => [
  ...data.map((r, i) => pod(`graph-data-${i}`, r)),
  ...coord.map((r, i) => pod(`graph-coord-${i}`, r)),
];
const input = (over: Partial<UpgradeInput>): UpgradeInput => ({
  cluster: cluster(),
  view: healthy(3),
  pods: pods(['new', 'new', 'new'], ['new', 'new', 'new']),
  dataRevision: 'new',
  coordinatorRevision: 'new',
  ...over,
});

test('all pods current: nothing to do', () => {
  expect(planUpgrade(input({}))).toEqual({ kind: 'none' });
});

test('replicas first, highest ordinal first, one at a time', () => {
  expect(planUpgrade(input({ pods: pods(['old', 'old', 'old'], ['old', 'old', 'old']) }))).toEqual({ kind: 'deletePod', pod: 'graph-data-2', reason: 'upgrade REPLICA graph-data-2' });
  expect(planUpgrade(input({ pods: pods(['old', 'old', 'new'], ['old', 'old', 'old']) }))).toMatchObject({ pod: 'graph-data-1' });
});

test('waits while a pod is not ready, a replica lags or is down, or a coordinator is down', () => {
  const p = pods(['old', 'old', 'new'], ['new', 'new', 'new']);
  p[2] = { ...p[2], ready: false };
  expect(planUpgrade(input({ pods: p }))).toEqual({ kind: 'wait', reason: 'upgrade waits for graph-data-2 to be ready' });
  expect(planUpgrade(input({ pods: pods(['old', 'old', 'new'], ['new', 'new', 'new']), view: edit(healthy(3), 'graph-data-2', { lagTxns: 3 }) }))).toEqual({
    kind: 'wait',
    reason: 'upgrade waits for graph-data-2 to be up and caught up',
  });
  const v = healthy(3);
  const coordDown = { ...v, coordinators: v.coordinators.map((c) => (c.id === 3 ? { ...c, health: 'down' } : c)) };
  expect(planUpgrade(input({ pods: pods(['old', 'old', 'new'], ['new', 'new', 'new']), view: coordDown }))).toMatchObject({ kind: 'wait', reason: 'upgrade waits for coordinators graph-coord-2' });
  expect(planUpgrade(input({ pods: pods(['old', 'new', 'new'], ['new', 'new', 'new']), view: { known: false, reason: 'no leader' } }))).toEqual({ kind: 'wait', reason: 'upgrade paused: no leader' });
});

test('only the MAIN left: switch over to an upgraded replica, then it goes as a replica', () => {
  expect(planUpgrade(input({ pods: pods(['old', 'new', 'new'], ['old', 'old', 'old']) }))).toEqual({ kind: 'switchover', from: 'graph-data-0', to: 'graph-data-1' });
  const after = edit(edit(healthy(3), 'graph-data-0', { role: 'replica' }), 'graph-data-1', { role: 'main' });
  expect(planUpgrade(input({ pods: pods(['old', 'new', 'new'], ['old', 'old', 'old']), view: after }))).toMatchObject({ kind: 'deletePod', pod: 'graph-data-0' });
});

test('data done: coordinator followers, then the leader last', () => {
  expect(planUpgrade(input({ pods: pods(['new', 'new', 'new'], ['old', 'old', 'old']) }))).toEqual({ kind: 'deletePod', pod: 'graph-coord-2', reason: 'upgrade coordinator follower graph-coord-2' });
  expect(planUpgrade(input({ pods: pods(['new', 'new', 'new'], ['old', 'new', 'new']) }))).toEqual({ kind: 'deletePod', pod: 'graph-coord-0', reason: 'upgrade the leader coordinator graph-coord-0 last' });
});

test('two MAINs: no upgrade step', () => {
  expect(planUpgrade(input({ pods: pods(['old', 'new', 'new'], ['new', 'new', 'new']), view: edit(healthy(3), 'graph-data-1', { role: 'main' }) }))).toEqual({
    kind: 'wait',
    reason: 'upgrade waits for exactly one MAIN',
  });
});
