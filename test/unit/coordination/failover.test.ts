import { apply, initialClusterState } from '../../../dataplane/coordination/cluster-state.js';
import { chooseNewMain, failoverCommand, needsFailover, type Position } from '../../../dataplane/coordination/failover.js';
import type { ClusterState, Health, ReplicationMode } from '../../../dataplane/coordination/types.js';
import { bootstrap, down, healthOf, up } from './fixtures.js';

const pos = (lastCommitTs: number, epochId = 'e1', history: Position['history'] = []): Position => ({ epochId, lastCommitTs, history });

function withSettings(state: ClusterState, settings: Record<string, string>): ClusterState {
  for (const [name, value] of Object.entries(settings)) state = apply(state, { kind: 'SetCoordinatorSetting', name, value }).state;
  return state;
}

describe('when to fail over', () => {
  const s = bootstrap();
  const allUp = healthOf({ instance_1: up(), instance_2: up(), instance_3: up() });
  const mainDown = healthOf({ instance_1: up(), instance_2: up(), instance_3: down() });

  test.each<[string, ClusterState, ReadonlyMap<string, Health>, Parameters<typeof needsFailover>[2], boolean]>([
    ['MAIN down at a health check', s, mainDown, 'health_check', true],
    ['MAIN up at a health check', s, allUp, 'health_check', false],
    ['a replica down does not trigger', s, healthOf({ instance_1: down(), instance_2: up(), instance_3: up() }), 'health_check', false],
    ['leader start keeps an existing MAIN (YIELD LEADERSHIP)', s, allUp, 'leader_start', false],
    ['force reset keeps an existing MAIN', s, allUp, 'force_reset', false],
    ['leader start without MAIN elects one', apply(s, { kind: 'DemoteInstance', name: 'instance_3' }).state, allUp, 'leader_start', true],
    ['after DEMOTE, health checks do not elect a MAIN', apply(s, { kind: 'DemoteInstance', name: 'instance_3' }).state, allUp, 'health_check', false],
    ['a refused promotion retries failover', s, allUp, 'promotion_failed', true],
  ])('%s', (_what, state, health, occasion, expected) => {
    expect(needsFailover(state, health, occasion)).toBe(expected);
  });

  test('an empty cluster never fails over', () => {
    expect(needsFailover(initialClusterState(), new Map(), 'leader_start')).toBe(false);
  });
});

