import { buildServices } from '../../../../operator/resources/services.js';
import { cluster } from '../fixtures.js';

const byName = () => new Map(buildServices(cluster()).map((s) => [s.metadata!.name!, s]));
const tier = (component: string) => ({ 'mgha.io/cluster': 'graph', 'mgha.io/component': component });

test('the six Services of DESIGN §5', () => {
  expect([...byName().keys()]).toEqual(['graph-data-hl', 'graph-coord-hl', 'graph', 'graph-rw', 'graph-ro', 'graph-r']);
});

test('headless Services publish pods before they are ready, with every intra-cluster port', () => {
  const s = byName();
  for (const name of ['graph-data-hl', 'graph-coord-hl']) {
    expect(s.get(name)!.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
  }
  expect(s.get('graph-data-hl')!.spec!.selector).toEqual(tier('data'));
  expect(s.get('graph-data-hl')!.spec!.ports!.map((p) => [p.name, p.port])).toEqual([
    ['bolt', 7687],
    ['management', 10000],
    ['replication', 20000],
    ['metrics', 9091],
  ]);
  expect(s.get('graph-coord-hl')!.spec!.ports!.map((p) => p.name)).toEqual(['bolt', 'management', 'coordinator', 'metrics']);
});

test('`graph` is the coordinators Bolt entry point for routing drivers', () => {
  const s = byName().get('graph')!;
  expect(s.spec!.selector).toEqual(tier('coordinator'));
  expect(s.spec!.ports).toEqual([{ name: 'bolt', port: 7687, targetPort: 'bolt', protocol: 'TCP' }]);
  expect(s.metadata!.labels!['mgha.io/component']).toBe('coordinator');
});

test('-rw selects role=main, -ro role=replica, -r any data instance', () => {
  const s = byName();
  expect(s.get('graph-rw')!.spec!.selector).toEqual({ ...tier('data'), 'mgha.io/role': 'main' });
  expect(s.get('graph-ro')!.spec!.selector).toEqual({ ...tier('data'), 'mgha.io/role': 'replica' });
  expect(s.get('graph-r')!.spec!.selector).toEqual(tier('data'));
  for (const name of ['graph-rw', 'graph-ro', 'graph-r']) {
    expect(s.get(name)!.spec!.type).toBe('ClusterIP');
    expect(s.get(name)!.spec!.publishNotReadyAddresses).toBeUndefined();
  }
});

test('every Service is owned by the cluster and labelled', () => {
  for (const s of byName().values()) {
    expect(s.metadata!.ownerReferences![0].uid).toBe('uid-1');
    expect(s.metadata!.labels!['app.kubernetes.io/managed-by']).toBe('mgha-operator');
  }
});
