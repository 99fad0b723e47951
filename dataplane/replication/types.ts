// Types of replication (reference §1): roles, modes, the per-replica state MAIN keeps,
// registrations as persisted, and the error codes replicas answer with. Declared before
// the code that moves them.

import type { ReplicationMode } from '../query/admin-ast.js';

export type { ReplicationMode };

export type ReplicationRole = 'main' | 'replica';

/**
 * Memgraph's replica states as `SHOW REPLICAS` prints them. `invalid` is Memgraph's
 * internal MAYBE_BEHIND, `diverged` its DIVERGED_FROM_MAIN.
 */
export type ReplicaStatus = 'ready' | 'replicating' | 'recovery' | 'invalid' | 'diverged';

export const REPLICA_STATUSES: readonly ReplicaStatus[] = ['ready', 'replicating', 'recovery', 'invalid', 'diverged'];

/** A registration as `REGISTER REPLICA` made it (and `replication/state.json` keeps it). */
export interface ReplicaRegistration {
  name: string;
  mode: ReplicationMode;
  /** As registered (`SHOW REPLICAS` prints it so). */
  address: string;
  host: string;
  port: number;
}

/** What survives a restart (`--replication-restore-state-on-startup`). */
export interface PersistedReplicationState {
  role: ReplicationRole;
  /** The replication port of a REPLICA. */
  port: number | null;
  /**
   * On MAIN: its own main UUID (fresh on every promotion). On a REPLICA: the UUID of the
   * MAIN it follows (null until a MAIN registered it).
   */
  mainUuid: string | null;
  replicas: ReplicaRegistration[];
}

/** What a replica reports about itself (heartbeats, answers to shipped records). */
export interface ReplicaProgress {
  /** Its epoch id. */
  epochId: string;
  /** Its last applied commit timestamp (Memgraph's replica ldt). */
  ts: number;
}

/** Codes of the errors a replica answers with (RpcError.code on MAIN, `remote` true). */
export const ReplicationCodes = {
  /** The records come from a MAIN other than the one this replica follows. */
  WrongMain: 'ReplicationWrongMain',
  /** The instance is not a replica (any more). */
  NotReplica: 'ReplicationNotReplica',
  /** The records do not follow what the replica applied (it must be caught up first). */
  Gap: 'ReplicationGap',
  /** A record did not decode or apply. */
  BadRecord: 'ReplicationBadRecord',
  /** The replica's own WAL refused the records. */
  WalFailed: 'ReplicationWalFailed',
} as const;
