import { clusterLabels, names, ordinalOf, podHost, podName } from '../../../../operator/resources/names.js';
import { cluster } from '../fixtures.js';

test('object names are exactly DESIGN §5', () => {
  expect(names('graph')).toEqual({
    dataStatefulSet: 'graph-data',
    coordStatefulSet: 'graph-coord',
    dataHeadless: 'graph-data-hl',
    coordHeadless: 'graph-coord-hl',
    routing: 'graph',
    readWrite: 'graph-rw',
    readOnly: 'graph-ro',
    read: 'graph-r',
    dataPdb: 'graph-data',
    coordPdb: 'graph-coord',
    config: 'graph-config',
    podMonitor: 'graph',
  });
});

test('labels on every object are exactly DESIGN §5', () => {
  expect(clusterLabels('graph', 'data')).toEqual({
    'app.kubernetes.io/name': 'mgha',
    'app.kubernetes.io/instance': 'graph',
    'app.kubernetes.io/managed-by': 'mgha-operator',
    'mgha.io/cluster': 'graph',
    'mgha.io/component': 'data',
  });
  expect(clusterLabels('graph')).not.toHaveProperty('mgha.io/component');
});

test('pod names, ordinals and DNS names', () => {
  expect(podName('graph', 'coordinator', 2)).toBe('graph-coord-2');
  expect(ordinalOf('graph', 'data', 'graph-data-12')).toBe(12);
  expect(ordinalOf('graph', 'data', 'graph-data-01')).toBeUndefined();
  expect(ordinalOf('graph', 'data', 'graph-coord-1')).toBeUndefined();
  expect(ordinalOf('graph', 'data', 'graph2-data-1')).toBeUndefined();
  expect(ordinalOf('graph', 'data', 'graph-data-')).toBeUndefined();
  expect(podHost(cluster(), 'data', 1, 'cluster.local')).toBe('graph-data-1.graph-data-hl.ns.svc.cluster.local');
});
