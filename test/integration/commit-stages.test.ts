// What the commit pipeline's outcomes look like to neo4j-driver: the real engine, storage
// and Bolt server with test commit stages in the places replication will take.
import neo4j, { type Driver } from 'neo4j-driver';
import pino from 'pino';
import { startBoltServer, type BoltServer } from '../../dataplane/bolt/server.js';
import { Codes, MghaError } from '../../dataplane/errors.js';
import { QueryEngine } from '../../dataplane/query/engine.js';
import { InMemoryStorage } from '../../dataplane/storage/storage.js';

let server: BoltServer;
let driver: Driver;
const storage = new InMemoryStorage();
let mode: 'ok' | 'warn' | 'refuse' = 'ok';
const WARNING = "Failed to replicate to SYNC replica 'r1': replica is not reachable or not in sync with the main.";

beforeAll(async () => {
  storage.addCommitStage({
    name: 'test-replication',
    mayAbort: () => mode === 'refuse',
    run: async () => {
      await new Promise((r) => setTimeout(r, 5));
      if (mode === 'refuse') throw new MghaError(Codes.MemgraphClientError, 'Replication Exception: refused by the test stage.');
      if (mode === 'warn') return [{ severity: 'WARNING' as const, code: 'SyncReplicationFailure', title: WARNING }];
    },
  });
  server = await startBoltServer({
    host: '127.0.0.1',
    port: 0,
    engine: new QueryEngine(storage),
    serverAgent: 'mgha-test',
    logger: pino({ level: 'silent' }),
    routing: { routingTable: () => ({ ttlSeconds: 300, routers: [], readers: [], writers: [] }) },
  });
  driver = neo4j.driver(`bolt://127.0.0.1:${server.port}`, neo4j.auth.basic('', ''));
});

afterAll(async () => {
  await driver.close();
  await server.close();
});

async function count(label: string): Promise<number> {
  const { records } = await driver.executeQuery(`MATCH (n:${label}) RETURN count(n) AS c`);
  return (records[0].get('c') as { toNumber(): number }).toNumber();
}

test('a stage that warns: the auto-commit succeeds with exactly one WARNING notification', async () => {
  mode = 'warn';
  const session = driver.session();
  try {
    const { summary } = await session.run('CREATE (:Warned)');
    expect(summary.notifications).toHaveLength(1);
    expect(summary.notifications[0]).toMatchObject({ code: 'SyncReplicationFailure', title: WARNING, severityLevel: 'WARNING' });
    // An explicit transaction commits too (the warning rides on COMMIT's SUCCESS).
    const tx = session.beginTransaction();
    await tx.run('CREATE (:Warned)');
    await tx.commit();
  } finally {
    await session.close();
    mode = 'ok';
  }
  expect(await count('Warned')).toBe(2);
});

test('a stage that refuses: the client gets its error on auto-commit and explicit COMMIT, and nothing is visible', async () => {
  mode = 'refuse';
  const session = driver.session();
  try {
    await expect(session.run('CREATE (:Refused)')).rejects.toMatchObject({ code: Codes.MemgraphClientError, message: expect.stringContaining('refused by the test stage') });
    const tx = session.beginTransaction();
    await tx.run('CREATE (:Refused)');
    await expect(tx.commit()).rejects.toMatchObject({ code: Codes.MemgraphClientError });
  } finally {
    await session.close();
    mode = 'ok';
  }
  expect(await count('Refused')).toBe(0);
  await driver.executeQuery('CREATE (:After)');
  expect(await count('After')).toBe(1);
});

test('concurrent commits through slow stages are all acknowledged, in timestamp order', async () => {
  const bookmarks = await Promise.all(
    Array.from({ length: 20 }, async (_, i) => {
      const session = driver.session();
      try {
        await session.run('CREATE (:Many {i: $i})', { i: neo4j.int(i) });
        return session.lastBookmarks()[0];
      } finally {
        await session.close();
      }
    }),
  );
  const timestamps = bookmarks.map((b) => Number(b.split(':').pop())).sort((a, b) => a - b);
  expect(new Set(timestamps).size).toBe(20);
  expect(timestamps.at(-1)! - timestamps[0]).toBe(19);
  expect(await count('Many')).toBe(20);
});
