// Reconciliation (reference §3.8, Memgraph's `InstanceSuccessCallback`): given the Raft
// state, health and what each live data instance reported at its last state check, the
// RPCs the leader sends so that the data instances match Raft. Pure and idempotent: the
// same inputs give the same list, and once the instances did what it says, their next
// reports give an empty list. The leader runs it after every round of state checks; an
// action that fails is simply found again next round.
//
// Order matters for fencing (Memgraph's Jepsen finding I#2471, promotion faster than
// demotion): every instance that wrongly claims MAIN is demoted, and replicas are moved
// to the current main UUID, before the Raft MAIN is promoted. Then the MAIN's replica
// list is corrected, diverged replicas are force-resynced, and settings pushed last.

import { currentMain } from './cluster-state.js';
import { isUp } from './health.js';
import type { EpochHistoryEntry } from '../durability/epoch.js';
import type { ClusterState, DataInstance, Health, ReplicationMode } from './types.js';

/** A data instance's answer to a state check. */
export interface InstanceReport {
  role: 'main' | 'replica';
  /** MAIN: its own main UUID; REPLICA: the UUID of the MAIN it follows (null: none yet). */
  mainUuid: string | null;
  writingEnabled: boolean;
  deltasBatchProgressSize: number;
  /** On a MAIN: the names of the replicas registered on it. */
  replicas: readonly string[];
  /** On a MAIN: the replicas it holds in sync (not catching up); absent: not reported. */
  replicasInSync?: readonly string[];
  epochId: string;
  /** Earlier epochs with their last commit timestamps (oldest first). */
  history: readonly EpochHistoryEntry[];
  lastCommitTs: number;
}

/** What a MAIN needs to replicate to an instance (Memgraph's ReplicationClientInfo). */
export interface ReplicaConfig {
  name: string;
  mode: ReplicationMode;
  replicationServer: string;
}

export type ReconcileAction =
  /** `DemoteMainToReplica`: become a REPLICA following `mainUuid` (null: no MAIN yet). */
  | { kind: 'demote'; instance: string; mainUuid: string | null }
  /** `SwapMainUUID`: follow `mainUuid` from now on. */
  | { kind: 'swapMainUuid'; instance: string; mainUuid: string }
  /** `PromoteToMain`: become MAIN under `mainUuid` (new epoch), replicate to `replicas`. */
  | { kind: 'promote'; instance: string; mainUuid: string; replicas: ReplicaConfig[]; writingEnabled: boolean }
  | { kind: 'registerReplica'; main: string; mainUuid: string; replica: ReplicaConfig }
  | { kind: 'unregisterReplica'; main: string; replica: string }
  /** The replica has commits the MAIN's history lacks: reset it to the MAIN's data (old files to `.old`). */
  | { kind: 'forceResync'; instance: string; main: string }
  /** `UpdateDataInstanceConfig`; `writingEnabled` only for the MAIN. */
  | { kind: 'updateConfig'; instance: string; deltasBatchProgressSize: number; writingEnabled?: boolean };

export interface ReconcileInput {
  state: ClusterState;
  health: ReadonlyMap<string, Health>;
  /** The last state-check answer of each instance; absent: none since it was last down. */
  reports: ReadonlyMap<string, InstanceReport>;
}

export function replicaConfig(i: DataInstance): ReplicaConfig {
  return { name: i.name, mode: i.mode, replicationServer: i.replicationServer };
}

/**
 * The branching-point rule (reference §1.6): a replica diverged when it holds commits the
 * MAIN's history does not contain. A replica without commits never diverged.
 */
export function hasDiverged(replica: Pick<InstanceReport, 'epochId' | 'lastCommitTs'>, main: Pick<InstanceReport, 'epochId' | 'history' | 'lastCommitTs'>): boolean {
  if (replica.lastCommitTs === 0) return false;
  if (replica.epochId === main.epochId) return replica.lastCommitTs > main.lastCommitTs;
  const entry = main.history.find((h) => h.epochId === replica.epochId);
  return entry === undefined || replica.lastCommitTs > entry.lastCommitTs;
}

export function reconcile(input: ReconcileInput): ReconcileAction[] {
  const { state, health, reports } = input;
  const { global_read_only, deltas_batch_progress_size } = state.settings;
  const main = currentMain(state);
  const live = (i: DataInstance): InstanceReport | null => (isUp(health, i.name) ? (reports.get(i.name) ?? null) : null);

  const fencing: ReconcileAction[] = [];
  const promotion: ReconcileAction[] = [];
  const replicaList: ReconcileAction[] = [];
  const resyncs: ReconcileAction[] = [];
  const config: ReconcileAction[] = [];

  const mainReport = main === null ? null : live(main);
  // The MAIN as the replicas must see it: promoted, current UUID. Until then, replica-side
  // work that needs it (registration, resync) waits for a later round.
  let mainSettled = false;
  if (main !== null && mainReport !== null && state.mainUuid !== null) {
    const needsPromotion =
      mainReport.role !== 'main' || mainReport.mainUuid !== state.mainUuid || (!mainReport.writingEnabled && !global_read_only);
    if (needsPromotion) {
      const replicas = state.instances.filter((i) => i.name !== main.name).map(replicaConfig);
      promotion.push({ kind: 'promote', instance: main.name, mainUuid: state.mainUuid, replicas, writingEnabled: !global_read_only });
      if (mainReport.deltasBatchProgressSize !== deltas_batch_progress_size) {
        config.push({ kind: 'updateConfig', instance: main.name, deltasBatchProgressSize: deltas_batch_progress_size, writingEnabled: !global_read_only });
      }
    } else {
      mainSettled = true;
      const raftReplicas = state.instances.filter((i) => i.name !== main.name);
      for (const r of raftReplicas) {
        if (!mainReport.replicas.includes(r.name)) {
          replicaList.push({ kind: 'registerReplica', main: main.name, mainUuid: state.mainUuid, replica: replicaConfig(r) });
        }
      }
      for (const name of mainReport.replicas) {
        if (!raftReplicas.some((r) => r.name === name)) replicaList.push({ kind: 'unregisterReplica', main: main.name, replica: name });
      }
      if (mainReport.deltasBatchProgressSize !== deltas_batch_progress_size || mainReport.writingEnabled !== !global_read_only) {
        config.push({ kind: 'updateConfig', instance: main.name, deltasBatchProgressSize: deltas_batch_progress_size, writingEnabled: !global_read_only });
      }
    }
  }

  for (const instance of state.instances) {
    if (main !== null && instance.name === main.name) continue;
    const report = live(instance);
    if (report === null) continue;
    if (report.role === 'main') {
      fencing.push({ kind: 'demote', instance: instance.name, mainUuid: state.mainUuid });
    } else if (state.mainUuid !== null && report.mainUuid !== state.mainUuid) {
      fencing.push({ kind: 'swapMainUuid', instance: instance.name, mainUuid: state.mainUuid });
    }
    if (mainSettled && main !== null && mainReport !== null && hasDiverged(report, mainReport)) {
      resyncs.push({ kind: 'forceResync', instance: instance.name, main: main.name });
    }
    if (report.deltasBatchProgressSize !== deltas_batch_progress_size) {
      config.push({ kind: 'updateConfig', instance: instance.name, deltasBatchProgressSize: deltas_batch_progress_size });
    }
  }

  return [...fencing, ...promotion, ...replicaList, ...resyncs, ...config];
}
