// Object names, ports, labels and DNS names of a cluster: DESIGN.md §5 in one place.
import type { MemgraphCluster } from '../api/types.js';

export const PORTS = {
  bolt: 7687,
  management: 10000,
  replication: 20000,
  coordinator: 12000,
  metrics: 9091,
} as const;

export const DATA_DIRECTORY = '/var/lib/memgraph';

export type Component = 'data' | 'coordinator';
export type DataRole = 'main' | 'replica' | 'unhealthy';
export type CoordinatorRole = 'leader' | 'follower';

export const LABELS = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  managedBy: 'app.kubernetes.io/managed-by',
  cluster: 'mgha.io/cluster',
  component: 'mgha.io/component',
  role: 'mgha.io/role',
  coordinatorRole: 'mgha.io/coordinator-role',
} as const;

export const MANAGER = 'mgha-operator';

export function names(clusterName: string) {
  return {
    dataStatefulSet: `${clusterName}-data`,
    coordStatefulSet: `${clusterName}-coord`,
    dataHeadless: `${clusterName}-data-hl`,
    coordHeadless: `${clusterName}-coord-hl`,
    routing: clusterName,
    readWrite: `${clusterName}-rw`,
    readOnly: `${clusterName}-ro`,
    read: `${clusterName}-r`,
    dataPdb: `${clusterName}-data`,
    coordPdb: `${clusterName}-coord`,
    config: `${clusterName}-config`,
    podMonitor: clusterName,
  };
}

/** Labels on every object of the cluster; `component` for objects of one tier. */
export function clusterLabels(clusterName: string, component?: Component): Record<string, string> {
  const labels: Record<string, string> = {
    [LABELS.name]: 'mgha',
    [LABELS.instance]: clusterName,
    [LABELS.managedBy]: MANAGER,
    [LABELS.cluster]: clusterName,
  };
  if (component) labels[LABELS.component] = component;
  return labels;
}

/** The selector of a tier's pods; never includes role labels, which change. */
export function tierSelector(clusterName: string, component: Component): Record<string, string> {
  return { [LABELS.cluster]: clusterName, [LABELS.component]: component };
}

export function statefulSetName(clusterName: string, component: Component): string {
  return component === 'data' ? names(clusterName).dataStatefulSet : names(clusterName).coordStatefulSet;
}

export function podName(clusterName: string, component: Component, ordinal: number): string {
  return `${statefulSetName(clusterName, component)}-${ordinal}`;
}

/** `graph-data-3` → 3, for this cluster's pods of that tier; undefined otherwise. */
export function ordinalOf(clusterName: string, component: Component, pod: string): number | undefined {
  const prefix = `${statefulSetName(clusterName, component)}-`;
  if (!pod.startsWith(prefix)) return undefined;
  const rest = pod.slice(prefix.length);
  return /^(0|[1-9][0-9]*)$/.test(rest) ? Number(rest) : undefined;
}

/** Stable DNS name of a pod through its tier's headless Service. */
export function podHost(cluster: MemgraphCluster, component: Component, ordinal: number, clusterDomain: string): string {
  const n = names(cluster.metadata.name);
  const service = component === 'data' ? n.dataHeadless : n.coordHeadless;
  return `${podName(cluster.metadata.name, component, ordinal)}.${service}.${namespaceOf(cluster)}.svc.${clusterDomain}`;
}

export function namespaceOf(cluster: MemgraphCluster): string {
  return cluster.metadata.namespace ?? 'default';
}
