import { Codes, MghaError } from '../../../dataplane/errors.js';
import { parse } from '../../../dataplane/query/parser.js';
import { analyze } from '../../../dataplane/query/semantic.js';

function compile(q: string): void {
  analyze(parse(q));
}

/** The error compiling q throws (test fails if it compiles). */
function rejection(q: string): MghaError {
  try {
    compile(q);
  } catch (e) {
    if (!(e instanceof MghaError)) throw e;
    return e;
  }
  throw new Error(`compiled without error: ${q}`);
}

describe('accepted queries', () => {
  test.each([
    'MATCH (a)-[r]->(b) WHERE a.x = b.x RETURN a, r, b',
    'MATCH (a) MATCH (a)-->(b) RETURN b',
    'MATCH ()-[r]->() MATCH ()-[r]->() RETURN r',
    'MATCH (a) CREATE (a)-[:T]->(b:B {x: a.x}) RETURN b',
    'CREATE (n $props) RETURN n',
    'MATCH (n) WITH n.x AS x WHERE n.y = 1 RETURN x',
    'MATCH (n) RETURN n.x AS x ORDER BY n.y',
    'MATCH (n) RETURN DISTINCT n.x ORDER BY n.x',
    'MATCH (n) RETURN n.x AS k, count(*) AS c ORDER BY k, c DESC',
    'MATCH (n) RETURN n.x, count(*) ORDER BY count(*)',
    'MATCH (me)--(you) RETURN me.age AS age, count(you.age) AS cnt ORDER BY me.age + count(you.age)',
    "MATCH (a)<--(child) RETURN a.name, {foo: a.name = 'x', kids: collect(child.name)}",
    'MATCH (n) RETURN [x IN collect(n) | x.name] AS names',
    'MATCH (n) WHERE (n)-->() AND NOT (n)<--() RETURN n',
    'MATCH (n) RETURN exists((n)-->()) AS e, [(n)-->(m) | m.x] AS xs',
    'MATCH (n) WHERE EXISTS { MATCH (n)-->(m) WHERE m.x > 1 RETURN m } RETURN COUNT { (n)-->() } AS c',
    'UNWIND [1, 2] AS x FOREACH (y IN [x] | CREATE ({v: y}))',
    'MATCH (n) RETURN n SKIP 1 LIMIT $l',
    'RETURN 1 AS a UNION RETURN 2 AS a',
    'MATCH (n) CALL { WITH n RETURN n.x AS x } RETURN x',
    'CALL db.labels() YIELD label RETURN label',
    'CALL db.labels() YIELD *',
    'CALL db.labels',
    'WITH null AS a OPTIONAL MATCH p = (a)-[r]->() RETURN p',
    'MATCH ()-[r1]->()-[r2]->() WITH [r1, r2] AS rs MATCH (a)-[rs*]->(b) RETURN a',
    'MATCH (a) MERGE (a)-[:T]->(b) ON CREATE SET b.x = a.x RETURN b',
    'MATCH () CREATE () WITH * CREATE ()',
    'RETURN reduce(s = 0, x IN [1, 2] | s + x) AS s',
  ])('%s', (q) => {
    expect(() => compile(q)).not.toThrow();
  });

  test('schema and system statements need no analysis', () => {
    expect(() => analyze(parse('CREATE INDEX ON :L(p)'))).not.toThrow();
    expect(() => analyze(parse('SHOW STORAGE INFO'))).not.toThrow();
  });
});

