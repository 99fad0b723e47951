// Replication when instances die (issue #9): real processes on 127.0.0.1, SIGKILL, restarts
// on the same data directory. Texts and states are Memgraph's.
import fs from 'node:fs';
import path from 'node:path';
import neo4j from 'neo4j-driver';
import { freePort } from '../helpers/ports.js';
import type { TestServer } from '../helpers/server.js';
import {
  closeDrivers,
  count,
  dataDir,
  digest,
  driverFor,
  metricsText,
  removeDataDirs,
  run,
  showReplicas,
  startOn,
  waitCaughtUp,
  waitFor,
  waitForStatus,
  trackServers,
} from '../helpers/replication.js';

const SYNC_FAILURE =
  "Failed to replicate to SYNC replica 'r1': replica is not reachable or not in sync with the main. Replica will be recovered automatically. " +
  "Transaction is still committed on the main instance and other alive replicas. Check the status of the replicas using 'SHOW REPLICAS' query.";
const STRICT_ABORT =
  "Replication Exception: Failed to replicate to STRICT_SYNC replica 'r1': replica is not reachable or not in sync with the main. Replica will be recovered automatically. " +
  "Transaction was aborted on all instances. Check the status of the replicas using 'SHOW REPLICAS' query.";

const { track, kill, forget } = trackServers();

interface Node {
  dir: string;
  port: number;
  server: TestServer;
}

async function replicaNode(): Promise<Node> {
  const dir = dataDir();
  const port = await freePort();
  const server = await track(startOn(dir));
  await run(server, `SET REPLICATION ROLE TO REPLICA WITH PORT ${port}`);
  return { dir, port, server };
}

async function mainNode(): Promise<Node> {
  const dir = dataDir();
  return { dir, port: 0, server: await track(startOn(dir)) };
}

const insert = (main: TestServer, i: number) => run(main, 'CREATE (:N {i: $i})', { i });

test('SYNC replica killed under writes: commits go on with one warning, it turns invalid, and comes back ready and caught up', async () => {
  const main = await mainNode();
  const r1 = await replicaNode();
  await run(main.server, `REGISTER REPLICA r1 SYNC TO "127.0.0.1:${r1.port}"`);
  await waitForStatus(main.server, 'r1', 'ready');
  for (let i = 0; i < 10; i++) expect((await insert(main.server, i)).notifications).toEqual([]);
  await kill(r1.server);
  const { notifications } = await insert(main.server, 10);
  expect(notifications).toHaveLength(1);
  expect(notifications[0]).toMatchObject({ code: 'SyncReplicationFailure', title: SYNC_FAILURE, rawSeverityLevel: 'WARNING' });
  // An explicit transaction's COMMIT does not fail either.
  const session = driverFor(main.server).session();
  const tx = session.beginTransaction();
  await tx.run('CREATE (:N {i: 11})');
  await tx.commit();
  await session.close();
  await waitForStatus(main.server, 'r1', 'invalid', 5000);
  for (let i = 12; i < 20; i++) await insert(main.server, i);
  const row = (await showReplicas(main.server))[0];
  expect(row.behind).toBeLessThan(0);
  expect(await metricsText(main.server)).toMatch(/mgha_replica_state\{replica="r1",state="invalid"\} 1/);
  r1.server = await track(startOn(r1.dir));
  await waitCaughtUp(main.server);
  expect(await count(main.server)).toBe(20);
  expect(await digest(r1.server)).toEqual(await digest(main.server));
  expect(await metricsText(main.server)).toMatch(/mgha_replica_lag_transactions\{replica="r1"\} 0/);
  // DROP REPLICA of a dead replica works.
  await kill(r1.server);
  await run(main.server, 'DROP REPLICA r1');
  expect(await showReplicas(main.server)).toEqual([]);
});

test('STRICT_SYNC replica killed: writes abort everywhere with the message, nothing half-committed even after restarts, writes resume', async () => {
  const main = await mainNode();
  const r1 = await replicaNode();
  const r2 = await replicaNode();
  await run(main.server, `REGISTER REPLICA r1 STRICT_SYNC TO "127.0.0.1:${r1.port}"`);
  await run(main.server, `REGISTER REPLICA r2 ASYNC TO "127.0.0.1:${r2.port}"`);
  await waitCaughtUp(main.server);
  for (let i = 0; i < 5; i++) await insert(main.server, i);
  await kill(r1.server);
  for (let i = 0; i < 3; i++) {
    await expect(insert(main.server, 100 + i)).rejects.toMatchObject({ code: 'Memgraph.ClientError.MemgraphError.MemgraphError', message: STRICT_ABORT });
  }
  expect(await count(main.server)).toBe(5);
  await waitFor('r2 to settle', async () => (await count(r2.server)) === 5);
  // Reads keep working; after restarts of MAIN and the replica nothing aborted shows up.
  await kill(main.server);
  main.server = await track(startOn(main.dir));
  r1.server = await track(startOn(r1.dir));
  expect(await count(r1.server)).toBe(5);
  expect(await count(main.server)).toBe(5);
  await waitCaughtUp(main.server, 20000);
  for (let i = 5; i < 10; i++) await insert(main.server, i);
  await waitCaughtUp(main.server);
  const expected = await digest(main.server);
  expect(expected.vertices).toBe(10);
  expect(await digest(r1.server)).toEqual(expected);
  expect(await digest(r2.server)).toEqual(expected);
  // An ASYNC replica being down never blocks STRICT_SYNC commits.
  await kill(r2.server);
  for (let i = 10; i < 15; i++) await insert(main.server, i);
  expect(await count(r1.server)).toBe(15);
});

