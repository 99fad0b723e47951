// QueryEngine end to end (parse → plan → execute → detach) against InMemoryStorage.
import { Codes } from '../../../dataplane/errors.js';
import { errorOf, newEngine, run, rows } from './engine-helpers.js';

describe('reading clauses', () => {
  test('MATCH with WHERE, ORDER BY, SKIP and LIMIT', async () => {
    const e = newEngine();
    await run(e, 'UNWIND range(1, 10) AS i CREATE (:N {v: i})');
    expect(await rows(e, 'MATCH (n:N) WHERE n.v > 3 RETURN n.v AS v ORDER BY v DESC SKIP 1 LIMIT 3')).toEqual([[9], [8], [7]]);
  });

  test('ORDER BY may use a pre-projection variable', async () => {
    const e = newEngine();
    await run(e, "CREATE (:P {name: 'b', age: 1}), (:P {name: 'a', age: 2})");
    expect(await rows(e, 'MATCH (p:P) RETURN p.name AS name ORDER BY p.age')).toEqual([['b'], ['a']]);
  });

  test('relationship patterns in both directions and with type filters', async () => {
    const e = newEngine();
    await run(e, "CREATE (a:A {n: 'a'})-[:KNOWS]->(b:B {n: 'b'}), (b)-[:LIKES]->(a)");
    expect(await rows(e, 'MATCH (x)-[:KNOWS]->(y) RETURN x.n, y.n')).toEqual([['a', 'b']]);
    expect(await rows(e, 'MATCH (x)<-[:KNOWS]-(y) RETURN x.n, y.n')).toEqual([['b', 'a']]);
    expect(await rows(e, 'MATCH (x:A)-[r]-(y) RETURN type(r) ORDER BY type(r)')).toEqual([['KNOWS'], ['LIKES']]);
    expect(await rows(e, 'MATCH (x)-[r:KNOWS|LIKES]->(y) RETURN count(r)')).toEqual([[2]]);
  });

  test('variable-length expansion does not repeat relationships', async () => {
    const e = newEngine();
    await run(e, 'CREATE (a:S {i: 0})-[:R]->(b {i: 1})-[:R]->(c {i: 2})-[:R]->(a)');
    expect(await rows(e, 'MATCH (:S)-[*1..5]->(x) RETURN x.i ORDER BY x.i')).toEqual([[0], [1], [2]]);
    expect(await rows(e, 'MATCH p = (:S)-[*2]->(x) RETURN length(p), x.i')).toEqual([[2, 2]]);
  });

  test('relationship isomorphism within one MATCH', async () => {
    const e = newEngine();
    await run(e, 'CREATE (a)-[:R]->(b)');
    expect(await rows(e, 'MATCH (a)-[r1]-(b)-[r2]-(c) RETURN count(*)')).toEqual([[0]]);
  });

  test('OPTIONAL MATCH yields nulls, with WHERE inside the optional part', async () => {
    const e = newEngine();
    await run(e, "CREATE (:P {n: 'x'})-[:R]->(:Q {v: 1}), (:P {n: 'y'})");
    expect(await rows(e, 'MATCH (p:P) OPTIONAL MATCH (p)-->(q) RETURN p.n, q.v ORDER BY p.n')).toEqual([
      ['x', 1],
      ['y', null],
    ]);
    expect(await rows(e, 'MATCH (p:P) OPTIONAL MATCH (p)-->(q) WHERE q.v > 5 RETURN p.n, q ORDER BY p.n')).toEqual([
      ['x', null],
      ['y', null],
    ]);
  });

  test('comma patterns: cartesian product and joins on shared variables', async () => {
    const e = newEngine();
    await run(e, 'CREATE (:A {i: 1}), (:A {i: 2}), (:B {j: 1})');
    expect(await rows(e, 'MATCH (a:A), (b:B) RETURN count(*)')).toEqual([[2]]);
    expect(await rows(e, 'MATCH (a:A), (b:B) WHERE a.i = b.j RETURN a.i')).toEqual([[1]]);
  });

  test('named paths and path functions', async () => {
    const e = newEngine();
    await run(e, 'CREATE (:X {i: 1})-[:T]->(:X {i: 2})');
    const r = await run(e, 'MATCH p = (a)-[:T]->(b) RETURN p, length(p), [n IN nodes(p) | n.i]');
    expect(r.rows.length).toBe(1);
    expect((r.rows[0][0] as { kind: string }).kind).toBe('path');
    expect(r.rows[0][1]).toBe(1n);
    expect(r.rows[0][2]).toEqual([1n, 2n]);
  });

  test('shortestPath finds the shortest route', async () => {
    const e = newEngine();
    await run(e, 'CREATE (a:S)-[:R]->(b)-[:R]->(c:E), (a)-[:R]->(d)-[:R]->(f)-[:R]->(c)');
    expect(await rows(e, 'MATCH (a:S), (c:E) MATCH p = shortestPath((a)-[*]->(c)) RETURN length(p)')).toEqual([[2]]);
  });
});

