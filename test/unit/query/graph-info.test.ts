// ANALYZE GRAPH and SHOW SCHEMA INFO: parsing, Memgraph's index-choice rule, the statistics
// and schema JSON over a real in-memory storage.
import { parse } from '../../../dataplane/query/parser.js';
import { compareByStatistics, labelPropertyStats, IndexStatistics, type LabelPropertyStats, type StatisticsChange } from '../../../dataplane/query/index-statistics.js';
import { schemaInfo, schemaTypeName } from '../../../dataplane/query/schema-info.js';
import { CypherEnum, CypherPoint, CypherTime, type Value } from '../../../dataplane/values/model.js';
import { InMemoryStorage } from '../../../dataplane/storage/storage.js';

describe('parsing', () => {
  test.each([
    ['ANALYZE GRAPH', { kind: 'AnalyzeGraph', labels: null, delete: false }],
    ['analyze graph;', { kind: 'AnalyzeGraph', labels: null, delete: false }],
    ['ANALYZE GRAPH ON LABELS *', { kind: 'AnalyzeGraph', labels: null, delete: false }],
    ['ANALYZE GRAPH ON LABELS :A, :`B c`', { kind: 'AnalyzeGraph', labels: ['A', 'B c'], delete: false }],
    ['ANALYZE GRAPH DELETE STATISTICS', { kind: 'AnalyzeGraph', labels: null, delete: true }],
    ['ANALYZE GRAPH ON LABELS :A DELETE STATISTICS', { kind: 'AnalyzeGraph', labels: ['A'], delete: true }],
    ['SHOW SCHEMA INFO', { kind: 'ShowSchemaInfo' }],
  ])('%s', (text, stmt) => {
    expect(parse(text)).toEqual(stmt);
  });

  test('a malformed label list is a syntax error', () => {
    expect(() => parse('ANALYZE GRAPH ON LABELS A')).toThrow("Invalid input 'A': expected ':'");
    expect(() => parse('ANALYZE GRAPH DELETE')).toThrow(/STATISTICS/);
  });
});

describe("Memgraph's choice between two indexes with statistics", () => {
  const st = (count: number, avgGroupSize: number, chiSquared = 0): LabelPropertyStats => ({ count, distinct: count / avgGroupSize, avgGroupSize, chiSquared, avgDegree: 0 });
  test.each([
    ['smaller average group size', st(100, 1), st(50, 10), -1],
    ['10x fewer nodes wins over group size', st(1000, 1), st(99, 99), 1],
    ['equal group sizes: closer to uniform', st(100, 20, 32.5), st(100, 20, 0), 1],
    ['all equal but count: fewer nodes', st(100, 1), st(50, 1), 1],
  ])('%s', (_name, a, b, sign) => {
    expect(Math.sign(compareByStatistics(a, b))).toBe(sign);
    expect(Math.sign(compareByStatistics(b, a))).toBe(-sign);
  });
});

describe('statistics over a storage', () => {
  test('group sizes, chi-squared, degrees; nested and composite prefixes; delete and prune', () => {
    const storage = new InMemoryStorage();
    storage.createIndexOf({ type: 'label', label: 'L', properties: [] });
    storage.createIndexOf({ type: 'label+property', label: 'L', properties: [['a'], ['b', 'c']] });
    const tx = storage.begin();
    const vs = [1n, 1n, 1n, 2n].map((a) => {
      const v = tx.createVertex();
      v.addLabel('L');
      v.setProperty('a', a);
      v.setProperty('b', new Map([['c', 'x']]));
      return v;
    });
    tx.createEdge(vs[0], vs[1], 'R');
    tx.createVertex().addLabel('L');
    const ab = labelPropertyStats(tx.verticesByLabel('L'), [['a']]);
    // Groups 3 and 1 around 2: (1 + 1) / 2.
    expect(ab).toEqual({ count: 4, distinct: 2, avgGroupSize: 2, chiSquared: 1, avgDegree: 0.5 });
    const stats = new IndexStatistics(() => storage.metadata());
    const keep = (change: StatisticsChange): Value[][] => {
      for (const [key, value] of change.writes) storage.setMetadata(key, value);
      return change.rows;
    };
    expect(keep(stats.analyze(tx, storage.indexes(), null))).toEqual([
      ['L', null, 5n, null, null, null, 0.4],
      ['L', ['a'], 4n, 2n, 2, 1, 0.5],
      ['L', ['a', 'b.c'], 4n, 2n, 2, 1, 0.5],
    ]);
    expect(stats.labelPropertyStats('L', [['a']])?.avgGroupSize).toBe(2);
    expect(keep(stats.analyze(tx, storage.indexes(), ['Other']))).toEqual([]);
    // Dropping an index drops its statistics (in the storage, so WAL replay and replicas agree).
    storage.dropIndexOf({ type: 'label', label: 'L', properties: [] });
    expect(keep(stats.delete(null))).toEqual([
      ['L', ['a']],
      ['L', ['a', 'b.c']],
    ]);
    expect(stats.labelPropertyStats('L', [['a']])).toBeNull();
    expect(storage.metadata().withPrefix('stats:')).toEqual([]);
    tx.abort();
  });
});

describe('SHOW SCHEMA INFO', () => {
  test("Memgraph's type names", () => {
    expect([1n, 1.5, 'x', true, [1n], new Map(), new CypherPoint(7203, 1, 2), new CypherPoint(9157, 1, 2, 3), new CypherEnum('S', 0), new CypherTime(0, 0)].map(schemaTypeName)).toEqual([
      'Integer', 'Float', 'String', 'Boolean', 'List', 'Map', 'Point2D', 'Point3D', 'Enum::S', 'ZonedTime',
    ]);
  });

  test('unlabelled nodes and edges between label sets', () => {
    const storage = new InMemoryStorage();
    const tx = storage.begin();
    const a = tx.createVertex();
    a.addLabel('B');
    a.addLabel('A');
    const b = tx.createVertex();
    const e = tx.createEdge(a, b, 'T');
    e.setProperty('w', 1.5);
    tx.createEdge(b, b, 'T');
    const json = JSON.parse(schemaInfo(tx, [], [], [['S', ['x', 'y']]])) as unknown;
    expect(json).toEqual({
      nodes: [
        { labels: ['A', 'B'], count: 1, properties: [] },
        { labels: [], count: 1, properties: [] },
      ],
      edges: [
        { type: 'T', start_node_labels: ['A', 'B'], end_node_labels: [], count: 1, properties: [{ key: 'w', count: 1, filling_factor: 100, types: [{ type: 'Float', count: 1 }] }] },
        { type: 'T', start_node_labels: [], end_node_labels: [], count: 1, properties: [] },
      ],
      node_indexes: [],
      edge_indexes: [],
      node_constraints: [],
      enums: [{ name: 'S', values: ['x', 'y'] }],
    });
    tx.abort();
  });
});
