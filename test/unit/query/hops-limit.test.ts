// Memgraph's USING HOPS LIMIT: a budget of expanded relationships per query, partial
// results once spent, `number_of_hops` in the summary and getHopsCounter(); the figures are
// those of Memgraph's own hops-limit tests on the same binary tree.
import { newEngine, rows, run } from './engine-helpers.js';

const TREE =
  'CREATE (a)-[:CONNECTED]->(b) CREATE (a)-[:CONNECTED]->(c) CREATE (b)-[:CONNECTED]->(d) CREATE (b)-[:CONNECTED]->(e) ' +
  'CREATE (c)-[:CONNECTED]->(f) CREATE (c)-[:CONNECTED]->(g) CREATE (d)-[:CONNECTED]->(h) CREATE (d)-[:CONNECTED]->(i) ' +
  'CREATE (e)-[:CONNECTED]->(j) CREATE (e)-[:CONNECTED]->(k) CREATE (f)-[:CONNECTED]->(l)';

test.each([
  ['USING HOPS LIMIT 5 MATCH p=(a)-[:CONNECTED *]->(e) RETURN count(p)', 5],
  ['USING HOPS LIMIT 5 MATCH p=(a)-[:CONNECTED *]-(e) RETURN count(p)', 4],
  ['USING HOPS LIMIT 5 MATCH p=(a)-[:CONNECTED *BFS]->(e) RETURN count(p)', 5],
  ['USING HOPS LIMIT 5 MATCH p=(a)-[:CONNECTED]->(b) RETURN count(p)', 5],
  ['USING HOPS LIMIT 5 MATCH p=(a)-[:CONNECTED]-(b) RETURN count(p)', 5],
])('%s → %d rows, number_of_hops 5', async (query, count) => {
  const engine = newEngine();
  await run(engine, TREE);
  const r = await run(engine, query);
  expect(r.rows).toEqual([[BigInt(count)]]);
  expect(r.summary.extra).toEqual({ number_of_hops: 5n });
});

test('getHopsCounter() counts expansions with or without a limit; no summary field without one', async () => {
  const engine = newEngine();
  await run(engine, 'UNWIND range(1, 100) AS x CREATE ()-[:NEXT]->()');
  expect(await rows(engine, 'USING HOPS LIMIT 100 CALL { MATCH (a)-[r]->(b) WITH a, r, b LIMIT 50 RETURN count(*) AS cnt } RETURN getHopsCounter() AS counter')).toEqual([[50]]);
  expect(await rows(engine, 'CALL { MATCH (a)-[r]->(b) WITH a, r, b LIMIT 50 RETURN count(*) AS cnt } RETURN getHopsCounter() AS counter')).toEqual([[50]]);
  expect(await rows(engine, 'MATCH (n) WITH count(n) AS cnt RETURN getHopsCounter() AS counter')).toEqual([[0]]);
  expect((await run(engine, 'MATCH (a)-->(b) RETURN count(*)')).summary.extra).toBeUndefined();
});
