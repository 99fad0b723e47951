import { Codes, MghaError } from '../../../dataplane/errors.js';
import type { Clause, Expr, PatternPart, Projection, Statement } from '../../../dataplane/query/ast.js';
import { tokenize } from '../../../dataplane/query/lexer.js';
import { parse } from '../../../dataplane/query/parser.js';

/** Drops positions so trees compare by shape. */
function strip<T>(v: T): T {
  return JSON.parse(JSON.stringify(v, (k, x) => (k === 'pos' ? undefined : typeof x === 'bigint' ? `${x}n` : x)));
}

function clauses(q: string): Clause[] {
  const s = parse(q);
  if (s.kind !== 'Query') throw new Error(`not a query: ${s.kind}`);
  return s.body.parts[0].clauses;
}

function returned(q: string): Projection {
  const last = clauses(q).at(-1)!;
  if (last.kind !== 'Return') throw new Error('no RETURN');
  return last.projection;
}

/** The expression of `RETURN <text>`. */
function expr(text: string): Expr {
  return returned(`RETURN ${text}`).items[0].expression;
}

/** Compact S-expression for precedence checks. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'Literal':
      return typeof e.value === 'bigint' ? `${e.value}` : JSON.stringify(e.value);
    case 'Variable':
      return e.name;
    case 'Parameter':
      return `$${e.name}`;
    case 'Binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'Unary':
      return `(${e.op} ${show(e.operand)})`;
    case 'IsNull':
      return `(${show(e.operand)} IS ${e.negated ? 'NOT ' : ''}NULL)`;
    case 'Property':
      return `${show(e.object)}.${e.key}`;
    case 'HasLabels':
      return `${show(e.subject)}:${e.labels.join(':')}`;
    case 'Index':
      return `${show(e.object)}[${show(e.index)}]`;
    case 'FunctionCall':
      return `${e.name}(${e.distinct ? 'DISTINCT ' : ''}${e.args.map(show).join(', ')})`;
    default:
      return e.kind;
  }
}

function syntaxErrorOf(q: string): MghaError {
  try {
    parse(q);
  } catch (e) {
    if (!(e instanceof MghaError)) throw new Error(`threw a non-MghaError: ${String(e)}`);
    expect(e.code).toBe(Codes.SyntaxError);
    return e;
  }
  throw new Error(`parsed without error: ${q}`);
}

describe('lexer', () => {
  test('integer literals in decimal, hex and octal become bigint magnitudes', () => {
    expect(tokenize('12 0x1F 0o17 0').slice(0, 4).map((t) => t.int)).toEqual([12n, 31n, 15n, 0n]);
  });

  test('a leading zero means legacy octal, as in openCypher 9 and Memgraph', () => {
    expect(tokenize('017 00 0').slice(0, 3).map((t) => t.int)).toEqual([15n, 0n, 0n]);
    expect(() => tokenize('019')).toThrow(MghaError);
    expect(tokenize('01.5')[0]).toMatchObject({ kind: 'float', float: 1.5 });
  });

  test('float literals with exponent and leading dot', () => {
    expect(tokenize('1.5 .5 1e3 2E-2 .1e9').slice(0, 5).map((t) => t.float)).toEqual([1.5, 0.5, 1000, 0.02, 1e8]);
  });

  test('string escapes in both quote styles', () => {
    const [a, b] = tokenize(`'a\\n\\t\\\\\\'"' "\\u00e9\\U0001F600\\""`);
    expect(a.text).toBe('a\n\t\\\'"');
    expect(b.text).toBe('é😀"');
  });

  test('backtick identifiers with doubled backtick escape', () => {
    const [t] = tokenize('`we``ird name`');
    expect(t.kind).toBe('quoted');
    expect(t.text).toBe('we`ird name');
  });

  test('comments are skipped and positions track lines', () => {
    const toks = tokenize('// first\nMATCH /* a\nb */ (n)');
    expect(toks[0]).toMatchObject({ text: 'MATCH', line: 2, column: 1 });
    expect(toks[1]).toMatchObject({ text: '(', line: 3, column: 6 });
    const [str, after] = tokenize("  'a\nb' x");
    expect(str).toMatchObject({ kind: 'string', text: 'a\nb', line: 1, column: 3 });
    expect(after).toMatchObject({ text: 'x', line: 2, column: 4 });
  });

  test('parameters by name, number and backtick', () => {
    expect(tokenize('$name $0 $`a b`').slice(0, 3).map((t) => [t.kind, t.text])).toEqual([
      ['param', 'name'],
      ['param', '0'],
      ['param', 'a b'],
    ]);
  });

  test.each([['0x'], ['0x1G'], ['0o8'], ['123abc'], ["'\\uH'"], ["'open"], ['1e999'], ['/* open'], ['#']])(
    'rejects %s with a SyntaxError',
    (text) => {
      expect(() => tokenize(text)).toThrow(MghaError);
    },
  );
});

