// Automatic failover and switchover end to end (reference §3.7–§3.8, §4): 3 coordinators
// and 3 data instances as real processes; a `neo4j://` driver created once writes with
// executeWrite before and after the MAIN is SIGKILLed, a /v1/cluster watch wakes with the
// failover, the old MAIN returns as a REPLICA with the writes it missed, and DEMOTE +
// SET INSTANCE … TO MAIN moves the MAIN by hand.
import neo4j, { type Driver } from 'neo4j-driver';
import { HaCluster, waitFor } from '../helpers/ha-cluster.js';

interface Doc {
  version: number;
  ready: boolean;
  main: string | null;
  mainUuid: string | null;
  instances: { name: string; role: string; health: string; committedTxns: number | null }[];
  lastFailover: { at: string; from: string | null; to: string } | null;
}

let c: HaCluster;
let driver: Driver;

beforeAll(async () => {
  c = await HaCluster.start({ coordinators: 3, data: 3, settings: { instance_down_timeout_sec: '2' } });
  await c.waitMain({ also: (rows) => rows.every((r) => r.health === 'up') });
  // A paused MAIN accepts TCP but never answers: a short connection timeout lets the driver move on.
  driver = neo4j.driver(c.routingUrl(), neo4j.auth.basic('', ''), { maxTransactionRetryTime: 30_000, connectionTimeout: 3000 });
}, 60_000);

afterAll(async () => {
  await driver?.close();
  if (c !== undefined) await c.close();
});

const clusterDoc = async (name: string, query = ''): Promise<Doc> =>
  (await (await fetch(`http://127.0.0.1:${c.node(name).ports.metrics}/v1/cluster${query}`)).json()) as Doc;

async function write(id: number): Promise<void> {
  const session = driver.session();
  try {
    await session.executeWrite((tx) => tx.run('CREATE (:W {id: $id})', { id }));
  } finally {
    await session.close();
  }
}

async function ids(name: string): Promise<number[]> {
  const r = await c.run(name, 'MATCH (w:W) RETURN w.id AS id ORDER BY id');
  return r.rows.map((x) => x[0] as number);
}

test('SIGKILL of the MAIN: a replica is promoted, the driver follows it, the watch wakes, the old MAIN returns as a REPLICA', async () => {
  await write(1);
  await write(2);
  const before = await clusterDoc('coordinator_2');
  expect(before).toMatchObject({ ready: true, main: 'instance_1', lastFailover: null });

  const watch = clusterDoc('coordinator_2', `?watch=true&sinceVersion=${before.version}&timeoutSec=60`);
  const killedAt = Date.now();
  await c.kill('instance_1');

  // executeWrite retries through the failover on the same driver.
  await write(3);
  const wroteAfterMs = Date.now() - killedAt;
  const main = await c.waitMain({ not: 'instance_1' });
  expect(['instance_2', 'instance_3']).toContain(main);

  const woke = await watch;
  expect(woke.version).toBeGreaterThan(before.version);
  const settled = await waitFor('the document with the failover', async () => {
    const d = await clusterDoc('coordinator_3');
    return d.main === main && d.lastFailover !== null ? d : undefined;
  });
  expect(settled.lastFailover).toMatchObject({ from: 'instance_1', to: main });
  expect(settled.mainUuid).not.toBe(before.mainUuid);
  expect(settled.instances.find((i) => i.name === 'instance_1')).toMatchObject({ role: 'replica', health: 'down' });
  // Down timeout 2 s + a health check + the promotion; generous bound for a loaded machine.
  expect(wroteAfterMs).toBeLessThan(30_000);

  const leader = await c.waitLeader();
  const rows = (await c.showInstances(leader)).rows;
  expect(rows.find((r) => r.name === 'instance_1')).toMatchObject({ health: 'down', role: 'replica' });

  await c.restart('instance_1');
  await c.waitMain({ also: (r) => r.find((x) => x.name === 'instance_1')?.health === 'up' });
  expect((await c.showInstances(leader)).rows.find((r) => r.name === 'instance_1')).toMatchObject({ role: 'replica', health: 'up' });
  // The old MAIN follows the new one: it gets the write it missed.
  await waitFor('the old MAIN caught up', async () => ((await ids('instance_1')).includes(3) ? true : undefined));
  expect(await ids('instance_1')).toEqual([1, 2, 3]);
  expect(await ids(main)).toEqual([1, 2, 3]);
  const replicas = (await c.run(main, 'SHOW REPLICAS')).rows.map((r) => r[0]);
  expect(replicas).toContain('instance_1');
  await write(4);
  await waitFor('write 4 everywhere', async () => {
    for (const n of c.dataInstances) if (!(await ids(n.name)).includes(4)) return undefined;
    return true;
  });
});

