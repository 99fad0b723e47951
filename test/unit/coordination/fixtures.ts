// Shared builders for the coordination tests: a cluster assembled through `apply`, as the
// coordinators would build it from Memgraph's bootstrap queries.

import { apply, initialClusterState } from '../../../dataplane/coordination/cluster-state.js';
import type { ClusterCommand, ClusterState, Health, ReplicationMode } from '../../../dataplane/coordination/types.js';

export function applyAll(commands: ClusterCommand[], state: ClusterState = initialClusterState()): ClusterState {
  for (const c of commands) {
    const r = apply(state, c);
    if (r.error) throw r.error;
    state = r.state;
  }
  return state;
}

export function register(n: number, mode: ReplicationMode = 'sync'): Extract<ClusterCommand, { kind: 'RegisterInstance' }> {
  return {
    kind: 'RegisterInstance',
    name: `instance_${n}`,
    boltServer: `localhost:${7686 + n}`,
    managementServer: `localhost:${13010 + n}`,
    replicationServer: `localhost:${10000 + n}`,
    mode,
  };
}

export function addCoordinator(id: number): Extract<ClusterCommand, { kind: 'AddCoordinator' }> {
  return {
    kind: 'AddCoordinator',
    id,
    boltServer: `localhost:${7689 + id}`,
    coordinatorServer: `localhost:${10110 + id}`,
    managementServer: `localhost:${12120 + id}`,
  };
}

/** Memgraph's docs bootstrap: 3 coordinators, 3 SYNC instances (or the given modes), instance_3 MAIN. */
export function bootstrap(modes: ReplicationMode[] = ['sync', 'sync', 'sync'], main = 3): ClusterState {
  return applyAll([
    addCoordinator(1),
    addCoordinator(2),
    addCoordinator(3),
    ...modes.map((m, i) => register(i + 1, m)),
    { kind: 'SetInstanceToMain', name: `instance_${main}`, mainUuid: 'uuid-1' },
  ]);
}

export const up = (lastSuccMs = 10): Health => ({ up: true, lastSuccMs });
export const down = (lastSuccMs = 6000): Health => ({ up: false, lastSuccMs });

export function healthOf(entries: Record<string, Health>): ReadonlyMap<string, Health> {
  return new Map(Object.entries(entries));
}