describe('expression precedence', () => {
  test.each([
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['1 - 2 - 3', '((1 - 2) - 3)'],
    ['2 ^ 3 ^ 2', '((2 ^ 3) ^ 2)'],
    ['-2 ^ 2', '(-2 ^ 2)'],
    ['- a ^ 2', '((- a) ^ 2)'],
    ['a OR b XOR c AND d', '(a OR (b XOR (c AND d)))'],
    ['NOT a = b', '(NOT (a = b))'],
    ['NOT NOT a', '(NOT (NOT a))'],
    ['a = b IS NULL', '(a = (b IS NULL))'],
    ['a + 1 IN b', '((a + 1) IN b)'],
    ['a STARTS WITH b + c', '(a STARTS WITH (b + c))'],
    ['a.b.c[0]', 'a.b.c[0]'],
    ['n:A:B AND m:C', '(n:A:B AND m:C)'],
    ['a IS NOT NULL OR b', '((a IS NOT NULL) OR b)'],
    ['x =~ "a.*" AND y CONTAINS "b"', '((x =~ "a.*") AND (y CONTAINS "b"))'],
    ['1 < 2 <= 3', '((1 < 2) AND (2 <= 3))'],
    ['a % b * c / d', '(((a % b) * c) / d)'],
  ])('%s', (text, expected) => {
    expect(show(expr(text))).toBe(expected);
  });

  test('-9223372036854775808 is the minimum integer literal', () => {
    expect(expr('-9223372036854775808')).toMatchObject({ kind: 'Literal', value: -(2n ** 63n) });
  });

  test('integer literals outside int64 are SyntaxErrors', () => {
    syntaxErrorOf('RETURN 9223372036854775808');
    syntaxErrorOf('RETURN -9223372036854775809');
    syntaxErrorOf('RETURN 0x8000000000000000');
    expect(expr('0x7FFFFFFFFFFFFFFF')).toMatchObject({ value: 2n ** 63n - 1n });
  });
});

