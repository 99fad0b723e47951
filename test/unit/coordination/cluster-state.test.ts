import { apply, check, currentMain, initialClusterState, precheck } from '../../../dataplane/coordination/cluster-state.js';
import type { ClusterCommand, ClusterState } from '../../../dataplane/coordination/types.js';
import { addCoordinator, applyAll, bootstrap, register } from './fixtures.js';

const refusedWith = (state: ClusterState, command: ClusterCommand): string => {
  const r = apply(state, command);
  expect(r.state).toBe(state);
  if (!r.error) throw new Error(`expected ${command.kind} to be refused`);
  return r.error.message;
};

describe('registration', () => {
  test('a registered instance is a REPLICA following the current main UUID, in registration order', () => {
    const s = bootstrap();
    const r = apply(s, register(4, 'async'));
    expect(r.error).toBeNull();
    expect(r.state.instances.map((i) => [i.name, i.role, i.mode, i.mainUuid])).toEqual([
      ['instance_1', 'replica', 'sync', 'uuid-1'],
      ['instance_2', 'replica', 'sync', 'uuid-1'],
      ['instance_3', 'main', 'sync', 'uuid-1'],
      ['instance_4', 'replica', 'async', 'uuid-1'],
    ]);
    expect(r.state.revision).toBe(s.revision + 1);
  });

  test.each<[string, ClusterCommand, string]>([
    ['duplicate name', { ...register(5), name: 'instance_1' }, "Couldn't register replica instance since instance with such name already exists!"],
    [
      'duplicate management server',
      { ...register(5), managementServer: 'localhost:13011' },
      "Couldn't register replica instance since instance with such management server already exists!",
    ],
    [
      'duplicate replication server',
      { ...register(5), replicationServer: 'localhost:10002' },
      "Couldn't register replica instance since instance with such replication endpoint already exists!",
    ],
    [
      'STRICT_SYNC next to SYNC',
      register(5, 'strict_sync'),
      'Cluster cannot consists of both STRICT_SYNC and SYNC replicas. The valid cluster consists of either STRICT_SYNC and ASYNC or SYNC and ASYNC replicas.',
    ],
  ])('refused: %s', (_what, command, message) => {
    expect(refusedWith(bootstrap(), command)).toBe(message);
  });

  test('SYNC next to STRICT_SYNC is refused; ASYNC mixes with either', () => {
    const strict = applyAll([register(1, 'strict_sync'), register(2, 'async')]);
    expect(refusedWith(strict, register(3, 'sync'))).toMatch(/^Cluster cannot consists of both STRICT_SYNC and SYNC replicas\./);
    expect(apply(strict, register(3, 'strict_sync')).error).toBeNull();
    expect(apply(applyAll([register(1, 'sync')]), register(2, 'async')).error).toBeNull();
  });

  test('unregister removes the instance; an unknown name is refused', () => {
    const s = bootstrap();
    expect(apply(s, { kind: 'UnregisterInstance', name: 'instance_1' }).state.instances.map((i) => i.name)).toEqual(['instance_2', 'instance_3']);
    expect(refusedWith(s, { kind: 'UnregisterInstance', name: 'nope' })).toBe('No instance with such name!');
  });

  test('UPDATE CONFIG changes only bolt_server', () => {
    const s = apply(bootstrap(), { kind: 'UpdateInstanceConfig', name: 'instance_1', boltServer: 'ext.example:7687' }).state;
    expect(s.instances[0]).toMatchObject({ boltServer: 'ext.example:7687', managementServer: 'localhost:13011' });
    expect(refusedWith(s, { kind: 'UpdateInstanceConfig', name: 'nope', boltServer: 'x:1' })).toBe('No instance with such name!');
  });
});