describe('projection and aggregation', () => {
  test('implicit grouping with count, sum, avg, min, max, collect', async () => {
    const e = newEngine();
    await run(e, "UNWIND [['a', 1], ['a', 3], ['b', 5], ['b', null]] AS p CREATE (:R {k: p[0], v: p[1]})");
    expect(
      await rows(e, 'MATCH (r:R) RETURN r.k AS k, count(*), count(r.v), sum(r.v), avg(r.v), min(r.v), max(r.v), collect(r.v) ORDER BY k'),
    ).toEqual([
      ['a', 2, 2, 4, 2, 1, 3, [1, 3]],
      ['b', 2, 1, 5, 5, 5, 5, [5]],
    ]);
  });

  test('aggregates over no rows and inside expressions', async () => {
    const e = newEngine();
    expect(await rows(e, 'MATCH (n) RETURN count(*) + 1 AS c, collect(n) AS l, sum(n.x) AS s')).toEqual([[1, [], 0]]);
    expect(await rows(e, 'UNWIND [1, 2, 2] AS x RETURN {d: count(DISTINCT x), all: collect(x)} AS m')).toEqual([[{ d: 2, all: [1, 2, 2] }]]);
  });

  test('DISTINCT, WITH … WHERE and ORDER BY an aggregate', async () => {
    const e = newEngine();
    expect(await rows(e, 'UNWIND [1, 1, 2] AS x RETURN DISTINCT x ORDER BY x')).toEqual([[1], [2]]);
    expect(await rows(e, 'UNWIND [1, 1, 2, 3, 3, 3] AS x RETURN x, count(*) AS c ORDER BY count(*) DESC, x')).toEqual([[3, 3], [1, 2], [2, 1]]);
    expect(await rows(e, 'UNWIND [1, 1, 2, 3, 3, 3] AS x WITH x, count(*) AS c WHERE c > 1 RETURN x, c ORDER BY c DESC')).toEqual([
      [3, 3],
      [1, 2],
    ]);
  });

  test('RETURN * and column names', async () => {
    const e = newEngine();
    const r = await run(e, 'WITH 1 AS b, 2 AS a RETURN *, a + b');
    expect(r.fields).toEqual(['a', 'b', 'a + b']);
    expect(r.rows).toEqual([[2n, 1n, 3n]]);
  });

  test('UNION removes duplicates, UNION ALL keeps them', async () => {
    const e = newEngine();
    expect(await rows(e, 'RETURN 1 AS x UNION RETURN 1 AS x')).toEqual([[1]]);
    expect(await rows(e, 'RETURN 1 AS x UNION ALL RETURN 1 AS x')).toEqual([[1], [1]]);
    expect((await errorOf(e, 'RETURN 1 AS x UNION RETURN 1 AS y')).code).toBe(Codes.SyntaxError);
  });

  test('aggregating rand() is refused; a variable named rand is not rand()', async () => {
    const e = newEngine();
    expect((await errorOf(e, 'RETURN count(rand())')).message).toMatch(/non-deterministic/i);
    expect((await errorOf(e, 'UNWIND [1] AS x RETURN sum(x + RAND())')).message).toMatch(/non-deterministic/i);
    expect(await rows(e, 'UNWIND [1, 2, 3] AS rand RETURN count(rand), sum(rand)')).toEqual([[3, 6]]);
  });

  test('SKIP/LIMIT must be non-negative integers', async () => {
    const e = newEngine();
    expect((await errorOf(e, 'UNWIND [1] AS x RETURN x LIMIT -1')).code).toBe(Codes.SyntaxError);
    expect(await rows(e, 'UNWIND [1, 2, 3] AS x RETURN x LIMIT $n', { n: 2n })).toEqual([[1], [2]]);
  });
});

