// Memgraph's path expansions (*BFS, *WSHORTEST, *ALLSHORTEST, filter lambdas) and the
// iterative variable-length expansions, through QueryEngine.
import { errorOf, newEngine, run, rows } from './engine-helpers.js';
import { Codes } from '../../../dataplane/errors.js';

/** The graph of Memgraph's deep-path-traversal page: A→B, A→C, B→C, B→D, D→C, C→E. */
async function docsGraph() {
  const e = newEngine();
  await run(
    e,
    "CREATE (a:Node {name: 'A'}), (b:Node {name: 'B'}), (c:Node {name: 'C'}), (d:Node {name: 'D'}), (e:Node {name: 'E'}), " +
      '(a)-[:ConnectedTo]->(b), (a)-[:ConnectedTo]->(c), (b)-[:ConnectedTo]->(c), (b)-[:ConnectedTo]->(d), (d)-[:ConnectedTo]->(c), (c)-[:ConnectedTo]->(e)',
  );
  return e;
}

/** Weighted: A→B 4, A→D 2, D→B 1, B→E 5, B→C 3, C→E 3, D→E 10. */
async function weightedGraph(ab = 4) {
  const e = newEngine();
  await run(
    e,
    "CREATE (a:Node {name: 'A'}), (b:Node {name: 'B'}), (c:Node {name: 'C'}), (d:Node {name: 'D'}), (e:Node {name: 'E'}), " +
      `(a)-[:T {weight: ${ab}}]->(b), (a)-[:T {weight: 2}]->(d), (d)-[:T {weight: 1}]->(b), (b)-[:T {weight: 5}]->(e), ` +
      '(b)-[:T {weight: 3}]->(c), (c)-[:T {weight: 3}]->(e), (d)-[:T {weight: 10}]->(e)',
  );
  return e;
}

const names = "[x IN nodes(p) | x.name]";

describe('depth first (*) with a filter lambda', () => {
  test('all walks, as on Memgraph\'s page', async () => {
    const got = await rows(await docsGraph(), `MATCH p = (n {name: 'A'})-[*]->(m {name: 'E'}) RETURN ${names} AS walk ORDER BY size(walk), walk`);
    expect(got).toEqual([[['A', 'C', 'E']], [['A', 'B', 'C', 'E']], [['A', 'B', 'D', 'C', 'E']]]);
  });

  test('(r, n | …) prunes expansions', async () => {
    const got = await rows(await docsGraph(), `MATCH p = (n {name: 'A'})-[* (r, n | n.name <> 'D')]->(m {name: 'E'}) RETURN ${names} AS walk ORDER BY size(walk)`);
    expect(got).toEqual([[['A', 'C', 'E']], [['A', 'B', 'C', 'E']]]);
  });

  test('(r, n, p | …) sees the walk including the relationship being expanded', async () => {
    const got = await rows(await docsGraph(), `MATCH p = (n {name: 'A'})-[* (r, n, p | size(relationships(p)) <= 2)]->(m) RETURN count(p)`);
    expect(got).toEqual([[5]]);
  });
});

describe('*BFS', () => {
  test('one shortest walk to the end node', async () => {
    expect(await rows(await docsGraph(), `MATCH p = (n {name: 'A'})-[*BFS]->(m {name: 'E'}) RETURN ${names}`)).toEqual([[['A', 'C', 'E']]]);
  });

  test('without an end node: every reachable node once, nearest first', async () => {
    expect(await rows(await docsGraph(), "MATCH (n {name: 'A'})-[r *BFS]->(m) RETURN m.name, size(r) ORDER BY size(r), m.name")).toEqual([
      ['B', 1],
      ['C', 1],
      ['D', 2],
      ['E', 2],
    ]);
  });

  test('bounds, types, direction and a filter lambda', async () => {
    const e = await docsGraph();
    expect(await rows(e, "MATCH (n {name: 'A'})-[r:ConnectedTo *BFS 2..2]->(m) RETURN m.name ORDER BY m.name")).toEqual([['D'], ['E']]);
    expect(await rows(e, "MATCH (n {name: 'E'})-[r *BFS ..1]-(m) RETURN m.name")).toEqual([['C']]);
    expect(await rows(e, "MATCH (n {name: 'A'})-[:Other *BFS]->(m) RETURN m.name")).toEqual([]);
    expect(await rows(e, `MATCH p = (n {name: 'A'})-[*BFS (r, n | n.name <> 'C')]->(m {name: 'E'}) RETURN ${names}`)).toEqual([]);
    expect(await rows(e, `MATCH p = (n {name: 'A'})-[*BFS (r, n, p | last(nodes(p)).name <> 'C' OR size(relationships(p)) > 1)]->(m {name: 'E'}) RETURN ${names}`)).toEqual([
      [['A', 'B', 'C', 'E']],
    ]);
  });
});

