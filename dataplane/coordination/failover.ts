// When to fail over, and whom to promote (reference §3.7, Memgraph's `TryFailover` and
// `ChooseMostUpToDateInstance`). Pure: the leader gathers health and each instance's
// position (its answer to the history request), calls `chooseNewMain`, and proposes the
// `Failover` command it returns with a fresh main UUID. mgha has one database
// (`memgraph`) and contiguous commit timestamps, so Memgraph's "committed transactions per
// database" is the instance's last commit timestamp, and its per-database majority vote
// reduces to the maximum.

import { currentMain } from './cluster-state.js';
import { isUp } from './health.js';
import type { ClusterCommand, ClusterState, Health } from './types.js';

/** What a data instance reports about its data (state check or history request). */
export interface Position {
  epochId: string;
  /** Its last commit timestamp = its committed transactions. */
  lastCommitTs: number;
}

/** Why the leader is considering a failover. */
export type FailoverOccasion =
  /** A state check of the Raft MAIN failed. */
  | 'health_check'
  /** This coordinator just became leader (Memgraph's ReconcileClusterState). */
  | 'leader_start'
  /** `FORCE RESET CLUSTER STATE`. */
  | 'force_reset'
  /** The Raft MAIN answered but refused `PromoteToMain`. */
  | 'promotion_failed';

/**
 * Whether to run a failover. A down MAIN triggers one; a leader that starts (or a force
 * reset) with no MAIN in Raft elects one, but keeps an existing MAIN. `DEMOTE INSTANCE`
 * alone never triggers one: the cluster waits for `SET INSTANCE … TO MAIN` (or a new leader).
 */
export function needsFailover(state: ClusterState, health: ReadonlyMap<string, Health>, occasion: FailoverOccasion): boolean {
  if (state.instances.length === 0) return false;
  const main = currentMain(state);
  switch (occasion) {
    case 'health_check':
      return main !== null && !isUp(health, main.name);
    case 'leader_start':
    case 'force_reset':
      return main === null;
    case 'promotion_failed':
      return true;
  }
}

export type ExclusionReason =
  /** Down (no success for `instance_down_timeout_sec`). */
  | 'down'
  /** Up, but did not answer the history request. */
  | 'unreachable'
  /** ASYNC under `sync_failover_only`. */
  | 'async'
  /** More than `max_failover_replica_lag` transactions behind the last known MAIN count. */
  | 'lagging';

export interface FailoverInput {
  state: ClusterState;
  health: ReadonlyMap<string, Health>;
  /** Answers to the history request; an absent instance did not answer. */
  positions: ReadonlyMap<string, Position>;
  /** The MAIN's committed transactions as last cached (null: unknown, e.g. a new leader). */
  mainCommittedTxns: number | null;
}

export type FailoverDecision =
  | { kind: 'promote'; name: string; position: Position; excluded: { name: string; reason: ExclusionReason }[] }
  | {
      kind: 'none';
      /** `no_instance_alive`: every data instance is down (Memgraph's NO_INSTANCE_ALIVE); `no_candidate`: some are up, none eligible. */
      reason: 'no_instance_alive' | 'no_candidate';
      excluded: { name: string; reason: ExclusionReason }[];
    };

/** The most up-to-date eligible instance; ties go to the first name in byte order. */
export function chooseNewMain(input: FailoverInput): FailoverDecision {
  const { state, health, positions, mainCommittedTxns } = input;
  const { sync_failover_only, max_failover_replica_lag } = state.settings;
  const excluded: { name: string; reason: ExclusionReason }[] = [];
  let best: { name: string; position: Position } | null = null;

  for (const instance of state.instances) {
    const position = positions.get(instance.name);
    const reason: ExclusionReason | null = !isUp(health, instance.name)
      ? 'down'
      : position === undefined
        ? 'unreachable'
        : sync_failover_only && instance.mode === 'async'
          ? 'async'
          : mainCommittedTxns !== null && BigInt(mainCommittedTxns) - BigInt(position.lastCommitTs) > max_failover_replica_lag
            ? 'lagging'
            : null;
    if (reason !== null || position === undefined) {
      excluded.push({ name: instance.name, reason: reason ?? 'unreachable' });
      continue;
    }
    const better =
      best === null ||
      position.lastCommitTs > best.position.lastCommitTs ||
      (position.lastCommitTs === best.position.lastCommitTs && instance.name < best.name);
    if (better) best = { name: instance.name, position };
  }

  if (best !== null) return { kind: 'promote', name: best.name, position: best.position, excluded };
  const anyUp = state.instances.some((i) => isUp(health, i.name));
  return { kind: 'none', reason: anyUp ? 'no_candidate' : 'no_instance_alive', excluded };
}

/** The Raft command for a decision: the leader supplies a fresh UUID and the time. */
export function failoverCommand(name: string, mainUuid: string, now: number): ClusterCommand {
  return { kind: 'Failover', name, mainUuid, at: new Date(now).toISOString() };
}
