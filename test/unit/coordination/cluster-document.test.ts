import { apply } from '../../../dataplane/coordination/cluster-state.js';
import { clusterDocumentBody, nextClusterDocument, type ClusterDocumentInput } from '../../../dataplane/coordination/cluster-document.js';
import { bootstrap, down, healthOf, up } from './fixtures.js';

const input = (patch: Partial<ClusterDocumentInput> = {}): ClusterDocumentInput => ({
  state: bootstrap(),
  leader: { id: 1, term: 7 },
  ready: true,
  coordinatorHealth: new Map([
    [2, up()],
    [3, down()],
  ]),
  instanceHealth: healthOf({ instance_1: up(120), instance_2: up(30), instance_3: up(5) }),
  committedTxns: new Map([
    ['instance_1', 1003],
    ['instance_2', 1000],
    ['instance_3', 1003],
  ]),
  ...patch,
});

describe('/v1/cluster', () => {
  test('the document has exactly the fields of DESIGN §4', () => {
    const doc = nextClusterDocument(null, clusterDocumentBody(input()));
    expect(doc).toEqual({
      version: 1,
      leader: { id: 1, name: 'coordinator_1', term: 7 },
      ready: true,
      main: 'instance_3',
      mainUuid: 'uuid-1',
      instances: [
        { name: 'instance_1', role: 'replica', health: 'up', mode: 'sync', boltServer: 'localhost:7687', lastResponseMs: 120, committedTxns: 1003, lagTxns: 0 },
        { name: 'instance_2', role: 'replica', health: 'up', mode: 'sync', boltServer: 'localhost:7688', lastResponseMs: 30, committedTxns: 1000, lagTxns: 3 },
        { name: 'instance_3', role: 'main', health: 'up', mode: 'sync', boltServer: 'localhost:7689', lastResponseMs: 5, committedTxns: 1003, lagTxns: 0 },
      ],
      coordinators: [
        { id: 1, name: 'coordinator_1', role: 'leader', health: 'up' },
        { id: 2, name: 'coordinator_2', role: 'follower', health: 'up' },
        { id: 3, name: 'coordinator_3', role: 'follower', health: 'down' },
      ],
      lastFailover: null,
    });
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  test('lagTxns is never negative (a replica ahead of a new MAIN); unknown counts are null', () => {
    const state = apply(bootstrap(), { kind: 'Failover', name: 'instance_2', mainUuid: 'u2', at: '2026-12-03T05:00:00.000Z' }).state;
    const body = clusterDocumentBody(input({ state, committedTxns: new Map([['instance_1', 1003], ['instance_2', 1000]]) }));
    expect(body.instances.map((i) => [i.name, i.committedTxns, i.lagTxns])).toEqual([
      ['instance_1', 1003, 0],
      ['instance_2', 1000, 0],
      ['instance_3', null, null],
    ]);
    expect(body.main).toBe('instance_2');
    expect(body.lastFailover).toEqual({ at: '2026-12-03T05:00:00.000Z', from: 'instance_3', to: 'instance_2' });
    const noMainCount = clusterDocumentBody(input({ committedTxns: new Map([['instance_1', 5]]) }));
    expect(noMainCount.instances[0]).toMatchObject({ committedTxns: 5, lagTxns: null });
  });

  test('no ready leader: ready false, health unknown (the operator must treat it as "retry", not as an empty cluster)', () => {
    const body = clusterDocumentBody(input({ leader: null, ready: false, coordinatorHealth: null, instanceHealth: null }));
    expect(body.ready).toBe(false);
    expect(body.leader).toBeNull();
    expect(body.instances.every((i) => i.health === 'unknown' && i.lastResponseMs === null)).toBe(true);
    expect(body.coordinators.every((c) => c.health === 'unknown' && c.role === 'follower')).toBe(true);
    expect(body.instances).toHaveLength(3);
  });

  test('version: unchanged when only lastResponseMs moved; +1 on any other change; never below minVersion', () => {
    const v1 = nextClusterDocument(null, clusterDocumentBody(input()));
    const later = clusterDocumentBody(input({ instanceHealth: healthOf({ instance_1: up(900), instance_2: up(800), instance_3: up(700) }) }));
    const same = nextClusterDocument(v1, later);
    expect(same.version).toBe(1);
    expect(same.instances[0]?.lastResponseMs).toBe(900);
    const mainDown = nextClusterDocument(same, clusterDocumentBody(input({ instanceHealth: healthOf({ instance_1: up(), instance_2: up(), instance_3: down() }) })));
    expect(mainDown.version).toBe(2);
    const failedOver = apply(bootstrap(), { kind: 'Failover', name: 'instance_1', mainUuid: 'u2', at: 't' }).state;
    expect(nextClusterDocument(mainDown, clusterDocumentBody(input({ state: failedOver }))).version).toBe(3);
    expect(nextClusterDocument(mainDown, clusterDocumentBody(input()), 50).version).toBe(50);
  });
});
