// ANALYZE GRAPH's statistics are kept as Memgraph keeps them since 2.12: across a restart
// (from the WAL, then from a snapshot alone) and on replicas, where the planner uses them;
// dropping an index drops its statistics everywhere. Real mgha processes, neo4j-driver.
import fs from 'node:fs';
import path from 'node:path';
import type { TestServer } from '../helpers/server.js';
import { dataDir, run, startMainWithSyncReplica, startOn, trackServers, waitCaughtUp } from '../helpers/replication.js';

const { track } = trackServers();

const TWO_PROPS = 'MATCH (n:Label) WHERE n.id2 = 3 AND n.id1 = 3 RETURN n';
/** Without statistics the planner takes the index with fewer nodes (id2); with them, the smaller average group (id1). */
const BY_SIZE = '* ScanAllByLabelProperties (n :Label {id2})';
const BY_STATS = '* ScanAllByLabelProperties (n :Label {id1})';

async function scan(s: TestServer): Promise<string | undefined> {
  const { records } = await run(s, `EXPLAIN ${TWO_PROPS}`);
  return records.map((r) => (r.get('QUERY PLAN') as string).trim()).find((l) => l.startsWith('* ScanAll'));
}

async function twoIndexes(s: TestServer): Promise<void> {
  await run(s, 'FOREACH (i IN range(1, 100) | CREATE (n:Label {id1: i}))');
  await run(s, 'FOREACH (i IN range(1, 50) | CREATE (n:Label {id2: i % 5}))');
  await run(s, 'CREATE INDEX ON :Label(id1)');
  await run(s, 'CREATE INDEX ON :Label(id2)');
}

async function deleted(s: TestServer): Promise<unknown[][]> {
  const { records } = await run(s, 'ANALYZE GRAPH DELETE STATISTICS');
  return records.map((r) => [r.get('label'), r.get('property')]);
}

test('statistics survive a restart from the WAL and from a snapshot alone', async () => {
  const dir = dataDir();
  const flags = ['--storage-wal-file-flush-every-n-tx=1', '--storage-snapshot-on-exit=false'];
  let s = await track(startOn(dir, flags));
  await twoIndexes(s);
  await run(s, 'ANALYZE GRAPH');
  expect(await scan(s)).toBe(BY_STATS);
  await s.kill();
  s = await track(startOn(dir, flags));
  expect(await scan(s)).toBe(BY_STATS);
  await run(s, 'CREATE SNAPSHOT');
  await s.stop();
  fs.rmSync(path.join(dir, 'wal'), { recursive: true, force: true });
  s = await track(startOn(dir, flags));
  expect(await scan(s)).toBe(BY_STATS);
  expect(await deleted(s)).toEqual([
    ['Label', ['id1']],
    ['Label', ['id2']],
  ]);
  await s.kill();
  s = await track(startOn(dir, flags));
  expect(await scan(s)).toBe(BY_SIZE);
});

test('statistics replicate and steer the replica\'s planner; a replica refuses ANALYZE GRAPH; a dropped index takes its statistics along', async () => {
  const { main, replica } = await startMainWithSyncReplica();
  await track(main);
  const r = await track(replica.server);
  await twoIndexes(main);
  await waitCaughtUp(main);
  expect(await scan(r)).toBe(BY_SIZE);
  await run(main, 'ANALYZE GRAPH');
  expect(await scan(r)).toBe(BY_STATS);
  await expect(run(r, 'ANALYZE GRAPH')).rejects.toMatchObject({ message: expect.stringContaining('Write queries are forbidden on the replica instance.') });
  // Dropped and created again, the index has no statistics: on MAIN and on the replica.
  await run(main, 'DROP INDEX ON :Label(id1)');
  await run(main, 'CREATE INDEX ON :Label(id1)');
  await waitCaughtUp(main);
  expect(await scan(r)).toBe(BY_SIZE);
  expect(await deleted(main)).toEqual([['Label', ['id2']]]);
});