describe('choosing the new MAIN', () => {
  const three = (modes: ReplicationMode[] = ['sync', 'sync', 'sync']) => bootstrap(modes, 3);
  const mainDown = healthOf({ instance_1: up(), instance_2: up(), instance_3: down() });

  test('the most up-to-date replica wins', () => {
    const d = chooseNewMain({ state: three(), health: mainDown, positions: new Map([['instance_1', pos(5)], ['instance_2', pos(9)]]), mainCommittedTxns: 9 });
    expect(d).toMatchObject({ kind: 'promote', name: 'instance_2', position: pos(9) });
    expect(d.excluded).toEqual([{ name: 'instance_3', reason: 'down' }]);
  });

  test('ties are won by name order (instance_1)', () => {
    const d = chooseNewMain({ state: three(), health: mainDown, positions: new Map([['instance_2', pos(7)], ['instance_1', pos(7)]]), mainCommittedTxns: null });
    expect(d).toMatchObject({ kind: 'promote', name: 'instance_1' });
  });

  test('replicas behind more than max_failover_replica_lag are not promoted', () => {
    const state = withSettings(three(), { max_failover_replica_lag: '3' });
    const positions = new Map([['instance_1', pos(6)], ['instance_2', pos(7)]]);
    expect(chooseNewMain({ state, health: mainDown, positions, mainCommittedTxns: 10 })).toMatchObject({
      kind: 'promote',
      name: 'instance_2',
      excluded: [{ name: 'instance_1', reason: 'lagging' }, { name: 'instance_3', reason: 'down' }],
    });
    expect(chooseNewMain({ state, health: mainDown, positions, mainCommittedTxns: 11 })).toMatchObject({ kind: 'none', reason: 'no_candidate' });
  });

  test('under sync_failover_only a SYNC replica the MAIN reported catching up is not promoted, however up to date it looks', () => {
    // instance_3 is the MAIN (down); instance_1 was restarted and is refilling after a forced resync.
    const positions = new Map([['instance_1', pos(40)], ['instance_2', pos(35)]]);
    expect(chooseNewMain({ state: three(), health: mainDown, positions, mainCommittedTxns: 50, mainInSync: new Set(['instance_2']) })).toMatchObject({
      kind: 'promote',
      name: 'instance_2',
      excluded: [{ name: 'instance_1', reason: 'not_in_sync' }, { name: 'instance_3', reason: 'down' }],
    });
    // Nobody in sync: the cluster waits for the MAIN rather than lose what it acknowledged.
    expect(chooseNewMain({ state: three(), health: mainDown, positions, mainCommittedTxns: 50, mainInSync: new Set() })).toMatchObject({ kind: 'none', reason: 'no_candidate' });
    // Unknown (a new leader) or sync_failover_only off: Memgraph's rule, the most committed wins.
    expect(chooseNewMain({ state: three(), health: mainDown, positions, mainCommittedTxns: 50, mainInSync: null })).toMatchObject({ kind: 'promote', name: 'instance_1' });
    const any = withSettings(three(), { sync_failover_only: 'false' });
    expect(chooseNewMain({ state: any, health: mainDown, positions, mainCommittedTxns: 50, mainInSync: new Set() })).toMatchObject({ kind: 'promote', name: 'instance_1' });
  });

  test('with no cached MAIN count (a new leader), lag excludes nobody', () => {
    const state = withSettings(three(), { max_failover_replica_lag: '0' });
    expect(chooseNewMain({ state, health: mainDown, positions: new Map([['instance_1', pos(1)]]), mainCommittedTxns: null })).toMatchObject({
      kind: 'promote',
      name: 'instance_1',
    });
  });

  test('sync_failover_only (default) skips ASYNC replicas, even more up-to-date ones', () => {
    const state = three(['sync', 'async', 'sync']);
    const positions = new Map([['instance_1', pos(3)], ['instance_2', pos(9)]]);
    expect(chooseNewMain({ state, health: mainDown, positions, mainCommittedTxns: null })).toMatchObject({
      kind: 'promote',
      name: 'instance_1',
      excluded: [{ name: 'instance_2', reason: 'async' }, { name: 'instance_3', reason: 'down' }],
    });
    const relaxed = withSettings(state, { sync_failover_only: 'false' });
    expect(chooseNewMain({ state: relaxed, health: mainDown, positions, mainCommittedTxns: null })).toMatchObject({ kind: 'promote', name: 'instance_2' });
  });

  test('only ASYNC replicas alive under sync_failover_only: no failover', () => {
    const state = three(['async', 'async', 'sync']);
    expect(
      chooseNewMain({ state, health: mainDown, positions: new Map([['instance_1', pos(3)], ['instance_2', pos(3)]]), mainCommittedTxns: null }),
    ).toMatchObject({ kind: 'none', reason: 'no_candidate' });
  });

  test('every data instance down: no failover (NO_INSTANCE_ALIVE)', () => {
    const health = healthOf({ instance_1: down(), instance_2: down(), instance_3: down() });
    expect(chooseNewMain({ state: three(), health, positions: new Map([['instance_1', pos(3)]]), mainCommittedTxns: null })).toEqual({
      kind: 'none',
      reason: 'no_instance_alive',
      excluded: [
        { name: 'instance_1', reason: 'down' },
        { name: 'instance_2', reason: 'down' },
        { name: 'instance_3', reason: 'down' },
      ],
    });
  });

  test('an up instance that did not answer the history request drops out', () => {
    const d = chooseNewMain({ state: three(), health: mainDown, positions: new Map([['instance_2', pos(1)]]), mainCommittedTxns: null });
    expect(d).toMatchObject({ kind: 'promote', name: 'instance_2', excluded: [{ name: 'instance_1', reason: 'unreachable' }, { name: 'instance_3', reason: 'down' }] });
  });

  test('a replica that missed an epoch but is the only live one becomes MAIN', () => {
    const health = healthOf({ instance_1: up(), instance_2: down(), instance_3: down() });
    expect(chooseNewMain({ state: three(), health, positions: new Map([['instance_1', pos(2, 'old-epoch')]]), mainCommittedTxns: 3 })).toMatchObject({
      kind: 'promote',
      name: 'instance_1',
    });
  });

  test('an old MAIN back on an epoch another candidate went past is not promoted, even with more commits', () => {
    // instance_3 was MAIN in e1 up to ts 10; instance_2 was promoted at e1:8 and committed up to 9 in e2,
    // acknowledged by instance_1 (SYNC). instance_2 is now down; instance_3 came back, not yet resynced.
    const state = apply(three(), { kind: 'Failover', name: 'instance_2', mainUuid: 'u2', at: 't' }).state;
    const health = healthOf({ instance_1: up(), instance_2: down(), instance_3: up() });
    const positions = new Map([
      ['instance_1', pos(9, 'e2', [{ epochId: 'e1', lastCommitTs: 8 }])],
      ['instance_3', pos(10, 'e1')],
    ]);
    expect(chooseNewMain({ state, health, positions, mainCommittedTxns: null })).toEqual({
      kind: 'promote',
      name: 'instance_1',
      position: pos(9, 'e2', [{ epochId: 'e1', lastCommitTs: 8 }]),
      excluded: [
        { name: 'instance_2', reason: 'down' },
        { name: 'instance_3', reason: 'stale_epoch' },
      ],
    });
  });

  test('the failover command carries the fresh UUID and the time; applying it re-points everyone', () => {
    const cmd = failoverCommand('instance_2', 'uuid-2', Date.UTC(2026, 11, 3, 6, 0, 0));
    expect(cmd).toEqual({ kind: 'Failover', name: 'instance_2', mainUuid: 'uuid-2', at: '2026-12-03T06:00:00.000Z' });
    const s = apply(three(), cmd).state;
    expect(s.lastFailover).toEqual({ at: '2026-12-03T06:00:00.000Z', from: 'instance_3', to: 'instance_2' });
    expect(s.instances.filter((i) => i.role === 'main').map((i) => i.name)).toEqual(['instance_2']);
  });
});
