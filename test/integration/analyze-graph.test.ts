// ANALYZE GRAPH (index statistics and the planner's use of them) and SHOW SCHEMA INFO end
// to end: neo4j-driver against a real mgha process on loopback, with Memgraph's columns,
// values (from Memgraph's e2e tests, tests/e2e/analyze_graph) and refusal texts.
import neo4j, { type Driver } from 'neo4j-driver';
import { serverWithDriver } from '../helpers/server.js';

const env = serverWithDriver();
let driver: Driver;
beforeAll(() => {
  ({ driver } = env);
});

afterEach(async () => {
  const idx = await driver.executeQuery('SHOW INDEX INFO');
  for (const r of idx.records) {
    const label = r.get('label') as string;
    const prop = r.get('property') as string[] | null;
    const type = r.get('index type') as string;
    if (type === 'label') await driver.executeQuery(`DROP INDEX ON :${label}`);
    else if (type === 'label+property') await driver.executeQuery(`DROP INDEX ON :${label}(${(prop ?? []).join(', ')})`);
  }
  const cons = await driver.executeQuery('SHOW CONSTRAINT INFO');
  for (const r of cons.records) {
    const label = r.get('label') as string;
    const props = r.get('properties') as string | string[];
    if (r.get('constraint type') === 'exists') await driver.executeQuery(`DROP CONSTRAINT ON (n:${label}) ASSERT EXISTS (n.${props as string})`);
    else await driver.executeQuery(`DROP CONSTRAINT ON (n:${label}) ASSERT ${(props as string[]).map((p) => `n.${p}`).join(', ')} IS UNIQUE`);
  }
  await driver.executeQuery('MATCH (n) DETACH DELETE n');
});

