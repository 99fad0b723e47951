// When to fail over, and whom to promote (reference §3.7, Memgraph's `TryFailover` and
// `ChooseMostUpToDateInstance`). Pure: the leader gathers health and each instance's
// position (its answer to the history request), calls `chooseNewMain`, and proposes the
// `Failover` command it returns with a fresh main UUID. mgha has one database
// (`memgraph`) and contiguous commit timestamps, so Memgraph's "committed transactions per
// database" is the instance's last commit timestamp, and its per-database majority vote
// reduces to the maximum.

import { currentMain } from './cluster-state.js';
import { isUp } from './health.js';
import type { EpochHistoryEntry } from '../durability/epoch.js';
import type { ClusterCommand, ClusterState, Health } from './types.js';

/** What a data instance reports about its data (its answer to the history request). */
export interface Position {
  epochId: string;
  /** Its last commit timestamp = its committed transactions. */
  lastCommitTs: number;
  /** Earlier epochs with their last commit timestamps. */
  history: readonly EpochHistoryEntry[];
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
  | 'lagging'
  /** Its epoch is in another candidate's history: that one went on past it (mgha's rule, below). */
  | 'stale_epoch'
  /** A SYNC replica the MAIN last reported catching up, not in sync (mgha's rule, below). */
  | 'not_in_sync';

export interface FailoverInput {
  state: ClusterState;
  health: ReadonlyMap<string, Health>;
  /** Answers to the history request; an absent instance did not answer. */
  positions: ReadonlyMap<string, Position>;
  /** The MAIN's committed transactions as last cached (null: unknown, e.g. a new leader). */
  mainCommittedTxns: number | null;
  /** The replicas the MAIN last reported in sync (null: unknown, e.g. a new leader). */
  mainInSync?: ReadonlySet<string> | null;
}

interface Candidate {
  name: string;
  position: Position;
}

/** More committed transactions, then the first name in byte order (Memgraph's std::map order). */
function better(a: Candidate, b: Candidate): boolean {
  return a.position.lastCommitTs > b.position.lastCommitTs || (a.position.lastCommitTs === b.position.lastCommitTs && a.name < b.name);
}

export type FailoverDecision =
  | { kind: 'promote'; name: string; position: Position; excluded: { name: string; reason: ExclusionReason }[] }
  | {
      kind: 'none';
      /** `no_instance_alive`: every data instance is down (Memgraph's NO_INSTANCE_ALIVE); `no_candidate`: some are up, none eligible. */
      reason: 'no_instance_alive' | 'no_candidate';
      excluded: { name: string; reason: ExclusionReason }[];
    };

/**
 * The most up-to-date eligible instance; ties go to the first name in byte order.
 *
 * One rule beyond Memgraph's: a candidate whose epoch appears in another candidate's
 * history is on a branch that the cluster left (an old MAIN that came back and was not yet
 * resynced). Memgraph compares counts only and could promote it for its longer but
 * divergent tail, discarding the newer epoch's writes that SYNC replicas acknowledged.
 * mgha drops it; it is force-resynced from the new MAIN like any diverged replica.
 *
 * And a second: under `sync_failover_only`, a SYNC replica the MAIN last reported as
 * catching up (restarted, or force-resynced and refilling) is not a candidate. It lacks
 * writes the MAIN acknowledged while it was in sync before, and Memgraph would promote it
 * when it is the only SYNC candidate. The cluster then waits for the MAIN (or for a replica
 * in sync), as Patroni's and CloudNativePG's strict synchronous modes do. Unknown (a new
 * leader without the MAIN's report): nobody is excluded, as with the lag rule.
 */
export function chooseNewMain(input: FailoverInput): FailoverDecision {
  const { state, health, positions, mainCommittedTxns } = input;
  const inSync = input.mainInSync ?? null;
  const { sync_failover_only, max_failover_replica_lag } = state.settings;
  const excluded: { name: string; reason: ExclusionReason }[] = [];
  const eligible: Candidate[] = [];

  for (const instance of state.instances) {
    const position = positions.get(instance.name);
    if (!isUp(health, instance.name)) excluded.push({ name: instance.name, reason: 'down' });
    else if (position === undefined) excluded.push({ name: instance.name, reason: 'unreachable' });
    else if (sync_failover_only && instance.mode === 'async') excluded.push({ name: instance.name, reason: 'async' });
    else if (sync_failover_only && inSync !== null && instance.role !== 'main' && !inSync.has(instance.name)) excluded.push({ name: instance.name, reason: 'not_in_sync' });
    else if (mainCommittedTxns !== null && BigInt(mainCommittedTxns) - BigInt(position.lastCommitTs) > max_failover_replica_lag) {
      excluded.push({ name: instance.name, reason: 'lagging' });
    } else eligible.push({ name: instance.name, position });
  }

  const superseded = (c: Candidate): boolean => eligible.some((o) => o.position.history.some((h) => h.epochId === c.position.epochId));
  let best: Candidate | null = null;
  for (const c of eligible) {
    if (superseded(c)) excluded.push({ name: c.name, reason: 'stale_epoch' });
    else if (best === null || better(c, best)) best = c;
  }

  if (best !== null) return { kind: 'promote', name: best.name, position: best.position, excluded };
  const anyUp = state.instances.some((i) => isUp(health, i.name));
  return { kind: 'none', reason: anyUp ? 'no_candidate' : 'no_instance_alive', excluded };
}

/** The Raft command for a decision: the leader supplies a fresh UUID and the time. */
export function failoverCommand(name: string, mainUuid: string, now: number): ClusterCommand {
  return { kind: 'Failover', name, mainUuid, at: new Date(now).toISOString() };
}
