// Two HA data instances as real processes, driven over their management ports the way the
// coordinator leader drives them (coordination/management-rpc.ts): replication under a
// main UUID, fencing by it, forced resynchronisation of a diverged replica.
import fs from 'node:fs';
import path from 'node:path';
import {
  DemoteToReplica,
  ForceResync,
  PromoteToMain,
  RegisterReplicaOnMain,
  SwapMainUuid,
  UnregisterReplicaOnMain,
} from '../../dataplane/coordination/management-rpc.js';
import { hasDiverged } from '../../dataplane/coordination/reconcile.js';
import { dataInstancesPerTest, newMainUuid } from '../helpers/ha-data.js';
import { count, digest, run, waitFor } from '../helpers/replication.js';

const data = dataInstancesPerTest();

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

test('ForceResync: a diverged replica keeps its old files under .old and converges to the MAIN (snapshot, then WAL)', async () => {
  // Small WAL files and one snapshot kept: after CREATE SNAPSHOT, A's WAL no longer reaches back to commit 1.
  const [a, b] = await Promise.all([data(['--storage-wal-file-size-kib=1', '--storage-snapshot-retention-count=1']), data()]);
  // B was a MAIN on its own once: commits A's history does not hold.
  await b.call(PromoteToMain, { mainUuid: newMainUuid(), replicas: [], writingEnabled: true });
  await run(b.server, 'UNWIND range(1, 2) AS i CREATE (:OnlyB {i: i})');
  const uuid = newMainUuid();
  await a.call(PromoteToMain, { mainUuid: uuid, replicas: [], writingEnabled: true });
  for (let i = 1; i <= 30; i++) await run(a.server, 'CREATE (:FromA {i: $i})', { i });
  await run(a.server, 'CREATE SNAPSHOT');
  for (let i = 31; i <= 33; i++) await run(a.server, 'CREATE (:FromA {i: $i})', { i });

  await b.call(DemoteToReplica, { mainUuid: uuid, replicationServer: b.replicationServer });
  await a.call(RegisterReplicaOnMain, { mainUuid: uuid, replica: { name: 'b', mode: 'sync', replicationServer: b.replicationServer } });
  // Registering again alike is a no-op.
  await a.call(RegisterReplicaOnMain, { mainUuid: uuid, replica: { name: 'b', mode: 'sync', replicationServer: b.replicationServer } });
  const status = async (): Promise<string | undefined> => (await run(a.server, 'SHOW REPLICAS')).records[0]?.get('data_info').memgraph.status as string | undefined;
  await waitFor('b diverged on A', async () => (await status()) === 'diverged');
  // What the leader's reconciliation sees: B holds commits A's history lacks.
  const [ra, rb] = await Promise.all([a.state(), b.state()]);
  expect(hasDiverged(rb, ra)).toBe(true);
  expect(await count(b.server, 'MATCH (n:OnlyB) RETURN count(n)')).toBe(2);

  await b.call(ForceResync, { main: 'a' });
  const old = path.join(b.server.dataDirectory, 'wal', '.old');
  expect(fs.readdirSync(old).length).toBeGreaterThan(0);
  await waitFor('b to converge to A', async () => (await digest(b.server)).sha256 === (await digest(a.server)).sha256);
  await waitFor('b ready on A', async () => (await status()) === 'ready');
  expect(await count(b.server, 'MATCH (n:OnlyB) RETURN count(n)')).toBe(0);
  expect(await count(b.server)).toBe(33);
  // The catch-up went through A's snapshot (B keeps the copy it loaded).
  expect(fs.readdirSync(path.join(b.server.dataDirectory, 'snapshots')).filter((n) => !n.startsWith('.')).length).toBe(1);
  expect(hasDiverged(await b.state(), await a.state())).toBe(false);
  // Live SYNC replication goes on.
  await run(a.server, 'CREATE (:FromA {i: 34})');
  expect(await count(b.server)).toBe(34);

  await a.call(UnregisterReplicaOnMain, { replica: 'b' });
  await a.call(UnregisterReplicaOnMain, { replica: 'b' });
  expect((await a.state()).replicas).toEqual([]);
});

test('ForceResync with --storage-enable-backup-dir=false deletes the old files', async () => {
  const c = await data(['--storage-enable-backup-dir=false']);
  await c.call(PromoteToMain, { mainUuid: newMainUuid(), replicas: [], writingEnabled: true });
  await run(c.server, 'CREATE (:Gone)');
  await c.call(DemoteToReplica, { mainUuid: newMainUuid(), replicationServer: c.replicationServer });
  await c.call(ForceResync, { main: 'a' });
  expect(await count(c.server)).toBe(0);
  expect(await c.state()).toMatchObject({ role: 'replica', lastCommitTs: 0, history: [] });
  const wal = path.join(c.server.dataDirectory, 'wal');
  expect(fs.existsSync(path.join(wal, '.old'))).toBe(false);
  expect(fs.readdirSync(wal).filter((n) => !n.startsWith('.'))).toEqual([]);
});

test('ForceResync and registration are refused where they make no sense', async () => {
  const a = await data();
  await expect(a.call(ForceResync, { main: 'x' })).rejects.toMatchObject({ remote: true, message: 'Only a replica can be resynchronised.' });
  await a.call(PromoteToMain, { mainUuid: newMainUuid(), replicas: [], writingEnabled: true });
  // A registration under another main UUID comes from a stale leader.
  await expect(a.call(RegisterReplicaOnMain, { mainUuid: newMainUuid(), replica: { name: 'r', mode: 'sync', replicationServer: '127.0.0.1:1' } })).rejects.toMatchObject({
    remote: true,
  });
  await expect(a.call(PromoteToMain, { mainUuid: newMainUuid(), replicas: [{ name: 'r', mode: 'eventually', replicationServer: '127.0.0.1:1' }], writingEnabled: true })).rejects.toMatchObject({
    code: 'ManagementBadRequest',
    message: "replica r: unknown replication mode 'eventually'",
  });
  await expect(a.call(SwapMainUuid, { mainUuid: newMainUuid() })).rejects.toMatchObject({ message: 'Only a replica can swap the main UUID it follows.' });
});
