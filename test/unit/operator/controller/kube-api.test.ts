// KubeClusterApi against a stand-in API server on 127.0.0.1 that records what it is sent.
import { KubeConfig } from '@kubernetes/client-node';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeClusterApi } from '../../../../operator/controller/kube-api.js';
import { buildReadWriteService } from '../../../../operator/resources/services.js';
import { cluster } from '../fixtures.js';

interface Seen {
  method: string;
  url: string;
  contentType: string | undefined;
  body: unknown;
}

const status404 = { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' };

let server: Server;
let api: KubeClusterApi;
const seen: Seen[] = [];

beforeAll(async () => {
  const app = express();
  app.use(express.text({ type: '*/*' }));
  app.use((req, _res, next) => {
    seen.push({ method: req.method, url: req.url, contentType: req.headers['content-type'], body: typeof req.body === 'string' && req.body !== '' ? JSON.parse(req.body) : undefined });
    next();
  });
  app.get('/apis/mgha.io/v1alpha1/namespaces/ns/memgraphclusters/graph', (_req, res) => {
    res.json({ apiVersion: 'mgha.io/v1alpha1', kind: 'MemgraphCluster', metadata: { name: 'graph', namespace: 'ns', resourceVersion: '7' }, spec: { image: 'x' }, status: { phase: 'Healthy' } });
  });
  app.get('/apis/mgha.io/v1alpha1/namespaces/ns/memgraphclusters/gone', (_req, res) => res.status(404).json(status404));
  app.get('/apis/apps/v1/namespaces/ns/statefulsets/graph-data', (_req, res) => res.status(404).json(status404));
  app.get('/api/v1/namespaces/ns/pods', (_req, res) => {
    const pod = (name: string, labels: Record<string, string>) => ({
      metadata: { name, namespace: 'ns', labels: { ...labels, 'controller-revision-hash': 'graph-data-abc' } },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    });
    res.json({
      kind: 'PodList',
      apiVersion: 'v1',
      metadata: {},
      items: [pod('graph-data-0', { 'mgha.io/cluster': 'graph', 'mgha.io/component': 'data', 'mgha.io/role': 'main' }), pod('debug', { 'mgha.io/cluster': 'graph' })],
    });
  });
  app.get('/api/v1', (_req, res) => {
    res.json({ kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'services', singularName: 'service', namespaced: true, kind: 'Service', verbs: ['patch'] }] });
  });
  app.patch('/api/v1/namespaces/ns/services/graph-rw', (req, res) => res.type('application/json').send(req.body));
  app.delete('/api/v1/namespaces/ns/pods/graph-data-1', (_req, res) => res.json({ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'graph-data-1' } }));
  app.patch('/api/v1/namespaces/ns/pods/graph-data-0', (_req, res) => res.json({ metadata: { name: 'graph-data-0' } }));
  app.patch('/apis/mgha.io/v1alpha1/namespaces/ns/memgraphclusters/graph/status', (_req, res) => res.json({}));
  app.post('/api/v1/namespaces/ns/events', (req, res) => res.status(201).type('application/json').send(req.body));
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  api = new KubeClusterApi(kc, () => new Date('2026-12-03T05:00:00Z'));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

beforeEach(() => {
  seen.length = 0;
});

test('getCluster splits status from the object; 404 is null', async () => {
  const c = await api.getCluster('ns', 'graph');
  expect(c?.status).toEqual({ phase: 'Healthy' });
  expect(c?.object.metadata.resourceVersion).toBe('7');
  expect(c?.object).not.toHaveProperty('status');
  expect(await api.getCluster('ns', 'gone')).toBeNull();
  expect(await api.getStatefulSet('ns', 'graph-data')).toBeNull();
});

test('listPods asks by cluster label and keeps only tier pods, with revision and readiness', async () => {
  const pods = await api.listPods('ns', 'graph');
  expect(seen[0].url).toBe('/api/v1/namespaces/ns/pods?labelSelector=mgha.io%2Fcluster%3Dgraph');
  expect(pods).toEqual([
    {
      name: 'graph-data-0',
      component: 'data',
      labels: { 'mgha.io/cluster': 'graph', 'mgha.io/component': 'data', 'mgha.io/role': 'main', 'controller-revision-hash': 'graph-data-abc' },
      revision: 'graph-data-abc',
      ready: true,
    },
  ]);
});

test('deletePod deletes the pod', async () => {
  await api.deletePod('ns', 'graph-data-1');
  expect(seen[0]).toMatchObject({ method: 'DELETE', url: '/api/v1/namespaces/ns/pods/graph-data-1' });
});

test('apply is a server-side apply with the operator field manager, forced', async () => {
  const service = buildReadWriteService(cluster());
  await api.apply(service);
  const patch = seen.find((s) => s.method === 'PATCH')!;
  expect(patch.url).toBe('/api/v1/namespaces/ns/services/graph-rw?fieldManager=mgha-operator&force=true');
  expect(patch.contentType).toBe('application/apply-patch+yaml');
  expect(patch.body).toMatchObject({ kind: 'Service', spec: { selector: { 'mgha.io/role': 'main' } } });
});

test('pod labels are a merge patch; null removes', async () => {
  await api.patchPodLabels('ns', 'graph-data-0', { 'mgha.io/role': null });
  expect(seen[0]).toMatchObject({ method: 'PATCH', contentType: 'application/merge-patch+json', body: { metadata: { labels: { 'mgha.io/role': null } } } });
});

test('status is a merge patch of the status subresource carrying the resourceVersion read', async () => {
  await api.patchStatus('ns', 'graph', '7', { phase: 'Cluster in healthy state' });
  expect(seen[0]).toMatchObject({
    method: 'PATCH',
    url: '/apis/mgha.io/v1alpha1/namespaces/ns/memgraphclusters/graph/status',
    contentType: 'application/merge-patch+json',
    body: { metadata: { resourceVersion: '7' }, status: { phase: 'Cluster in healthy state' } },
  });
});

test('an Event names the cluster, the reason and the decision', async () => {
  await api.event({ metadata: { name: 'graph', namespace: 'ns', uid: 'u1', resourceVersion: '7' } }, 'Normal', 'MainSet', 'make graph-data-0 MAIN');
  expect(seen[0]).toMatchObject({
    method: 'POST',
    body: {
      metadata: { generateName: 'graph.', namespace: 'ns' },
      involvedObject: { kind: 'MemgraphCluster', name: 'graph', uid: 'u1', apiVersion: 'mgha.io/v1alpha1' },
      type: 'Normal',
      reason: 'MainSet',
      message: 'make graph-data-0 MAIN',
      source: { component: 'mgha-operator' },
      count: 1,
    },
  });
});
