// The members a spec asks for, with the addresses coordinators must register: pod DNS names
// through the headless Services, or the external bolt_server the spec gives (clients are
// routed to it, so it must be reachable from where they run).
import type { MemgraphCluster, ReplicationMode } from '../api/types.js';
import type { BuildContext } from '../resources/context.js';
import { PORTS, podHost, podName } from '../resources/names.js';

export interface DesiredInstance {
  name: string;
  ordinal: number;
  mode: ReplicationMode;
  boltServer: string;
  managementServer: string;
  replicationServer: string;
}

export interface DesiredCoordinator {
  /** ordinal + 1 */
  id: number;
  name: string;
  boltServer: string;
  coordinatorServer: string;
  managementServer: string;
}

export function desiredInstances(cluster: MemgraphCluster, ctx: BuildContext): DesiredInstance[] {
  const { data, externalAccess } = cluster.spec;
  return Array.from({ length: data.replicas }, (_, ordinal) => {
    const host = podHost(cluster, 'data', ordinal, ctx.clusterDomain);
    return {
      name: podName(cluster.metadata.name, 'data', ordinal),
      ordinal,
      mode: data.instances?.find((i) => i.ordinal === ordinal)?.mode ?? data.mode,
      boltServer: externalAccess?.data?.find((e) => e.ordinal === ordinal)?.boltServer ?? `${host}:${PORTS.bolt}`,
      managementServer: `${host}:${PORTS.management}`,
      replicationServer: `${host}:${PORTS.replication}`,
    };
  });
}

export function desiredCoordinators(cluster: MemgraphCluster, ctx: BuildContext): DesiredCoordinator[] {
  const { coordinators, externalAccess } = cluster.spec;
  return Array.from({ length: coordinators.replicas }, (_, ordinal) => {
    const host = podHost(cluster, 'coordinator', ordinal, ctx.clusterDomain);
    return {
      id: ordinal + 1,
      name: podName(cluster.metadata.name, 'coordinator', ordinal),
      boltServer: externalAccess?.coordinators?.find((e) => e.ordinal === ordinal)?.boltServer ?? `${host}:${PORTS.bolt}`,
      coordinatorServer: `${host}:${PORTS.coordinator}`,
      managementServer: `${host}:${PORTS.management}`,
    };
  });
}
