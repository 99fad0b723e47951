import { CoordinatorPool } from '../../../../operator/controller/coordinator-pool.js';
import type { Fetch } from '../../../../operator/controller/coordinator-client.js';
import type { QueryRunner } from '../../../../operator/controller/query-runner.js';
import { DEFAULT_CONTEXT } from '../../../../operator/resources/context.js';
import { cluster } from '../fixtures.js';

// /v1/cluster that answers version 1 at once, then holds every watch until aborted.
const fetchFn: Fetch = (url, init) =>
  url.includes('watch=true')
    ? new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))))
    : Promise.resolve({ ok: true, status: 200, json: async () => ({ version: 1, leader: null, ready: true, main: null, instances: [], coordinators: [] }) });

function setup() {
  const opened: string[] = [];
  const closed: string[] = [];
  const changes: string[] = [];
  const pool = new CoordinatorPool({
    ctx: DEFAULT_CONTEXT,
    runner: (url): QueryRunner => {
      opened.push(url);
      return { run: async () => ({ rows: [], notifications: [] }), close: async () => void closed.push(url) };
    },
    onChange: (ns, name) => changes.push(`${ns}/${name}`),
    fetchFn,
  });
  return { pool, opened, closed, changes };
}

test('one client per cluster, reused while its coordinators stay the same; the watch enqueues the cluster', async () => {
  const { pool, opened, changes } = setup();
  const a = pool.access(cluster());
  expect(pool.access(cluster())).toBe(a);
  expect(opened).toEqual(['bolt://graph.ns.svc.cluster.local:7687']);
  for (let i = 0; i < 100 && changes.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  expect(changes).toEqual(['ns/graph']);
  await pool.closeAll();
});

test('coordinators scaled: a new client, the old one closed; forget closes', async () => {
  const { pool, closed } = setup();
  const a = pool.access(cluster());
  const b = pool.access(cluster({ coordinators: { replicas: 5 } }));
  expect(b).not.toBe(a);
  await new Promise((r) => setTimeout(r, 10));
  expect(closed).toHaveLength(1);
  await pool.forget('ns', 'graph');
  expect(closed).toHaveLength(2);
  expect(pool.size()).toBe(0);
});
