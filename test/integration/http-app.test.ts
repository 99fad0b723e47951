// The HTTP surface in-process, over a real socket on 127.0.0.1.
import { createHttpApp } from '../../dataplane/http/app.js';
import { createMetrics } from '../../dataplane/http/metrics.js';
import { listenHttp, type HttpServer } from '../../dataplane/http/server.js';

let ready = false;
const counts = { vertexCount: 0, edgeCount: 0 };
const metrics = createMetrics({ counts: () => counts }, 'main');
let server: HttpServer;
let base: string;

beforeAll(async () => {
  const app = createHttpApp({
    registry: metrics.registry,
    ready: () => ready,
    instance: () => ({
      name: 'db-0',
      role: 'main',
      version: '0.1.0',
      uptimeSeconds: 0,
      storage: counts,
      bolt: { address: '127.0.0.1', port: 7687, advertisedAddress: '127.0.0.1:7687', connections: metrics.connections() },
    }),
  });
  server = await listenHttp(app, '127.0.0.1', 0);
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(() => server.close());

test('/livez answers 200 while the process runs', async () => {
  const res = await fetch(`${base}/livez`);
  expect(res.status).toBe(200);
});

test('/readyz follows readiness: 503 before ready and while shutting down, 200 when ready', async () => {
  ready = false;
  expect((await fetch(`${base}/readyz`)).status).toBe(503);
  ready = true;
  expect((await fetch(`${base}/readyz`)).status).toBe(200);
  ready = false;
  expect((await fetch(`${base}/readyz`)).status).toBe(503);
});

test('/metrics reports Bolt hooks, storage counts, role and process metrics in Prometheus text', async () => {
  metrics.hooks.connectionOpened();
  metrics.hooks.connectionOpened();
  metrics.hooks.connectionClosed();
  metrics.hooks.queryFinished('r', 0.002);
  metrics.hooks.queryFinished('w', 0.01);
  metrics.hooks.queryFinished('error', 0.001);
  metrics.setUp(true);
  counts.vertexCount = 5;
  counts.edgeCount = 2;
  const res = await fetch(`${base}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  const text = await res.text();
  expect(text).toMatch(/^mgha_bolt_connections 1$/m);
  expect(text).toMatch(/^mgha_bolt_connections_total 2$/m);
  expect(text).toMatch(/^mgha_queries_total\{type="r"\} 1$/m);
  expect(text).toMatch(/^mgha_queries_total\{type="error"\} 1$/m);
  expect(text).toMatch(/^mgha_query_duration_seconds_count\{type="w"\} 1$/m);
  expect(text).toMatch(/^mgha_storage_vertices 5$/m);
  expect(text).toMatch(/^mgha_storage_edges 2$/m);
  expect(text).toMatch(/^mgha_instance_role\{role="main"\} 1$/m);
  expect(text).toMatch(/^mgha_instance_role\{role="replica"\} 0$/m);
  expect(text).toMatch(/^mgha_instance_up 1$/m);
  expect(text).toMatch(/^mgha_process_cpu_seconds_total /m);
  expect(text).toMatch(/^mgha_nodejs_heap_size_used_bytes /m);
});

test('/v1/instance returns the instance JSON', async () => {
  const res = await fetch(`${base}/v1/instance`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ name: 'db-0', role: 'main', version: '0.1.0', storage: { vertexCount: 5, edgeCount: 2 }, bolt: { port: 7687, connections: 1 } });
});

test('unknown paths answer 404 JSON', async () => {
  const res = await fetch(`${base}/nope`);
  expect(res.status).toBe(404);
  expect(await res.json()).toEqual({ error: 'not found' });
});
