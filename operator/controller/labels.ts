// Pod labels that follow the coordinators. Data pods get `mgha.io/role`: the Raft role
// (`main`/`replica`) while the instance is up, `unhealthy` while it is down (a MAIN that is
// down keeps role `main` until failover, and must leave `-rw` at once), none while it is not
// registered. Fail closed: when two instances claim MAIN, neither is labelled main.
// Coordinator pods get `mgha.io/coordinator-role=leader|follower`. An unknown view changes
// nothing: no guess replaces the last known truth.
import type { MemgraphCluster } from '../api/types.js';
import { LABELS, ordinalOf, type Component, type DataRole } from '../resources/names.js';
import { mains, type ClusterView } from './view.js';

export interface ObservedPod {
  name: string;
  component: Component;
  labels: Readonly<Record<string, string>>;
  /** The `controller-revision-hash` label: which StatefulSet revision the pod runs. */
  revision?: string;
  /** The pod's Ready condition. */
  ready?: boolean;
}

/** A label patch: a value to set, or null to remove the label. */
export interface LabelChange {
  pod: string;
  labels: Record<string, string | null>;
}

export interface LabelPlan {
  changes: LabelChange[];
  /** Names of instances that claim MAIN when more than one does. */
  splitBrain: string[];
}

function dataRole(role: string, health: string, contested: boolean): DataRole | null {
  if (health !== 'up' || contested) return 'unhealthy';
  return role === 'main' || role === 'replica' ? role : null;
}

export function planPodLabels(cluster: MemgraphCluster, pods: readonly ObservedPod[], view: ClusterView): LabelPlan {
  if (!view.known) return { changes: [], splitBrain: [] };
  const claimed = mains(view);
  const splitBrain = claimed.length > 1 ? claimed.map((m) => m.name) : [];
  const instances = new Map(view.instances.map((i) => [i.name, i]));
  const coordinators = new Map(view.coordinators.map((c) => [c.name, c]));
  const coordinatorsById = new Map(view.coordinators.map((c) => [c.id, c]));
  const changes: LabelChange[] = [];
  for (const pod of pods) {
    let key: string;
    let want: string | null;
    if (pod.component === 'data') {
      key = LABELS.role;
      const i = instances.get(pod.name);
      want = i ? dataRole(i.role, i.health, splitBrain.includes(i.name)) : null;
    } else {
      key = LABELS.coordinatorRole;
      // /v1/cluster names coordinators by pod; SHOW INSTANCES by id (= ordinal + 1).
      const ordinal = ordinalOf(cluster.metadata.name, 'coordinator', pod.name);
      const c = coordinators.get(pod.name) ?? (ordinal !== undefined ? coordinatorsById.get(ordinal + 1) : undefined);
      want = c?.role === 'leader' || c?.role === 'follower' ? c.role : null;
    }
    const have = pod.labels[key] ?? null;
    if (have !== want) changes.push({ pod: pod.name, labels: { [key]: want } });
  }
  // Take the old MAIN out of `-rw` before the new one goes in: never two MAINs behind it.
  const promotes = (c: LabelChange) => c.labels[LABELS.role] === 'main';
  changes.sort((a, b) => Number(promotes(a)) - Number(promotes(b)));
  return { changes, splitBrain };
}
