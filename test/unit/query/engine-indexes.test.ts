// Memgraph's index kinds through QueryEngine: composite and nested label+property indexes,
// edge-type, edge-type+property and global edge-property indexes, point indexes: DDL,
// SHOW INDEX INFO, the scan EXPLAIN shows, and that indexed answers equal unindexed ones.
import { newEngine, rows, run } from './engine-helpers.js';
import type { QueryEngine } from '../../../dataplane/query/engine.js';

async function plan(e: QueryEngine, q: string): Promise<string> {
  return (await rows(e, `EXPLAIN ${q}`)).map((r) => r[0]).join('\n');
}

/** The query's rows with and without the index (dropped and recreated around it). */
async function sameWithout(e: QueryEngine, q: string, create: string, drop: string): Promise<unknown[][]> {
  const indexed = await rows(e, q);
  await run(e, drop);
  const scanned = await rows(e, q);
  await run(e, create);
  expect(indexed).toEqual(scanned);
  return indexed;
}

test('composite :L(a, b): created, shown, used for equality on both, a prefix and a range on the first, dropped', async () => {
  const e = newEngine();
  await run(e, 'UNWIND range(0, 99) AS i CREATE (:C {a: i % 10, b: i % 7, i: i})');
  await run(e, 'CREATE (:C {b: 1}), (:C {x: 1})');
  const created = await run(e, 'CREATE INDEX ON :C(a, b)');
  expect(created.summary.stats).toEqual({ 'indexes-added': 1 });
  // Vertices with at least one of the properties are indexed.
  expect(await rows(e, 'SHOW INDEX INFO')).toEqual([['label+property', 'C', ['a', 'b'], 101]]);
  expect(await plan(e, 'MATCH (n:C) WHERE n.a = 3 AND n.b = 2 RETURN n')).toContain('ScanAllByLabelProperties (n :C {a, b})');
  expect(await plan(e, 'MATCH (n:C {a: 3}) RETURN n')).toContain('ScanAllByLabelProperties (n :C {a, b})');
  expect(await plan(e, 'MATCH (n:C) WHERE n.a > 7 RETURN n')).toContain('ScanAllByLabelProperties (n :C {a, b})');
  // Only b: not a prefix, no index.
  expect(await plan(e, 'MATCH (n:C) WHERE n.b = 2 RETURN n')).toContain('ScanAllByLabel (n :C)');
  const c = 'CREATE INDEX ON :C(a, b)';
  const d = 'DROP INDEX ON :C(a, b)';
  const both = await sameWithout(e, 'MATCH (n:C) WHERE n.a = 3 AND n.b = 2 RETURN n.i ORDER BY n.i', c, d);
  expect(both).toEqual([[23], [93]]);
  expect(await sameWithout(e, 'MATCH (n:C {a: 3}) RETURN n.i ORDER BY n.i', c, d)).toHaveLength(10);
  expect(await sameWithout(e, 'MATCH (n:C) WHERE n.a >= 8 AND n.a < 9.5 AND n.b = 0 RETURN n.i ORDER BY n.i', c, d)).toEqual([[28], [49], [98]]);
  expect(await sameWithout(e, 'MATCH (n:C) WHERE n.a IN [1, 2.0, null] RETURN n.i ORDER BY n.i', c, d)).toHaveLength(20);
  // Updates move entries; the old value no longer matches.
  await run(e, 'MATCH (n:C {i: 23}) SET n.b = 5');
  expect(await rows(e, 'MATCH (n:C) WHERE n.a = 3 AND n.b = 2 RETURN n.i')).toEqual([[93]]);
  expect(await rows(e, 'MATCH (n:C) WHERE n.a = 3 AND n.b = 5 RETURN n.i ORDER BY n.i')).toEqual([[23], [33]]);
  expect((await run(e, 'DROP INDEX ON :C(a, b)')).summary.stats).toEqual({ 'indexes-removed': 1 });
  expect(await rows(e, 'SHOW INDEX INFO')).toEqual([]);
});

