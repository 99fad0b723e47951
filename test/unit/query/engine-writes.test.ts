// Updating clauses through QueryEngine: CREATE, MERGE, SET, REMOVE, DELETE, FOREACH, stats.
import { Codes } from '../../../dataplane/errors.js';
import type { Value } from '../../../dataplane/values/model.js';
import { errorOf, newEngine, run, rows } from './engine-helpers.js';

test('CREATE reports stats and the query type', async () => {
  const e = newEngine();
  const r = await run(e, "CREATE (a:P {name: 'a'})-[:KNOWS {since: 1}]->(b:P:Q) RETURN a.name");
  expect(r.summary.type).toBe('w');
  expect(r.summary.stats).toEqual({ 'nodes-created': 2, 'relationships-created': 1, 'labels-added': 3, 'properties-set': 2 });
  expect((await run(e, 'MATCH (n) SET n.x = 1')).summary.type).toBe('rw');
  expect((await run(e, 'MATCH (n) RETURN n')).summary.type).toBe('r');
});

test('CREATE with a parameter map and relationship rules', async () => {
  const e = newEngine();
  await run(e, 'CREATE (n:P $props)', { props: new Map<string, Value>([['a', 1n], ['b', 'x']]) });
  expect(await rows(e, 'MATCH (n:P) RETURN n.a, n.b')).toEqual([[1, 'x']]);
  expect((await errorOf(e, 'CREATE (a)-[:R|S]->(b)')).code).toBe(Codes.SyntaxError);
  expect((await errorOf(e, 'CREATE (a)-[:R]-(b)')).code).toBe(Codes.SyntaxError);
});

test('later clauses see earlier writes', async () => {
  const e = newEngine();
  expect(await rows(e, 'UNWIND [1, 2, 3] AS i CREATE (:N {i: i}) WITH count(*) AS c MATCH (n:N) RETURN c, count(n)')).toEqual([[3, 3]]);
  expect(await rows(e, 'MATCH (n:N) CREATE (:N {i: 10}) WITH 1 AS one MATCH (m:N) RETURN count(m)')).toEqual([[18]]);
});

test('MERGE matches or creates, and sees its own earlier creations', async () => {
  const e = newEngine();
  const r = await run(e, "UNWIND ['a', 'b', 'a'] AS n MERGE (p:P {name: n}) ON CREATE SET p.created = true ON MATCH SET p.matched = true RETURN p.name, p.created, p.matched");
  expect(r.rows.length).toBe(3);
  expect(r.summary.stats['nodes-created']).toBe(2);
  expect(await rows(e, 'MATCH (p:P) RETURN p.name, p.created, p.matched ORDER BY p.name')).toEqual([
    ['a', true, true],
    ['b', true, null],
  ]);
  await run(e, "MATCH (a:P {name: 'a'}), (b:P {name: 'b'}) MERGE (a)-[:R]->(b)");
  await run(e, "MATCH (a:P {name: 'a'}), (b:P {name: 'b'}) MERGE (a)-[:R]->(b)");
  expect(await rows(e, 'MATCH ()-[r:R]->() RETURN count(r)')).toEqual([[1]]);
});

test('SET and REMOVE properties and labels', async () => {
  const e = newEngine();
  await run(e, 'CREATE (:P {a: 1, b: 2})');
  await run(e, 'MATCH (n:P) SET n.c = 3, n.a = null, n:Q');
  expect(await rows(e, 'MATCH (n:Q) RETURN n.a, n.b, n.c, labels(n)')).toEqual([[null, 2, 3, ['P', 'Q']]]);
  await run(e, 'MATCH (n:P) SET n += {d: 4, b: null}');
  expect(await rows(e, 'MATCH (n:P) RETURN properties(n)')).toEqual([[{ c: 3, d: 4 }]]);
  await run(e, 'MATCH (n:P) SET n = {z: 0}');
  expect(await rows(e, 'MATCH (n:P) RETURN properties(n)')).toEqual([[{ z: 0 }]]);
  const r = await run(e, 'MATCH (n:P) REMOVE n.z, n:Q');
  expect(r.summary.stats['labels-removed']).toBe(1);
  expect(await rows(e, 'MATCH (n:P) RETURN properties(n), labels(n)')).toEqual([[{}, ['P']]]);
});

test('DELETE requires DETACH for connected nodes; deleted entities cannot be read', async () => {
  const e = newEngine();
  await run(e, 'CREATE (:A)-[:R]->(:B)');
  expect((await errorOf(e, 'MATCH (a:A) DELETE a')).message.length).toBeGreaterThan(0);
  const r = await run(e, 'MATCH (a:A) DETACH DELETE a');
  expect(r.summary.stats).toEqual({ 'nodes-deleted': 1, 'relationships-deleted': 1 });
  expect(await rows(e, 'MATCH (n) RETURN count(n)')).toEqual([[1]]);
  expect((await errorOf(e, 'MATCH (n) DELETE n RETURN n.x')).code).toBe(Codes.EntityNotFound);
  await run(e, 'CREATE (:X)-[:R]->(:Y)');
  await run(e, 'MATCH p = (:X)-->() DELETE p');
  expect(await rows(e, 'MATCH (n:X) RETURN count(n)')).toEqual([[0]]);
});

test('FOREACH applies updates per element', async () => {
  const e = newEngine();
  await run(e, 'FOREACH (i IN [1, 2, 3] | CREATE (:F {i: i}))');
  expect(await rows(e, 'MATCH (f:F) RETURN sum(f.i)')).toEqual([[6]]);
});

test('CALL subquery', async () => {
  const e = newEngine();
  await run(e, 'CREATE (:C {v: 1}), (:C {v: 2})');
  expect(await rows(e, 'UNWIND [1, 2] AS x CALL { MATCH (c:C) RETURN sum(c.v) AS s } RETURN x, s')).toEqual([
    [1, 3],
    [2, 3],
  ]);
});
