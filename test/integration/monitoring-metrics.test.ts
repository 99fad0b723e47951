// The chart's dashboard and alerts read only metrics that mgha really exports: a real HA
// cluster (3 coordinators, a MAIN with a SYNC replica, after writes, so the replication
// series exist) is scraped, plus the operator's registry (built as operator/main.ts builds
// it, fed the coordinators' real /v1/cluster, and checked against the families a real
// operator process declares), and every metric name in every dashboard and alert expression
// must be among the scraped series.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { clusterMetrics } from '../../operator/controller/cluster-metrics.js';
import { parseClusterDoc } from '../../operator/controller/cluster-doc.js';
import { controllerMetrics } from '../../operator/controller/metrics.js';
import { viewFromDoc } from '../../operator/controller/view.js';
import { dashboardExpressions, ruleGroups } from '../helpers/chart-monitoring.js';
import { HaCluster, waitFor } from '../helpers/ha-cluster.js';
import { freePort } from '../helpers/ports.js';
import { promqlMetricNames } from '../helpers/promql-names.js';
import { repoRoot } from '../helpers/repo-root.js';

/** Names of the samples in a Prometheus text exposition (not just the # TYPE lines). */
function sampleNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_:][A-Za-z0-9_:]*)[{ ]/.exec(line);
    if (m) names.add(m[1]!);
  }
  return names;
}

/** Metric families a process declares (# TYPE lines), with the series names they produce. */
function declaredNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\w+)$/gm)) {
    const [, name, type] = m;
    names.add(name!);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name! + suffix);
  }
  return names;
}

/**
 * The real operator process (dist/operator/main.js) against a stand-in API server that
 * serves discovery and empty lists (no cluster, so it contacts no coordinator), for its
 * /metrics exposition.
 */
