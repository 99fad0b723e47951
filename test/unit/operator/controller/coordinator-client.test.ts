import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClusterWatch } from '../../../../operator/controller/cluster-watch.js';
import type { ClusterDoc } from '../../../../operator/controller/cluster-doc.js';
import { CoordinatorClient, coordinatorEndpoints } from '../../../../operator/controller/coordinator-client.js';
import type { QueryResult, QueryRunner } from '../../../../operator/controller/query-runner.js';
import { DEFAULT_CONTEXT } from '../../../../operator/resources/context.js';
import { cluster } from '../fixtures.js';

const doc = (version: number, over: Partial<ClusterDoc> = {}): ClusterDoc => ({
  version,
  leader: { id: 1, name: 'graph-coord-0', term: 1 },
  ready: true,
  main: 'graph-data-0',
  instances: [{ name: 'graph-data-0', role: 'main', health: 'up' }],
  coordinators: [{ id: 1, name: 'graph-coord-0', role: 'leader', health: 'up' }],
  ...over,
});

// A coordinator's HTTP side on 127.0.0.1: /v1/cluster, with the long poll.
class FakeCoordinatorHttp {
  current: ClusterDoc | 'error' = doc(1);
  readonly requests: string[] = [];
  private readonly held: (() => void)[] = [];
  server!: Server;
  base = '';
  async start(): Promise<this> {
    const app = express();
    app.get('/v1/cluster', (req, res) => {
      this.requests.push(req.url);
      const answer = () => (this.current === 'error' ? res.status(503).json({ error: 'x' }) : res.json(this.current));
      const since = req.query.sinceVersion;
      if (req.query.watch === 'true' && this.current !== 'error' && Number(since) === this.current.version) this.held.push(answer);
      else answer();
    });
    this.server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }
  publish(next: ClusterDoc): void {
    this.current = next;
    for (const h of this.held.splice(0)) h();
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

class FakeRunner implements QueryRunner {
  readonly queries: string[] = [];
  answers = new Map<string, QueryResult | Error>();
  async run(q: string): Promise<QueryResult> {
    this.queries.push(q);
    const a = this.answers.get(q) ?? { rows: [], notifications: [] };
    if (a instanceof Error) throw a;
    return a;
  }
  async close(): Promise<void> {}
}

const unreachable = 'http://127.0.0.1:9';

test('endpoints: every coordinator metrics port, Bolt through the <name> Service and to each coordinator pod', () => {
  expect(coordinatorEndpoints(cluster(), DEFAULT_CONTEXT)).toEqual({
    httpBases: [0, 1, 2].map((i) => `http://graph-coord-${i}.graph-coord-hl.ns.svc.cluster.local:9091`),
    boltUrl: 'bolt://graph.ns.svc.cluster.local:7687',
    podBoltUrls: [0, 1, 2].map((i) => `bolt://graph-coord-${i}.graph-coord-hl.ns.svc.cluster.local:7687`),
  });
});

describe('view', () => {
  let http: FakeCoordinatorHttp;
  beforeEach(async () => (http = await new FakeCoordinatorHttp().start()));
  afterEach(() => http.stop());

  test('from the first coordinator that knows a ready leader; a dead one is skipped', async () => {
    const runner = new FakeRunner();
    const view = await new CoordinatorClient([unreachable, http.base], runner, fetch, 1000).view();
    expect(view).toMatchObject({ known: true, leader: 'graph-coord-0', instances: [{ name: 'graph-data-0', role: 'main' }] });
    expect(runner.queries).toEqual([]);
  });

  test('ready: false everywhere and LeaderNotReachable on Bolt: unknown, with every reason', async () => {
    http.current = doc(2, { ready: false, leader: null });
    const runner = new FakeRunner();
    runner.answers.set('SHOW INSTANCES', { rows: [], notifications: ['Memgraph.ClientNotification.LeaderNotReachable Leader not reachable'] });
    const view = await new CoordinatorClient([http.base], runner, fetch, 1000).view();
    expect(view.known).toBe(false);
    if (!view.known) expect(view.reason).toBe(`${http.base}: the coordinator knows no ready leader; SHOW INSTANCES: the leader coordinator is not reachable`);
  });

  test('HTTP down: SHOW INSTANCES over Bolt gives the view', async () => {
    http.current = 'error';
    const runner = new FakeRunner();
    runner.answers.set('SHOW INSTANCES', {
      rows: [{ name: 'coordinator_1', bolt_server: 'c:7687', coordinator_server: 'c:12000', management_server: 'c:10000', health: 'up', role: 'leader', last_succ_resp_ms: 0 }],
      notifications: [],
    });
    const view = await new CoordinatorClient([http.base], runner, fetch, 1000).view();
    expect(view).toMatchObject({ known: true, leader: 'coordinator_1' });
  });

  test('nothing answers: unknown, never empty', async () => {
    const runner = new FakeRunner();
    runner.answers.set('SHOW INSTANCES', new Error('connection refused'));
    const view = await new CoordinatorClient([unreachable], runner, fetch, 1000).view();
    expect(view).toMatchObject({ known: false, reason: expect.stringContaining('SHOW INSTANCES: connection refused') });
  });
});

describe('fresh coordinators and where statements go', () => {
  const fresh = (version: number) => doc(version, { ready: false, leader: null, main: null, instances: [], coordinators: [] });
  let servers: FakeCoordinatorHttp[] = [];
  beforeEach(async () => (servers = await Promise.all([0, 1, 2].map(() => new FakeCoordinatorHttp().start()))));
  afterEach(() => Promise.all(servers.map((s) => s.stop())));

  const client = (service: FakeRunner, pods: FakeRunner[]) =>
    new CoordinatorClient(servers.map((s) => s.base), service, fetch, 1000, (i) => pods[i]!);

  test('every coordinator never in a cluster: an empty known view, and statements go to coordinator 0', async () => {
    for (const s of servers) s.current = fresh(1);
    const service = new FakeRunner();
    const pods = [new FakeRunner(), new FakeRunner(), new FakeRunner()];
    const c = client(service, pods);
    expect(await c.view()).toEqual({ known: true, fresh: true, instances: [], coordinators: [] });
    await c.run({ kind: 'setInstanceToMain', name: 'graph-data-0' });
    expect(pods[0]!.queries).toEqual(['SET INSTANCE `graph-data-0` TO MAIN']);
    expect(service.queries).toEqual([]);
  });

  test('one coordinator unreachable or with state: unknown, not fresh', async () => {
    servers[0]!.current = fresh(1);
    servers[1]!.current = 'error';
    servers[2]!.current = fresh(1);
    const service = new FakeRunner();
    service.answers.set('SHOW INSTANCES', { rows: [], notifications: ['Memgraph.ClientNotification.LeaderNotReachable Leader not reachable'] });
    expect((await client(service, []).view()).known).toBe(false);
    servers[1]!.current = doc(3, { ready: false, leader: null });
    expect((await client(service, []).view()).known).toBe(false);
  });

  test('with a ready leader, statements go to the leader pod (coordinator id − 1)', async () => {
    for (const s of servers) s.current = doc(4, { leader: { id: 3, name: 'coordinator_3', term: 2 } });
    const pods = [new FakeRunner(), new FakeRunner(), new FakeRunner()];
    const c = client(new FakeRunner(), pods);
    expect(await c.view()).toMatchObject({ known: true, leader: 'coordinator_3', leaderId: 3 });
    await c.run({ kind: 'setInstanceToMain', name: 'graph-data-0' });
    expect(pods[2]!.queries).toEqual(['SET INSTANCE `graph-data-0` TO MAIN']);
  });
});

describe('statements and settings', () => {
  test('run sends the rendered statement; settings come back as a map, or undefined on error', async () => {
    const runner = new FakeRunner();
    runner.answers.set('SHOW COORDINATOR SETTINGS', { rows: [{ setting_name: 'instance_down_timeout_sec', setting_value: '5' }], notifications: [] });
    const client = new CoordinatorClient([], runner);
    await client.run({ kind: 'setInstanceToMain', name: 'graph-data-1' });
    expect(runner.queries).toEqual(['SET INSTANCE `graph-data-1` TO MAIN']);
    expect(await client.settings()).toEqual({ instance_down_timeout_sec: '5' });
    runner.answers.set('SHOW COORDINATOR SETTINGS', new Error('x'));
    expect(await client.settings()).toBeUndefined();
  });
});

describe('watch', () => {
  test('long-polls with sinceVersion and reports each new version at once', async () => {
    const http = await new FakeCoordinatorHttp().start();
    const seen: number[] = [];
    const watch = new ClusterWatch([http.base], (d) => seen.push(d.version), fetch, { pollTimeoutMs: 5000, retryMs: 20 });
    const until = async (n: number) => {
      for (let i = 0; i < 200 && seen.length < n; i++) await new Promise((r) => setTimeout(r, 5));
    };
    await until(1);
    http.publish(doc(2, { main: 'graph-data-1' }));
    await until(2);
    http.publish(doc(5));
    await until(3);
    await watch.stop();
    await http.stop();
    expect(seen).toEqual([1, 2, 5]);
    expect(http.requests.slice(0, 3)).toEqual(['/v1/cluster', '/v1/cluster?watch=true&sinceVersion=1', '/v1/cluster?watch=true&sinceVersion=2']);
  });

  test('an unreachable coordinator: the next one is tried', async () => {
    const http = await new FakeCoordinatorHttp().start();
    const seen: number[] = [];
    const watch = new ClusterWatch([unreachable, http.base], (d) => seen.push(d.version), fetch, { pollTimeoutMs: 5000, retryMs: 10 });
    for (let i = 0; i < 200 && seen.length < 1; i++) await new Promise((r) => setTimeout(r, 5));
    await watch.stop();
    await http.stop();
    expect(seen).toEqual([1]);
  });
});