test('nested :L(a.b): follows maps, updates with the map, dropped', async () => {
  const e = newEngine();
  await run(e, "CREATE (:P {d: {s: 'open', n: 1}}), (:P {d: {s: 'done'}}), (:P {d: 'open'}), (:P {s: 'open'})");
  await run(e, 'CREATE INDEX ON :P(d.s)');
  expect(await rows(e, 'SHOW INDEX INFO')).toEqual([['label+property', 'P', ['d.s'], 2]]);
  expect(await plan(e, "MATCH (p:P) WHERE p.d.s = 'open' RETURN p")).toContain('ScanAllByLabelProperties (p :P {d.s})');
  expect(await rows(e, "MATCH (p:P) WHERE p.d.s = 'open' RETURN p.d.n")).toEqual([[1]]);
  await run(e, "MATCH (p:P) WHERE p.d.s = 'done' SET p.d = {s: 'open', n: 2}");
  expect(await rows(e, "MATCH (p:P) WHERE p.d.s = 'open' RETURN p.d.n ORDER BY p.d.n")).toEqual([[1], [2]]);
  expect(await rows(e, "MATCH (p:P) WHERE p.d.s > 'a' RETURN count(p)")).toEqual([[2]]);
  await run(e, 'DROP INDEX ON :P(d.s)');
  expect(await rows(e, 'SHOW INDEXES')).toEqual([]);
});

test('edge-type index: ScanAllByEdgeType in every direction, expansions on from both ends', async () => {
  const e = newEngine();
  await run(e, 'UNWIND range(1, 50) AS i CREATE (:N {i: i})');
  await run(e, 'MATCH (a:N {i: 1}), (b:N {i: 2}), (c:N {i: 3}) CREATE (a)-[:T {w: 1}]->(b), (b)-[:T {w: 2}]->(c), (c)-[:U]->(a), (c)-[:T {w: 3}]->(c)');
  await run(e, 'CREATE EDGE INDEX ON :T');
  expect(await rows(e, 'SHOW INDEX INFO')).toEqual([['edge-type', 'T', null, 3]]);
  expect(await plan(e, 'MATCH (a)-[r:T]->(b) RETURN r')).toContain('ScanAllByEdgeType (a)-[r:T]->(b)');
  const c = 'CREATE EDGE INDEX ON :T';
  const d = 'DROP EDGE INDEX ON :T';
  expect(await sameWithout(e, 'MATCH (a)-[r:T]->(b) RETURN a.i, r.w, b.i ORDER BY r.w', c, d)).toEqual([[1, 1, 2], [2, 2, 3], [3, 3, 3]]);
  expect(await sameWithout(e, 'MATCH (a)<-[r:T]-(b) RETURN a.i, b.i ORDER BY r.w', c, d)).toEqual([[2, 1], [3, 2], [3, 3]]);
  expect(await sameWithout(e, 'MATCH (a)-[r:T]-(b) RETURN a.i, b.i ORDER BY r.w, a.i', c, d)).toEqual([[1, 2], [2, 1], [2, 3], [3, 2], [3, 3]]);
  expect(await sameWithout(e, 'MATCH (a)-[r:T]->(a) RETURN a.i', c, d)).toEqual([[3]]);
  expect(await sameWithout(e, 'MATCH (x)-[:U]->(a)-[r:T]->(b)-[s:T]->(y) RETURN x.i, a.i, b.i, y.i', c, d)).toEqual([[3, 1, 2, 3]]);
  expect(await sameWithout(e, 'MATCH (a:N {i: 2})-[r:T]->(b) RETURN b.i', c, d)).toEqual([[3]]);
  expect(await sameWithout(e, 'MATCH ()-[r:T]->() RETURN count(r)', c, d)).toEqual([[3]]);
  await run(e, 'MATCH ()-[r:T {w: 2}]->() DELETE r');
  expect(await rows(e, 'MATCH ()-[r:T]->() RETURN r.w ORDER BY r.w')).toEqual([[1], [3]]);
});

