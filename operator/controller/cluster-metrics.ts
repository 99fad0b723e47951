// Per-cluster gauges from the coordinators' view, which Memgraph itself does not export:
// replication lag in transactions, instance health, which instance is MAIN, and whether the
// view is known at all. Series of instances that left the view are removed.
import { Gauge, type Registry } from 'prom-client';
import { clusterKey } from './controller.js';
import type { ClusterView } from './view.js';

export interface ClusterMetrics {
  record(namespace: string, cluster: string, view: ClusterView): void;
  forget(namespace: string, cluster: string): void;
}

export function clusterMetrics(registry: Registry): ClusterMetrics {
  const labelNames = ['namespace', 'cluster', 'instance'] as const;
  const lag = new Gauge({ name: 'mgha_cluster_replica_lag_transactions', help: "Transactions a data instance is behind the MAIN (the coordinators' lagTxns).", labelNames, registers: [registry] });
  const up = new Gauge({ name: 'mgha_cluster_instance_up', help: '1 when the coordinators see the data instance up.', labelNames, registers: [registry] });
  const main = new Gauge({ name: 'mgha_cluster_instance_is_main', help: '1 for the instance in role MAIN (more than one: split brain).', labelNames, registers: [registry] });
  const known = new Gauge({ name: 'mgha_cluster_state_known', help: '1 when a coordinator with a ready leader answered.', labelNames: ['namespace', 'cluster'], registers: [registry] });
  const instances = new Map<string, Set<string>>();

  const drop = (namespace: string, cluster: string, names: Iterable<string>) => {
    for (const instance of names) for (const g of [lag, up, main]) g.remove({ namespace, cluster, instance });
  };
  return {
    record(namespace, cluster, view) {
      known.set({ namespace, cluster }, view.known ? 1 : 0);
      if (!view.known) return;
      const key = clusterKey(namespace, cluster);
      const now = new Set(view.instances.map((i) => i.name));
      drop(namespace, cluster, [...(instances.get(key) ?? [])].filter((n) => !now.has(n)));
      instances.set(key, now);
      for (const i of view.instances) {
        const labels = { namespace, cluster, instance: i.name };
        up.set(labels, i.health === 'up' ? 1 : 0);
        main.set(labels, i.role === 'main' ? 1 : 0);
        if (i.lagTxns !== undefined) lag.set(labels, i.lagTxns);
        else lag.remove(labels);
      }
    },
    forget(namespace, cluster) {
      const key = clusterKey(namespace, cluster);
      drop(namespace, cluster, instances.get(key) ?? []);
      instances.delete(key);
      known.remove({ namespace, cluster });
    },
  };
}
