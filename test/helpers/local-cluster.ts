// A LocalCluster (dataplane/local-cluster) on free loopback ports in a temporary directory,
// for the multi-process HA tests, the chaos test and the RTO benchmark.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clusterPlan, type PortBlock, type ReplicationModeName } from '../../dataplane/local-cluster/plan.js';
import { LocalCluster } from '../../dataplane/local-cluster/processes.js';
import { freePort } from './ports.js';
import { mainJs } from './server.js';

export interface TestClusterOptions {
  coordinators?: number;
  dataInstances?: number;
  mode?: ReplicationModeName | ReplicationModeName[];
  extraArgs?: string[];
}

export async function freePortBlocks(n: number): Promise<PortBlock[]> {
  const out: PortBlock[] = [];
  const seen = new Set<number>();
  const next = async (): Promise<number> => {
    for (;;) {
      const p = await freePort();
      if (!seen.has(p)) {
        seen.add(p);
        return p;
      }
    }
  };
  for (let i = 0; i < n; i++) out.push({ bolt: await next(), metrics: await next(), management: await next(), cluster: await next() });
  return out;
}

export async function startTestCluster(o: TestClusterOptions = {}): Promise<{ cluster: LocalCluster; dir: string }> {
  const coordinators = o.coordinators ?? 3;
  const dataInstances = o.dataInstances ?? 3;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-ha-'));
  const plan = clusterPlan({
    coordinators,
    dataInstances,
    host: '127.0.0.1',
    baseDirectory: dir,
    ports: await freePortBlocks(coordinators + dataInstances),
    mode: o.mode ?? 'sync',
    extraArgs: ['--log-level=WARNING', '--storage-snapshot-on-exit=false', ...(o.extraArgs ?? [])],
  });
  const cluster = new LocalCluster(plan, { mainJs });
  try {
    await cluster.startAll();
  } catch (e) {
    // A member that failed to start must not leave the others running.
    await cluster.stopAll(1000);
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return { cluster, dir };
}

/** GET a JSON document from a member's metrics port. */
export async function getJson<T>(port: number, urlPath: string, timeoutMs = 3000): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${port}${urlPath}`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`GET ${urlPath} on ${port}: ${res.status}`);
  return (await res.json()) as T;
}