async function scrapeOperatorProcess(): Promise<string> {
  const app = express();
  app.use((req, res, next) => {
    if (req.method === 'GET' && req.query.watch === 'true') return void res.type('application/json').write('');
    next();
  });
  app.get('/apis', (_req, res) => void res.json({ kind: 'APIGroupList', groups: [{ name: 'policy', versions: [{ groupVersion: 'policy/v1', version: 'v1' }] }] }));
  app.get(/.*/, (_req, res) => void res.json({ kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [] }));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-monitoring-'));
  let child: ChildProcess | undefined;
  try {
    const kubeconfig = path.join(dir, 'config');
    const apiPort = (server.address() as AddressInfo).port;
    fs.writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: http://127.0.0.1:${apiPort}\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\ncurrent-context: x\n`,
    );
    const metricsPort = await freePort();
    const output: string[] = [];
    child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'operator', 'main.js')], {
      env: { PATH: process.env.PATH, KUBECONFIG: kubeconfig, POD_NAME: 'op-0', POD_NAMESPACE: 'mgha-system', MGHA_LEADER_ELECT: 'false', MGHA_METRICS_ADDRESS: '127.0.0.1', MGHA_METRICS_PORT: String(metricsPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
    try {
      return await waitFor(
        'the operator /metrics',
        async () => {
          if (child!.exitCode !== null) throw new Error(`the operator exited with ${child!.exitCode}`);
          return (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        },
        15_000,
      );
    } catch (e) {
      throw new Error(`${String(e)}; operator output: ${output.join('')}`);
    }
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Value of one sample line, written exactly as the exposition prints its name and labels. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

let c: HaCluster;
const exported = new Map<string, Set<string>>();
const texts = new Map<string, string>();
let mainName = '';
let operatorProcessText = '';

beforeAll(async () => {
  c = await HaCluster.start({ coordinators: 3, data: 2 });
  try {
    const main = (mainName = await c.waitMain({ also: (rows) => rows.filter((r) => r.health === 'up').length === 5 }));
    for (let i = 0; i < 5; i++) await c.run(main, 'CREATE (:Probe {i: $i})-[:NEXT]->(:Probe)', { i });
    await c.run(main, 'MATCH (n:Probe) RETURN count(n)');
    const scrape = async (name: string): Promise<string> => (await fetch(`http://127.0.0.1:${c.node(name).ports.metrics}/metrics`)).text();
    // The MAIN lists its replica's lag, and the leader its view of the data instances.
    await waitFor('replica lag series on MAIN', async () => (/^mgha_replica_lag_transactions\{replica=/m.test(await scrape(main)) ? true : undefined));
    const leader = await c.waitLeader();
    await waitFor('instance health on the leader', async () => (/^mgha_cluster_instance_up\{instance=/m.test(await scrape(leader)) ? true : undefined));
    for (const m of [...c.coordinators, ...c.dataInstances]) {
      texts.set(m.name, await scrape(m.name));
      exported.set(m.name, sampleNames(texts.get(m.name)!));
    }

    // The operator's registry, wired as in operator/main.ts, recording the real cluster view.
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'mgha_operator_' });
    const doc = parseClusterDoc(await (await fetch(`http://127.0.0.1:${c.node(leader).ports.metrics}/v1/cluster`)).json());
    clusterMetrics(registry).record('ns', 'graph', viewFromDoc(doc));
    const reconciles = controllerMetrics(registry, () => 0);
    reconciles.observe('success', 0.02);
    reconciles.observe('error', 0.5);
    exported.set('operator', sampleNames(await registry.metrics()));
    operatorProcessText = await scrapeOperatorProcess();
  } catch (e) {
    process.stderr.write(c.logs());
    await c.close();
    throw e;
  }
}, 120_000);

afterAll(async () => {
  await c?.close();
});

const union = (): Set<string> => new Set([...exported.values()].flatMap((s) => [...s]));

test('the scrape has the replication, Raft, failover and operator series the chart leans on', () => {
  const all = union();
  for (const m of [
    'mgha_replica_lag_transactions',
    'mgha_replica_lag_seconds',
    'mgha_replica_state',
    'mgha_replication_applied_timestamp',
    'mgha_replication_rpc_duration_seconds_bucket',
    'mgha_raft_term',
    'mgha_raft_is_leader',
    'mgha_raft_commit_index',
    'mgha_failovers_total',
    'mgha_failover_duration_seconds_bucket',
    'mgha_cluster_instance_up',
    'mgha_query_duration_seconds_bucket',
    'mgha_process_resident_memory_bytes',
    'mgha_operator_reconcile_errors_total',
    'mgha_cluster_replica_lag_transactions',
    'mgha_cluster_state_known',
  ]) {
    expect([m, all.has(m)]).toEqual([m, true]);
  }
});

test('the series the alerts group on come from the processes they assume', () => {
  // Coordinators alone export Raft and failover series (the dashboard counts coordinators
  // with count(mgha_raft_term)); data instances alone export replication lag.
  for (const m of c.coordinators) {
    expect([m.name, exported.get(m.name)!.has('mgha_raft_term'), exported.get(m.name)!.has('mgha_replica_lag_transactions')]).toEqual([m.name, true, false]);
    expect(sample(texts.get(m.name)!, 'mgha_instance_role{role="coordinator"}')).toBe(1);
  }
  for (const m of c.dataInstances) {
    expect([m.name, exported.get(m.name)!.has('mgha_raft_term'), exported.get(m.name)!.has('mgha_failovers_total')]).toEqual([m.name, false, false]);
  }
  // MgHANoMain / MgHAMultipleMains sum role="main" × up over the pods: exactly 1 here.
  const mains = [...c.coordinators, ...c.dataInstances].map((m) => (sample(texts.get(m.name)!, 'mgha_instance_role{role="main"}') ?? 0) * (sample(texts.get(m.name)!, 'mgha_instance_up') ?? 0));
  expect(mains.reduce((a, b) => a + b, 0)).toBe(1);
  expect(sample(texts.get(mainName)!, 'mgha_instance_role{role="main"}')).toBe(1);
  // MgHAReplicaInvalid / MgHAReplicaDiverged read state-labelled 0/1 series; the replica is ready.
  const replica = c.dataInstances.find((m) => m.name !== mainName)!.name;
  expect(sample(texts.get(mainName)!, `mgha_replica_state{replica="${replica}",state="ready"}`)).toBe(1);
  // MgHACoordinatorQuorumAtRisk compares count(mgha_raft_term) with the voters: 3 of 3.
  expect(c.coordinators.map((m) => sample(texts.get(m.name)!, 'mgha_raft_voters'))).toEqual([3, 3, 3]);
});

test('every metric in the Grafana dashboard is exported by a real mgha process or the operator', () => {
  const all = union();
  const missing = dashboardExpressions().flatMap((e) => promqlMetricNames(e.expr).filter((n) => !all.has(n)).map((n) => `${n} (${e.where})`));
  expect(missing).toEqual([]);
  expect(dashboardExpressions().length).toBeGreaterThan(40);
});

test('every metric in the PrometheusRule alerts is exported by a real mgha process or the operator', () => {
  const all = union();
  const rules = ruleGroups().flatMap((g) => g.rules);
  const missing = rules.flatMap((r) => promqlMetricNames(r.expr).filter((n) => !all.has(n)).map((n) => `${n} (${r.alert})`));
  expect(missing).toEqual([]);
  expect(rules.length).toBeGreaterThanOrEqual(15);
});

test('the operator registry here declares the families the real operator process serves', async () => {
  const real = declaredNames(operatorProcessText);
  expect(real.has('mgha_cluster_replica_lag_transactions')).toBe(true);
  expect([...exported.get('operator')!].filter((n) => !real.has(n))).toEqual([]);
});