test('MAIN SIGKILLed during inserts: the ASYNC replica holds a consecutive prefix, the SYNC replica every acknowledged write', async () => {
  for (let round = 0; round < 3; round++) {
    const main = await mainNode();
    const a = await replicaNode();
    const s = await replicaNode();
    await run(main.server, `REGISTER REPLICA a ASYNC TO "127.0.0.1:${a.port}"`);
    await run(main.server, `REGISTER REPLICA s SYNC TO "127.0.0.1:${s.port}"`);
    await waitCaughtUp(main.server);
    const acked: number[] = [];
    const writers = [0, 1, 2, 3].map(async (w) => {
      for (let i = w; i < 100_000; i += 4) {
        try {
          // A write acknowledged with a SyncReplicationFailure warning is not promised to the replica.
          if ((await insert(main.server, i)).notifications.length === 0) acked.push(i);
        } catch {
          return;
        }
      }
    });
    await new Promise((r) => setTimeout(r, 300 + round * 200));
    await main.server.kill();
    forget(main.server);
    await Promise.all(writers);
    await closeDrivers();
    const ids = async (srv: TestServer): Promise<Set<number>> =>
      new Set((await run(srv, 'MATCH (n:N) RETURN n.i AS i')).records.map((r) => neo4j.integer.toNumber(r.get('i'))));
    const onSync = await ids(s.server);
    expect(acked.filter((i) => !onSync.has(i))).toEqual([]);
    expect(acked.length).toBeGreaterThan(0);
    // ASYNC: commits arrive in commit order, so what it has is a prefix of MAIN's commit
    // order: counted by commit timestamp, no holes.
    const aTs = (await digest(a.server)).lastCommitTimestamp;
    const aCount = await count(a.server);
    expect(aCount).toBe(aTs);
    await kill(a.server);
    await kill(s.server);
    removeDataDirs();
  }
});

test('restart of everything restores roles and registrations; a replica restarted without recovery comes back empty and is fully re-synced', async () => {
  const main = await mainNode();
  const r1 = await replicaNode();
  await run(main.server, `REGISTER REPLICA r1 ASYNC TO "127.0.0.1:${r1.port}"`);
  await run(main.server, 'CREATE INDEX ON :N(i)');
  for (let i = 0; i < 10; i++) await insert(main.server, i);
  await waitCaughtUp(main.server);
  await closeDrivers();
  forget(main.server);
  forget(r1.server);
  await main.server.stop();
  await r1.server.stop();
  main.server = await track(startOn(main.dir));
  r1.server = await track(startOn(r1.dir));
  expect((await run(r1.server, 'SHOW REPLICATION ROLE')).records[0].get(0)).toBe('replica');
  expect((await run(main.server, 'SHOW REPLICATION ROLE')).records[0].get(0)).toBe('main');
  expect((await showReplicas(main.server)).map((r) => [r.name, r.syncMode])).toEqual([['r1', 'async']]);
  await waitCaughtUp(main.server);
  await kill(r1.server);
  r1.server = await track(startOn(r1.dir, ['--data-recovery-on-startup=false']));
  const expected = await digest(main.server);
  await waitFor('the emptied replica to be re-synced', async () => (await digest(r1.server)).sha256 === expected.sha256);
  await waitCaughtUp(main.server);
  expect(await digest(r1.server)).toEqual(expected);
  expect((await digest(r1.server)).vertices).toBe(10);
});

test('MAIN\'s WAL rotated away: a new replica is caught up by snapshot plus WAL', async () => {
  const dir = dataDir();
  const main = await track(startOn(dir, ['--storage-wal-file-size-kib=1', '--storage-snapshot-retention-count=1']));
  await run(main, 'CREATE INDEX ON :N(i)');
  for (let i = 0; i < 40; i++) await insert(main, i);
  await run(main, 'CREATE SNAPSHOT');
  for (let i = 40; i < 45; i++) await insert(main, i);
  // Retention deleted the WAL files the snapshot covers: the log starts after commit 1.
  const walFrom = fs.readdirSync(path.join(dir, 'wal')).map((n) => /_from_(\d+)_/.exec(n)?.[1]).filter((x) => x !== undefined).map(Number);
  expect(Math.min(...walFrom)).toBeGreaterThan(1);
  const r1 = await replicaNode();
  await run(main, `REGISTER REPLICA r1 ASYNC TO "127.0.0.1:${r1.port}"`);
  await waitCaughtUp(main, 20000);
  const expected = await digest(main);
  expect(expected.vertices).toBe(45);
  expect(await digest(r1.server)).toEqual(expected);
  // Replicated schema reaches the replica's planner too.
  const { records } = await run(r1.server, 'SHOW INDEX INFO');
  expect(records.length).toBe(1);
  await insert(main, 45);
  await waitFor('the live commit after catch-up', async () => (await count(r1.server)) === 46);
});
