// Memgraph's periodic commits through neo4j-driver against a real mgha: `USING PERIODIC
// COMMIT n` and `CALL { … } IN TRANSACTIONS [OF n ROWS]` (Memgraph's periodic_commit
// scenarios), each batch committing on its own, refused in explicit transactions, durable
// through the WAL, and a large LOAD CSV holding only one batch of uncommitted changes.
import fs from 'node:fs';
import path from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { startServer, withDriver, type TestServer } from '../helpers/server.js';
import { count, dataDir, showReplicas, startMainWithSyncReplica, trackServers, waitCaughtUp } from '../helpers/replication.js';

const { track } = trackServers();

async function server(extra: string[] = []): Promise<TestServer> {
  // Flush (and fsync) the WAL per commit: every batch commit then waits for its stage.
  return track(startServer(['--storage-wal-file-flush-every-n-tx=1', ...extra]));
}

/** Auto-commit (session.run): what periodic commits need. Numbers come back as JS numbers. */
async function query(driver: Driver, text: string, params: Record<string, unknown> = {}): Promise<unknown[][]> {
  const session = driver.session();
  try {
    const res = await session.run(text, params);
    return res.records.map((r) => r.keys.map((k) => {
      const v = r.get(k) as unknown;
      return neo4j.isInt(v) ? (v as neo4j.Integer).toNumber() : v;
    }));
  } finally {
    await session.close();
  }
}

test("Memgraph's periodic_commit scenarios", async () => {
  const s = await server();
  await withDriver(s.boltUrl, async (d) => {
    const ids = async (label: string): Promise<unknown[][]> => query(d, `MATCH (a:${label}) RETURN a.id ORDER BY a.id`);
    expect(await query(d, 'USING PERIODIC COMMIT 1 UNWIND range(1, 3) AS x CREATE (a:A {id: x})')).toEqual([]);
    // The summary counts every batch's changes.
    const session = d.session();
    const summary = await session.run('USING PERIODIC COMMIT 2 UNWIND range(1, 5) AS x CREATE (:Counted {id: x})').summary();
    await session.close();
    expect(summary.counters.updates()).toMatchObject({ nodesCreated: 5, propertiesSet: 5, labelsAdded: 5 });
    expect(await ids('A')).toEqual([[1], [2], [3]]);
    expect(await query(d, 'USING PERIODIC COMMIT 1 UNWIND range(1, 3) AS x CREATE (a:B {id: x}) RETURN a.id')).toEqual([[1], [2], [3]]);
    expect(await query(d, 'UNWIND range(1, 3) as x CALL { WITH x CREATE (:C {id: x}) } IN TRANSACTIONS OF 1 ROWS')).toEqual([]);
    expect(await ids('C')).toEqual([[1], [2], [3]]);
    expect(await query(d, 'UNWIND range(1, 3) as x CALL { WITH x CREATE (a:D {id: x}) RETURN a } IN TRANSACTIONS OF 1 ROWS RETURN a.id')).toEqual([[1], [2], [3]]);
    await query(d, 'UNWIND range(1, 3) as x CALL { CREATE (a:E) } IN TRANSACTIONS OF 1 ROWS');
    await query(d, 'CALL { UNWIND range(1, 3) as x CREATE (a:F) } IN TRANSACTIONS OF 1 ROWS');
    // Without OF n ROWS: Neo4j's default batch.
    await query(d, 'UNWIND range(1, 3) as x CALL { CREATE (a:G) } IN TRANSACTIONS');
    expect(await query(d, 'MATCH (n) WHERE n:E OR n:F OR n:G RETURN labels(n)[0] AS l, count(*) ORDER BY l')).toEqual([['E', 3], ['F', 3], ['G', 3]]);
    // "Unwind uses initial iterator": a later MATCH reads what the writes change, so they
    // wait for all input (as Memgraph accumulates) and x = 3 finds no node.
    await query(d, 'CREATE (:Node {id: 1}) CREATE (:Node {id: 2})');
    await query(d, 'USING PERIODIC COMMIT 1 UNWIND range(1, 3) AS x MATCH (n:Node {id: x}) SET n.id = x + 2');
    expect(await ids('Node')).toEqual([[3], [4]]);
  });
});

