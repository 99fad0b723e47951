// The Services of a cluster. Headless ones give pods stable DNS names for management,
// replication and Raft; `<name>` is the routing entry point (coordinators' Bolt); `-rw`, `-ro`
// and `-r` serve plain Bolt clients and follow the role labels the operator sets from the
// coordinators' view (/v1/cluster), like CloudNativePG's Services follow its role label.
import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import type { MemgraphCluster } from '../api/types.js';
import { ownedMeta } from './metadata.js';
import { LABELS, PORTS, names, tierSelector, type Component, type DataRole } from './names.js';

const port = (name: keyof typeof PORTS): V1ServicePort => ({ name, port: PORTS[name], targetPort: name, protocol: 'TCP' });

function headless(cluster: MemgraphCluster, name: string, component: Component, ports: V1ServicePort[]): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: ownedMeta(cluster, name, component),
    spec: {
      clusterIP: 'None',
      // Peers must resolve each other before they are ready: Raft needs a quorum to start,
      // and the coordinators reach a data instance to make it ready.
      publishNotReadyAddresses: true,
      selector: tierSelector(cluster.metadata.name, component),
      ports,
    },
  };
}

function bolt(cluster: MemgraphCluster, name: string, component: Component, selector: Record<string, string>): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: ownedMeta(cluster, name, component),
    spec: { type: 'ClusterIP', selector, ports: [port('bolt')] },
  };
}

export function buildDataHeadlessService(cluster: MemgraphCluster): V1Service {
  return headless(cluster, names(cluster.metadata.name).dataHeadless, 'data', [
    port('bolt'),
    port('management'),
    port('replication'),
    port('metrics'),
  ]);
}

export function buildCoordinatorHeadlessService(cluster: MemgraphCluster): V1Service {
  return headless(cluster, names(cluster.metadata.name).coordHeadless, 'coordinator', [
    port('bolt'),
    port('management'),
    port('coordinator'),
    port('metrics'),
  ]);
}

/** `neo4j://<name>.<ns>.svc:7687`: any coordinator answers ROUTE. */
export function buildRoutingService(cluster: MemgraphCluster): V1Service {
  return bolt(cluster, names(cluster.metadata.name).routing, 'coordinator', tierSelector(cluster.metadata.name, 'coordinator'));
}

function byRole(cluster: MemgraphCluster, name: string, role: DataRole): V1Service {
  return bolt(cluster, name, 'data', { ...tierSelector(cluster.metadata.name, 'data'), [LABELS.role]: role });
}

/** The MAIN: the pod labelled `mgha.io/role=main`. */
export function buildReadWriteService(cluster: MemgraphCluster): V1Service {
  return byRole(cluster, names(cluster.metadata.name).readWrite, 'main');
}

/** Healthy REPLICAs. */
export function buildReadOnlyService(cluster: MemgraphCluster): V1Service {
  return byRole(cluster, names(cluster.metadata.name).readOnly, 'replica');
}

/** Any ready data instance. */
export function buildReadService(cluster: MemgraphCluster): V1Service {
  return bolt(cluster, names(cluster.metadata.name).read, 'data', tierSelector(cluster.metadata.name, 'data'));
}

export function buildServices(cluster: MemgraphCluster): V1Service[] {
  return [
    buildDataHeadlessService(cluster),
    buildCoordinatorHeadlessService(cluster),
    buildRoutingService(cluster),
    buildReadWriteService(cluster),
    buildReadOnlyService(cluster),
    buildReadService(cluster),
  ];
}
