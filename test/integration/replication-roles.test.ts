// Role switches, wiped instances and divergence (issue #9, reference §1.6, §1.10): real
// processes on 127.0.0.1.
import { freePort } from '../helpers/ports.js';
import type { TestServer } from '../helpers/server.js';
import { closeDrivers, count, dataDir, digest, run, showReplicas, startOn, waitCaughtUp, waitFor, waitForStatus, trackServers } from '../helpers/replication.js';

const WRITE_ON_REPLICA =
  'Write queries are forbidden on the replica instance. Replica instances accept only read queries, while the main instance accepts read and write queries. Please retry your query on the main instance.';

const { track, forget } = trackServers();

const insert = (s: TestServer, i: number) => run(s, 'CREATE (:N {i: $i})', { i });

test('role switch: demote MAIN, promote the replica, re-register; a wiped instance registers and ends equal; a diverged one is refused', async () => {
  const [portA, portB, portC] = [await freePort(), await freePort(), await freePort()];
  const a = await track(startOn(dataDir()));
  const b = await track(startOn(dataDir()));
  await run(b, `SET REPLICATION ROLE TO REPLICA WITH PORT ${portB}`);
  await run(a, `REGISTER REPLICA b SYNC TO "127.0.0.1:${portB}"`);
  for (let i = 0; i < 5; i++) await insert(a, i);
  await waitCaughtUp(a);

  const demoted = await run(a, `SET REPLICATION ROLE TO REPLICA WITH PORT ${portA}`);
  expect(demoted.notifications[0]).toMatchObject({ code: 'SetReplica', title: 'Replica role set to REPLICA.' });
  await expect(insert(a, 99)).rejects.toMatchObject({ message: WRITE_ON_REPLICA });
  await expect(run(a, `SET REPLICATION ROLE TO REPLICA WITH PORT ${portA}`)).rejects.toMatchObject({ message: "Couldn't set role to replica!" });
  const promoted = await run(b, 'SET REPLICATION ROLE TO MAIN');
  expect(promoted.notifications[0]).toMatchObject({ code: 'SetReplica', title: 'Replica role set to MAIN.' });
  await expect(run(b, 'SET REPLICATION ROLE TO MAIN')).rejects.toMatchObject({ message: "Couldn't set replication role to main!" });
  await run(b, `REGISTER REPLICA a SYNC TO "127.0.0.1:${portA}"`);
  await waitForStatus(b, 'a', 'ready');
  for (let i = 5; i < 10; i++) expect((await insert(b, i)).notifications).toEqual([]);
  await waitCaughtUp(b);
  expect(await digest(a)).toEqual(await digest(b));
  expect(await count(a)).toBe(10);

  // A wiped instance registers and catches up from nothing.
  const c = await track(startOn(dataDir()));
  await run(c, `SET REPLICATION ROLE TO REPLICA WITH PORT ${portC}`);
  await run(b, `REGISTER REPLICA c ASYNC TO "127.0.0.1:${portC}"`);
  await waitCaughtUp(b);
  expect(await digest(c)).toEqual(await digest(b));

  // Split brain: `a` is promoted while `b` is still MAIN and takes writes of its own.
  await run(b, 'DROP REPLICA a');
  await run(a, 'SET REPLICATION ROLE TO MAIN');
  await insert(a, 100);
  await insert(a, 101);
  await run(a, `SET REPLICATION ROLE TO REPLICA WITH PORT ${portA}`);
  await expect(run(b, `REGISTER REPLICA a SYNC TO "127.0.0.1:${portA}"`)).rejects.toMatchObject({
    code: 'Memgraph.ClientError.MemgraphError.MemgraphError',
    message: "Couldn't register replica a. Error: 3",
  });
  expect((await showReplicas(b)).map((r) => r.name)).toEqual(['c']);
  // Nothing merged either way.
  expect(await count(a)).toBe(12);
  expect(await count(b)).toBe(10);
});

test('a registered replica that diverged is reported diverged and left alone', async () => {
  const port = await freePort();
  const main = await track(startOn(dataDir()));
  const dirR = dataDir();
  let r = await track(startOn(dirR));
  await run(r, `SET REPLICATION ROLE TO REPLICA WITH PORT ${port}`);
  await run(main, `REGISTER REPLICA r ASYNC TO "127.0.0.1:${port}"`);
  for (let i = 0; i < 3; i++) await insert(main, i);
  await waitCaughtUp(main);
  // The replica comes back once without its replication state (so as a MAIN) and takes writes.
  forget(r);
  await closeDrivers();
  await r.kill();
  r = await track(startOn(dirR, ['--replication-restore-state-on-startup=false']));
  for (let i = 10; i < 15; i++) await insert(r, i);
  forget(r);
  await closeDrivers();
  await r.stop();
  r = await track(startOn(dirR));
  await waitForStatus(main, 'r', 'diverged');
  await insert(main, 3);
  await new Promise((res) => setTimeout(res, 1500));
  expect((await showReplicas(main))[0].status).toBe('diverged');
  expect(await count(r)).toBe(8);
  await waitFor('main to keep its own', async () => (await count(main)) === 4);
});