describe('expression forms', () => {
  test('literals of every kind', () => {
    expect(strip(expr("[1, 1.5, 'a', true, false, null, $p, {k: 1, `s p`: 2}]"))).toEqual({
      kind: 'List',
      items: [
        { kind: 'Literal', value: '1n' },
        { kind: 'Literal', value: 1.5 },
        { kind: 'Literal', value: 'a' },
        { kind: 'Literal', value: true },
        { kind: 'Literal', value: false },
        { kind: 'Literal', value: null },
        { kind: 'Parameter', name: 'p' },
        {
          kind: 'Map',
          entries: [
            { key: 'k', value: { kind: 'Literal', value: '1n' } },
            { key: 's p', value: { kind: 'Literal', value: '2n' } },
          ],
        },
      ],
    });
  });

  test('CASE in both forms', () => {
    expect(strip(expr('CASE x WHEN 1 THEN "a" ELSE "b" END'))).toMatchObject({
      kind: 'Case',
      subject: { kind: 'Variable', name: 'x' },
      whens: [{ when: { kind: 'Literal' }, then: { value: 'a' } }],
      otherwise: { value: 'b' },
    });
    expect(strip(expr('CASE WHEN a THEN 1 WHEN b THEN 2 END'))).toMatchObject({ kind: 'Case', subject: null, otherwise: null });
  });

  test('index and slices', () => {
    expect(strip(expr('l[1..2]'))).toMatchObject({ kind: 'Slice', from: { value: '1n' }, to: { value: '2n' } });
    expect(strip(expr('l[..2]'))).toMatchObject({ kind: 'Slice', from: null, to: { value: '2n' } });
    expect(strip(expr('l[1..]'))).toMatchObject({ kind: 'Slice', from: { value: '1n' }, to: null });
    expect(strip(expr("m['k']"))).toMatchObject({ kind: 'Index', index: { value: 'k' } });
  });

  test('function calls: lower-cased, namespaced, DISTINCT, count(*)', () => {
    expect(show(expr('toLower(x)'))).toBe('tolower(x)');
    expect(show(expr('date.Truncate("day", d)'))).toBe('date.truncate("day", d)');
    expect(show(expr('count(DISTINCT x)'))).toBe('count(DISTINCT x)');
    expect(expr('count(*)').kind).toBe('CountStar');
    expect(expr('COUNT ( * )').kind).toBe('CountStar');
  });

  test('list comprehension, quantifiers and reduce', () => {
    expect(strip(expr('[x IN l WHERE x > 1 | x * 2]'))).toMatchObject({
      kind: 'ListComprehension',
      variable: 'x',
      where: { op: '>' },
      projection: { op: '*' },
    });
    expect(strip(expr('[x IN l]'))).toMatchObject({ kind: 'ListComprehension', where: null, projection: null });
    for (const q of ['all', 'any', 'none', 'single'] as const) {
      expect(strip(expr(`${q}(x IN l WHERE x > 0)`))).toMatchObject({ kind: 'Quantifier', quantifier: q, variable: 'x' });
    }
    expect(strip(expr('reduce(acc = 0, x IN l | acc + x)'))).toMatchObject({
      kind: 'Reduce',
      accumulator: 'acc',
      variable: 'x',
      expression: { op: '+' },
    });
  });

  test('map projection items', () => {
    expect(strip(expr('n {.name, .*, k: 1, v}'))).toEqual({
      kind: 'MapProjection',
      subject: 'n',
      items: [
        { kind: 'Property', key: 'name' },
        { kind: 'AllProperties' },
        { kind: 'Literal', key: 'k', value: { kind: 'Literal', value: '1n' } },
        { kind: 'Variable', name: 'v' },
      ],
    });
  });

  test('a parenthesised pattern with a relationship is a pattern predicate; otherwise parentheses group', () => {
    expect(strip(expr('(a)-[:T]->(b)'))).toMatchObject({ kind: 'PatternPredicate', pattern: { relationships: [{ types: ['T'] }] } });
    expect(show(expr('(a) - -1'))).toBe('(a - -1)');
    expect(show(expr('(a)--1'))).toBe('(a - -1)');
    expect(show(expr('(1 + 2) * 3'))).toBe('((1 + 2) * 3)');
    expect(strip(expr('exists((n)-->())'))).toMatchObject({
      kind: 'FunctionCall',
      name: 'exists',
      args: [{ kind: 'PatternPredicate' }],
    });
  });

  test('pattern comprehension with and without a path variable', () => {
    expect(strip(expr('[(a)-->(b) WHERE b.x > 1 | b.name]'))).toMatchObject({
      kind: 'PatternComprehension',
      pattern: { pathVariable: null },
      where: { op: '>' },
      projection: { key: 'name' },
    });
    expect(strip(expr('[p = (a)-->() | p]'))).toMatchObject({ kind: 'PatternComprehension', pattern: { pathVariable: 'p' } });
    expect(strip(expr('[(a)-->(b)]'))).toMatchObject({ kind: 'List', items: [{ kind: 'PatternPredicate' }] });
  });

  test('EXISTS and COUNT subqueries', () => {
    expect(strip(expr('EXISTS { (n)-->(m) WHERE m.x = 1 }'))).toMatchObject({
      kind: 'Subquery',
      mode: 'exists',
      query: { kind: 'Pattern', patterns: [{ nodes: [{ variable: 'n' }, { variable: 'm' }] }], where: { op: '=' } },
    });
    expect(strip(expr('COUNT { MATCH (n)-->(m) RETURN m }'))).toMatchObject({
      kind: 'Subquery',
      mode: 'count',
      query: { kind: 'Query', query: { parts: [{ clauses: [{ kind: 'Match' }, { kind: 'Return' }] }] } },
    });
  });
});

