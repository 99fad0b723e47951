// `<name>-config`: the rendered flags of each tier and the coordinator settings the operator
// applies, so `kubectl get cm <name>-config -o yaml` shows what runs without reading pod specs.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { settingEntries } from '../api/coordinator-settings.js';
import type { MemgraphCluster } from '../api/types.js';
import type { BuildContext } from './context.js';
import { ownedMeta } from './metadata.js';
import { names } from './names.js';
import { coordinatorArgs, dataArgs } from './statefulsets.js';

export function buildConfigMap(cluster: MemgraphCluster, ctx: BuildContext): V1ConfigMap {
  const lines = (xs: string[]) => xs.map((x) => `${x}\n`).join('');
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: ownedMeta(cluster, names(cluster.metadata.name).config),
    data: {
      'data.flags': lines(dataArgs(cluster, ctx)),
      'coordinator.flags': lines(coordinatorArgs(cluster, ctx)),
      'coordinator-settings': lines(settingEntries(cluster.spec.coordinatorSettings).map(([k, v]) => `${k}=${v}`)),
    },
  };
}
