// Types of the coordinators' replicated state (reference §3.5): the data instances, the
// coordinators, the current main UUID, the settings, and the Raft log commands that change
// them. Declared before the code that moves them (cluster-state.ts applies the commands).

import type { ReplicationMode } from '../query/admin-ast.js';

export type { ReplicationMode };

/** The role Raft gives a data instance. A down instance keeps its Raft role. */
export type DataRole = 'main' | 'replica';

/** A data instance as `REGISTER INSTANCE` made it; addresses as registered (never resolved). */
export interface DataInstance {
  name: string;
  boltServer: string;
  managementServer: string;
  replicationServer: string;
  mode: ReplicationMode;
  role: DataRole;
  /** The main UUID this instance should hold (MAIN: its own; REPLICA: the one it follows). */
  mainUuid: string | null;
}

/** A coordinator as `ADD COORDINATOR` made it. */
export interface Coordinator {
  id: number;
  boltServer: string;
  coordinatorServer: string;
  managementServer: string;
}

/** Memgraph's coordinator settings (reference §3.4), typed. */
export interface CoordinatorSettings {
  enabled_reads_on_main: boolean;
  sync_failover_only: boolean;
  /** uint64; Memgraph's default is uint64 max. */
  max_failover_replica_lag: bigint;
  /** uint64; Memgraph's default is uint64 max. */
  max_replica_read_lag: bigint;
  deltas_batch_progress_size: number;
  instance_down_timeout_sec: number;
  instance_health_check_frequency_sec: number;
  global_read_only: boolean;
}

export type SettingName = keyof CoordinatorSettings;

export const UINT64_MAX = 18446744073709551615n;

/** Names in the order `SHOW COORDINATOR SETTINGS` prints them (Memgraph's order). */
export const SETTING_NAMES: readonly SettingName[] = [
  'enabled_reads_on_main',
  'sync_failover_only',
  'max_failover_replica_lag',
  'max_replica_read_lag',
  'deltas_batch_progress_size',
  'instance_down_timeout_sec',
  'instance_health_check_frequency_sec',
  'global_read_only',
];

export const DEFAULT_SETTINGS: Readonly<CoordinatorSettings> = Object.freeze({
  enabled_reads_on_main: false,
  sync_failover_only: true,
  max_failover_replica_lag: UINT64_MAX,
  max_replica_read_lag: UINT64_MAX,
  deltas_batch_progress_size: 100000,
  instance_down_timeout_sec: 5,
  instance_health_check_frequency_sec: 1,
  global_read_only: false,
});

export interface FailoverRecord {
  /** ISO 8601, chosen by the leader that failed over. */
  at: string;
  /** The MAIN that was lost (null when the cluster had none, e.g. a leader starting without one). */
  from: string | null;
  to: string;
}

/** The replicated state. Instances and coordinators keep registration order (Memgraph's SHOW order). */
export interface ClusterState {
  /** Number of commands applied with effect; the wiring can use it to tell states apart. */
  revision: number;
  instances: DataInstance[];
  coordinators: Coordinator[];
  /** The current main UUID (fresh on every promotion); null before the first. */
  mainUuid: string | null;
  settings: CoordinatorSettings;
  lastFailover: FailoverRecord | null;
}

/**
 * The Raft log commands. Everything random or time-dependent is chosen by the leader and
 * carried here, so that applying is deterministic.
 */
export type ClusterCommand =
  | {
      kind: 'RegisterInstance';
      name: string;
      boltServer: string;
      managementServer: string;
      replicationServer: string;
      mode: ReplicationMode;
    }
  | { kind: 'UnregisterInstance'; name: string }
  /** `SET INSTANCE name TO MAIN`; `mainUuid` is fresh. */
  | { kind: 'SetInstanceToMain'; name: string; mainUuid: string }
  | { kind: 'DemoteInstance'; name: string }
  /** Automatic failover: `name` becomes MAIN under the fresh `mainUuid`, everyone else REPLICA. */
  | { kind: 'Failover'; name: string; mainUuid: string; at: string }
  | { kind: 'UpdateInstanceConfig'; name: string; boltServer: string }
  | { kind: 'AddCoordinator'; id: number; boltServer: string; coordinatorServer: string; managementServer: string }
  | { kind: 'RemoveCoordinator'; id: number }
  | { kind: 'UpdateCoordinatorConfig'; id: number; boltServer: string }
  /** The value as the user typed it; parsed (and refused) by `apply`. */
  | { kind: 'SetCoordinatorSetting'; name: string; value: string };

export type CommandKind = ClusterCommand['kind'];

/** Up/down of one member as the leader sees it (health.ts). */
export interface Health {
  up: boolean;
  /** Milliseconds since the last successful response (since watching began, if it never answered). */
  lastSuccMs: number;
}