describe('patterns', () => {
  function pattern(text: string): PatternPart {
    const m = clauses(`MATCH ${text} RETURN 1`)[0];
    if (m.kind !== 'Match') throw new Error('no MATCH');
    return m.patterns[0];
  }

  test('nodes with labels and properties, relationships with types and directions', () => {
    expect(strip(pattern("(a:A:B {x: 1})<-[r:T|:U|V $p]-(b)-->()--()<--()"))).toMatchObject({
      nodes: [{ variable: 'a', labels: ['A', 'B'], properties: { kind: 'Map' } }, { variable: 'b' }, { variable: null }, {}, {}],
      relationships: [
        { variable: 'r', types: ['T', 'U', 'V'], direction: 'in', properties: { kind: 'Parameter', name: 'p' } },
        { direction: 'out', types: [] },
        { direction: 'both' },
        { direction: 'in' },
      ],
    });
  });

  test.each([
    ['*', { min: null, max: null }],
    ['*2', { min: 2, max: 2 }],
    ['*1..3', { min: 1, max: 3 }],
    ['*..3', { min: null, max: 3 }],
    ['*2..', { min: 2, max: null }],
    [':T*0..1', { min: 0, max: 1 }],
  ])('variable length %s', (spec, varLength) => {
    expect(pattern(`()-[${spec}]->()`).relationships[0].varLength).toEqual({ ...varLength, algorithm: 'dfs', filter: null, weight: null, totalWeight: null });
  });

  test('path variables and shortest paths', () => {
    expect(pattern('p = (a)-->(b)')).toMatchObject({ pathVariable: 'p', shortest: null });
    expect(pattern('p = shortestPath((a)-[*]-(b))')).toMatchObject({ pathVariable: 'p', shortest: 'shortest' });
    expect(pattern('allShortestPaths((a)-[*]-(b))')).toMatchObject({ pathVariable: null, shortest: 'allShortest' });
  });

  test('pattern variables may be keywords such as end', () => {
    expect(pattern('(start)-[match]->(end)')).toMatchObject({
      nodes: [{ variable: 'start' }, { variable: 'end' }],
      relationships: [{ variable: 'match' }],
    });
    expect(returned('MATCH (end) RETURN end').items[0].expression).toMatchObject({ kind: 'Variable', name: 'end' });
  });

  test('keywords may be labels, types and property keys', () => {
    expect(strip(pattern('(n:Match {return: 1})-[:CREATE]->()'))).toMatchObject({
      nodes: [{ labels: ['Match'], properties: { entries: [{ key: 'return' }] } }, {}],
      relationships: [{ types: ['CREATE'] }],
    });
  });
});

