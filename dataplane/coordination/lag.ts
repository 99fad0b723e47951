// Replication lag as the leader knows it, from the last state-check answers (reconcile.ts
// InstanceReport): `SHOW REPLICATION LAG` (show.ts MainLag) and the READ filter of the
// routing table (routing-table.ts replicaLag). Pure. Memgraph asks the MAIN live
// (ReplicationLagRpc); mgha's reports are at most one health-check period old.

import { currentMain } from './cluster-state.js';
import type { InstanceReport } from './reconcile.js';
import type { LagUnavailable, MainLag } from './show.js';
import type { ClusterState, Health } from './types.js';

export interface LagView {
  ready: boolean;
  instanceHealth: ReadonlyMap<string, Health>;
  reports: ReadonlyMap<string, InstanceReport>;
}

/** The MAIN's committed transactions and each replica's, or why there is no answer. */
export function mainLag(state: ClusterState, view: LagView): MainLag | LagUnavailable {
  if (!view.ready) return 'leader_not_ready';
  const main = currentMain(state);
  if (main === null) return 'no_main';
  const mainReport = view.reports.get(main.name);
  if (mainReport === undefined || !(view.instanceHealth.get(main.name)?.up ?? false)) return 'main_unresponsive';
  const replicaCommittedTxns = new Map<string, number>();
  for (const i of state.instances) {
    const r = view.reports.get(i.name);
    if (i.name !== main.name && r !== undefined) replicaCommittedTxns.set(i.name, r.lastCommitTs);
  }
  return { mainCommittedTxns: mainReport.lastCommitTs, replicaCommittedTxns };
}

/** MAIN's count minus each replica's (negative: the replica is ahead); absent while unknown. */
export function replicaLag(state: ClusterState, reports: ReadonlyMap<string, InstanceReport>): Map<string, number> {
  const lag = new Map<string, number>();
  const main = currentMain(state);
  const mainReport = main === null ? undefined : reports.get(main.name);
  if (main === null || mainReport === undefined) return lag;
  for (const i of state.instances) {
    const r = reports.get(i.name);
    if (i.name !== main.name && r !== undefined) lag.set(i.name, mainReport.lastCommitTs - r.lastCommitTs);
  }
  return lag;
}
