// One view of the cluster as the coordinators see it, from either source the operator has:
// the `/v1/cluster` document (preferred: it has lag and commit counts) or `SHOW INSTANCES`
// over Bolt. "No ready leader" is a view of its own, `known: false`, so no decision can
// mistake an unreachable leader for an empty cluster.
import type { ClusterDoc } from './cluster-doc.js';

export interface ViewInstance {
  name: string;
  /** `main` or `replica` as Raft records it: a MAIN that is down stays `main` until failover. */
  role: string;
  /** `up` or `down`. */
  health: string;
  mode?: string;
  boltServer?: string;
  committedTxns?: number;
  lagTxns?: number;
}

export interface ViewCoordinator {
  id: number;
  /** Pod name when the source gives it (/v1/cluster), else `coordinator_<id>`. */
  name: string;
  role: string;
  health: string;
  boltServer?: string;
}

export interface KnownView {
  known: true;
  leader?: string;
  /** The leader's coordinator id (its pod is ordinal id − 1), when the source gives it. */
  leaderId?: number;
  /**
   * Every coordinator answered that it has never been in a cluster (no leader, no members,
   * no instances): empty for certain, so bootstrap may start, at coordinator id 1.
   */
  fresh?: boolean;
  instances: ViewInstance[];
  coordinators: ViewCoordinator[];
  lastFailover?: { at: string; from?: string; to: string };
}

export type ClusterView = KnownView | { known: false; reason: string };

export function viewFromDoc(doc: ClusterDoc): ClusterView {
  if (!doc.ready) return { known: false, reason: 'the coordinator knows no ready leader' };
  const view: KnownView = {
    known: true,
    instances: doc.instances.map((i) => ({ ...i })),
    coordinators: doc.coordinators.map((c) => ({ ...c })),
  };
  if (doc.leader) {
    view.leader = doc.leader.name;
    view.leaderId = doc.leader.id;
  }
  if (doc.lastFailover) view.lastFailover = { ...doc.lastFailover };
  return view;
}

/**
 * A coordinator that has never been part of a cluster: no ready leader, and no coordinators
 * or instances in its state. (A member that lost its leader still lists the members.)
 */
export function isFreshDoc(doc: ClusterDoc): boolean {
  return !doc.ready && doc.leader === null && doc.coordinators.length === 0 && doc.instances.length === 0;
}

/** A row of `SHOW INSTANCES` (Memgraph's column names). */
export interface ShowInstancesRow {
  name: string;
  bolt_server: string;
  coordinator_server: string;
  management_server: string;
  health: string;
  role: string;
  last_succ_resp_ms: number;
}

/** Notification titles or codes that came with the answer. */
export const LEADER_NOT_REACHABLE = 'LeaderNotReachable';

export function viewFromShowInstances(rows: readonly ShowInstancesRow[], notifications: readonly string[]): ClusterView {
  if (notifications.some((n) => n.includes(LEADER_NOT_REACHABLE))) {
    return { known: false, reason: 'SHOW INSTANCES: the leader coordinator is not reachable' };
  }
  const view: KnownView = { known: true, instances: [], coordinators: [] };
  for (const r of rows) {
    const coordinator = /^coordinator_([0-9]+)$/.exec(r.name);
    if (coordinator || r.role === 'leader' || r.role === 'follower') {
      const id = coordinator ? Number(coordinator[1]) : NaN;
      view.coordinators.push({ id, name: r.name, role: r.role, health: r.health, boltServer: r.bolt_server });
      if (r.role === 'leader') view.leader = r.name;
    } else {
      view.instances.push({ name: r.name, role: r.role, health: r.health, boltServer: r.bolt_server });
    }
  }
  return view;
}

/** Instances that claim MAIN. More than one means split brain: act on none of them. */
export function mains(view: KnownView): ViewInstance[] {
  return view.instances.filter((i) => i.role === 'main');
}
