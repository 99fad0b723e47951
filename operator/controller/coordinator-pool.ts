// One coordinator client (a Bolt driver) and one /v1/cluster watch per cluster, made on its
// first reconcile, remade when its coordinators change, closed when the cluster goes. The
// watch enqueues the cluster on every new version: that is how a failover reaches the role
// labels within the reconcile time instead of at the next resync.
import type { MemgraphCluster } from '../api/types.js';
import type { BuildContext } from '../resources/context.js';
import { clusterKey } from './controller.js';
import { ClusterWatch } from './cluster-watch.js';
import { CoordinatorClient, coordinatorEndpoints, type Fetch } from './coordinator-client.js';
import type { CoordinatorAccess } from './interfaces.js';
import type { QueryRunner } from './query-runner.js';

interface Entry {
  fingerprint: string;
  client: CoordinatorClient;
  runner: QueryRunner;
  /** One per coordinator pod statements were sent to, made on first use. */
  podRunners: Map<number, QueryRunner>;
  watch: ClusterWatch;
}

export interface PoolDeps {
  ctx: BuildContext;
  runner(boltUrl: string): QueryRunner;
  onChange(namespace: string, name: string): void;
  fetchFn?: Fetch;
}

export class CoordinatorPool {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly deps: PoolDeps) {}

  access(cluster: MemgraphCluster): CoordinatorAccess {
    const namespace = cluster.metadata.namespace ?? 'default';
    const key = clusterKey(namespace, cluster.metadata.name);
    const endpoints = coordinatorEndpoints(cluster, this.deps.ctx);
    const fingerprint = JSON.stringify(endpoints);
    const existing = this.entries.get(key);
    if (existing?.fingerprint === fingerprint) return existing.client;
    if (existing) void this.close(existing);
    const runner = this.deps.runner(endpoints.boltUrl);
    const fetchFn = this.deps.fetchFn ?? fetch;
    const podRunners = new Map<number, QueryRunner>();
    const podRunner = (ordinal: number): QueryRunner => {
      let r = podRunners.get(ordinal);
      if (!r) {
        r = this.deps.runner(endpoints.podBoltUrls[ordinal]!);
        podRunners.set(ordinal, r);
      }
      return r;
    };
    const entry: Entry = {
      fingerprint,
      runner,
      podRunners,
      client: new CoordinatorClient(endpoints.httpBases, runner, fetchFn, undefined, podRunner),
      watch: new ClusterWatch(endpoints.httpBases, () => this.deps.onChange(namespace, cluster.metadata.name), fetchFn),
    };
    this.entries.set(key, entry);
    return entry.client;
  }

  async forget(namespace: string, name: string): Promise<void> {
    const key = clusterKey(namespace, name);
    const entry = this.entries.get(key);
    this.entries.delete(key);
    if (entry) await this.close(entry);
  }

  size(): number {
    return this.entries.size;
  }

  async closeAll(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => this.close(e)));
  }

  private async close(entry: Entry): Promise<void> {
    await Promise.all([entry.watch.stop(), entry.runner.close(), ...[...entry.podRunners.values()].map((r) => r.close())]);
  }
}