describe('*WSHORTEST and *ALLSHORTEST', () => {
  test('least total weight, with the total bound to a variable', async () => {
    const got = await rows(await weightedGraph(), `MATCH p = (a {name: 'A'})-[*WSHORTEST (r, n | r.weight) total]->(e {name: 'E'}) RETURN ${names}, total`);
    expect(got).toEqual([[['A', 'D', 'B', 'E'], 8]]);
  });

  test('an upper bound on hops, a filter lambda, and node weights', async () => {
    const e = await weightedGraph();
    expect(await rows(e, "MATCH (a {name: 'A'})-[*WSHORTEST 2 (r, n | r.weight) total]->(e {name: 'E'}) RETURN total")).toEqual([[9]]);
    expect(await rows(e, "MATCH (a {name: 'A'})-[*WSHORTEST (r, n | r.weight) total (r, n | n.name <> 'D')]->(e {name: 'E'}) RETURN total")).toEqual([[9]]);
    expect(await rows(e, "MATCH (a {name: 'A'})-[*WSHORTEST (r, n | 1.5) total]->(e {name: 'E'}) RETURN total")).toEqual([[3]]);
    expect(await rows(e, "MATCH (a {name: 'A'})-[*WSHORTEST (r, n | r.weight) total (r, n, p, w | w IS NULL OR w < 3)]->(e {name: 'E'}) RETURN total")).toEqual([[12]]);
  });

  test('without an end node: every reachable node once, cheapest first', async () => {
    expect(await rows(await weightedGraph(), "MATCH (a {name: 'A'})-[*WSHORTEST (r, n | r.weight) total]->(m) RETURN m.name, total")).toEqual([
      ['D', 2],
      ['B', 3],
      ['C', 6],
      ['E', 8],
    ]);
  });

  test('ALLSHORTEST returns every walk of the least weight', async () => {
    const got = await rows(await weightedGraph(3), `MATCH p = (a {name: 'A'})-[*ALLSHORTEST (r, n | r.weight) total]->(e {name: 'E'}) RETURN ${names} AS walk, total ORDER BY size(walk)`);
    expect(got).toEqual([
      [['A', 'B', 'E'], 8],
      [['A', 'D', 'B', 'E'], 8],
    ]);
  });

  test('a weight that is not a number: Memgraph\'s message', async () => {
    const err = await errorOf(await weightedGraph(), "MATCH (a {name: 'A'})-[*WSHORTEST (r, n | r.nope) total]->(e) RETURN total");
    expect(err.message).toBe('Calculated weight must be numeric or a Duration, got null.');
    const neg = await errorOf(await weightedGraph(), "MATCH (a {name: 'A'})-[*WSHORTEST (r, n | -1) total]->(e) RETURN total");
    expect(neg.message).toBe('Calculated weight must be non-negative!');
  });
});