test('edge-type+property and global edge-property indexes: value and range scans, type checked per edge', async () => {
  const e = newEngine();
  await run(e, 'UNWIND range(1, 30) AS i CREATE (:A {i: i})-[:E {p: i % 5}]->(:B {i: i})');
  await run(e, 'UNWIND range(1, 10) AS i CREATE (:A)-[:F {p: i % 5}]->(:B)');
  await run(e, 'CREATE EDGE INDEX ON :E(p)');
  await run(e, 'CREATE GLOBAL EDGE INDEX ON :(p)');
  expect(await rows(e, 'SHOW INDEX INFO')).toEqual([
    ['edge-property', null, 'p', 40],
    ['edge-type+property', 'E', 'p', 30],
  ]);
  expect(await plan(e, 'MATCH (a)-[r:E]->(b) WHERE r.p = 1 RETURN a')).toContain('ScanAllByEdgeTypePropertyValue (a)-[r:E {p}]->(b)');
  expect(await plan(e, 'MATCH (a)-[r:E]->(b) WHERE r.p > 2 RETURN a')).toContain('ScanAllByEdgeTypePropertyRange (a)-[r:E {p}]->(b)');
  expect(await plan(e, 'MATCH (a)-[r {p: 1}]->(b) RETURN a')).toContain('ScanAllByEdgePropertyValue (a)-[r {p}]->(b)');
  expect(await plan(e, 'MATCH (a)-[r:F]->(b) WHERE r.p <= 1 RETURN a')).toContain('ScanAllByEdgePropertyRange (a)-[r:F {p}]->(b)');
  const c = 'CREATE EDGE INDEX ON :E(p)';
  const d = 'DROP EDGE INDEX ON :E(p)';
  expect(await sameWithout(e, 'MATCH (a)-[r:E]->(b) WHERE r.p = 1 RETURN a.i ORDER BY a.i', c, d)).toEqual([[1], [6], [11], [16], [21], [26]]);
  expect(await sameWithout(e, 'MATCH (a)-[r:E]->(b) WHERE r.p > 2 AND r.p < 4 RETURN count(*)', c, d)).toEqual([[6]]);
  const gc = 'CREATE GLOBAL EDGE INDEX ON :(p)';
  const gd = 'DROP GLOBAL EDGE INDEX ON :(p)';
  expect(await sameWithout(e, 'MATCH ()-[r {p: 1}]->() RETURN count(r)', gc, gd)).toEqual([[8]]);
  expect(await sameWithout(e, 'MATCH ()-[r:F]->() WHERE r.p <= 1 RETURN count(r)', gc, gd)).toEqual([[4]]);
  expect(await sameWithout(e, 'MATCH ()<-[r:F {p: 1.0}]-() RETURN count(r)', gc, gd)).toEqual([[2]]);
  await run(e, 'MATCH ()-[r:E {p: 1}]->() SET r.p = 100');
  expect(await rows(e, 'MATCH ()-[r:E]->() WHERE r.p = 1 RETURN count(r)')).toEqual([[0]]);
  expect(await rows(e, 'MATCH ()-[r {p: 100}]->() RETURN count(r)')).toEqual([[6]]);
  await run(e, 'DROP GLOBAL EDGE INDEX ON :(p)');
  await run(e, 'DROP EDGE INDEX ON :E(p)');
  expect(await rows(e, 'SHOW INDEX INFO')).toEqual([]);
});

