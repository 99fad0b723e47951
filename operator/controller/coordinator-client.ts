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
import { viewFromDoc, viewFromShowInstances, type ClusterView, type ShowInstancesRow } from './view.js';

export type Fetch = (url: string, init?: { signal?: AbortSignal }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/** Base URLs of every coordinator's metrics port, and the Bolt URL of the `<name>` Service. */
export function coordinatorEndpoints(cluster: MemgraphCluster, ctx: BuildContext): { httpBases: string[]; boltUrl: string } {
  const ns = cluster.metadata.namespace ?? 'default';
  return {
    httpBases: Array.from({ length: cluster.spec.coordinators.replicas }, (_, i) => `http://${podHost(cluster, 'coordinator', i, ctx.clusterDomain)}:${PORTS.metrics}`),
    boltUrl: `bolt://${cluster.metadata.name}.${ns}.svc.${ctx.clusterDomain}:${PORTS.bolt}`,
  };
}

export async function fetchClusterDoc(fetchFn: Fetch, url: string, timeoutMs: number, cancel?: AbortSignal): Promise<ClusterDoc> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const response = await fetchFn(url, { signal: cancel ? AbortSignal.any([timeout, cancel]) : timeout });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return parseClusterDoc(await response.json());
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class CoordinatorClient implements CoordinatorAccess {
  constructor(
    private readonly httpBases: readonly string[],
    private readonly runner: QueryRunner,
    private readonly fetchFn: Fetch = fetch,
    private readonly timeoutMs = 3000,
  ) {}

  async view(): Promise<ClusterView> {
    const reasons: string[] = [];
    for (const base of this.httpBases) {
      try {
        const view = viewFromDoc(await fetchClusterDoc(this.fetchFn, `${base}/v1/cluster`, this.timeoutMs));
        if (view.known) return view;
        reasons.push(`${base}: ${view.reason}`);
      } catch (e) {
        reasons.push(`${base}: ${errorText(e)}`);
      }
    }
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
    await this.runner.run(toCypher(action));
  }
}