test('each batch commits on its own: a failure keeps the batches before it, in both forms', async () => {
  const s = await server();
  await withDriver(s.boltUrl, async (d) => {
    await expect(query(d, "USING PERIODIC COMMIT 2 UNWIND range(1, 5) AS x CREATE (:P {v: x}) WITH x WHERE assert(x <> 4, 'boom') RETURN x")).rejects.toMatchObject({
      message: 'boom',
    });
    expect(await query(d, 'MATCH (p:P) RETURN p.v ORDER BY p.v')).toEqual([[1], [2]]);
    await expect(query(d, "UNWIND range(1, 5) AS x CALL { WITH x CREATE (:Q {v: x}) WITH x WHERE assert(x <> 4, 'boom') RETURN x AS y } IN TRANSACTIONS OF 2 ROWS RETURN y")).rejects.toMatchObject({
      message: 'boom',
    });
    expect(await query(d, 'MATCH (q:Q) RETURN q.v ORDER BY q.v')).toEqual([[1], [2]]);
  });
});

test('refused in an explicit transaction (what executeQuery sends), with Neo4j\'s texts', async () => {
  const s = await server();
  await withDriver(s.boltUrl, async (d) => {
    await expect(d.executeQuery('UNWIND range(1, 3) AS x CALL { WITH x CREATE (:X) } IN TRANSACTIONS OF 1 ROWS')).rejects.toMatchObject({
      code: 'Memgraph.ClientError.MemgraphError.MemgraphError',
      message: "A query with 'CALL { ... } IN TRANSACTIONS' can only be executed in an implicit transaction, but tried to execute in an explicit transaction.",
    });
    await expect(d.executeQuery('USING PERIODIC COMMIT 1 UNWIND range(1, 3) AS x CREATE (:X)')).rejects.toMatchObject({
      message: 'Executing queries that use periodic commit in an open transaction is not possible.',
    });
    expect(await query(d, 'MATCH (x:X) RETURN count(x)')).toEqual([[0]]);
  });
});

test('nested in a CALL subquery it commits per batch; inside an EXISTS or COUNT expression it is refused, nothing written', async () => {
  const s = await server();
  await withDriver(s.boltUrl, async (d) => {
    await query(d, 'CALL { UNWIND range(1, 5) AS i CALL { WITH i CREATE (:B {i: i}) } IN TRANSACTIONS OF 2 ROWS }');
    await query(d, 'UNWIND [1, 2] AS j CALL { WITH j UNWIND range(1, 3) AS i CALL { WITH i CREATE (:C {i: i}) } IN TRANSACTIONS OF 2 ROWS } IN TRANSACTIONS');
    expect(await query(d, 'MATCH (n) RETURN labels(n)[0] AS l, count(*) ORDER BY l')).toEqual([['B', 5], ['C', 6]]);
    // An expression is evaluated without waiting: its batches' commits (fsynced here) could not be awaited.
    const refused = "CALL { ... } IN TRANSACTIONS is not supported inside a subquery expression (EXISTS { ... }, COUNT { ... }); use it as a clause of the query itself.";
    for (const text of [
      'MATCH (b:B) WHERE EXISTS { UNWIND [1] AS i CALL { WITH i CREATE (:D) } IN TRANSACTIONS } RETURN count(b)',
      'RETURN COUNT { UNWIND range(1, 3) AS i CALL { WITH i CREATE (:D) } IN TRANSACTIONS OF 1 ROW RETURN i } AS c',
    ]) {
      await expect(query(d, text)).rejects.toMatchObject({ code: 'Neo.ClientError.Statement.SyntaxError', message: refused });
    }
    expect(await query(d, 'MATCH (n:D) RETURN count(n)')).toEqual([[0]]);
  });
});

test('triggers fire for every batch: BEFORE COMMIT inside it, AFTER COMMIT after it', async () => {
  const s = await server();
  await withDriver(s.boltUrl, async (d) => {
    await query(d, 'CREATE TRIGGER mark ON () CREATE BEFORE COMMIT EXECUTE UNWIND createdVertices AS v SET v.seen = true');
    await query(d, 'CREATE TRIGGER log ON () CREATE AFTER COMMIT EXECUTE UNWIND createdVertices AS v CREATE (:Log {id: v.id})');
    await query(d, 'USING PERIODIC COMMIT 2 UNWIND range(1, 5) AS x CREATE (:T {id: x})');
    expect(await query(d, 'MATCH (t:T) WITH collect(t) AS ts RETURN size(ts), all(x IN ts WHERE x.seen)')).toEqual([[5, true]]);
    const deadline = Date.now() + 10_000;
    while ((await query(d, 'MATCH (l:Log) RETURN count(l)'))[0][0] !== 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await query(d, 'MATCH (l:Log) RETURN l.id ORDER BY l.id')).toEqual([[1], [2], [3], [4], [5]]);
  });
});