describe('*KSHORTEST', () => {
  const pair = "MATCH (n {name: 'A'}), (m {name: 'E'}) WITH n, m ";

  test('loopless paths between two matched nodes, fewest hops first', async () => {
    const got = await rows(await docsGraph(), `${pair}MATCH p = (n)-[*KSHORTEST]->(m) RETURN ${names} AS walk`);
    expect(got).toEqual([[['A', 'C', 'E']], [['A', 'B', 'C', 'E']], [['A', 'B', 'D', 'C', 'E']]]);
  });

  test('undirected over cycles: each loopless path once', async () => {
    const got = await rows(await docsGraph(), `${pair}MATCH p = (n)-[*KSHORTEST]-(m) RETURN ${names} AS walk`);
    expect(got.map(([w]) => (w as string[]).join(''))).toEqual(['ACE', 'ABCE', 'ABDCE']);
  });

  test('| k, bounds and a filter lambda', async () => {
    const e = await docsGraph();
    expect(await rows(e, `${pair}MATCH p = (n)-[*KSHORTEST | 2]->(m) RETURN ${names}`)).toEqual([[['A', 'C', 'E']], [['A', 'B', 'C', 'E']]]);
    expect(await rows(e, `${pair}MATCH p = (n)-[*KSHORTEST 3..]->(m) RETURN ${names}`)).toEqual([[['A', 'B', 'C', 'E']], [['A', 'B', 'D', 'C', 'E']]]);
    expect(await rows(e, `${pair}MATCH p = (n)-[*KSHORTEST ..3 (r, x | x.name <> 'C' OR r.nope IS NULL)]->(m) RETURN size(relationships(p))`)).toEqual([[2], [3]]);
    expect(await rows(e, `${pair}MATCH p = (n)-[*KSHORTEST (r, x | x.name <> 'B')]->(m) RETURN ${names}`)).toEqual([[['A', 'C', 'E']]]);
    expect(await rows(e, "MATCH (n {name: 'E'}), (m {name: 'A'}) WITH n, m MATCH p = (n)-[*KSHORTEST]->(m) RETURN p")).toEqual([]);
  });

  test('the end node must be matched before', async () => {
    const err = await errorOf(await docsGraph(), "MATCH p = (n {name: 'A'})-[*KSHORTEST]->(m {name: 'E'}) RETURN p");
    expect(err.message).toBe('KSHORTEST expansion requires matched nodes. Try capturing the pair of nodes using a WITH clause.');
  });
});

describe('long walks iterate', () => {
  const CHAIN = 100_000;
  const e = newEngine();
  beforeAll(async () => {
    await run(e, 'CREATE INDEX ON :C(i)');
    await run(e, `UNWIND range(0, ${CHAIN}) AS i CREATE (:C {i: i})`);
    await run(e, 'MATCH (a:C), (b:C) WHERE b.i = a.i + 1 CREATE (a)-[:N]->(b)');
    await run(e, `MATCH (a:C {i: 0}), (b:C {i: ${CHAIN}}) SET a:First, b:Last`);
  });

  test.each([
    ['*', 'MATCH (a:First)-[r *]->(b:Last) RETURN size(r)'],
    ['*BFS', 'MATCH (a:First)-[r *BFS]->(b:Last) RETURN size(r)'],
    ['*WSHORTEST', 'MATCH (a:First)-[r *WSHORTEST (e, n | 1) total]->(b:Last) RETURN size(r)'],
    ['shortestPath', 'MATCH (a:First), (b:Last) MATCH p = shortestPath((a)-[*]->(b)) RETURN length(p)'],
    ['*KSHORTEST', 'MATCH (a:First), (b:Last) WITH a, b MATCH (a)-[r *KSHORTEST]->(b) RETURN size(r)'],
  ])('%s walks a 100,000-hop chain to its end', async (_kind, query) => {
    expect(await rows(e, query)).toEqual([[CHAIN]]);
  });
});

describe('range() without building lists at once', () => {
  test('UNWIND range streams its values, with range()\'s argument checks', async () => {
    const e = newEngine();
    expect(await rows(e, 'UNWIND range(10, 1, -3) AS x RETURN x')).toEqual([[10], [7], [4], [1]]);
    expect(await rows(e, 'UNWIND range(1, null) AS x RETURN x')).toEqual([]);
    expect((await errorOf(e, 'UNWIND range(1, 5, 0) AS x RETURN x')).message).toBe('range() step must not be zero');
    expect(await rows(e, 'UNWIND range(1, 20000000) AS x WITH x LIMIT 2 RETURN x')).toEqual([[1], [2]]);
  });

  test('a projected range is built before the projection reads it', async () => {
    const e = newEngine();
    expect(await rows(e, 'WITH 3 AS n RETURN range(1, n) AS r, n')).toEqual([[[1, 2, 3], 3]]);
    expect(await rows(e, 'RETURN range(0, 10, 5) AS r, range(1, null) AS z')).toEqual([[[0, 5, 10], null]]);
    // No fixed element cap: the limit is memory (here the JS heap's, no other being set).
    const oom = await errorOf(e, 'RETURN range(1, 100000000000) AS r');
    expect(oom.code).toBe(Codes.Conflict);
    expect(oom.message).toMatch(/^Memory limit exceeded! Current use is \d+\.\d\d(GiB|TiB), while the maximum allowed size for allocation is set to \d+\.\d\d(MiB|GiB)\.$/);
    expect(await rows(e, 'RETURN size(range(1, 100000000000, 1000000)) AS n')).toEqual([[100000]]);
  });
});
