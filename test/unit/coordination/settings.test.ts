import { MghaError, Codes } from '../../../dataplane/errors.js';
import { parseSetting, settingText } from '../../../dataplane/coordination/settings.js';
import { DEFAULT_SETTINGS, SETTING_NAMES } from '../../../dataplane/coordination/types.js';

describe('coordinator settings', () => {
  test("defaults print as Memgraph's SHOW COORDINATOR SETTINGS, in Memgraph's order", () => {
    expect(SETTING_NAMES.map((n) => [n, settingText(DEFAULT_SETTINGS, n)])).toEqual([
      ['enabled_reads_on_main', 'false'],
      ['sync_failover_only', 'true'],
      ['max_failover_replica_lag', '18446744073709551615'],
      ['max_replica_read_lag', '18446744073709551615'],
      ['deltas_batch_progress_size', '100000'],
      ['instance_down_timeout_sec', '5'],
      ['instance_health_check_frequency_sec', '1'],
      ['global_read_only', 'false'],
    ]);
  });

  test.each([
    ['enabled_reads_on_main', 'true', true],
    ['enabled_reads_on_main', 'TRUE', true],
    ['enabled_reads_on_main', 'yes', false],
    ['sync_failover_only', 'False', false],
    ['sync_failover_only', 'anything', false],
    ['global_read_only', 'true', true],
    ['global_read_only', 'FALSE', false],
    ['max_failover_replica_lag', '0', 0n],
    ['max_failover_replica_lag', '18446744073709551615', 18446744073709551615n],
    ['max_replica_read_lag', '10', 10n],
    ['deltas_batch_progress_size', '5000', 5000],
    ['instance_down_timeout_sec', '1', 1],
    ['instance_health_check_frequency_sec', '1', 1],
  ] as const)('%s = %s is accepted as %p', (name, value, expected) => {
    expect(parseSetting(name, value)).toEqual({ name, value: expected });
  });

  test.each([
    ['global_read_only', 'maybe'],
    ['global_read_only', ''],
    ['instance_health_check_frequency_sec', '0'],
    ['instance_health_check_frequency_sec', '-1'],
    ['instance_down_timeout_sec', '1.5'],
    ['deltas_batch_progress_size', 'abc'],
    ['max_failover_replica_lag', '18446744073709551616'],
    ['max_replica_read_lag', '-3'],
  ])('%s = %p is refused with Memgraph\'s "Invalid argument" text', (name, value) => {
    const r = parseSetting(name, value);
    expect(r).toBeInstanceOf(MghaError);
    expect((r as MghaError).message).toBe(`Invalid argument detected while trying to update setting ${name}`);
    expect((r as MghaError).code).toBe(Codes.MemgraphClientError);
  });

  test('an unknown setting is refused with Memgraph\'s text', () => {
    expect((parseSetting('no_such_setting', '1') as MghaError).message).toBe("Setting no_such_setting doesn't exist on coordinators.");
  });
});
