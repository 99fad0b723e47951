// Replication MAIN → REPLICA with real processes on 127.0.0.1 (issue #9): Memgraph's
// queries, columns, states and texts, each mode's success path with equal digests.
import neo4j from 'neo4j-driver';
import type { TestServer } from '../helpers/server.js';
import { freePort } from '../helpers/ports.js';
import {
  closeDrivers,
  driverFor,
  count,
  digest,
  metricsText,
  run,
  showReplicas,
  startMain,
  startReplica,
  waitCaughtUp,
  waitFor,
  waitForStatus,
  type Replica,
} from '../helpers/replication.js';

const WRITE_ON_REPLICA =
  'Write queries are forbidden on the replica instance. Replica instances accept only read queries, while the main instance accepts read and write queries. Please retry your query on the main instance.';

const servers: TestServer[] = [];
afterEach(async () => {
  await closeDrivers();
  await Promise.all(servers.splice(0).map((s) => s.kill()));
});

async function cluster(modes: string[], flags: string[] = []): Promise<{ main: TestServer; replicas: Replica[] }> {
  const main = await startMain(flags);
  servers.push(main);
  const replicas: Replica[] = [];
  for (let i = 0; i < modes.length; i++) {
    const r = await startReplica(flags);
    servers.push(r.server);
    replicas.push(r);
    const { notifications } = await run(main, `REGISTER REPLICA r${i + 1} ${modes[i]} TO "${r.address}"`);
    expect(notifications[0]).toMatchObject({ code: 'RegisterReplica', title: `Replica r${i + 1} is registered.` });
  }
  for (let i = 0; i < modes.length; i++) await waitForStatus(main, `r${i + 1}`, 'ready');
  return { main, replicas };
}

async function writeSome(main: TestServer, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await run(main, 'CREATE (:Person {id: $id, name: $name})-[:KNOWS {since: $id}]->(:City {id: $id})', { id: i, name: `p${i}` });
}

test.each([['SYNC'], ['ASYNC'], ['STRICT_SYNC']])('%s replica: writes replicate and every digest equals MAIN\'s', async (mode) => {
  const { main, replicas } = await cluster([mode, mode]);
  await run(main, 'CREATE INDEX ON :Person(id)');
  await run(main, 'CREATE CONSTRAINT ON (c:City) ASSERT c.id IS UNIQUE');
  await run(main, 'CREATE INDEX ON :City');
  await writeSome(main, 20);
  await run(main, 'DROP INDEX ON :City');
  await run(main, 'MATCH (c:City) WHERE c.id < 5 DETACH DELETE c');
  await waitCaughtUp(main);
  const expected = await digest(main);
  expect(expected.vertices).toBe(35);
  for (const r of replicas) expect(await digest(r.server)).toEqual(expected);
  // Schema replicated: the replicas answer SHOW CONSTRAINT INFO / SHOW INDEX INFO as MAIN does.
  const schema = async (s: TestServer) =>
    [(await run(s, 'SHOW INDEX INFO')).records, (await run(s, 'SHOW CONSTRAINT INFO')).records].map((rs) => rs.map((r) => JSON.stringify(r.toObject())));
  for (const r of replicas) expect(await schema(r.server)).toEqual(await schema(main));
  const rows = await showReplicas(main);
  expect(rows.map((r) => [r.name, r.socketAddress, r.syncMode, r.systemInfo, r.status, r.behind])).toEqual([
    ['r1', replicas[0].address, mode.toLowerCase(), null, 'ready', 0],
    ['r2', replicas[1].address, mode.toLowerCase(), null, 'ready', 0],
  ]);
  expect(rows[0].ts).toBe(expected.lastCommitTimestamp);
});

test('at the default log level a SYNC MAIN logs state changes, not every call: 50 commits add no lines, a killed replica is logged', async () => {
  const { main, replicas } = await cluster(['SYNC'], ['--log-level=INFO']);
  const changes = (): { from: string; to: string }[] =>
    main
      .stdout()
      .split('\n')
      .slice(0, -1) // whole lines only: the last may still be arriving
      .filter((l) => l.includes('replica state changed'))
      .map((l) => JSON.parse(l) as { from: string; to: string });
  const live = new Set(['ready', 'replicating']);
  await writeSome(main, 50);
  // ready ⇄ replicating around every call is routine (trace): it used to be 2 INFO lines per commit.
  await replicas[0].server.kill();
  await waitForStatus(main, 'r1', 'invalid');
  await waitFor('the change to invalid in the log', async () => changes().some((c) => c.to === 'invalid'));
  expect(changes().filter((c) => live.has(c.from) && live.has(c.to))).toEqual([]);
});

