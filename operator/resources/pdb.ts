// PodDisruptionBudgets: a drain may never take the coordinators' Raft majority, and may take
// at most one data instance at a time (so with one already down, none), which keeps a
// caught-up replica for failover. Tier-wide budgets, not per-role ones: role labels flip
// during a failover and a role-selected budget is briefly empty (cloudnative-pg#10103).
import type { V1PodDisruptionBudget } from '@kubernetes/client-node';
import type { MemgraphCluster } from '../api/types.js';
import type { BuildContext } from './context.js';
import { ownedMeta } from './metadata.js';
import { names, tierSelector, type Component } from './names.js';

export function raftMajority(coordinators: number): number {
  return Math.floor(coordinators / 2) + 1;
}

function pdb(cluster: MemgraphCluster, ctx: BuildContext, name: string, component: Component, minAvailable: number): V1PodDisruptionBudget {
  return {
    // policy/v1beta1 has the same shape for these fields (Kubernetes 1.20).
    apiVersion: ctx.pdbApiVersion,
    kind: 'PodDisruptionBudget',
    metadata: ownedMeta(cluster, name, component),
    spec: { minAvailable, selector: { matchLabels: tierSelector(cluster.metadata.name, component) } },
  };
}

/** `dataReplicas`: the data StatefulSet's replicas (scale.ts), not necessarily the spec's. */
export function buildDataPdb(cluster: MemgraphCluster, ctx: BuildContext, dataReplicas = cluster.spec.data.replicas): V1PodDisruptionBudget {
  return pdb(cluster, ctx, names(cluster.metadata.name).dataPdb, 'data', dataReplicas - 1);
}

export function buildCoordinatorPdb(cluster: MemgraphCluster, ctx: BuildContext): V1PodDisruptionBudget {
  return pdb(cluster, ctx, names(cluster.metadata.name).coordPdb, 'coordinator', raftMajority(cluster.spec.coordinators.replicas));
}
