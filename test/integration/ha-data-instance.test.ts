// HA data instances as real processes, driven over their management port the way the
// coordinator leader drives them (coordination/management-rpc.ts): state checks, writes
// off until a promotion, demotion, replication under a main UUID and fencing by it.
import neo4j from 'neo4j-driver';
import { DemoteToReplica, PromoteToMain, SwapMainUuid, UpdateDataInstanceConfig } from '../../dataplane/coordination/management-rpc.js';
import { closeRpcClients, newMainUuid, startDataInstance, type DataInstance } from '../helpers/ha-data.js';
import { canConnect } from '../helpers/ports.js';
import { closeDrivers, count, digest, run, waitFor } from '../helpers/replication.js';

const WRITE_FORBIDDEN_ON_MAIN =
  'Write queries currently forbidden on the main instance. Either the cluster is in read-only mode, or a new main instance is being set up. Please retry the query later on if this is transient.';
const WRITE_ON_REPLICA =
  'Write queries are forbidden on the replica instance. Replica instances accept only read queries, while the main instance accepts read and write queries. Please retry your query on the main instance.';
/** HA refusals carry NotALeader so that routing drivers drop the writer and re-route (issue #11). */
const NOT_A_LEADER = 'Neo.ClientError.Cluster.NotALeader';

const instances: DataInstance[] = [];

async function data(extraArgs: string[] = []): Promise<DataInstance> {
  const d = await startDataInstance(extraArgs);
  instances.push(d);
  return d;
}

afterEach(async () => {
  await closeDrivers();
  await closeRpcClients();
  await Promise.all(instances.splice(0).map((d) => d.server.stop()));
});

test('a fresh HA data instance is a MAIN with writes off until PromoteToMain; a repeated promotion is a no-op', async () => {
  const a = await data();
  const fresh = await a.state();
  expect(fresh).toMatchObject({ role: 'main', writingEnabled: false, replicas: [], lastCommitTs: 0, history: [], deltasBatchProgressSize: 100000 });
  expect(typeof fresh.mainUuid).toBe('string');
  await expect(run(a.server, 'CREATE (:X)')).rejects.toMatchObject({ code: NOT_A_LEADER, message: WRITE_FORBIDDEN_ON_MAIN });
  expect(await count(a.server)).toBe(0);

  const uuid = newMainUuid();
  await a.call(PromoteToMain, { mainUuid: uuid, replicas: [], writingEnabled: true });
  const promoted = await a.state();
  expect(promoted).toMatchObject({ role: 'main', mainUuid: uuid, writingEnabled: true });
  // A promotion starts a new epoch; the fresh one goes into the history.
  expect(promoted.epochId).not.toBe(fresh.epochId);
  expect(promoted.history).toEqual([{ epochId: fresh.epochId, lastCommitTs: 0 }]);
  await run(a.server, 'CREATE (:X {i: 1})');
  expect(await count(a.server)).toBe(1);

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
});

test('two HA instances: B follows A by main UUID; after B is swapped to a new UUID, A acknowledges no SYNC write', async () => {
  const [a, b] = await Promise.all([data(), data()]);
  const uuid = newMainUuid();
  // The leader's order (reconcile.ts): replicas follow the UUID first, then the MAIN is promoted.
  await b.call(DemoteToReplica, { mainUuid: uuid, replicationServer: b.replicationServer });
  await a.call(PromoteToMain, { mainUuid: uuid, replicas: [{ name: 'b', mode: 'sync', replicationServer: b.replicationServer }], writingEnabled: true });
  expect(await a.state()).toMatchObject({ role: 'main', mainUuid: uuid, replicas: ['b'] });
  await waitFor('b ready on A', async () => (await run(a.server, 'SHOW REPLICAS')).records[0]?.get('data_info').memgraph.status === 'ready');

  const written = await run(a.server, 'CREATE (:Fact {i: 1})');
  expect(written.notifications.filter((n) => n.code === 'SyncReplicationFailure')).toEqual([]);
  // SYNC: applied on B before A acknowledged.
  expect(await count(b.server)).toBe(1);
  expect(await digest(b.server)).toEqual(await digest(a.server));

  // A new MAIN was chosen elsewhere: B follows another UUID; A is deposed without knowing.
  await b.call(SwapMainUuid, { mainUuid: newMainUuid() });
  const refused = run(a.server, 'CREATE (:Fact {i: 2})');
  await expect(refused).rejects.toMatchObject({ message: expect.stringContaining("'b' follows another main: this instance is no longer the main") });
  expect(await count(a.server)).toBe(1);
  expect(await count(b.server)).toBe(1);
  // Once A's heartbeat heard the refusal, the replica is skipped, and the commit still fails.
  await waitFor('b invalid on A', async () => (await run(a.server, 'SHOW REPLICAS')).records[0]?.get('data_info').memgraph.status === 'invalid');
  await expect(run(a.server, 'CREATE (:Fact {i: 3})')).rejects.toMatchObject({ message: expect.stringContaining('follows another main') });
  expect(await count(a.server)).toBe(1);
  expect(await count(b.server)).toBe(1);
});