describe('expressions', () => {
  test('ternary logic, IN with nulls, CASE, comprehensions, quantifiers, reduce', async () => {
    const e = newEngine();
    expect(await rows(e, 'RETURN null AND false, null OR true, null XOR true, NOT null, 2 IN [1, null], 1 IN [1, null]')).toEqual([
      [false, true, null, null, null, true],
    ]);
    expect(await rows(e, "RETURN CASE 2 WHEN 1 THEN 'a' WHEN 2 THEN 'b' END, CASE WHEN false THEN 1 ELSE 2 END")).toEqual([['b', 2]]);
    expect(await rows(e, 'RETURN [x IN range(1, 5) WHERE x % 2 = 1 | x * 10], all(x IN [1, 2] WHERE x > 0), reduce(s = 0, x IN [1, 2, 3] | s + x)')).toEqual([
      [[10, 30, 50], true, 6],
    ]);
  });

  test('regex, string predicates, index and slice', async () => {
    const e = newEngine();
    expect(await rows(e, "RETURN 'abc' =~ 'a.*', 'abc' =~ 'b', 'abc' STARTS WITH 'ab', 'abc' CONTAINS 'x', [1, 2, 3][-1], [1, 2, 3][1..]")).toEqual([
      [true, false, true, false, 3, [2, 3]],
    ]);
  });

  test('pattern predicates, exists() and pattern comprehension', async () => {
    const e = newEngine();
    await run(e, "CREATE (:P {n: 'a'})-[:R]->(:Q {v: 1}), (:P {n: 'b'})");
    expect(await rows(e, 'MATCH (p:P) WHERE (p)-[:R]->() RETURN p.n')).toEqual([['a']]);
    expect(await rows(e, 'MATCH (p:P) WHERE NOT exists((p)-->()) RETURN p.n')).toEqual([['b']]);
    expect(await rows(e, 'MATCH (p:P) RETURN p.n, [(p)-->(q) | q.v] ORDER BY p.n')).toEqual([
      ['a', [1]],
      ['b', []],
    ]);
  });

  test('parameters, and a missing one is ParameterMissing', async () => {
    const e = newEngine();
    expect(await rows(e, 'RETURN $a + 1 AS x', { a: 41n })).toEqual([[42]]);
    expect((await errorOf(e, 'RETURN $nope')).code).toBe(Codes.ParameterMissing);
  });

  test('runtime type errors name the problem', async () => {
    const e = newEngine();
    const err = await errorOf(e, 'RETURN $a + {a: 1}', { a: 1n });
    expect(err.code).toBe(Codes.TypeError);
    expect(err.message).toMatch(/INTEGER.*MAP/);
    // The same mistake in a constant expression is found at compile time.
    expect((await errorOf(e, 'RETURN NOT 0')).code).toBe(Codes.SyntaxError);
    expect((await errorOf(e, 'RETURN 9223372036854775807 + 1')).code).toBe(Codes.ArithmeticError);
    expect((await errorOf(e, 'RETURN x')).code).toBe(Codes.SyntaxError);
  });
});

