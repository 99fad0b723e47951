import { apply } from '../../../dataplane/coordination/cluster-state.js';
import { ClusterStateFormatError, decodeCommand, deserializeState, encodeCommand, serializeState } from '../../../dataplane/coordination/state-codec.js';
import type { ClusterCommand } from '../../../dataplane/coordination/types.js';
import { addCoordinator, applyAll, bootstrap, register } from './fixtures.js';

describe('determinism and encoding', () => {
  const commands: ClusterCommand[] = [
    addCoordinator(1),
    register(1),
    register(2, 'async'),
    { kind: 'SetInstanceToMain', name: 'instance_1', mainUuid: 'a' },
    { kind: 'SetCoordinatorSetting', name: 'max_replica_read_lag', value: '18446744073709551615' },
    { kind: 'SetCoordinatorSetting', name: 'max_failover_replica_lag', value: '42' },
    { kind: 'Failover', name: 'instance_2', mainUuid: 'b', at: '2026-01-01T00:00:00.000Z' },
    { kind: 'UpdateCoordinatorConfig', id: 1, boltServer: 'x:1' },
    { kind: 'DemoteInstance', name: 'instance_2' },
  ];

  test('replaying the same log from encoded entries gives the same state on every coordinator', () => {
    const a = applyAll(commands);
    const b = applyAll(commands.map((c) => decodeCommand(encodeCommand(c))));
    expect(b).toEqual(a);
  });

  test('a snapshot round-trips, uint64 settings included', () => {
    const s = applyAll(commands);
    const back = deserializeState(serializeState(s));
    expect(back).toEqual(s);
    expect(back.settings.max_replica_read_lag).toBe(18446744073709551615n);
    expect(back.settings.max_failover_replica_lag).toBe(42n);
  });

  test('apply does not mutate its input', () => {
    const s = bootstrap();
    const before = JSON.stringify(serializeState(s));
    apply(s, { kind: 'Failover', name: 'instance_1', mainUuid: 'z', at: 't' });
    expect(JSON.stringify(serializeState(s))).toBe(before);
  });

  test.each([
    ['not JSON', '{'],
    ['unknown kind', '{"kind":"Nope"}'],
    ['missing field', '{"kind":"RegisterInstance","name":"a"}'],
    ['bad mode', '{"kind":"RegisterInstance","name":"a","boltServer":"b","managementServer":"c","replicationServer":"d","mode":"SYNC"}'],
    ['id as string', '{"kind":"RemoveCoordinator","id":"1"}'],
  ])('a malformed log entry is rejected: %s', (_what, text) => {
    expect(() => decodeCommand(new TextEncoder().encode(text))).toThrow(ClusterStateFormatError);
  });

  test('a malformed snapshot is rejected', () => {
    expect(() => deserializeState(new TextEncoder().encode('{"revision":1}'))).toThrow(ClusterStateFormatError);
    const bad = JSON.parse(new TextDecoder().decode(serializeState(bootstrap())));
    bad.settings.global_read_only = 'maybe';
    expect(() => deserializeState(new TextEncoder().encode(JSON.stringify(bad)))).toThrow(ClusterStateFormatError);
  });
});
