// The rolling upgrade with OnDelete StatefulSets, in the order Memgraph's ISSU needs:
// REPLICAs one at a time (each time waiting until every member is up and caught up), then a
// switchover to an upgraded REPLICA, then the old MAIN (now a REPLICA, so it goes as one),
// then coordinator followers, then the leader. One step per reconcile; nothing while the view
// is unknown or any member or pod is unhealthy.
import type { MemgraphCluster } from '../api/types.js';
import { ordinalOf, type Component } from '../resources/names.js';
import type { ObservedPod } from './labels.js';
import type { ClusterView } from './view.js';
import { mains } from './view.js';

export interface UpgradeInput {
  cluster: MemgraphCluster;
  view: ClusterView;
  pods: readonly ObservedPod[];
  /** `status.updateRevision` of each StatefulSet. */
  dataRevision?: string;
  coordinatorRevision?: string;
}

export type UpgradeStep =
  | { kind: 'none' }
  | { kind: 'wait'; reason: string }
  | { kind: 'deletePod'; pod: string; reason: string }
  | { kind: 'switchover'; from: string; to: string };

const byOrdinalDesc = (cluster: MemgraphCluster, component: Component) => (a: ObservedPod, b: ObservedPod) =>
  (ordinalOf(cluster.metadata.name, component, b.name) ?? 0) - (ordinalOf(cluster.metadata.name, component, a.name) ?? 0);

export function planUpgrade(input: UpgradeInput): UpgradeStep {
  const { cluster, view, pods } = input;
  const stale = (p: ObservedPod, revision: string | undefined) => revision !== undefined && p.revision !== undefined && p.revision !== revision;
  const staleData = pods.filter((p) => p.component === 'data' && stale(p, input.dataRevision)).sort(byOrdinalDesc(cluster, 'data'));
  const staleCoordinators = pods.filter((p) => p.component === 'coordinator' && stale(p, input.coordinatorRevision)).sort(byOrdinalDesc(cluster, 'coordinator'));
  if (staleData.length === 0 && staleCoordinators.length === 0) return { kind: 'none' };
  if (!view.known) return { kind: 'wait', reason: `upgrade paused: ${view.reason}` };

  const notReady = pods.filter((p) => p.ready !== true).map((p) => p.name);
  if (notReady.length > 0) return { kind: 'wait', reason: `upgrade waits for ${notReady.join(', ')} to be ready` };
  const maxLag = cluster.spec.switchover?.maxLagTxns ?? 0;
  const lagging = view.instances.filter((i) => i.health !== 'up' || i.lagTxns === undefined || i.lagTxns > maxLag).map((i) => i.name);
  if (lagging.length > 0) return { kind: 'wait', reason: `upgrade waits for ${lagging.join(', ')} to be up and caught up` };
  const coordinatorsDown = view.coordinators.filter((c) => c.health !== 'up').map((c) => c.name);
  if (coordinatorsDown.length > 0) return { kind: 'wait', reason: `upgrade waits for coordinators ${coordinatorsDown.join(', ')}` };

  const claimed = mains(view);
  if (claimed.length !== 1) return { kind: 'wait', reason: 'upgrade waits for exactly one MAIN' };
  const main = claimed[0];
  if (staleData.length > 0) {
    const replica = staleData.find((p) => p.name !== main.name);
    if (replica) return { kind: 'deletePod', pod: replica.name, reason: `upgrade REPLICA ${replica.name}` };
    // Only the MAIN is left: move MAIN to an upgraded instance, then it goes as a REPLICA.
    const upgraded = new Set(pods.filter((p) => p.component === 'data' && !stale(p, input.dataRevision)).map((p) => p.name));
    const target = view.instances.find((i) => i.name !== main.name && upgraded.has(i.name) && i.health === 'up');
    if (!target) return { kind: 'wait', reason: `upgrade of MAIN ${main.name} waits for an upgraded REPLICA to switch over to` };
    return { kind: 'switchover', from: main.name, to: target.name };
  }
  const leader = view.leader;
  const leaderPod = (p: ObservedPod) => {
    if (p.name === leader) return true;
    const ordinal = ordinalOf(cluster.metadata.name, 'coordinator', p.name);
    return view.coordinators.some((c) => c.role === 'leader' && ordinal !== undefined && c.id === ordinal + 1);
  };
  const next = staleCoordinators.find((p) => !leaderPod(p)) ?? staleCoordinators[0];
  return { kind: 'deletePod', pod: next.name, reason: leaderPod(next) ? `upgrade the leader coordinator ${next.name} last` : `upgrade coordinator follower ${next.name}` };
}
