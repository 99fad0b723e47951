// Memgraph's index kinds end to end with real mgha processes and neo4j-driver: composite and
// nested label+property, edge-type, edge-type+property, global edge-property and point
// indexes. DDL and SHOW INDEX INFO with Memgraph's columns, the planner's scans, recovery
// after SIGKILL (WAL, snapshot, snapshot + WAL), and replication (live and catch-up).
import neo4j from 'neo4j-driver';
import type { TestServer } from '../helpers/server.js';
import { freePort } from '../helpers/ports.js';
import { dataDir, digest, run, startOn, waitCaughtUp, waitForStatus, trackServers } from '../helpers/replication.js';

const { track, kill } = trackServers();

/** Every acknowledged commit is fsynced: a SIGKILL loses none. */
const DURABLE = ['--storage-wal-file-flush-every-n-tx=1'];

const CREATE_ALL = [
  'CREATE INDEX ON :Person(name, age)',
  'CREATE INDEX ON :Person(address.city)',
  'CREATE EDGE INDEX ON :KNOWS',
  'CREATE EDGE INDEX ON :KNOWS(since)',
  'CREATE GLOBAL EDGE INDEX ON :(weight)',
  'CREATE POINT INDEX ON :Place(loc)',
];

async function seed(s: TestServer): Promise<void> {
  await run(
    s,
    `UNWIND range(0, 29) AS i
     CREATE (p:Person {name: 'p' + toString(i % 10), age: i, address: {city: CASE i % 3 WHEN 0 THEN 'Split' ELSE 'Zagreb' END}})
     CREATE (q:Place {loc: point({x: i, y: i % 5})})
     CREATE (p)-[:KNOWS {since: 2000 + i % 4, weight: i % 2}]->(q)
     CREATE (q)-[:NEAR {weight: 1}]->(p)`,
  );
}

/** SHOW INDEX INFO as plain rows. */
async function indexInfo(s: TestServer): Promise<unknown[][]> {
  const { records } = await run(s, 'SHOW INDEX INFO');
  return records.map((r) => ['index type', 'label', 'property', 'count'].map((k) => {
    const v: unknown = r.get(k);
    return neo4j.isInt(v) ? v.toNumber() : v;
  }));
}

const EXPECTED_INFO = [
  ['edge-property', null, 'weight', 60],
  ['edge-type', 'KNOWS', null, 30],
  ['edge-type+property', 'KNOWS', 'since', 30],
  ['label+property', 'Person', ['address.city'], 30],
  ['label+property', 'Person', ['name', 'age'], 30],
  ['point', 'Place', 'loc', 30],
];

/** Queries that each use one of the indexes, the scan EXPLAIN shows, and their answers. */
const USES: [string, string, unknown[]][] = [
  ["MATCH (p:Person) WHERE p.name = 'p3' AND p.age = 13 RETURN p.age AS v", 'ScanAllByLabelProperties (p :Person {name, age})', [13]],
  ["MATCH (p:Person {name: 'p4'}) RETURN p.age AS v ORDER BY v", 'ScanAllByLabelProperties (p :Person {name, age})', [4, 14, 24]],
  ["MATCH (p:Person) WHERE p.address.city = 'Split' AND p.age > 20 RETURN p.age AS v ORDER BY v", 'ScanAllByLabelProperties (p :Person {address.city})', [21, 24, 27]],
  ['MATCH (a)-[r:KNOWS]->(b) WHERE r.since = 2003 RETURN a.age AS v ORDER BY v', 'ScanAllByEdgeTypePropertyValue (a)-[r:KNOWS {since}]->(b)', [3, 7, 11, 15, 19, 23, 27]],
  ['MATCH ()-[r:NEAR]->(p) WHERE r.weight >= 1 RETURN count(p) AS v', 'ScanAllByEdgePropertyRange (anon)-[r:NEAR {weight}]->(p)', [30]],
  ['MATCH (a)-[r:KNOWS]->() RETURN count(a) AS v', 'ScanAllByEdgeType (a)-[r:KNOWS]->(anon)', [30]],
  ['WITH point({x: 10, y: 0}) AS c MATCH (q:Place) WHERE point.distance(c, q.loc) <= 1 RETURN q.loc.x AS v ORDER BY v', 'ScanAllByPointDistance (q :Place {loc})', [10]],
];