describe('rejected queries (as the TCK classifies them)', () => {
  test.each([
    ['MATCH (a) RETURN b', 'UndefinedVariable'],
    ['MATCH (n) WHERE (n)-[r]->(a) RETURN n', 'UndefinedVariable'],
    ['MATCH (a) RETURN DISTINCT a.name ORDER BY a.age', 'UndefinedVariable'],
    ['MATCH (a), (b), (c) WITH a, b WITH a ORDER BY c RETURN a', 'UndefinedVariable'],
    ['CALL test.my.proc(1) RETURN out', 'UndefinedVariable'],
    ['MATCH (a) CREATE (a)', 'VariableAlreadyBound'],
    ['CREATE (n:Foo), (n:Bar)', 'VariableAlreadyBound'],
    ['MATCH ()-[r]->() CREATE ()-[r:T]->()', 'VariableAlreadyBound'],
    ['MATCH p = (p)-->() RETURN p', 'VariableAlreadyBound'],
    ['WITH 1 AS x UNWIND [1] AS x RETURN x', 'VariableAlreadyBound'],
    ['MATCH ()-[r]-(r) RETURN r', 'VariableTypeConflict'],
    ["WITH 'foo' AS n MATCH (n) RETURN n", 'VariableTypeConflict'],
    ['MATCH r = ()-->() MATCH ()-[r]->() RETURN r', 'VariableTypeConflict'],
    ['MATCH (a)-[r]->()-[r]->(a) RETURN r', 'RelationshipUniquenessViolation'],
    ['MATCH (a) WHERE count(a) > 10 RETURN a', 'InvalidAggregation'],
    ['RETURN [x IN [1, 2] | count(*)]', 'InvalidAggregation'],
    ['MATCH (n) RETURN n.x ORDER BY max(n.y)', 'InvalidAggregation'],
    ['RETURN count(count(*))', 'NestedAggregation'],
    ['MATCH (me)--(you) RETURN me.age + count(you.age)', 'AmbiguousAggregationExpression'],
    ['MATCH (me)--(you) RETURN me.age + you.age, count(*) AS c ORDER BY me.age + you.age + count(*)', 'AmbiguousAggregationExpression'],
    ['MATCH (a) WITH a, count(*) RETURN a', 'NoExpressionAlias'],
    ['RETURN 1 AS a, 2 AS a', 'ColumnNameConflict'],
    ['MATCH () RETURN *', 'NoVariablesInScope'],
    ['RETURN 1 AS a UNION RETURN 2 AS b', 'DifferentColumnsInUnion'],
    ['RETURN 1 AS a UNION RETURN 2 AS a UNION ALL RETURN 3 AS a', 'InvalidClauseComposition'],
    ['MATCH (n) WHERE exists { MATCH (n)-->(m) SET m.x = 1 } RETURN n', 'InvalidClauseComposition'],
    ['MATCH (n) RETURN n SKIP n.x', 'NonConstantExpression'],
    ['RETURN 1 LIMIT -1', 'NegativeIntegerArgument'],
    ['RETURN count(rand())', 'NonConstantExpression'],
    ['RETURN 1 SKIP 1.5', 'InvalidArgumentType'],
    ['RETURN 123 AND true', 'InvalidArgumentType'],
    ['MATCH (n) WHERE (n) RETURN n', 'InvalidArgumentType'],
    ['RETURN 1 IN 123', 'InvalidArgumentType'],
    ["RETURN any(x IN ['a'] WHERE x % 2 = 0)", 'InvalidArgumentType'],
    ['MATCH p = (a) RETURN labels(p)', 'InvalidArgumentType'],
    ['MATCH () DELETE 1 + 1', 'InvalidArgumentType'],
    ['MATCH (n) DELETE n:Person', 'InvalidDelete'],
    ['CREATE ()-->()', 'NoSingleRelationshipType'],
    ['CREATE ()-[:A|:B]->()', 'NoSingleRelationshipType'],
    ['CREATE (a)-[:T]-(b)', 'RequiresDirectedRelationship'],
    ['CREATE ()-[:T*2]->()', 'CreatingVarLength'],
    ['MATCH (n $p) RETURN n', 'InvalidParameterUse'],
    ['MATCH (n) RETURN (n)-->()', 'UnexpectedSyntax'],
    ['MATCH (n) RETURN size((n)-->())', 'UnexpectedSyntax'],
    ['CALL p.q() YIELD * RETURN x', 'UnexpectedSyntax'],
    ['CALL p.q YIELD out RETURN out', 'InvalidArgumentPassingMode'],
  ])('%s → %s', (q, kind) => {
    const e = rejection(q);
    expect(e.code).toBe(Codes.SyntaxError);
    expect(e.message).toContain(`[${kind}]`);
    expect(e.message).toMatch(/\(line \d+, column \d+\)$/);
  });

  test('property access on a known non-map value is a TypeError', () => {
    expect(rejection('WITH 123 AS x RETURN x.num').code).toBe(Codes.TypeError);
    expect(rejection('WITH [1] AS x RETURN x.num').code).toBe(Codes.TypeError);
  });

  test('errors point at the offending expression', () => {
    expect(rejection('MATCH (a)\nRETURN a, missing').message).toMatch(/`missing`.*\(line 2, column 11\)/);
  });
});
