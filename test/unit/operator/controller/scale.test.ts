import { coordinatorReplicas, dataReplicas } from '../../../../operator/controller/scale.js';
import { cluster } from '../fixtures.js';
import { healthy } from './views.js';

test('scale out: the StatefulSet grows at once', () => {
  expect(dataReplicas(cluster({ data: { replicas: 4 } }), healthy(2), 2)).toBe(4);
  expect(coordinatorReplicas(cluster({ coordinators: { replicas: 5 } }), healthy(), 3)).toBe(5);
});

test('scale in: pods stay while their instance is still registered', () => {
  expect(dataReplicas(cluster({ data: { replicas: 2 } }), healthy(4), 4)).toBe(4);
  const v = healthy(4);
  expect(dataReplicas(cluster({ data: { replicas: 2 } }), { ...v, instances: v.instances.slice(0, 3) }, 4)).toBe(3);
  expect(dataReplicas(cluster({ data: { replicas: 2 } }), { ...v, instances: v.instances.slice(0, 2) }, 4)).toBe(2);
});

test('unknown view: never shrink', () => {
  expect(dataReplicas(cluster({ data: { replicas: 2 } }), { known: false, reason: 'x' }, 4)).toBe(4);
  expect(dataReplicas(cluster({ data: { replicas: 3 } }), { known: false, reason: 'x' }, undefined)).toBe(3);
  expect(coordinatorReplicas(cluster(), { known: false, reason: 'x' }, 5)).toBe(5);
});

test('coordinators: the highest id still in Raft keeps its pod', () => {
  const v = healthy();
  const five = { ...v, coordinators: [...v.coordinators, { id: 5, name: 'graph-coord-4', role: 'follower', health: 'up' }] };
  expect(coordinatorReplicas(cluster(), five, 5)).toBe(5);
});