describe('openCypher compile-time checks', () => {
  test.each([
    ['MATCH ()-[r]-() MATCH (r) RETURN r', 'relationship used as a node'],
    ['WITH 1 AS n MATCH (n) RETURN n', 'value used as a node'],
    ['MATCH (a) CREATE (a)', 'CREATE of a bound node'],
    ['MATCH (n) RETURN n.x ORDER BY max(n.y)', 'aggregate in ORDER BY of a non-aggregating RETURN'],
    ['MATCH (me)--(you) RETURN me.age + count(you.age)', 'ambiguous aggregation expression'],
    ['RETURN 1 AS a UNION RETURN 1 AS a UNION ALL RETURN 1 AS a', 'mixed UNION and UNION ALL'],
    ['MATCH (a)-[r]->()-[r]->(a) RETURN a', 'relationship variable repeated in one pattern'],
    ['RETURN 123 AND true', 'non-boolean literal in AND'],
    ['MATCH p = ()-->() RETURN length(p), type(p)', 'type() of a path'],
  ])('%s fails at compile time (%s)', async (query) => {
    const e = newEngine();
    expect((await errorOf(e, query)).code).toBe(Codes.SyntaxError);
  });

  test('MERGE refuses null property values at run time', async () => {
    const e = newEngine();
    expect((await errorOf(e, 'MERGE (n:N {p: $v})', { v: null })).code).toBe(Codes.SemanticError);
  });
});

describe('paths and deletes', () => {
  test('variable-length relationships are reported in pattern order whichever end the scan starts', async () => {
    const e = newEngine();
    await run(e, 'CREATE (:S {i: 0})-[:R {n: 1}]->({i: 1})-[:R {n: 2}]->(:E {i: 2})');
    await run(e, 'CREATE INDEX ON :E');
    const plan = (await rows(e, 'EXPLAIN MATCH p = (s)-[rs*2]->(e:E) RETURN rs')).map((r) => r[0]).join('\n');
    expect(plan).toContain('ScanAllByLabel (e :E)');
    expect(await rows(e, 'MATCH p = (s)-[rs*2]->(e:E) RETURN [r IN rs | r.n], [n IN nodes(p) | n.i]')).toEqual([[[1, 2], [0, 1, 2]]]);
  });

  test('DELETE of a list of paths removes relationships before nodes', async () => {
    const e = newEngine();
    await run(e, 'CREATE (a:X)-[:R]->(b:X)-[:R]->(c:X)');
    await run(e, 'MATCH p = (:X)-[:R]->(:X) WITH collect(p) AS ps DELETE ps');
    expect(await rows(e, 'MATCH (n) RETURN count(n)')).toEqual([[0]]);
  });

  test('LIMIT 0 still performs the writes below it', async () => {
    const e = newEngine();
    const r = await run(e, 'CREATE (n:N {num: 42}) RETURN n LIMIT 0');
    expect(r.rows).toEqual([]);
    expect(r.summary.stats['nodes-created']).toBe(1);
  });
});

test('a bound variable holding null matches nothing', async () => {
  const e = newEngine();
  await run(e, 'CREATE (:A)');
  expect(await rows(e, 'OPTIONAL MATCH (x:Missing) MATCH (x) RETURN count(*)')).toEqual([[0]]);
});

test('MATCH by id(n) uses a direct lookup', async () => {
  const e = newEngine();
  await run(e, "CREATE (:A {n: 'x'}), (:A {n: 'y'})");
  const [[id]] = (await run(e, "MATCH (a:A {n: 'y'}) RETURN id(a)")).rows;
  const plan = (await rows(e, 'EXPLAIN MATCH (a) WHERE id(a) = $id RETURN a')).map((r) => r[0]).join('\n');
  expect(plan).toContain('ScanAllById (a)');
  expect(await rows(e, 'MATCH (a:A) WHERE id(a) = $id RETURN a.n', { id })).toEqual([['y']]);
  expect(await rows(e, 'MATCH (a) WHERE id(a) = 999999 RETURN a')).toEqual([]);
});

test('EXISTS and COUNT subqueries', async () => {
  const e = newEngine();
  await run(e, 'CREATE (:P {n: 1})-[:R]->(:Q), (:P {n: 2})');
  expect(await rows(e, 'MATCH (p:P) RETURN p.n, COUNT { MATCH (p)-->() } AS c, EXISTS { MATCH (p)-->(q) RETURN q } AS x ORDER BY p.n')).toEqual([
    [1, 1, true],
    [2, 0, false],
  ]);
});