test("the leader's metrics: Raft, the data instances as it sees them, the failover it made", async () => {
  const leader = await c.waitLeader();
  const text = await (await fetch(`http://127.0.0.1:${c.node(leader).ports.metrics}/metrics`)).text();
  const value = (name: string): number => Number(new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? 'NaN');
  expect(value('mgha_raft_is_leader')).toBe(1);
  expect(value('mgha_raft_term')).toBeGreaterThan(0);
  expect(value('mgha_raft_commit_index')).toBeGreaterThan(0);
  expect(value('mgha_raft_applied_index')).toBe(value('mgha_raft_commit_index'));
  expect(value('mgha_raft_elections_total')).toBeGreaterThanOrEqual(0);
  expect(value('mgha_failovers_total')).toBe(1);
  expect(value('mgha_failover_duration_seconds_count')).toBe(1);
  expect(value('mgha_failover_duration_seconds_sum')).toBeGreaterThan(0);
  for (const n of c.dataInstances) {
    expect(value(`mgha_cluster_instance_up{instance="${n.name}"}`)).toBe(1);
    expect(value(`mgha_cluster_instance_last_response_ms{instance="${n.name}"}`)).toBeGreaterThanOrEqual(0);
  }
  expect(c.dataInstances.map((n) => value(`mgha_cluster_instance_is_main{instance="${n.name}"}`)).sort()).toEqual([0, 0, 1]);
  const follower = c.coordinators.find((n) => n.name !== leader)?.name ?? '';
  const followerText = await (await fetch(`http://127.0.0.1:${c.node(follower).ports.metrics}/metrics`)).text();
  expect(followerText).toMatch(/^mgha_raft_is_leader 0$/m);
});

test('SIGSTOP of the MAIN: a replica takes over; the paused MAIN acknowledges no write when resumed and rejoins as a REPLICA', async () => {
  const main = await c.waitMain({ also: (r) => r.every((x) => x.health === 'up') });
  await c.kill(main, 'SIGSTOP');
  let resumed = false;
  try {
    const next = await c.waitMain({ not: main });
    // Directly on the new MAIN: a driver's pooled connection to the paused one would wait for it.
    // Raft names it MAIN first; the promotion follows within a round.
    await waitFor('the new MAIN takes writes', async () => {
      await c.run(next, 'CREATE (:W {id: 100})');
      return true;
    });
    await c.kill(main, 'SIGCONT');
    resumed = true;
    // Straight to the old MAIN, before or after the coordinators demote it: its write lease
    // (renewed by each state check, instance_down_timeout_sec long) ran out while it was
    // paused, so it refuses, and drivers re-route on the code.
    const refused = await c.error(main, 'CREATE (:W {id: 101})');
    expect(refused.code).toBe('Neo.ClientError.Cluster.NotALeader');
    await c.waitMain({ also: (r) => r.find((x) => x.name === main)?.health === 'up' && r.find((x) => x.name === main)?.role === 'replica' });
    await waitFor('the old MAIN caught up', async () => ((await ids(main)).includes(100) ? true : undefined));
    for (const n of c.dataInstances) expect(await ids(n.name)).not.toContain(101);
    expect(await c.waitMain()).toBe(next);
  } finally {
    if (!resumed) await c.kill(main, 'SIGCONT');
  }
});

test('DEMOTE INSTANCE + SET INSTANCE … TO MAIN: a switchover the driver follows', async () => {
  const leader = await c.waitLeader();
  const main = await c.waitMain();
  const target = c.dataInstances.map((n) => n.name).find((n) => n !== main) ?? '';
  const demoted = await c.run(leader, `DEMOTE INSTANCE ${main}`);
  expect(demoted.notifications).toEqual([{ code: 'DemoteInstanceToReplica', title: `Coordinator has demoted instance to replica ${main}.`, severity: 'INFO' }]);
  // No automatic failover after a demotion: the cluster waits without a MAIN.
  const rows = (await c.showInstances(leader)).rows;
  expect(rows.filter((r) => r.role === 'main')).toEqual([]);
  expect((await c.run(leader, 'SHOW ROUTING TABLE')).rows.map((r) => r[0])).toEqual(['READ', 'ROUTE']);
  await c.run(leader, `SET INSTANCE ${target} TO MAIN`);
  expect(await c.waitMain({ also: (r) => r.every((x) => x.health === 'up') })).toBe(target);
  await write(5);
  expect(await ids(target)).toContain(5);
  await waitFor('write 5 on the demoted MAIN', async () => ((await ids(main)).includes(5) ? true : undefined));
  expect((await c.run(main, 'SHOW REPLICATION ROLE')).rows).toEqual([['replica']]);
});
