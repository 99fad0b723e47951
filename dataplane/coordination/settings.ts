// Coordinator settings as `SET COORDINATOR SETTING 'name' TO 'value'` takes them and
// `SHOW COORDINATOR SETTINGS` prints them (reference §3.4): the two routing/failover flags
// accept anything (only a case-insensitive "true" is true), `global_read_only` only
// true/false, the rest unsigned integers; the health-check frequency must be at least 1.

import { Texts, refusal } from './messages.js';
import { SETTING_NAMES, UINT64_MAX, type CoordinatorSettings, type SettingName } from './types.js';
import type { MghaError } from '../errors.js';

export type ParsedSetting = { [K in SettingName]: { name: K; value: CoordinatorSettings[K] } }[SettingName];

export function isSettingName(name: string): name is SettingName {
  return (SETTING_NAMES as readonly string[]).includes(name);
}

const UNSIGNED = /^[0-9]+$/;

function unsigned(value: string): bigint | null {
  if (!UNSIGNED.test(value)) return null;
  const n = BigInt(value);
  return n <= UINT64_MAX ? n : null;
}

/** Settings held as JS numbers must stay exact. */
function smallUnsigned(value: string, min: number): number | null {
  const n = unsigned(value);
  if (n === null || n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(min)) return null;
  return Number(n);
}

/** The typed value of a setting, or Memgraph's refusal. */
export function parseSetting(name: string, value: string): ParsedSetting | MghaError {
  if (!isSettingName(name)) return refusal(Texts.unknownSetting(name));
  const invalid = refusal(Texts.invalidSetting(name));
  switch (name) {
    case 'enabled_reads_on_main':
    case 'sync_failover_only':
      return { name, value: value.toLowerCase() === 'true' };
    case 'global_read_only': {
      const v = value.toLowerCase();
      if (v !== 'true' && v !== 'false') return invalid;
      return { name, value: v === 'true' };
    }
    case 'max_failover_replica_lag':
    case 'max_replica_read_lag': {
      const n = unsigned(value);
      return n === null ? invalid : { name, value: n };
    }
    case 'instance_health_check_frequency_sec': {
      const n = smallUnsigned(value, 1);
      return n === null ? invalid : { name, value: n };
    }
    case 'deltas_batch_progress_size':
    case 'instance_down_timeout_sec': {
      const n = smallUnsigned(value, 0);
      return n === null ? invalid : { name, value: n };
    }
  }
}

export function withSetting(settings: CoordinatorSettings, parsed: ParsedSetting): CoordinatorSettings {
  return { ...settings, [parsed.name]: parsed.value };
}

/** `setting_value` as `SHOW COORDINATOR SETTINGS` prints it. */
export function settingText(settings: CoordinatorSettings, name: SettingName): string {
  return String(settings[name]);
}
