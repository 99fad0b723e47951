// Coordinator views for controller tests: a healthy `graph` cluster and edits of it.
import type { KnownView, ViewInstance } from '../../../../operator/controller/view.js';

const host = (pod: string, tier: 'data' | 'coord') => `${pod}.graph-${tier}-hl.ns.svc.cluster.local`;

export function instance(ordinal: number, over: Partial<ViewInstance> = {}): ViewInstance {
  const name = `graph-data-${ordinal}`;
  return { name, role: 'replica', health: 'up', mode: 'sync', boltServer: `${host(name, 'data')}:7687`, committedTxns: 100, lagTxns: 0, ...over };
}

/** Coordinators 1..3 added, data instances 0..n-1 registered, MAIN graph-data-0. */
export function healthy(dataInstances = 2): KnownView {
  return {
    known: true,
    leader: 'graph-coord-0',
    coordinators: [0, 1, 2].map((o) => ({
      id: o + 1,
      name: `graph-coord-${o}`,
      role: o === 0 ? 'leader' : 'follower',
      health: 'up',
      boltServer: `${host(`graph-coord-${o}`, 'coord')}:7687`,
    })),
    instances: Array.from({ length: dataInstances }, (_, o) => instance(o, o === 0 ? { role: 'main' } : {})),
  };
}

export function edit(view: KnownView, name: string, over: Partial<ViewInstance>): KnownView {
  return { ...view, instances: view.instances.map((i) => (i.name === name ? { ...i, ...over } : i)) };
}