describe('main, demotion, failover', () => {
  test('SET INSTANCE TO MAIN writes the fresh UUID to every instance', () => {
    const s = applyAll([register(1), register(2), { kind: 'SetInstanceToMain', name: 'instance_2', mainUuid: 'u-7' }]);
    expect(currentMain(s)?.name).toBe('instance_2');
    expect(s.mainUuid).toBe('u-7');
    expect(s.instances.every((i) => i.mainUuid === 'u-7')).toBe(true);
    expect(s.lastFailover).toBeNull();
  });

  test('a second SET INSTANCE TO MAIN is refused, before the name is looked up', () => {
    const s = bootstrap();
    for (const name of ['instance_1', 'nope']) {
      expect(refusedWith(s, { kind: 'SetInstanceToMain', name, mainUuid: 'u-2' })).toBe(
        "Couldn't set instance to main since there is already a main instance in cluster!",
      );
    }
    expect(refusedWith(initialClusterState(), { kind: 'SetInstanceToMain', name: 'nope', mainUuid: 'u' })).toBe('No instance with such name!');
  });

  test('DEMOTE leaves the cluster without MAIN (no automatic failover); switchover = DEMOTE + SET TO MAIN', () => {
    let s = apply(bootstrap(), { kind: 'DemoteInstance', name: 'instance_3' }).state;
    expect(currentMain(s)).toBeNull();
    expect(s.mainUuid).toBe('uuid-1');
    expect(refusedWith(s, { kind: 'DemoteInstance', name: 'instance_3' })).toBe('Instance instance_3 is already a replica!');
    expect(refusedWith(s, { kind: 'DemoteInstance', name: 'nope' })).toBe('No instance with such name!');
    s = apply(s, { kind: 'SetInstanceToMain', name: 'instance_1', mainUuid: 'uuid-2' }).state;
    expect(currentMain(s)?.name).toBe('instance_1');
  });

  test('failover promotes with a fresh UUID, re-points everyone and records from/to/at', () => {
    const s = apply(bootstrap(), { kind: 'Failover', name: 'instance_1', mainUuid: 'uuid-2', at: '2026-12-03T05:00:00.000Z' }).state;
    expect(s.instances.map((i) => [i.name, i.role, i.mainUuid])).toEqual([
      ['instance_1', 'main', 'uuid-2'],
      ['instance_2', 'replica', 'uuid-2'],
      ['instance_3', 'replica', 'uuid-2'],
    ]);
    expect(s.lastFailover).toEqual({ at: '2026-12-03T05:00:00.000Z', from: 'instance_3', to: 'instance_1' });
  });

  test('failover without a previous MAIN records from = null', () => {
    const s = applyAll([register(1), { kind: 'Failover', name: 'instance_1', mainUuid: 'u', at: 't' }]);
    expect(s.lastFailover).toEqual({ at: 't', from: null, to: 'instance_1' });
  });
});

describe('coordinators and settings', () => {
  test.each<[string, ClusterCommand, string]>([
    ['duplicate id', { ...addCoordinator(4), id: 1 }, "Couldn't add coordinator since instance with such id already exists!"],
    [
      'duplicate management server',
      { ...addCoordinator(4), managementServer: 'localhost:12121' },
      "Couldn't add coordinator since instance with such management endpoint already exists!",
    ],
    [
      'duplicate coordinator server',
      { ...addCoordinator(4), coordinatorServer: 'localhost:10112' },
      "Couldn't add coordinator since instance with such coordinator server already exists!",
    ],
    ['remove unknown', { kind: 'RemoveCoordinator', id: 9 }, "Couldn't remove coordinator instance because coordinator with id 9 doesn't exist!"],
  ])('refused: %s', (_what, command, message) => {
    expect(refusedWith(bootstrap(), command)).toBe(message);
  });

  test('remove and update a coordinator', () => {
    let s = apply(bootstrap(), { kind: 'RemoveCoordinator', id: 2 }).state;
    expect(s.coordinators.map((c) => c.id)).toEqual([1, 3]);
    s = apply(s, { kind: 'UpdateCoordinatorConfig', id: 3, boltServer: 'lb:7687' }).state;
    expect(s.coordinators[1]?.boltServer).toBe('lb:7687');
  });

  test('settings change through apply; refusals keep the state', () => {
    const s = bootstrap();
    const r = apply(s, { kind: 'SetCoordinatorSetting', name: 'enabled_reads_on_main', value: 'true' });
    expect(r.state.settings.enabled_reads_on_main).toBe(true);
    expect(refusedWith(s, { kind: 'SetCoordinatorSetting', name: 'no_such_setting', value: '1' })).toBe(
      "Setting no_such_setting doesn't exist on coordinators.",
    );
    expect(refusedWith(s, { kind: 'SetCoordinatorSetting', name: 'global_read_only', value: 'maybe' })).toBe(
      'Invalid argument detected while trying to update setting global_read_only',
    );
  });
});

describe('leader-side prechecks', () => {
  const s = bootstrap();
  const view = (upNames: string[], leaderId = 1) => ({ isUp: (n: string) => upNames.includes(n), leaderId });

  test('an alive MAIN cannot be unregistered', () => {
    expect(precheck(s, { kind: 'UnregisterInstance', name: 'instance_3' }, view(['instance_3']))?.message).toBe(
      "Alive main instance can't be unregistered! Shut it down to trigger failover and then unregister it!",
    );
  });

  test('a replica cannot be unregistered while the MAIN is down', () => {
    expect(precheck(s, { kind: 'UnregisterInstance', name: 'instance_1' }, view(['instance_1']))?.message).toBe(
      'The replica cannot be unregisted because the current main is down. Retry when the cluster has an active leader!',
    );
    expect(precheck(s, { kind: 'UnregisterInstance', name: 'instance_1' }, view(['instance_3']))).toBeNull();
  });

  test('the leader cannot remove itself', () => {
    expect(precheck(s, { kind: 'RemoveCoordinator', id: 1 }, view([], 1))?.message).toBe(
      'Request for removing coordinator 1 failed because the current leader cannot be removed!',
    );
    expect(precheck(s, { kind: 'RemoveCoordinator', id: 3 }, view([], 1))).toBeNull();
  });

  test('check = precheck, then apply as a dry run', () => {
    expect(check(s, register(1), view([]))?.message).toBe("Couldn't register replica instance since instance with such name already exists!");
    expect(check(s, register(4, 'async'), view([]))).toBeNull();
  });
});