test('point index: only point values, ScanAllByPointDistance / Withinbbox, same answers as without it', async () => {
  const e = newEngine();
  await run(e, 'UNWIND range(0, 19) AS x UNWIND range(0, 19) AS y CREATE (:S {loc: point({x: x, y: y}), k: x * 100 + y})');
  await run(e, "CREATE (:S {loc: 'nowhere'}), (:S {loc: point({longitude: 1, latitude: 1}), k: -1})");
  await run(e, 'CREATE POINT INDEX ON :S(loc)');
  expect(await rows(e, 'SHOW INDEX INFO')).toEqual([['point', 'S', 'loc', 401]]);
  // point.distance() over a string is a type error without the index: keep the comparison fair.
  await run(e, "MATCH (n:S {loc: 'nowhere'}) DELETE n");
  const near = 'WITH point({x: 5, y: 5}) AS p MATCH (n:S) WHERE point.distance(p, n.loc) <= 1.5 RETURN n.k ORDER BY n.k';
  expect(await plan(e, near)).toContain('ScanAllByPointDistance (n :S {loc})');
  const c = 'CREATE POINT INDEX ON :S(loc)';
  const d = 'DROP POINT INDEX ON :S(loc)';
  expect(await sameWithout(e, near, c, d)).toEqual([[404], [405], [406], [504], [505], [506], [604], [605], [606]]);
  const box = 'MATCH (n:S) WHERE point.withinbbox(n.loc, point({x: 18, y: 0}), point({x: 30, y: 1})) RETURN n.k ORDER BY n.k';
  expect(await plan(e, box)).toContain('ScanAllByPointWithinbbox (n :S {loc})');
  expect(await sameWithout(e, box, c, d)).toEqual([[1800], [1801], [1900], [1901]]);
  const geo = 'MATCH (n:S) WHERE point.distance(point({longitude: 1, latitude: 1.001}), n.loc) < 200 RETURN n.k';
  expect(await sameWithout(e, geo, c, d)).toEqual([[-1]]);
  expect(await sameWithout(e, "MATCH (n:S) WHERE n.loc = point({x: 3, y: 4}) RETURN n.k", c, d)).toEqual([[304]]);
  await run(e, 'DROP POINT INDEX ON :S(loc)');
  expect(await rows(e, 'SHOW INDEX INFO')).toEqual([]);
});

test('SHOW INDEX INFO lists every kind, ordered by type, label and property; DDL is refused in explicit transactions', async () => {
  const e = newEngine();
  for (const q of [
    'CREATE POINT INDEX ON :L(loc)',
    'CREATE GLOBAL EDGE INDEX ON :(w)',
    'CREATE EDGE INDEX ON :T(w)',
    'CREATE EDGE INDEX ON :T',
    'CREATE INDEX ON :L(a.b, c)',
    'CREATE INDEX ON :L(a)',
    'CREATE INDEX ON :L',
  ]) {
    expect((await run(e, q)).summary.stats).toEqual({ 'indexes-added': 1 });
    expect((await run(e, q)).summary.stats).toEqual({});
  }
  expect(await rows(e, 'SHOW INDEX INFO')).toEqual([
    ['edge-property', null, 'w', 0],
    ['edge-type', 'T', null, 0],
    ['edge-type+property', 'T', 'w', 0],
    ['label', 'L', null, 0],
    ['label+property', 'L', ['a'], 0],
    ['label+property', 'L', ['a.b', 'c'], 0],
    ['point', 'L', 'loc', 0],
  ]);
  expect(await rows(e, 'SHOW INDEXES')).toEqual(await rows(e, 'SHOW INDEX INFO'));
  const tx = await e.begin({ bookmarks: [], timeoutMs: null, metadata: new Map(), mode: 'w', database: null, implicit: false });
  await tx.run('MATCH (n) RETURN count(n)', new Map());
  await expect((async () => tx.run('CREATE EDGE INDEX ON :X', new Map()))()).rejects.toMatchObject({ message: 'Index manipulation not allowed in multicommand transactions.' });
  await tx.rollback();
  expect((await run(e, 'DROP EDGE INDEX ON :Nope(w)')).summary.stats).toEqual({});
});

