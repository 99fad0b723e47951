// Metadata every owned object gets: name, namespace, DESIGN §5 labels, and an owner
// reference to the MemgraphCluster so Kubernetes garbage-collects it with the cluster.
import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';
import { API_VERSION, KIND, type MemgraphCluster } from '../api/types.js';
import { clusterLabels, namespaceOf, type Component } from './names.js';

export function ownerReference(cluster: MemgraphCluster): V1OwnerReference {
  const uid = cluster.metadata.uid;
  // Only objects read from the API server have a uid; an owned object without it would be orphaned.
  if (!uid) throw new Error(`MemgraphCluster ${cluster.metadata.name} has no metadata.uid`);
  return { apiVersion: API_VERSION, kind: KIND, name: cluster.metadata.name, uid, controller: true, blockOwnerDeletion: true };
}

export function ownedMeta(cluster: MemgraphCluster, name: string, component?: Component): V1ObjectMeta {
  return {
    name,
    namespace: namespaceOf(cluster),
    labels: clusterLabels(cluster.metadata.name, component),
    ownerReferences: [ownerReference(cluster)],
  };
}