test('SYNC under 8 concurrent writers: no warnings, replicas never leave ready/replicating, digests equal', async () => {
  const { main, replicas } = await cluster(['SYNC', 'SYNC']);
  const seen = new Set<string>();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      for (const r of await showReplicas(main)) seen.add(r.status);
      await new Promise((res) => setTimeout(res, 50));
    }
  })();
  const warnings: unknown[] = [];
  await Promise.all(
    Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; i < 150; i++) warnings.push(...(await run(main, 'CREATE (:W {w: $w, i: $i})', { w, i })).notifications);
    }),
  );
  sampling = false;
  await sampler;
  expect(warnings).toEqual([]);
  expect([...seen].filter((s) => s !== 'ready' && s !== 'replicating')).toEqual([]);
  await waitCaughtUp(main);
  const expected = await digest(main);
  expect(expected.vertices).toBe(1200);
  for (const r of replicas) expect(await digest(r.server)).toEqual(expected);
});

test.each([['SYNC'], ['STRICT_SYNC']])('%s with an fsync per commit everywhere, 8 concurrent writers: pipelined calls, no failures, digests equal', async (mode) => {
  const { main, replicas } = await cluster([mode, mode], ['--storage-wal-file-flush-every-n-tx=1']);
  const notifications: unknown[] = [];
  await Promise.all(
    Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; i < 40; i++) notifications.push(...(await run(main, 'CREATE (:D {w: $w, i: $i})', { w, i })).notifications);
    }),
  );
  expect(notifications).toEqual([]);
  const expected = await digest(main);
  expect(expected.vertices).toBe(320);
  // Acknowledged = applied and fsynced on both replicas: equal at once, no waiting.
  for (const r of replicas) expect(await digest(r.server)).toEqual(expected);
  expect((await showReplicas(main)).map((r) => r.status)).toEqual(['ready', 'ready']);
});

test('a transaction of 75 000 deltas reaches a SYNC replica (applied there in slices) and writes around it keep their order', async () => {
  const { main, replicas } = await cluster(['SYNC']);
  await run(main, 'CREATE (:Before {i: 0})');
  // 25 000 vertices with a label and a property: 75 000 deltas, above the replica's slice size.
  const { notifications } = await run(main, 'UNWIND range(1, 25000) AS i CREATE (:Big {i: i})');
  expect(notifications).toEqual([]);
  const after = await Promise.all(Array.from({ length: 8 }, (_, w) => run(main, 'CREATE (:After {w: $w})', { w })));
  expect(after.flatMap((r) => r.notifications)).toEqual([]);
  const expected = await digest(main);
  expect(expected.vertices).toBe(25009);
  // SYNC: acknowledged means applied on the replica, nothing to wait for.
  expect(await digest(replicas[0].server)).toEqual(expected);
  expect(await count(replicas[0].server, 'MATCH (n:Big) WHERE n.i > 24990 RETURN count(n) AS c')).toBe(10);
  expect((await showReplicas(main)).map((r) => r.status)).toEqual(['ready']);
});

