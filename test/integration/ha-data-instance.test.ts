// An HA data instance as a real process, driven over its management port the way the
// coordinator leader drives it (coordination/management-rpc.ts): state checks, writes off
// until a promotion, demotion, ROUTE refused, startup refusals, restarts.
// Two instances (replication, fencing, forced resync): ha-data-replication.test.ts.
import neo4j from 'neo4j-driver';
import {
  DemoteToReplica,
  PromoteToMain,
  StateCheck,
  SwapMainUuid,
  UpdateDataInstanceConfig,
} from '../../dataplane/coordination/management-rpc.js';
import { helloAndRoute } from '../helpers/bolt-route.js';
import { dataInstancesPerTest, newMainUuid } from '../helpers/ha-data.js';
import { canConnect, freePort } from '../helpers/ports.js';
import { count, dataDir, metricsText, removeDataDirs, run, waitFor } from '../helpers/replication.js';
import { runMgha } from '../helpers/server.js';

const WRITE_FORBIDDEN_ON_MAIN =
  'Write queries currently forbidden on the main instance. Either the cluster is in read-only mode, or a new main instance is being set up. Please retry the query later on if this is transient.';
const WRITE_ON_REPLICA =
  'Write queries are forbidden on the replica instance. Replica instances accept only read queries, while the main instance accepts read and write queries. Please retry your query on the main instance.';
/** HA refusals carry NotALeader so that routing drivers drop the writer and re-route (issue #11). */
const NOT_A_LEADER = 'Neo.ClientError.Cluster.NotALeader';

const data = dataInstancesPerTest();

test('a fresh HA data instance is a MAIN with writes off until PromoteToMain; a repeated promotion is a no-op', async () => {
  const a = await data();
  const fresh = await a.state();
  expect(fresh).toMatchObject({ role: 'main', writingEnabled: false, replicas: [], lastCommitTs: 0, history: [], deltasBatchProgressSize: 100000 });
  expect(typeof fresh.mainUuid).toBe('string');
  await expect(run(a.server, 'CREATE (:X)')).rejects.toMatchObject({ code: NOT_A_LEADER, message: WRITE_FORBIDDEN_ON_MAIN });
  expect(await count(a.server)).toBe(0);
  const instance = async (): Promise<{ role: string; replication: { writingEnabled: boolean } }> =>
    (await (await fetch(`http://127.0.0.1:${a.server.metricsPort}/v1/instance`)).json()) as { role: string; replication: { writingEnabled: boolean } };
  expect(await instance()).toMatchObject({ role: 'main', replication: { writingEnabled: false } });

  const uuid = newMainUuid();
  await a.call(PromoteToMain, { mainUuid: uuid, replicas: [], writingEnabled: true });
  const promoted = await a.state();
  expect(promoted).toMatchObject({ role: 'main', mainUuid: uuid, writingEnabled: true });
  // A promotion starts a new epoch; the fresh one goes into the history.
  expect(promoted.epochId).not.toBe(fresh.epochId);
  expect(promoted.history).toEqual([{ epochId: fresh.epochId, lastCommitTs: 0 }]);
  await run(a.server, 'CREATE (:X {i: 1})');
  expect(await count(a.server)).toBe(1);
  expect((await instance()).replication.writingEnabled).toBe(true);
  expect(await metricsText(a.server)).toMatch(/mgha_management_rpc_duration_seconds_count\{rpc="PromoteToMain",ok="true"\} 1/);

  await a.call(PromoteToMain, { mainUuid: uuid, replicas: [], writingEnabled: true });
  const again = await a.state();
  expect(again).toMatchObject({ role: 'main', mainUuid: uuid, writingEnabled: true, epochId: promoted.epochId, lastCommitTs: 1 });

  // global_read_only: the coordinators switch writes off and on again.
  await a.call(UpdateDataInstanceConfig, { deltasBatchProgressSize: 500, writingEnabled: false });
  expect(await a.state()).toMatchObject({ writingEnabled: false, deltasBatchProgressSize: 500 });
  await expect(run(a.server, 'CREATE (:X)')).rejects.toMatchObject({ code: NOT_A_LEADER, message: WRITE_FORBIDDEN_ON_MAIN });
  await a.call(UpdateDataInstanceConfig, { deltasBatchProgressSize: 500, writingEnabled: null });
  expect((await a.state()).writingEnabled).toBe(false);
  await a.call(UpdateDataInstanceConfig, { deltasBatchProgressSize: 500, writingEnabled: true });
  await run(a.server, 'CREATE (:X {i: 2})');
  expect(await count(a.server)).toBe(2);
});

