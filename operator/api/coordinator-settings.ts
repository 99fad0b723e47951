// Spec coordinator settings ↔ Memgraph's setting names and string values
// (SET COORDINATOR SETTING '<name>' TO '<value>'; SHOW COORDINATOR SETTINGS gives strings).
import type { CoordinatorSettings } from './types.js';

export const SETTING_NAMES: Readonly<Record<keyof CoordinatorSettings, string>> = {
  instanceHealthCheckFrequencySec: 'instance_health_check_frequency_sec',
  instanceDownTimeoutSec: 'instance_down_timeout_sec',
  enabledReadsOnMain: 'enabled_reads_on_main',
  syncFailoverOnly: 'sync_failover_only',
  maxFailoverReplicaLag: 'max_failover_replica_lag',
  maxReplicaReadLag: 'max_replica_read_lag',
  deltasBatchProgressSize: 'deltas_batch_progress_size',
  globalReadOnly: 'global_read_only',
};

/** The settings the spec sets, as Memgraph names and values, in a stable order. */
export function settingEntries(settings: CoordinatorSettings | undefined): [string, string][] {
  if (!settings) return [];
  const out: [string, string][] = [];
  for (const key of Object.keys(SETTING_NAMES) as (keyof CoordinatorSettings)[]) {
    const value = settings[key];
    if (value !== undefined) out.push([SETTING_NAMES[key], String(value)]);
  }
  return out;
}
