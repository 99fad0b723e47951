// Every object a cluster should have, in the order they are best created (Services before
// StatefulSets so pod DNS resolves from the first start).
import type { KubernetesObject } from '@kubernetes/client-node';
import type { MemgraphCluster } from '../api/types.js';
import { buildConfigMap } from './configmap.js';
import type { BuildContext } from './context.js';
import { buildCoordinatorPdb, buildDataPdb } from './pdb.js';
import { buildPodMonitor } from './podmonitor.js';
import { buildServices } from './services.js';
import { buildCoordinatorStatefulSet, buildDataStatefulSet } from './statefulsets.js';

export interface Sizes {
  data: number;
  coordinators: number;
}

/** `sizes`: the StatefulSet sizes the controller chose (scale.ts); the spec's by default. */
export function desiredObjects(
  cluster: MemgraphCluster,
  ctx: BuildContext,
  sizes: Sizes = { data: cluster.spec.data.replicas, coordinators: cluster.spec.coordinators.replicas },
): KubernetesObject[] {
  const objects: KubernetesObject[] = [
    buildConfigMap(cluster, ctx),
    ...buildServices(cluster),
    buildCoordinatorStatefulSet(cluster, ctx, sizes.coordinators),
    buildDataStatefulSet(cluster, ctx, sizes.data),
    buildCoordinatorPdb(cluster, ctx),
    buildDataPdb(cluster, ctx, sizes.data),
  ];
  const podMonitor = buildPodMonitor(cluster);
  if (podMonitor) objects.push(podMonitor);
  return objects;
}