test("the write lease: a MAIN refuses writes once the leader's last state check is older than its lease, and a pause does not stop the lease", async () => {
  const a = await data();
  await a.call(StateCheck, { leaseMs: 400, sentAtMs: Date.now() });
  await a.call(PromoteToMain, { mainUuid: newMainUuid(), replicas: [], writingEnabled: true });
  await run(a.server, 'CREATE (:L {i: 1})');
  await new Promise((r) => setTimeout(r, 600));
  await expect(run(a.server, 'CREATE (:L {i: 2})')).rejects.toMatchObject({ code: NOT_A_LEADER, message: WRITE_FORBIDDEN_ON_MAIN });
  // A transaction begun inside the lease cannot commit after it ran out.
  await a.call(StateCheck, { leaseMs: 400, sentAtMs: Date.now() });
  const driver = neo4j.driver(a.server.boltUrl, neo4j.auth.basic('', ''));
  const session = driver.session();
  const tx = await session.beginTransaction();
  await tx.run('CREATE (:L {i: 3})');
  // SIGSTOP past the lease: the monotonic clock runs on while the process is paused.
  process.kill(a.server.pid, 'SIGSTOP');
  await new Promise((r) => setTimeout(r, 600));
  process.kill(a.server.pid, 'SIGCONT');
  await expect(tx.commit()).rejects.toMatchObject({ code: NOT_A_LEADER, message: WRITE_FORBIDDEN_ON_MAIN });
  await session.close();
  await driver.close();
  await a.call(StateCheck, { leaseMs: 400, sentAtMs: Date.now() });
  await run(a.server, 'CREATE (:L {i: 4})');
  // A check sent longer ago than its lease renews nothing (it sat in a paused MAIN's socket).
  await a.call(StateCheck, { leaseMs: 400, sentAtMs: Date.now() - 500 });
  await expect(run(a.server, 'CREATE (:L {i: 5})')).rejects.toMatchObject({ code: NOT_A_LEADER, message: WRITE_FORBIDDEN_ON_MAIN });
  // Lease 0: the leader no longer holds this instance for the MAIN; no writes, at once.
  await a.call(StateCheck, { leaseMs: 400, sentAtMs: Date.now() });
  await run(a.server, 'CREATE (:L {i: 6})');
  await a.call(StateCheck, { leaseMs: 0, sentAtMs: Date.now() });
  await expect(run(a.server, 'CREATE (:L {i: 7})')).rejects.toMatchObject({ code: NOT_A_LEADER, message: WRITE_FORBIDDEN_ON_MAIN });
  expect(await count(a.server, 'MATCH (n:L) RETURN count(n) AS c')).toBe(3);
});

test('DemoteToReplica: the replication server listens, writes get the replica text, a repeat is a no-op', async () => {
  const a = await data();
  await a.call(PromoteToMain, { mainUuid: newMainUuid(), replicas: [], writingEnabled: true });
  // An open write transaction is aborted by the demotion.
  const driver = neo4j.driver(a.server.boltUrl, neo4j.auth.basic('', ''));
  const s = driver.session();
  const tx = s.beginTransaction();
  await tx.run('CREATE (:Open)');

  await a.call(DemoteToReplica, { mainUuid: null, replicationServer: a.replicationServer });
  expect(await canConnect(a.replicationPort)).toBe(true);
  expect(await a.state()).toMatchObject({ role: 'replica', mainUuid: null, writingEnabled: false, replicas: [] });
  await expect(tx.commit()).rejects.toMatchObject({ message: expect.stringContaining(WRITE_ON_REPLICA) });
  await s.close();
  await driver.close();
  await expect(run(a.server, 'CREATE (:X)')).rejects.toMatchObject({ code: NOT_A_LEADER, message: WRITE_ON_REPLICA });
  expect(await count(a.server)).toBe(0);

  const uuid = newMainUuid();
  await a.call(DemoteToReplica, { mainUuid: uuid, replicationServer: a.replicationServer });
  await a.call(DemoteToReplica, { mainUuid: uuid, replicationServer: a.replicationServer });
  expect(await a.state()).toMatchObject({ role: 'replica', mainUuid: uuid });
  await a.call(SwapMainUuid, { mainUuid: uuid });
  expect((await a.state()).mainUuid).toBe(uuid);

  // Registered again with another replication server: it moves to that port.
  const moved = await freePort();
  await a.call(DemoteToReplica, { mainUuid: uuid, replicationServer: `127.0.0.1:${moved}` });
  expect(await canConnect(moved)).toBe(true);
  expect(await canConnect(a.replicationPort)).toBe(false);
  expect(await a.state()).toMatchObject({ role: 'replica', mainUuid: uuid });
});

