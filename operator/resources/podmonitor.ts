// A Prometheus Operator PodMonitor scraping every pod's metrics port, when
// spec.monitoring.podMonitor is true (null otherwise: the object should not exist).
import type { KubernetesObject } from '@kubernetes/client-node';
import type { MemgraphCluster } from '../api/types.js';
import { ownedMeta } from './metadata.js';
import { LABELS, names } from './names.js';

export interface PodMonitor extends KubernetesObject {
  spec: {
    selector: { matchLabels: Record<string, string> };
    podMetricsEndpoints: { port: string; path: string }[];
  };
}

export function buildPodMonitor(cluster: MemgraphCluster): PodMonitor | null {
  if (!cluster.spec.monitoring.podMonitor) return null;
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: ownedMeta(cluster, names(cluster.metadata.name).podMonitor),
    spec: {
      selector: { matchLabels: { [LABELS.cluster]: cluster.metadata.name } },
      podMetricsEndpoints: [{ port: 'metrics', path: '/metrics' }],
    },
  };
}
