import { ClusterDocError, parseClusterDoc } from '../../../../operator/controller/cluster-doc.js';
import { viewFromDoc, viewFromShowInstances, type ShowInstancesRow } from '../../../../operator/controller/view.js';

const doc = {
  version: 42,
  leader: { id: 1, name: 'graph-coord-0', term: 7 },
  ready: true,
  main: 'graph-data-1',
  mainUuid: 'u-1',
  instances: [
    { name: 'graph-data-0', role: 'replica', health: 'up', mode: 'sync', boltServer: 'a:7687', lastResponseMs: 120, committedTxns: 1003, lagTxns: 0 },
    { name: 'graph-data-1', role: 'main', health: 'up', mode: 'sync', boltServer: 'b:7687', lastResponseMs: 80, committedTxns: 1003, lagTxns: 0 },
  ],
  coordinators: [{ id: 1, name: 'graph-coord-0', role: 'leader', health: 'up' }],
  lastFailover: { at: '2026-12-03T05:00:00Z', from: 'graph-data-0', to: 'graph-data-1' },
};

describe('/v1/cluster', () => {
  test('the DESIGN §4 example parses field for field', () => {
    expect(parseClusterDoc(JSON.parse(JSON.stringify(doc)))).toEqual(doc);
  });

  test('null main and leader, no failover yet', () => {
    const d = parseClusterDoc({ ...doc, main: null, leader: null, lastFailover: null });
    expect(d.main).toBeNull();
    expect(d.leader).toBeNull();
    expect(d.lastFailover).toBeUndefined();
  });

  test.each([
    ['not an object', [], 'not a JSON object'],
    ['version missing', { ...doc, version: undefined }, 'version must be a number'],
    ['ready as a string', { ...doc, ready: 'yes' }, 'ready must be true or false'],
    ['instance without health', { ...doc, instances: [{ name: 'x', role: 'main' }] }, 'instances[0].health must be a string'],
    ['lag as a string', { ...doc, instances: [{ ...doc.instances[0], lagTxns: '0' }] }, 'instances[0].lagTxns must be a number'],
    ['coordinator id missing', { ...doc, coordinators: [{ name: 'c', role: 'leader', health: 'up' }] }, 'coordinators[0].id must be a number'],
    ['leader not an object', { ...doc, leader: 1 }, 'leader must be an object or null'],
  ])('malformed: %s', (_n, json, message) => {
    expect(() => parseClusterDoc(json)).toThrow(ClusterDocError);
    expect(() => parseClusterDoc(json)).toThrow(message);
  });

  test('ready: false is an unknown view, never an empty cluster', () => {
    const v = viewFromDoc(parseClusterDoc({ ...doc, ready: false, instances: [], coordinators: [] }));
    expect(v).toEqual({ known: false, reason: 'the coordinator knows no ready leader' });
  });

  test('a ready document becomes a known view with leader and last failover', () => {
    const v = viewFromDoc(parseClusterDoc(doc));
    expect(v).toMatchObject({ known: true, leader: 'graph-coord-0', lastFailover: doc.lastFailover });
    if (v.known) expect(v.instances.map((i) => [i.name, i.role, i.lagTxns])).toEqual([['graph-data-0', 'replica', 0], ['graph-data-1', 'main', 0]]);
  });
});

describe('SHOW INSTANCES', () => {
  const row = (over: Partial<ShowInstancesRow>): ShowInstancesRow => ({
    name: 'x',
    bolt_server: '',
    coordinator_server: '',
    management_server: '',
    health: 'up',
    role: 'replica',
    last_succ_resp_ms: 0,
    ...over,
  });

  test('zero rows with LeaderNotReachable is unknown', () => {
    expect(viewFromShowInstances([], ['LeaderNotReachable']).known).toBe(false);
    expect(viewFromShowInstances([], ['Neo.ClientNotification.Cluster.LeaderNotReachable']).known).toBe(false);
  });

  test('zero rows without the warning is a known, empty cluster', () => {
    expect(viewFromShowInstances([], [])).toEqual({ known: true, instances: [], coordinators: [] });
  });

  test('coordinator rows by id, data rows as instances, the leader found', () => {
    const v = viewFromShowInstances(
      [
        row({ name: 'coordinator_1', role: 'leader', bolt_server: 'c1:7687', coordinator_server: 'c1:12000' }),
        row({ name: 'coordinator_2', role: 'follower', health: 'down', coordinator_server: 'c2:12000' }),
        row({ name: 'graph-data-0', role: 'main', bolt_server: 'd0:7687' }),
      ],
      [],
    );
    expect(v).toEqual({
      known: true,
      leader: 'coordinator_1',
      coordinators: [
        { id: 1, name: 'coordinator_1', role: 'leader', health: 'up', boltServer: 'c1:7687' },
        { id: 2, name: 'coordinator_2', role: 'follower', health: 'down', boltServer: '' },
      ],
      instances: [{ name: 'graph-data-0', role: 'main', health: 'up', boltServer: 'd0:7687' }],
    });
  });
});