test("index DDL answers Memgraph's INFO notifications", async () => {
  const e = newEngine();
  const notes = async (q: string): Promise<unknown> => (await run(e, q)).summary.notifications.map((n) => [n.get('severity'), n.get('code'), n.get('title')]);
  expect(await notes('CREATE INDEX ON :L(a.b, c)')).toEqual([['INFO', 'CreateIndex', 'Created index on label L on properties a.b, c.']]);
  expect(await notes('CREATE INDEX ON :L(a.b, c)')).toEqual([['INFO', 'IndexAlreadyExists', 'Index on label L on properties a.b, c already exists.']]);
  expect(await notes('DROP INDEX ON :L(a.b, c)')).toEqual([['INFO', 'DropIndex', 'Dropped index on label L on properties a.b, c.']]);
  expect(await notes('DROP INDEX ON :L(a.b, c)')).toEqual([['INFO', 'IndexDoesNotExist', "Index on label L on properties a.b, c doesn't exist."]]);
  expect(await notes('CREATE INDEX ON :L')).toEqual([['INFO', 'CreateIndex', 'Created index on label L on properties .']]);
  expect(await notes('CREATE EDGE INDEX ON :T')).toEqual([['INFO', 'CreateIndex', 'Created index on edge-type T.']]);
  expect(await notes('CREATE EDGE INDEX ON :T(w)')).toEqual([['INFO', 'CreateIndex', 'Created index on edge-type T on property w.']]);
  expect(await notes('CREATE EDGE INDEX ON :T(w)')).toEqual([['INFO', 'IndexAlreadyExists', 'Index on edge-type T on properties w already exists.']]);
  expect(await notes('DROP EDGE INDEX ON :T(w)')).toEqual([['INFO', 'DropIndex', 'Dropped index on edge-type T.']]);
  expect(await notes('DROP EDGE INDEX ON :T(w)')).toEqual([['INFO', 'IndexDoesNotExist', "Index on edge-type T on w doesn't exist."]]);
  expect(await notes('CREATE POINT INDEX ON :L(p)')).toEqual([['INFO', 'CreateIndex', 'Created point index on label L, property p.']]);
  expect(await notes('CREATE POINT INDEX ON :L(p)')).toEqual([['INFO', 'IndexAlreadyExists', 'Point index on label L and property p already exists.']]);
  expect(await notes('DROP POINT INDEX ON :L(p)')).toEqual([['INFO', 'DropIndex', 'Dropped point index on label L, property p.']]);
  expect(await notes('DROP POINT INDEX ON :L(p)')).toEqual([['INFO', 'IndexDoesNotExist', "Point index on label L and property p doesn't exist."]]);
});

test('MERGE and OPTIONAL MATCH plan with the new indexes and answer as without them', async () => {
  const e = newEngine();
  await run(e, 'CREATE INDEX ON :M(a, b)');
  await run(e, 'CREATE EDGE INDEX ON :R(w)');
  expect(await plan(e, 'MERGE (n:M {a: 1, b: 2}) RETURN n')).toContain('ScanAllByLabelProperties (n :M {a, b})');
  await run(e, 'MERGE (n:M {a: 1, b: 2})');
  await run(e, 'MERGE (n:M {a: 1, b: 2})');
  await run(e, 'MERGE (n:M {a: 1, b: 3})');
  expect(await rows(e, 'MATCH (n:M) RETURN n.a, n.b ORDER BY n.b')).toEqual([[1, 2], [1, 3]]);
  expect(await plan(e, 'OPTIONAL MATCH (x)-[r:R {w: 5}]->(y) RETURN r')).toContain('ScanAllByEdgeTypePropertyValue (x)-[r:R {w}]->(y)');
  expect(await rows(e, 'OPTIONAL MATCH (x)-[r:R {w: 5}]->(y) RETURN r')).toEqual([[null]]);
  await run(e, 'MATCH (a:M {b: 2}), (b:M {b: 3}) MERGE (a)-[:R {w: 5}]->(b)');
  await run(e, 'MATCH (a:M {b: 2}), (b:M {b: 3}) MERGE (a)-[:R {w: 5}]->(b)');
  expect(await rows(e, 'OPTIONAL MATCH (x)-[r:R {w: 5}]->(y) RETURN x.b, y.b')).toEqual([[2, 3]]);
  // A relationship bound by an earlier clause is expanded to, not scanned for.
  expect(await rows(e, 'MATCH ()-[r:R]->() WITH r MATCH (x)-[r]->(y) RETURN x.b, y.b')).toEqual([[2, 3]]);
});
