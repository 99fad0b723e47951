// The edges of the reconciler: the Kubernetes API and the coordinators, as small interfaces
// so the reconcile step runs against fakes in unit tests and against client-node and
// neo4j-driver in the operator.
import type { KubernetesObject, V1StatefulSet } from '@kubernetes/client-node';
import type { MemgraphCluster, MemgraphClusterStatus } from '../api/types.js';
import type { AdminAction } from './admin.js';
import type { ObservedPod } from './labels.js';
import type { ClusterView } from './view.js';

/** A MemgraphCluster as read: raw (not yet validated) plus what the patches need. */
export interface RawCluster {
  object: Record<string, unknown> & { metadata: { name: string; namespace?: string; resourceVersion?: string; uid?: string; generation?: number } };
  status?: MemgraphClusterStatus;
}

export interface ClusterApi {
  getCluster(namespace: string, name: string): Promise<RawCluster | null>;
  getStatefulSet(namespace: string, name: string): Promise<V1StatefulSet | null>;
  listPods(namespace: string, clusterName: string): Promise<ObservedPod[]>;
  /** Server-side apply with the operator's field manager. */
  apply(object: KubernetesObject): Promise<void>;
  /** Deletes a pod; with OnDelete its StatefulSet recreates it from the new template. */
  deletePod(namespace: string, pod: string): Promise<void>;
  /** Merge-patch of pod labels; null removes a label. */
  patchPodLabels(namespace: string, pod: string, labels: Record<string, string | null>): Promise<void>;
  /** Status subresource patch, refused if the object changed since `resourceVersion` was read. */
  patchStatus(namespace: string, name: string, resourceVersion: string | undefined, status: MemgraphClusterStatus): Promise<void>;
  event(object: RawCluster['object'], type: 'Normal' | 'Warning', reason: string, message: string): Promise<void>;
}

export interface CoordinatorAccess {
  /** The coordinators' view: `known: false` when no coordinator answers with a ready leader. */
  view(): Promise<ClusterView>;
  /** SHOW COORDINATOR SETTINGS, or undefined when it could not be read. */
  settings(): Promise<Record<string, string> | undefined>;
  run(action: AdminAction): Promise<void>;
}

/** The coordinators of a (validated) cluster. */
export type Coordinators = (cluster: MemgraphCluster) => CoordinatorAccess;