/** Integers as numbers, recursively (the columns' types are checked separately). */
function plain(v: unknown): unknown {
  if (neo4j.isInt(v)) return v.toNumber();
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

async function rows(query: string): Promise<unknown[][]> {
  const res = await driver.executeQuery(query);
  return res.records.map((r) => r.keys.map((k) => plain(r.get(k))));
}

/** The index scan EXPLAIN shows, e.g. `ScanAllByLabelProperties (n :Label {id2})`. */
async function scan(query: string): Promise<string | undefined> {
  const res = await driver.executeQuery(`EXPLAIN ${query}`);
  return res.records.map((r) => (r.get('QUERY PLAN') as string).trim()).find((l) => l.startsWith('* ScanAll'));
}

const ANALYZE_COLUMNS = ['label', 'property', 'num estimation nodes', 'num groups', 'avg group size', 'chi-squared value', 'avg degree'];
const TWO_PROPS = 'MATCH (n:Label) WHERE n.id2 = 3 AND n.id1 = 3 RETURN n';

async function twoIndexes(id1: string, id2: string): Promise<void> {
  await driver.executeQuery(id1);
  await driver.executeQuery(id2);
  await driver.executeQuery('CREATE INDEX ON :Label(id1)');
  await driver.executeQuery('CREATE INDEX ON :Label(id2)');
}

describe('ANALYZE GRAPH', () => {
  test("Memgraph's columns and statistics; the planner then picks the index with the smaller average group size", async () => {
    await twoIndexes('FOREACH (i IN range(1, 100) | CREATE (n:Label {id1: i}))', 'FOREACH (i IN range(1, 50) | CREATE (n:Label {id2: i % 5}))');
    // Before: the index with fewer nodes.
    expect(await scan(TWO_PROPS)).toBe('* ScanAllByLabelProperties (n :Label {id2})');
    const res = await driver.executeQuery('ANALYZE GRAPH');
    expect(res.keys).toEqual(ANALYZE_COLUMNS);
    expect(res.records.map((r) => r.keys.map((k) => plain(r.get(k))))).toEqual([
      ['Label', ['id1'], 100, 100, 1, 0, 0],
      ['Label', ['id2'], 50, 5, 10, 0, 0],
    ]);
    // Counts are integers, the rest floats, as in Memgraph.
    const first = res.records[0];
    expect(neo4j.isInt(first.get('num estimation nodes'))).toBe(true);
    expect(neo4j.isInt(first.get('num groups'))).toBe(true);
    expect(typeof first.get('avg group size')).toBe('number');
    expect(typeof first.get('avg degree')).toBe('number');
    expect(await scan(TWO_PROPS)).toBe('* ScanAllByLabelProperties (n :Label {id1})');
    // The query still answers right through the other index.
    expect(await rows('MATCH (n:Label) WHERE n.id1 = 3 RETURN n.id1')).toEqual([[3]]);

    const del = await driver.executeQuery('ANALYZE GRAPH DELETE STATISTICS');
    expect(del.keys).toEqual(['label', 'property']);
    expect(del.records.map((r) => r.keys.map((k) => plain(r.get(k))))).toEqual([
      ['Label', ['id1']],
      ['Label', ['id2']],
    ]);
    expect(await scan(TWO_PROPS)).toBe('* ScanAllByLabelProperties (n :Label {id2})');
  });

  test('same average group size: the distribution closer to uniform wins (chi-squared 32.5 vs 0)', async () => {
    await driver.executeQuery(
      'FOREACH (i IN range(1, 10) | CREATE (:Label {id1: 1})) FOREACH (i IN range(1, 30) | CREATE (:Label {id1: 2})) ' +
        'FOREACH (i IN range(1, 20) | CREATE (:Label {id1: 3})) FOREACH (i IN range(1, 35) | CREATE (:Label {id1: 4})) ' +
        'FOREACH (i IN range(1, 5) | CREATE (:Label {id1: 5}))',
    );
    await twoIndexes('FOREACH (i IN range(1, 100) | CREATE (:Label {id2: (i % 5) + 1}))', 'RETURN 1');
    expect(await rows('ANALYZE GRAPH')).toEqual([
      ['Label', ['id1'], 100, 5, 20, 32.5, 0],
      ['Label', ['id2'], 100, 5, 20, 0, 0],
    ]);
    expect(await scan(TWO_PROPS)).toBe('* ScanAllByLabelProperties (n :Label {id2})');
  });

  test('an index with at least 10x fewer nodes wins whatever its group size', async () => {
    await twoIndexes('FOREACH (i IN range(1, 1000) | CREATE (:Label {id1: i}))', 'FOREACH (i IN range(1, 99) | CREATE (:Label {id2: 1}))');
    expect(await rows('ANALYZE GRAPH')).toEqual([
      ['Label', ['id1'], 1000, 1000, 1, 0, 0],
      ['Label', ['id2'], 99, 1, 99, 0, 0],
    ]);
    expect(await scan(TWO_PROPS)).toBe('* ScanAllByLabelProperties (n :Label {id2})');
  });

  test('label indexes: node count and average degree, nulls for the property columns; ON LABELS narrows', async () => {
    await driver.executeQuery('CREATE INDEX ON :Node');
    await driver.executeQuery('CREATE INDEX ON :Other');
    expect(await rows('ANALYZE GRAPH ON LABELS :Node')).toEqual([['Node', null, 0, null, null, null, 0]]);
    await driver.executeQuery('CREATE (a:Node)-[:R]->(b:Node), (a)-[:R]->(:Other), (b)-[:R]->(b)');
    // a: 2 out; b: 1 in + self loop (out and in); avg (2 + 3) / 2.
    expect(await rows('ANALYZE GRAPH ON LABELS :Node, :NONEXISTING')).toEqual([['Node', null, 2, null, null, null, 2.5]]);
    expect(await rows('ANALYZE GRAPH ON LABELS *')).toEqual([
      ['Node', null, 2, null, null, null, 2.5],
      ['Other', null, 1, null, null, null, 1],
    ]);
    expect(await rows('ANALYZE GRAPH ON LABELS :Other DELETE STATISTICS')).toEqual([['Other', '']]);
    expect(await rows('ANALYZE GRAPH DELETE STATISTICS')).toEqual([['Node', '']]);
  });

  test('a composite index gets statistics for every prefix; dropping the index drops them', async () => {
    await driver.executeQuery('CREATE INDEX ON :L1(a, b, c)');
    await driver.executeQuery('CREATE (:L1 {a: 11, b: 23, c: 42})');
    expect(await rows('ANALYZE GRAPH')).toEqual([
      ['L1', ['a'], 1, 1, 1, 0, 0],
      ['L1', ['a', 'b'], 1, 1, 1, 0, 0],
      ['L1', ['a', 'b', 'c'], 1, 1, 1, 0, 0],
    ]);
    await driver.executeQuery('DROP INDEX ON :L1(a, b, c)');
    expect(await rows('ANALYZE GRAPH DELETE STATISTICS')).toEqual([]);
  });

  test("refused after another statement of an explicit transaction with Memgraph's text; alone in one (executeQuery) it runs", async () => {
    const session = driver.session();
    try {
      const tx = await session.beginTransaction();
      await tx.run('RETURN 1');
      await expect(tx.run('ANALYZE GRAPH')).rejects.toThrow('Analyze graph query not allowed in multicommand transactions.');
    } finally {
      await session.close();
    }
    await driver.executeQuery('CREATE INDEX ON :Node');
    const res = await driver.executeQuery('ANALYZE GRAPH', {}, { routing: neo4j.routing.WRITE });
    expect(res.records.length).toBe(1);
  });
});

describe('SHOW SCHEMA INFO', () => {
  interface PropInfo {
    key: string;
    count: number;
    filling_factor: number;
    types: { type: string; count: number }[];
  }
  interface Schema {
    nodes: { labels: string[]; count: number; properties: PropInfo[] }[];
    edges: { type: string; start_node_labels: string[]; end_node_labels: string[]; count: number; properties: PropInfo[] }[];
    node_indexes: unknown[];
    edge_indexes: unknown[];
    node_constraints: unknown[];
    enums: unknown[];
  }
  async function schema(): Promise<Schema> {
    const res = await driver.executeQuery('SHOW SCHEMA INFO');
    expect(res.keys).toEqual(['schema']);
    expect(res.records.length).toBe(1);
    return JSON.parse(res.records[0].get('schema') as string) as Schema;
  }

  test("an empty graph: Memgraph's six empty sections", async () => {
    expect(await schema()).toEqual({ nodes: [], edges: [], node_indexes: [], edge_indexes: [], node_constraints: [], enums: [] });
  });

  test("nodes by label set with property counts, filling factors and types (Memgraph's documented example)", async () => {
    await driver.executeQuery(
      'CREATE (:A:B), (:A:B), (:A:B), (:A:B), (:A:B {prop1: 1}), (:B:A {prop1: "str"}), (:A:B {prop1: true}), ' +
        '(:A:B {prop1: "str2", prop2: 10.0}), (:A:B {prop1: false, prop2: 20.0}), (:A:B {prop1: false, prop2: 30.0})',
    );
    expect((await schema()).nodes).toEqual([
      {
        labels: ['A', 'B'],
        count: 10,
        properties: [
          { key: 'prop1', count: 6, filling_factor: 60, types: [{ type: 'Boolean', count: 3 }, { type: 'Integer', count: 1 }, { type: 'String', count: 2 }] },
          { key: 'prop2', count: 3, filling_factor: 30, types: [{ type: 'Float', count: 3 }] },
        ],
      },
    ]);
  });

  test('edges by type and end label sets; indexes, constraints and enums listed', async () => {
    await driver.executeQuery('CREATE (:C:D)-[:EDGE]->(), (:C:D)-[:EDGE {edge_prop: 1}]->(), (:D:C)-[:EDGE {edge_prop: 2}]->()');
    await driver.executeQuery('CREATE INDEX ON :C');
    await driver.executeQuery('CREATE INDEX ON :C(p)');
    await driver.executeQuery('CREATE CONSTRAINT ON (n:Z) ASSERT EXISTS (n.q)');
    // Enums cannot be dropped yet: this is the file's last test that reads them.
    await driver.executeQuery('CREATE ENUM SchemaInfoStatus VALUES { Good, Bad }');
    await driver.executeQuery("CREATE (:E {d: date('2024-01-02'), e: SchemaInfoStatus::Good, l: [1], m: {a: 1}, t: duration('P1D'), pt: point({x: 1, y: 2})})");
    const s = await schema();
    expect(s.edges).toHaveLength(1);
    const e = s.edges[0];
    expect({ ...e, properties: [] }).toEqual({ type: 'EDGE', start_node_labels: ['C', 'D'], end_node_labels: [], count: 3, properties: [] });
    expect(e.properties).toHaveLength(1);
    expect(e.properties[0].key).toBe('edge_prop');
    expect(e.properties[0].count).toBe(2);
    expect(e.properties[0].filling_factor).toBeCloseTo(66.67, 2);
    expect(e.properties[0].types).toEqual([{ type: 'Integer', count: 2 }]);
    expect(s.node_indexes).toEqual([
      { labels: ['C'], properties: [], count: 3, type: 'label' },
      { labels: ['C'], properties: ['p'], count: 0, type: 'label+property' },
    ]);
    expect(s.node_constraints).toEqual([{ type: 'existence', labels: ['Z'], properties: ['q'] }]);
    expect(s.enums).toEqual([{ name: 'SchemaInfoStatus', values: ['Good', 'Bad'] }]);
    const eNode = s.nodes.find((n) => n.labels.includes('E'));
    expect(eNode?.properties.map((p) => [p.key, p.types[0].type])).toEqual([
      ['d', 'Date'],
      ['e', 'Enum::SchemaInfoStatus'],
      ['l', 'List'],
      ['m', 'Map'],
      ['pt', 'Point2D'],
      ['t', 'Duration'],
    ]);
  });

  test("refused after another statement of an explicit transaction with Memgraph's text", async () => {
    const session = driver.session();
    try {
      const tx = await session.beginTransaction();
      await tx.run('RETURN 1');
      await expect(tx.run('SHOW SCHEMA INFO')).rejects.toThrow('Show schema info cannot be executed in multicommand transactions.');
    } finally {
      await session.close();
    }
  });
});
