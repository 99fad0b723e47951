import { DEFAULT_CONTEXT } from '../../../../operator/resources/context.js';
import { buildCoordinatorPdb, buildDataPdb, raftMajority } from '../../../../operator/resources/pdb.js';
import { cluster } from '../fixtures.js';

test('the coordinator budget keeps a Raft majority', () => {
  expect([3, 5, 7].map(raftMajority)).toEqual([2, 3, 4]);
  const p = buildCoordinatorPdb(cluster({ coordinators: { replicas: 5 } }), DEFAULT_CONTEXT);
  expect(p.metadata!.name).toBe('graph-coord');
  expect(p.spec).toEqual({ minAvailable: 3, selector: { matchLabels: { 'mgha.io/cluster': 'graph', 'mgha.io/component': 'coordinator' } } });
});

test('the data budget lets a drain take one data instance at most', () => {
  expect(buildDataPdb(cluster(), DEFAULT_CONTEXT).spec!.minAvailable).toBe(1);
  expect(buildDataPdb(cluster({ data: { replicas: 4 } }), DEFAULT_CONTEXT).spec!.minAvailable).toBe(3);
  // While a scale-in keeps a pod still registered, the budget counts it.
  expect(buildDataPdb(cluster({ data: { replicas: 2 } }), DEFAULT_CONTEXT, 3).spec!.minAvailable).toBe(2);
});

test('the API version comes from discovery', () => {
  expect(buildDataPdb(cluster(), DEFAULT_CONTEXT).apiVersion).toBe('policy/v1');
  expect(buildDataPdb(cluster(), { ...DEFAULT_CONTEXT, pdbApiVersion: 'policy/v1beta1' }).apiVersion).toBe('policy/v1beta1');
});