describe('clauses', () => {
  test('MATCH / OPTIONAL MATCH with WHERE, UNWIND, WITH, RETURN', () => {
    const cs = clauses(
      'MATCH (a) WHERE a.x = 1 OPTIONAL MATCH (a)-->(b) UNWIND [1] AS i WITH DISTINCT a, i ORDER BY i DESC, a SKIP 1 LIMIT 2 WHERE i > 0 RETURN *, a.x AS x',
    );
    expect(cs.map((c) => c.kind)).toEqual(['Match', 'Match', 'Unwind', 'With', 'Return']);
    expect(cs[1]).toMatchObject({ optional: true, where: null });
    const w = cs[3];
    if (w.kind !== 'With') throw new Error();
    expect(w.projection).toMatchObject({ distinct: true, star: false, skip: { value: 1n }, limit: { value: 2n } });
    expect(w.projection.orderBy.map((s) => s.descending)).toEqual([true, false]);
    expect(w.where).toMatchObject({ op: '>' });
    const r = cs[4];
    if (r.kind !== 'Return') throw new Error();
    expect(r.projection).toMatchObject({ star: true, items: [{ name: 'x', aliased: true }] });
  });

  test('CREATE, MERGE with repeated ON CREATE / ON MATCH, SET kinds, REMOVE, DELETE', () => {
    const cs = clauses(
      'CREATE (a:A)-[:T]->(b) MERGE (c:C {k: 1}) ON CREATE SET c.x = 1 ON MATCH SET c += {y: 2} ON CREATE SET c:New ' +
        'SET a.p = 1, a = {q: 2}, a += $m, a:L1:L2 REMOVE a.p, a:L1 DETACH DELETE a, b DELETE c',
    );
    expect(cs.map((c) => c.kind)).toEqual(['Create', 'Merge', 'Set', 'Remove', 'Delete', 'Delete']);
    expect(strip(cs[1])).toMatchObject({
      onCreate: [{ kind: 'SetProperty' }, { kind: 'SetLabels', labels: ['New'] }],
      onMatch: [{ kind: 'MergeProperties', variable: 'c' }],
    });
    expect(strip(cs[2])).toMatchObject({
      items: [
        { kind: 'SetProperty', target: { kind: 'Property', key: 'p' } },
        { kind: 'ReplaceProperties', variable: 'a' },
        { kind: 'MergeProperties', value: { kind: 'Parameter' } },
        { kind: 'SetLabels', labels: ['L1', 'L2'] },
      ],
    });
    expect(strip(cs[3])).toMatchObject({ items: [{ kind: 'RemoveProperty' }, { kind: 'RemoveLabels', labels: ['L1'] }] });
    expect(cs[4]).toMatchObject({ detach: true });
    expect(cs[5]).toMatchObject({ detach: false });
  });

  test('FOREACH with nested clauses', () => {
    expect(strip(clauses('FOREACH (x IN [1, 2] | CREATE (:N {v: x}) SET x.a = 1)')[0])).toMatchObject({
      kind: 'Foreach',
      variable: 'x',
      clauses: [{ kind: 'Create' }, { kind: 'Set' }],
    });
  });

  test('CALL procedure forms', () => {
    expect(clauses('CALL db.labels')[0]).toMatchObject({ name: 'db.labels', args: null, yields: null });
    expect(strip(clauses('CALL db.labels() YIELD label AS l WHERE l <> "x" RETURN l')[0])).toMatchObject({
      name: 'db.labels',
      args: [],
      yields: [{ name: 'label', alias: 'l' }],
      where: { op: '<>' },
    });
    expect(clauses('CALL my.proc(1, $p) YIELD *')[0]).toMatchObject({ yields: '*' });
  });

  test('CALL subquery', () => {
    expect(strip(clauses('MATCH (n) CALL { WITH n RETURN n.x AS x UNION RETURN 1 AS x } RETURN x')[1])).toMatchObject({
      kind: 'CallSubquery',
      query: { unions: ['UNION'], parts: [{ clauses: [{ kind: 'With' }, { kind: 'Return' }] }, {}] },
    });
  });

  test('UNION and UNION ALL', () => {
    const s = parse('RETURN 1 AS a UNION ALL RETURN 2 AS a UNION RETURN 3 AS a');
    expect(s).toMatchObject({ kind: 'Query', body: { unions: ['UNION ALL', 'UNION'] } });
  });

  test('EXPLAIN and PROFILE prefixes and a trailing semicolon', () => {
    expect(parse('EXPLAIN MATCH (n) RETURN n')).toMatchObject({ explain: true, profile: false });
    expect(parse('profile RETURN 1;')).toMatchObject({ explain: false, profile: true });
  });

  test('keywords are case-insensitive', () => {
    expect(clauses('match (n) where n.x is not null return distinct n').map((c) => c.kind)).toEqual(['Match', 'Return']);
  });
});

describe('return column names', () => {
  test('unaliased items are named by their source text', () => {
    const p = returned('MATCH (n) RETURN n.name, count( * ),  n.x+1 , [x IN l | x] AS y, `n`');
    expect(p.items.map((i) => [i.name, i.aliased])).toEqual([
      ['n.name', false],
      ['count( * )', false],
      ['n.x+1', false],
      ['y', true],
      ['`n`', false],
    ]);
  });

  test('text spans lines exactly as written', () => {
    expect(returned('RETURN 1 +\n  2').items[0].name).toBe('1 +\n  2');
  });
});

