// StatefulSet sizes during scaling. Scale out: the StatefulSet grows at once and the new
// pods are registered by the membership plan. Scale in: a pod must stay until its instance
// (or coordinator) is out of the coordinators' state, so the size shrinks only to just above
// the highest ordinal still registered; while the view is unknown, never shrink.
import type { MemgraphCluster } from '../api/types.js';
import { ordinalOf } from '../resources/names.js';
import type { ClusterView } from './view.js';

export function dataReplicas(cluster: MemgraphCluster, view: ClusterView, current: number | undefined): number {
  const wanted = cluster.spec.data.replicas;
  if (!view.known) return Math.max(wanted, current ?? 0);
  const highest = Math.max(-1, ...view.instances.map((i) => ordinalOf(cluster.metadata.name, 'data', i.name) ?? -1));
  return Math.max(wanted, highest + 1);
}

export function coordinatorReplicas(cluster: MemgraphCluster, view: ClusterView, current: number | undefined): number {
  const wanted = cluster.spec.coordinators.replicas;
  if (!view.known) return Math.max(wanted, current ?? 0);
  // Coordinator id = ordinal + 1, so the highest id is the size that keeps it.
  const highest = Math.max(0, ...view.coordinators.map((c) => (Number.isInteger(c.id) ? c.id : 0)));
  return Math.max(wanted, highest);
}