test('ROUTE on a data instance fails with "Cannot fetch routing table from a data instance!"', async () => {
  const a = await data();
  await a.call(PromoteToMain, { mainUuid: newMainUuid(), replicas: [], writingEnabled: true });
  const [hello, route] = await helloAndRoute(a.server.boltPort);
  expect(hello.tag).toBe(0x70);
  expect(route.tag).toBe(0x7f);
  expect(route.fields[0]).toEqual(
    new Map([
      ['code', 'Memgraph.ClientError.MemgraphError.MemgraphError'],
      ['message', 'Cannot fetch routing table from a data instance!'],
    ]),
  );
  // Plain Bolt works.
  expect(await count(a.server)).toBe(0);
});

test('an HA data instance refuses to start with the WAL off', async () => {
  const r = await runMgha(['--bolt-address=127.0.0.1', '--metrics-address=127.0.0.1', '--management-address=127.0.0.1', '--management-port=17999', '--storage-wal-enabled=false']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('an HA data instance (--management-port) needs the WAL: --storage-wal-enabled=false is not allowed');
});

test('restarts: an HA MAIN comes back as MAIN with writes off until promoted again; a REPLICA follows its main UUID', async () => {
  const dirA = dataDir();
  const dirB = dataDir();
  const a = await data([`--data-directory=${dirA}`]);
  const b = await data([`--data-directory=${dirB}`]);
  const uuid = newMainUuid();
  await b.call(DemoteToReplica, { mainUuid: uuid, replicationServer: b.replicationServer });
  await a.call(PromoteToMain, { mainUuid: uuid, replicas: [{ name: 'b', mode: 'async', replicationServer: b.replicationServer }], writingEnabled: true });
  await run(a.server, 'CREATE (:Kept)');
  await waitFor('b to have the write', async () => (await count(b.server)) === 1);
  const before = await a.state();
  await Promise.all([a.stop(), b.stop()]);

  // (a and b are stopped again after the test: SIGTERM to an exited process is a no-op.)
  const a2 = await data([`--data-directory=${dirA}`], { managementPort: a.managementPort });
  const b2 = await data([`--data-directory=${dirB}`], { managementPort: b.managementPort, replicationPort: b.replicationPort });
  expect(await a2.state()).toMatchObject({ role: 'main', mainUuid: uuid, writingEnabled: false, epochId: before.epochId, lastCommitTs: 1, replicas: ['b'] });
  await expect(run(a2.server, 'CREATE (:X)')).rejects.toMatchObject({ message: WRITE_FORBIDDEN_ON_MAIN });
  expect(await b2.state()).toMatchObject({ role: 'replica', mainUuid: uuid, lastCommitTs: 1 });
  expect(await canConnect(b2.replicationPort)).toBe(true);

  await a2.call(PromoteToMain, { mainUuid: uuid, replicas: [{ name: 'b', mode: 'async', replicationServer: b2.replicationServer }], writingEnabled: true });
  expect(await a2.state()).toMatchObject({ writingEnabled: true, epochId: before.epochId });
  await run(a2.server, 'CREATE (:After)');
  await waitFor('b to have the write after the restart', async () => (await count(b2.server)) === 2);
});

afterAll(() => removeDataDirs());
