// A defaulted MemgraphCluster for tests: `graph` in namespace `ns`, with a uid.
import type { MemgraphCluster, MemgraphClusterInput } from '../../../operator/api/types.js';
import { checkCluster, formatErrors } from '../../../operator/api/validation.js';

export function cluster(spec: Partial<MemgraphClusterInput['spec']> = {}, name = 'graph'): MemgraphCluster {
  const r = checkCluster({
    apiVersion: 'mgha.io/v1alpha1',
    kind: 'MemgraphCluster',
    metadata: { name, namespace: 'ns', uid: 'uid-1', generation: 1 },
    spec: { image: 'mgha:1', ...spec },
  });
  if (!r.ok) throw new Error(formatErrors(r.errors));
  return r.cluster;
}