test('every batch replicates to a SYNC replica as a transaction of its own', async () => {
  const { main, replica: r } = await startMainWithSyncReplica();
  await track(main);
  await track(r.server);
  await withDriver(main.boltUrl, (d) => query(d, 'USING PERIODIC COMMIT 10 UNWIND range(1, 100) AS x CREATE (:Rep {id: x})'));
  await waitCaughtUp(main);
  expect(await count(r.server, 'MATCH (n:Rep) RETURN count(n) AS c')).toBe(100);
  // Ten batches, ten commit timestamps (the replica is at MAIN's).
  const [row] = await showReplicas(main);
  expect(row.ts).toBeGreaterThanOrEqual(10);
});

test('batches are durable: a restart from the WAL finds every committed batch', async () => {
  const dir = dataDir();
  const flags = [`--data-directory=${dir}`, '--storage-snapshot-on-exit=false'];
  let s = await server(flags);
  await withDriver(s.boltUrl, (d) => query(d, 'USING PERIODIC COMMIT 100 UNWIND range(1, 1000) AS x CREATE (:W {id: x})'));
  await s.kill();
  s = await server(flags);
  await withDriver(s.boltUrl, async (d) => {
    expect(await query(d, 'MATCH (w:W) RETURN count(w), sum(w.id)')).toEqual([[1000, 500500]]);
  });
});

test('a large LOAD CSV with USING PERIODIC COMMIT keeps a bounded number of versions, batches visible as they commit', async () => {
  const ROWS = 200_000;
  const BATCH = 1000;
  const file = path.join(dataDir(), 'big.csv');
  const lines = ['id,name'];
  for (let i = 0; i < ROWS; i++) lines.push(`${i},name-${i}`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  const s = await server(['--storage-wal-file-flush-every-n-tx=100000']);
  await withDriver(s.boltUrl, async (d) => {
    const importInto = (label: string) =>
      query(d, `USING PERIODIC COMMIT ${BATCH} LOAD CSV FROM $file WITH HEADER AS row CREATE (:${label} {id: toInteger(row.id), name: row.name})`, { file });
    // Another session watches the import: committed batches appear while it runs.
    let done = false;
    const load = importInto('R').finally(() => {
      done = true;
    });
    const seen = new Set<number>();
    while (!done) {
      const [[count]] = (await query(d, 'MATCH (r:R) RETURN count(r)')) as number[][];
      if (!done) seen.add(count);
    }
    await load;
    const partial = [...seen].filter((c) => c > 0 && c < ROWS);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.every((c) => c % BATCH === 0)).toBe(true);
    // A second import watched only through SHOW STORAGE INFO: the versions kept for
    // uncommitted changes stay within a few batches. (A long count query beside it would keep
    // every batch committed while it runs, since its snapshot may need them.)
    const unreleased = async (): Promise<number> =>
      Number(new Map((await query(d, 'SHOW STORAGE INFO')).map(([k, v]) => [k as string, v])).get('unreleased_delta_objects'));
    // Start from a clean slate: what the first import's watcher held back is released first.
    await query(d, 'FREE MEMORY');
    for (const deadline = Date.now() + 30_000; (await unreleased()) > 0 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
    done = false;
    const second = importInto('R2').finally(() => {
      done = true;
    });
    let maxPending = 0;
    while (!done) {
      maxPending = Math.max(maxPending, await unreleased());
      await new Promise((r) => setTimeout(r, 20));
    }
    await second;
    console.log(`LOAD CSV of ${ROWS} rows, PERIODIC COMMIT ${BATCH}: ${partial.length} partial counts seen, max unreleased delta objects ${maxPending}`);
    // Four versions per row (the vertex, its label, two properties): a batch is about 4,000;
    // the import without batches keeps 800,000.
    expect(maxPending).toBeLessThanOrEqual(ROWS * 4 / 8);
    expect(await query(d, 'MATCH (r:R2) RETURN count(r)')).toEqual([[ROWS]]);
    expect(await query(d, 'MATCH (r:R) RETURN count(r), max(r.id)')).toEqual([[ROWS, ROWS - 1]]);
  });
});