async function checkUses(s: TestServer, without: string | null = null): Promise<void> {
  for (const [q, scan, expected] of USES) {
    if (without !== null && scan.startsWith(without)) continue;
    // Anonymous variables are numbered per server: compared without their numbers.
    const plan = (await run(s, `EXPLAIN ${q}`)).records.map((r) => String(r.get('QUERY PLAN'))).join('\n');
    expect(plan.replace(/anon\d+/g, 'anon')).toContain(scan);
    const values = (await run(s, q)).records.map((r) => {
      const v: unknown = r.get('v');
      return neo4j.isInt(v) ? v.toNumber() : v;
    });
    expect(values).toEqual(expected);
  }
}

test('through neo4j-driver: every kind is created, listed with Memgraph\'s columns, used by the planner and dropped', async () => {
  const s = await track(startOn(dataDir()));
  await seed(s);
  const driver = neo4j.driver(s.boltUrl, neo4j.auth.basic('', ''));
  const session = driver.session();
  try {
    // DDL runs in auto-commit transactions, as Memgraph requires.
    for (const q of CREATE_ALL) {
      const res = await session.run(q);
      expect(res.summary.counters.updates().indexesAdded).toBe(1);
    }
    const again = await session.run(CREATE_ALL[0]);
    expect(again.summary.counters.updates().indexesAdded).toBe(0);
    expect(again.summary.notifications).toMatchObject([
      { code: 'IndexAlreadyExists', title: 'Index on label Person on properties name, age already exists.', rawSeverityLevel: 'INFO' },
    ]);
    const edge = await session.run('CREATE EDGE INDEX ON :OTHER(x)');
    expect(edge.summary.notifications).toMatchObject([{ code: 'CreateIndex', title: 'Created index on edge-type OTHER on property x.' }]);
    expect((await session.run('DROP EDGE INDEX ON :OTHER(x)')).summary.notifications).toMatchObject([{ code: 'DropIndex', title: 'Dropped index on edge-type OTHER.' }]);
    const info = await driver.executeQuery('SHOW INDEX INFO');
    expect(info.keys).toEqual(['index type', 'label', 'property', 'count']);
    expect(await indexInfo(s)).toEqual(EXPECTED_INFO);
    expect((await driver.executeQuery('SHOW INDEXES')).records.length).toBe(EXPECTED_INFO.length);
    await checkUses(s);
    // Writes keep the indexes current.
    await driver.executeQuery("MATCH (p:Person {age: 13}) SET p.name = 'renamed'");
    expect((await driver.executeQuery("MATCH (p:Person) WHERE p.name = 'p3' AND p.age = 13 RETURN p")).records).toHaveLength(0);
    expect((await driver.executeQuery("MATCH (p:Person) WHERE p.name = 'renamed' AND p.age = 13 RETURN p")).records).toHaveLength(1);
    await expect(session.executeWrite((tx) => tx.run('MATCH (n) WITH count(n) AS c RETURN c').then(() => tx.run('DROP EDGE INDEX ON :KNOWS')))).rejects.toMatchObject({
      code: 'Memgraph.ClientError.MemgraphError.MemgraphError',
      message: 'Index manipulation not allowed in multicommand transactions.',
    });
    for (const q of CREATE_ALL.map((c) => c.replace('CREATE', 'DROP'))) {
      expect((await session.run(q)).summary.counters.updates().indexesRemoved).toBe(1);
    }
    expect(await indexInfo(s)).toEqual([]);
    await expect(session.run('CREATE TEXT INDEX t ON :Person')).rejects.toMatchObject({ message: 'CREATE TEXT INDEX is not supported yet.' });
  } finally {
    await session.close();
    await driver.close();
  }
});

test('recovery after SIGKILL: from the WAL, from a snapshot, and from a snapshot plus the WAL after it', async () => {
  const dir = dataDir();
  let s = await track(startOn(dir, DURABLE));
  await seed(s);
  for (const q of CREATE_ALL) await run(s, q);
  const before = await digest(s);
  await kill(s);
  // WAL only.
  s = await track(startOn(dir, DURABLE));
  expect(await digest(s)).toEqual(before);
  expect(await indexInfo(s)).toEqual(EXPECTED_INFO);
  await checkUses(s);
  await run(s, 'CREATE SNAPSHOT');
  // After the snapshot, in the WAL: a drop and a create of other kinds.
  await run(s, 'DROP POINT INDEX ON :Place(loc)');
  await run(s, 'DROP INDEX ON :Person(name, age)');
  await run(s, 'CREATE INDEX ON :Person(age, name)');
  const after = await digest(s);
  await kill(s);
  s = await track(startOn(dir, DURABLE));
  expect(await digest(s)).toEqual(after);
  const info = await indexInfo(s);
  expect(info).toContainEqual(['label+property', 'Person', ['age', 'name'], 30]);
  expect(info.map((r) => r[0])).not.toContain('point');
  expect(info).toHaveLength(EXPECTED_INFO.length - 1);
  expect((await run(s, 'EXPLAIN MATCH (p:Person) WHERE p.age = 3 RETURN p')).records.map((r) => String(r.get('QUERY PLAN'))).join('\n')).toContain(
    'ScanAllByLabelProperties (p :Person {age, name})',
  );
  await run(s, 'CREATE SNAPSHOT');
  await kill(s);
  // The newest snapshot holds everything (nothing after it in the WAL).
  s = await track(startOn(dir, DURABLE));
  expect(await digest(s)).toEqual(after);
  expect(await indexInfo(s)).toEqual(info);
});