describe('schema and SHOW statements (admin statements: admin-parser.test.ts)', () => {
  test.each<[string, Statement]>([
    ['CREATE INDEX ON :L(p)', { kind: 'CreateIndex', index: { type: 'label+property', label: 'L', properties: [['p']] } }],
    ['CREATE INDEX ON :L', { kind: 'CreateIndex', index: { type: 'label', label: 'L', properties: [] } }],
    ['DROP INDEX ON :L(p)', { kind: 'DropIndex', index: { type: 'label+property', label: 'L', properties: [['p']] } }],
    ['drop index on :L', { kind: 'DropIndex', index: { type: 'label', label: 'L', properties: [] } }],
    ['CREATE INDEX ON :L(a, b)', { kind: 'CreateIndex', index: { type: 'label+property', label: 'L', properties: [['a'], ['b']] } }],
    ['CREATE INDEX ON :L(a.b.c, `d e`)', { kind: 'CreateIndex', index: { type: 'label+property', label: 'L', properties: [['a', 'b', 'c'], ['d e']] } }],
    ['DROP INDEX ON :L(a.b)', { kind: 'DropIndex', index: { type: 'label+property', label: 'L', properties: [['a', 'b']] } }],
    ['CREATE EDGE INDEX ON :T', { kind: 'CreateIndex', index: { type: 'edge-type', label: 'T', properties: [] } }],
    ['CREATE EDGE INDEX ON :T(p)', { kind: 'CreateIndex', index: { type: 'edge-type+property', label: 'T', properties: [['p']] } }],
    ['drop edge index on :T(p)', { kind: 'DropIndex', index: { type: 'edge-type+property', label: 'T', properties: [['p']] } }],
    ['CREATE GLOBAL EDGE INDEX ON :(p)', { kind: 'CreateIndex', index: { type: 'edge-property', label: null, properties: [['p']] } }],
    ['DROP GLOBAL EDGE INDEX ON :(p)', { kind: 'DropIndex', index: { type: 'edge-property', label: null, properties: [['p']] } }],
    ['CREATE POINT INDEX ON :L(loc)', { kind: 'CreateIndex', index: { type: 'point', label: 'L', properties: [['loc']] } }],
    ['DROP POINT INDEX ON :L(loc)', { kind: 'DropIndex', index: { type: 'point', label: 'L', properties: [['loc']] } }],
    ['SHOW INDEXES', { kind: 'Show', what: 'INDEXES' }],
    [
      'CREATE CONSTRAINT ON (n:L) ASSERT EXISTS (n.p)',
      { kind: 'CreateConstraint', constraint: 'exists', label: 'L', properties: ['p'] },
    ],
    [
      'CREATE CONSTRAINT ON (n:L) ASSERT n.p IS UNIQUE',
      { kind: 'CreateConstraint', constraint: 'unique', label: 'L', properties: ['p'] },
    ],
    [
      'DROP CONSTRAINT ON (n:L) ASSERT n.p, n.q IS UNIQUE',
      { kind: 'DropConstraint', constraint: 'unique', label: 'L', properties: ['p', 'q'] },
    ],
    ['SHOW INDEX INFO', { kind: 'Show', what: 'INDEX INFO' }],
    ['show   constraint\n info', { kind: 'Show', what: 'CONSTRAINT INFO' }],
    ['SHOW STORAGE INFO', { kind: 'Show', what: 'STORAGE INFO' }],
    ['SHOW NONSENSE here', { kind: 'Show', what: 'NONSENSE HERE' }],
  ])('%s', (text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  test('incomplete or misplaced DDL says what is wrong', () => {
    expect(syntaxErrorOf('CREATE ENUM').message).toBe('Unexpected end of input: expected an enum name (line 1, column 12)');
    for (const q of ['CREATE POINT INDEX ON :L(a.b)', 'CREATE EDGE INDEX ON :T(a.b)']) {
      expect(() => parse(q)).toThrow(new MghaError(Codes.MemgraphClientError, 'Nested property paths (a.b) are supported in label+property indexes only.'));
    }
  });

  test('CREATE and SET clauses are still queries', () => {
    expect(parse('CREATE (n:Index)').kind).toBe('Query');
    expect(parse('MATCH (n) SET n.replication = 1').kind).toBe('Query');
  });
});

describe('syntax errors', () => {
  test('say what was expected and where', () => {
    expect(syntaxErrorOf('MATCH (n RETURN n').message).toBe("Invalid input 'RETURN': expected ')' (line 1, column 10)");
    expect(syntaxErrorOf('MATCH (n)\nRETURN n,').message).toBe('Unexpected end of input: expected an expression (line 2, column 10)');
    expect(syntaxErrorOf('FOO (n)').message).toMatch(/expected a clause .*\(line 1, column 1\)/);
    expect(syntaxErrorOf('RETURN 1 2').message).toMatch(/'2'.*line 1, column 10/);
  });

  test.each([
    'RETURN',
    'MATCH (n) RETURN n ORDER n',
    'RETURN {a 1}',
    'RETURN [1, 2',
    'MATCH (a)-[:T]-> RETURN a',
    'CREATE (a)-[:T|]->(b)',
    'RETURN CASE END',
    'RETURN 1 AS',
    'WITH 1 AS a UNION',
    'MATCH (n) WHERE RETURN n',
    'RETURN a.',
    'MATCH (n) RETURN n LIMIT',
    "RETURN 'unterminated",
    'RETURN 1 +* 2',
    'RETURN count(DISTINCT)',
    '',
  ])('rejects %p', (q) => {
    syntaxErrorOf(q);
  });

  test('hostile nesting fails with a SyntaxError, not a stack overflow', () => {
    syntaxErrorOf(`RETURN ${'('.repeat(10_000)}1${')'.repeat(10_000)}`);
    syntaxErrorOf(`RETURN ${'['.repeat(10_000)}${']'.repeat(10_000)}`);
    syntaxErrorOf(`RETURN ${'-'.repeat(10_000)}1`);
    syntaxErrorOf(`RETURN ${'NOT '.repeat(10_000)}true`);
    syntaxErrorOf(`RETURN ${'{a: '.repeat(5_000)}1${'}'.repeat(5_000)}`);
    syntaxErrorOf(`FOREACH (x IN l | ${'FOREACH (y IN l | '.repeat(5_000)}CREATE ()${')'.repeat(5_001)}`);
    syntaxErrorOf('RETURN ' + '('.repeat(10_000));
  });

  test('operator chains deeper than the tree-depth cap are SyntaxErrors; long flat lists are fine', () => {
    for (const op of [' + ', ' AND ', ' < ', ' IN ', '.', ' IS NULL']) {
      const chain = op === ' IS NULL' ? `x${op.repeat(50_000)}` : Array(50_000).fill('x').join(op);
      expect(syntaxErrorOf(`RETURN ${chain}`).message).toMatch(/too deeply nested/);
    }
    expect(() => parse(`RETURN ${Array(900).fill('1').join(' + ')}`)).not.toThrow();
    expect(() => parse(`RETURN [${Array(50_000).fill('1').join(', ')}]`)).not.toThrow();
  });

  test('moderate nesting still parses', () => {
    expect(() => parse(`RETURN ${'['.repeat(100)}${']'.repeat(100)}`)).not.toThrow();
    expect(() => parse(`RETURN ${'('.repeat(100)}1${')'.repeat(100)}`)).not.toThrow();
  });

  test('speculative pattern parsing stays linear on nested parenthesised maps', () => {
    // Each level is tried as a pattern first and fails; exponential backtracking would never finish.
    const nested = `${'({k: '.repeat(60)}1${'})--x'.repeat(60)}`;
    expect(show(expr(nested))).toMatch(/^\(/);
  });
});

describe('size', () => {
  test('a 100 KB query parses', () => {
    const items = Array.from({ length: 5000 }, (_, i) => `n.p${i} + ${i} AS c${i}`).join(', ');
    const q = `MATCH (n) RETURN ${items}`;
    expect(q.length).toBeGreaterThan(100_000);
    expect(returned(q).items).toHaveLength(5000);
  });
});