test('roles, refusals on a replica, and ROUTE on a replica lists it as reader and router only', async () => {
  const { main, replicas } = await cluster(['SYNC']);
  const replica = replicas[0].server;
  expect((await run(main, 'SHOW REPLICATION ROLE')).records.map((r) => [r.keys, r.get(0)])).toEqual([[['replication role'], 'main']]);
  expect((await run(replica, 'SHOW REPLICATION ROLE')).records[0].get('replication role')).toBe('replica');
  await expect(run(replica, 'CREATE (:X)')).rejects.toMatchObject({ code: 'Memgraph.ClientError.MemgraphError.MemgraphError', message: WRITE_ON_REPLICA });
  await expect(run(replica, 'SHOW REPLICAS')).rejects.toMatchObject({ message: 'Show replicas query should only be run on the main instance.' });
  await expect(run(replica, 'REGISTER REPLICA x SYNC TO "127.0.0.1:1"')).rejects.toMatchObject({ message: "Replica can't register another replica!" });
  await expect(run(main, `REGISTER REPLICA r1 ASYNC TO "127.0.0.1:1"`)).rejects.toMatchObject({ message: "Couldn't register replica r1. Error: 1" });
  await expect(run(main, `REGISTER REPLICA other ASYNC TO "${replicas[0].address}"`)).rejects.toMatchObject({ message: "Couldn't register replica other. Error: 2" });
  await expect(run(main, 'REGISTER REPLICA s STRICT_SYNC TO "127.0.0.1:2"')).rejects.toMatchObject({
    message: 'Cluster cannot consists of both STRICT_SYNC and SYNC replicas. The valid cluster consists of either STRICT_SYNC and ASYNC or SYNC and ASYNC replicas.',
  });
  // Reads work on the replica and do not move its timestamp.
  await run(main, 'CREATE (:X {v: 1})');
  await waitCaughtUp(main);
  const before = (await showReplicas(main))[0].ts;
  for (let i = 0; i < 20; i++) expect(await count(replica)).toBe(1);
  expect((await showReplicas(main))[0].ts).toBe(before);
  // A routing driver pointed at the replica reads through it (ROUTE lists it as reader).
  const routed = neo4j.driver(replica.routingUrl, neo4j.auth.basic('', ''));
  try {
    const r = await routed.executeQuery('MATCH (n) RETURN count(n) AS c', {}, { routing: neo4j.routing.READ });
    expect(r.records[0].get('c').toNumber()).toBe(1);
  } finally {
    await routed.close();
  }
  // /v1/instance: role, epoch, main UUID (the replica's is the one it follows), last commit.
  const info = async (s: TestServer) => ((await (await fetch(`http://127.0.0.1:${s.metricsPort}/v1/instance`)).json()) as { role: string; replication: Record<string, unknown> });
  const [mi, ri] = [await info(main), await info(replica)];
  expect(mi.role).toBe('main');
  expect(ri.role).toBe('replica');
  expect(ri.replication).toEqual({ role: 'replica', epoch: mi.replication.epoch, mainUuid: mi.replication.mainUuid, lastCommitTimestamp: mi.replication.lastCommitTimestamp, writingEnabled: false });
  expect(mi.replication.writingEnabled).toBe(true);
  expect(await metricsText(replica)).toMatch(new RegExp(`mgha_replication_applied_timestamp ${String(mi.replication.lastCommitTimestamp)}`));
  expect(await metricsText(main)).toMatch(/mgha_replication_rpc_duration_seconds_count\{rpc="AppendRecords",ok="true"\} [1-9]/);
  const { notifications } = await run(main, 'DROP REPLICA r1');
  expect(notifications[0]).toMatchObject({ code: 'DropReplica', title: 'Replica r1 is dropped.' });
  expect(await showReplicas(main)).toEqual([]);
  expect(await metricsText(main)).not.toContain('mgha_replica_state{replica="r1"');
  await expect(run(main, 'DROP REPLICA r1')).rejects.toMatchObject({ message: 'Failed to unregister the replica r1.' });
  await expect(run(replica, 'DROP REPLICA r1')).rejects.toMatchObject({ message: expect.stringContaining("Replica can't unregister a replica!") });
  // Replication queries refuse explicit transactions, as Memgraph's do.
  const session = driverFor(main).session();
  const tx = session.beginTransaction();
  await expect(tx.run('SHOW REPLICATION ROLE')).rejects.toMatchObject({ message: 'Replication clause not allowed in multicommand transactions.' });
  await session.close();
});

test('an HA data instance (--management-port) refuses the manual replication queries', async () => {
  const data = await startMain([`--management-port=${await freePort()}`]);
  servers.push(data);
  await expect(run(data, 'SET REPLICATION ROLE TO REPLICA WITH PORT 10000')).rejects.toMatchObject({ message: "Can't set role manually on instance with coordinator server port." });
  await expect(run(data, 'REGISTER REPLICA r SYNC TO "127.0.0.1:1"')).rejects.toMatchObject({ message: "Can't register replica manually on instance with coordinator server port." });
  await expect(run(data, 'DROP REPLICA r')).rejects.toMatchObject({ message: "Can't drop replica manually on instance with coordinator server port." });
});
