// Shared builders for the coordination tests: a cluster assembled through `apply`, as the
// coordinators would build it from Memgraph's bootstrap queries.

import { apply, initialClusterState } from '../../../dataplane/coordination/cluster-state.js';
import type { ClusterCommand, ClusterState, Health, ReplicationMode } from '../../../dataplane/coordination/types.js';
import type { InstanceReport, ReconcileAction } from '../../../dataplane/coordination/reconcile.js';

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

/** What the data instances do with each action (a model of the management RPC handlers). */
export function perform(reports: Map<string, InstanceReport>, actions: ReconcileAction[]): Map<string, InstanceReport> {
  const out = new Map(reports);
  const patch = (name: string, f: (r: InstanceReport) => InstanceReport) => out.set(name, f(out.get(name) as InstanceReport));
  let epochs = 100;
  for (const a of actions) {
    switch (a.kind) {
      case 'demote':
        patch(a.instance, (r) => ({ ...r, role: 'replica', mainUuid: a.mainUuid, writingEnabled: false, replicas: [] }));
        break;
      case 'swapMainUuid':
        patch(a.instance, (r) => ({ ...r, mainUuid: a.mainUuid }));
        break;
      case 'promote':
        patch(a.instance, (r) => ({
          ...r,
          role: 'main',
          mainUuid: a.mainUuid,
          writingEnabled: a.writingEnabled,
          replicas: a.replicas.map((c) => c.name),
          history: [...r.history, { epochId: r.epochId, lastCommitTs: r.lastCommitTs }],
          epochId: `e${epochs++}`,
        }));
        break;
      case 'registerReplica':
        patch(a.main, (r) => ({ ...r, replicas: [...r.replicas, a.replica.name] }));
        break;
      case 'unregisterReplica':
        patch(a.main, (r) => ({ ...r, replicas: r.replicas.filter((n) => n !== a.replica) }));
        break;
      case 'forceResync': {
        const m = out.get(a.main) as InstanceReport;
        patch(a.instance, (r) => ({ ...r, epochId: m.epochId, history: m.history, lastCommitTs: m.lastCommitTs }));
        break;
      }
      case 'updateConfig':
        patch(a.instance, (r) => ({ ...r, deltasBatchProgressSize: a.deltasBatchProgressSize, writingEnabled: a.writingEnabled ?? r.writingEnabled }));
        break;
    }
  }
  return out;
}

