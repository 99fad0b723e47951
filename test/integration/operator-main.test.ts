// The operator process end to end against a stand-in API server on 127.0.0.1: discovery,
// leader election on a Lease, informers, one reconcile of a cluster whose spec is invalid
// (so no coordinator is contacted), its status and Event written, health and metrics served.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { freePort } from '../helpers/ports.js';
import { repoRoot } from '../helpers/repo-root.js';

const mainJs = path.join(repoRoot, 'dist', 'operator', 'main.js');

interface Recorded {
  method: string;
  url: string;
  body: Record<string, unknown> | undefined;
}

let server: Server;
let child: ChildProcess | undefined;
let metricsPort = 0;
const seen: Recorded[] = [];
let lease: Record<string, unknown> | undefined;
const output: string[] = [];

const cluster = {
  apiVersion: 'mgha.io/v1alpha1',
  kind: 'MemgraphCluster',
  metadata: { name: 'graph', namespace: 'ns', uid: 'u1', generation: 3, resourceVersion: '11' },
  spec: { image: 'mgha:1', coordinators: { replicas: 4 } },
};
const list = (kind: string, items: unknown[]) => ({ kind, apiVersion: 'v1', metadata: { resourceVersion: '10' }, items });

beforeAll(async () => {
  const app = express();
  app.use(express.text({ type: '*/*' }));
  app.use((req, res, next) => {
    seen.push({ method: req.method, url: req.url, body: typeof req.body === 'string' && req.body !== '' ? JSON.parse(req.body) : undefined });
    // Watches stay open and quiet.
    if (req.method === 'GET' && req.query.watch === 'true') return void res.type('application/json').write('');
    next();
  });
  app.get('/apis', (_req, res) => void res.json({ kind: 'APIGroupList', groups: [{ name: 'policy', versions: [{ groupVersion: 'policy/v1beta1', version: 'v1beta1' }] }] }));
  const leasePath = '/apis/coordination.k8s.io/v1/namespaces/mgha-system/leases/mgha-operator';
  app.get(leasePath, (_req, res) => void (lease ? res.json(lease) : res.status(404).json({ kind: 'Status', code: 404, reason: 'NotFound' })));
  app.post('/apis/coordination.k8s.io/v1/namespaces/mgha-system/leases', (req, res) => {
    lease = { ...JSON.parse(req.body as string), metadata: { name: 'mgha-operator', namespace: 'mgha-system', resourceVersion: '1' } };
    res.status(201).json(lease);
  });
  app.put(leasePath, (req, res) => {
    lease = JSON.parse(req.body as string);
    res.json(lease);
  });
  app.get('/apis/mgha.io/v1alpha1/memgraphclusters', (_req, res) => void res.json(list('MemgraphClusterList', [cluster])));
  app.get('/apis/apps/v1/statefulsets', (_req, res) => void res.json(list('StatefulSetList', [])));
  app.get('/api/v1/pods', (_req, res) => void res.json(list('PodList', [])));
  app.get('/apis/mgha.io/v1alpha1/namespaces/ns/memgraphclusters/graph', (_req, res) => void res.json(cluster));
  app.get('/apis/apps/v1/namespaces/ns/statefulsets/:name', (_req, res) => void res.status(404).json({ kind: 'Status', code: 404, reason: 'NotFound' }));
  app.patch('/apis/mgha.io/v1alpha1/namespaces/ns/memgraphclusters/graph/status', (_req, res) => void res.json(cluster));
  app.post('/api/v1/namespaces/ns/events', (req, res) => void res.status(201).type('application/json').send(req.body));
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-operator-'));
  const kubeconfig = path.join(dir, 'config');
  const port = (server.address() as AddressInfo).port;
  fs.writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: http://127.0.0.1:${port}\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\ncurrent-context: x\n`,
  );
  metricsPort = await freePort();
  child = spawn(process.execPath, [mainJs], {
    env: { PATH: process.env.PATH, KUBECONFIG: kubeconfig, POD_NAME: 'op-0', POD_NAMESPACE: 'mgha-system', MGHA_METRICS_ADDRESS: '127.0.0.1', MGHA_METRICS_PORT: String(metricsPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = 15000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; requests: ${seen.map((s) => `${s.method} ${s.url}`).join(', ')}; output: ${output.join('')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('takes the Lease, reconciles the cluster, reports the invalid field, serves health and metrics, stops on SIGTERM', async () => {
  const status = await until('a status patch', () => seen.find((s) => s.method === 'PATCH' && s.url.endsWith('/graph/status')));
  expect(status.body).toMatchObject({
    metadata: { resourceVersion: '11' },
    status: { phase: 'Invalid spec', observedGeneration: 3, phaseReason: expect.stringContaining('spec.coordinators.replicas: must be odd') },
  });
  const event = await until('an event', () => seen.find((s) => s.method === 'POST' && s.url.endsWith('/events')));
  expect(event.body).toMatchObject({ reason: 'InvalidSpec', type: 'Warning', involvedObject: { name: 'graph', uid: 'u1' } });
  expect(lease).toMatchObject({ spec: { holderIdentity: 'op-0' } });
  const ready = await fetch(`http://127.0.0.1:${metricsPort}/readyz`);
  expect(await ready.text()).toBe('leading\n');
  const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  expect(metrics).toContain('mgha_operator_reconcile_total{result="success"}');
  const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
  child!.kill('SIGTERM');
  expect(await exited).toBe(0);
});
