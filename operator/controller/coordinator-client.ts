// The operator's access to one cluster's coordinators: the view from `/v1/cluster` (any
// coordinator that knows a ready leader), else from SHOW INSTANCES over Bolt; admin
// statements over Bolt through the `<name>` Service (any coordinator forwards to the leader).
import { PORTS, podHost } from '../resources/names.js';
import type { BuildContext } from '../resources/context.js';
import type { MemgraphCluster } from '../api/types.js';
import { toCypher, type AdminAction } from './admin.js';
import { parseClusterDoc, type ClusterDoc } from './cluster-doc.js';
import type { CoordinatorAccess } from './interfaces.js';
import type { QueryRunner } from './query-runner.js';
import { isFreshDoc, viewFromDoc, viewFromShowInstances, type ClusterView, type ShowInstancesRow } from './view.js';

export type Fetch = (url: string, init?: { signal?: AbortSignal }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/**
 * Base URLs of every coordinator's metrics port, the Bolt URL of the `<name>` Service, and
 * each coordinator pod's own Bolt URL (by ordinal).
 */
export function coordinatorEndpoints(cluster: MemgraphCluster, ctx: BuildContext): { httpBases: string[]; boltUrl: string; podBoltUrls: string[] } {
  const ns = cluster.metadata.namespace ?? 'default';
  const ordinals = Array.from({ length: cluster.spec.coordinators.replicas }, (_, i) => i);
  return {
    httpBases: ordinals.map((i) => `http://${podHost(cluster, 'coordinator', i, ctx.clusterDomain)}:${PORTS.metrics}`),
    boltUrl: `bolt://${cluster.metadata.name}.${ns}.svc.${ctx.clusterDomain}:${PORTS.bolt}`,
    podBoltUrls: ordinals.map((i) => `bolt://${podHost(cluster, 'coordinator', i, ctx.clusterDomain)}:${PORTS.bolt}`),
  };
}

export async function fetchClusterDoc(fetchFn: Fetch, url: string, timeoutMs: number, cancel?: AbortSignal): Promise<ClusterDoc> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const response = await fetchFn(url, { signal: cancel ? AbortSignal.any([timeout, cancel]) : timeout });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return parseClusterDoc(await response.json());
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Admin statements go to one coordinator pod, never through the `<name>` Service: a fresh
 * coordinator that receives a change founds a cluster of its own, so bootstrap statements
 * reaching different fresh coordinators would make several clusters. Memgraph's own chart
 * runs its setup against coordinator 1 for the same reason.
 */
export class CoordinatorClient implements CoordinatorAccess {
  /** Ordinal of the coordinator pod statements go to: the leader's, or 0 for a fresh cluster. */
  private target: number | undefined;

  constructor(
    private readonly httpBases: readonly string[],
    private readonly runner: QueryRunner,
    private readonly fetchFn: Fetch = fetch,
    private readonly timeoutMs = 3000,
    /** The runner for one coordinator pod, by ordinal; without it statements use `runner`. */
    private readonly podRunner?: (ordinal: number) => QueryRunner,
  ) {}

  async view(): Promise<ClusterView> {
    const view = await this.observe();
    this.target = view.known ? (view.fresh ? 0 : view.leaderId !== undefined ? view.leaderId - 1 : undefined) : undefined;
    return view;
  }

  private async observe(): Promise<ClusterView> {
    const reasons: string[] = [];
    let fresh = 0;
    for (const base of this.httpBases) {
      try {
        const doc = await fetchClusterDoc(this.fetchFn, `${base}/v1/cluster`, this.timeoutMs);
        const view = viewFromDoc(doc);
        if (view.known) return view;
        if (isFreshDoc(doc)) fresh++;
        reasons.push(`${base}: ${isFreshDoc(doc) ? 'the coordinator has never been in a cluster' : view.reason}`);
      } catch (e) {
        reasons.push(`${base}: ${errorText(e)}`);
      }
    }
    // Only when every coordinator says so: one that did not answer may hold the cluster.
    if (fresh > 0 && fresh === this.httpBases.length) return { known: true, fresh: true, instances: [], coordinators: [] };
    try {
      const result = await this.runner.run('SHOW INSTANCES');
      const view = viewFromShowInstances(result.rows as unknown as ShowInstancesRow[], result.notifications);
      if (view.known) return view;
      reasons.push(view.reason);
    } catch (e) {
      reasons.push(`SHOW INSTANCES: ${errorText(e)}`);
    }
    return { known: false, reason: reasons.join('; ') };
  }

  async settings(): Promise<Record<string, string> | undefined> {
    try {
      const result = await this.runner.run('SHOW COORDINATOR SETTINGS');
      return Object.fromEntries(result.rows.map((r) => [String(r.setting_name), String(r.setting_value)]));
    } catch {
      // Unread settings are applied in full: the safe direction.
      return undefined;
    }
  }

  async run(action: AdminAction): Promise<void> {
    const runner = this.podRunner && this.target !== undefined && this.target < this.httpBases.length ? this.podRunner(this.target) : this.runner;
    await runner.run(toCypher(action));
  }
}