test('replication: index DDL of every kind reaches a SYNC replica live and a killed one on catch-up; replicas plan with them', async () => {
  const main = await track(startOn(dataDir()));
  const replicaDir = dataDir();
  const port = await freePort();
  let replica = await track(startOn(replicaDir));
  await run(replica, `SET REPLICATION ROLE TO REPLICA WITH PORT ${port}`);
  await run(main, `REGISTER REPLICA r1 SYNC TO "127.0.0.1:${port}"`);
  await waitForStatus(main, 'r1', 'ready');
  await seed(main);
  // Memgraph's INFO notification, and no SyncReplicationFailure warning.
  for (const q of CREATE_ALL.slice(0, 3)) expect((await run(main, q)).notifications.map((n) => n.code)).toEqual(['CreateIndex']);
  expect(await indexInfo(replica)).toEqual(await indexInfo(main));
  expect(await digest(replica)).toEqual(await digest(main));
  await kill(replica);
  // Missed while the replica is down: the other kinds, and a drop.
  for (const q of CREATE_ALL.slice(3)) await run(main, q);
  await run(main, 'DROP EDGE INDEX ON :KNOWS');
  await run(main, 'CREATE (:Person {name: "late", age: 99})');
  replica = await track(startOn(replicaDir));
  await waitCaughtUp(main);
  expect(await digest(replica)).toEqual(await digest(main));
  const info = await indexInfo(replica);
  expect(info).toEqual(await indexInfo(main));
  expect(info.map((r) => r[0])).toEqual(['edge-property', 'edge-type+property', 'label+property', 'label+property', 'point']);
  // Every use but the dropped edge-type index's.
  await checkUses(replica, 'ScanAllByEdgeType (');
  const plan = (await run(replica, 'EXPLAIN MATCH (a)-[r:KNOWS]->(b) WHERE r.since = 2001 RETURN a')).records.map((r) => String(r.get('QUERY PLAN')));
  expect(plan.join('\n')).toContain('ScanAllByEdgeTypePropertyValue (a)-[r:KNOWS {since}]->(b)');
});

test("replication: a new replica caught up from MAIN's snapshot (its WAL rotated away) gets every index kind", async () => {
  const main = await track(startOn(dataDir(), ['--storage-wal-file-size-kib=1', '--storage-snapshot-retention-count=1']));
  await seed(main);
  for (const q of CREATE_ALL) await run(main, q);
  await run(main, 'CREATE SNAPSHOT');
  await run(main, 'DROP INDEX ON :Person(address.city)');
  await run(main, "CREATE (:Person {name: 'after', age: 100})");
  const port = await freePort();
  const replica = await track(startOn(dataDir()));
  await run(replica, `SET REPLICATION ROLE TO REPLICA WITH PORT ${port}`);
  await run(main, `REGISTER REPLICA r1 ASYNC TO "127.0.0.1:${port}"`);
  await waitCaughtUp(main, 20000);
  expect(await digest(replica)).toEqual(await digest(main));
  const info = await indexInfo(replica);
  expect(info).toEqual(await indexInfo(main));
  // Counts include versions GC has not swept yet (the late Person was written in two steps).
  expect(info.map((r) => r.slice(0, 3))).toEqual([
    ['edge-property', null, 'weight'],
    ['edge-type', 'KNOWS', null],
    ['edge-type+property', 'KNOWS', 'since'],
    ['label+property', 'Person', ['name', 'age']],
    ['point', 'Place', 'loc'],
  ]);
  expect(info[3][3]).toBeGreaterThanOrEqual(31);
  await checkUses(replica, 'ScanAllByLabelProperties (p :Person {address.city})');
});
