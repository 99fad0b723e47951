// Where Memgraph's behaviour is its own (and openCypher's TCK says nothing else), mgha
// follows it: end to end through neo4j-driver, with the values and texts of Memgraph's own
// gql_behave features (delete, hops_limit, aggregations, order-by of durations).
import neo4j, { type Driver, type Record as DriverRecord } from 'neo4j-driver';
import { serverWithDriver } from '../helpers/server.js';

const env = serverWithDriver();
let driver: Driver;
beforeAll(() => {
  ({ driver } = env);
});

beforeEach(async () => {
  await driver.executeQuery('MATCH (n) DETACH DELETE n');
});

const column = (records: DriverRecord[], key: string): unknown[] => records.map((r) => r.get(key) as unknown);
const ints = (xs: unknown): number[] => (xs as { toNumber(): number }[]).map((x) => x.toNumber());

describe('a node\'s relationships iterate in creation order', () => {
  beforeEach(async () => {
    // Created 1, 2, 3 out of a; 4 into a; 5 a self-loop.
    await driver.executeQuery(
      'CREATE (a:A)-[:R {i: 1}]->(:B), (a)-[:R {i: 2}]->(:B), (a)-[:R {i: 3}]->(:B), (:B)-[:R {i: 4}]->(a), (a)-[:R {i: 5}]->(a)',
    );
  });

  test('pattern comprehensions and expansions list them oldest first', async () => {
    const res = await driver.executeQuery('MATCH (a:A) RETURN [(a)-[r]->() | r.i] AS out, [(a)<-[r]-() | r.i] AS inc');
    expect(ints(res.records[0].get('out'))).toEqual([1, 2, 3, 5]);
    expect(ints(res.records[0].get('inc'))).toEqual([4, 5]);
    const rows = await driver.executeQuery('MATCH (a:A)-[r]->() RETURN r.i AS i');
    expect(ints(column(rows.records, 'i'))).toEqual([1, 2, 3, 5]);
  });

  test('undirected: incoming first, then outgoing, a self-loop once (Memgraph\'s Expand)', async () => {
    const res = await driver.executeQuery('MATCH (a:A) RETURN [(a)-[r]-() | r.i] AS l');
    expect(ints(res.records[0].get('l'))).toEqual([4, 5, 1, 2, 3]);
  });
});

describe('USING HOPS LIMIT spends the budget on a vertex\'s whole list, as Memgraph', () => {
  // Memgraph's simple_binary_tree graph and the answers of its hops_limit.feature.
  beforeEach(async () => {
    await driver.executeQuery(
      "CREATE (a:Node {name: 'A'}), (b:Node {name: 'B'}), (c:Node {name: 'C'}), (d:Node {name: 'D'}), (e:Node {name: 'E'}), " +
        "(f:Node {name: 'F'}), (g:Node {name: 'G'}), (h:Node {name: 'H'}), (i:Node {name: 'I'}), (j:Node {name: 'J'}), " +
        "(k:Node {name: 'K'}), (l:Node {name: 'L'}) " +
        'CREATE (a)-[:CONNECTED]->(b) CREATE (a)-[:CONNECTED]->(c) CREATE (b)-[:CONNECTED]->(d) CREATE (b)-[:CONNECTED]->(e) ' +
        'CREATE (c)-[:CONNECTED]->(f) CREATE (c)-[:CONNECTED]->(g) CREATE (d)-[:CONNECTED]->(h) CREATE (d)-[:CONNECTED]->(i) ' +
        'CREATE (e)-[:CONNECTED]->(j) CREATE (e)-[:CONNECTED]->(k) CREATE (f)-[:CONNECTED]->(l)',
    );
  });

  test.each([
    ['USING HOPS LIMIT 5 MATCH p=(a)-[:CONNECTED *]->(e) RETURN p', ['AB', 'ABD', 'ABDH', 'ABE', 'AC']],
    ['USING HOPS LIMIT 5 MATCH p=(a)-[:CONNECTED *]-(e) RETURN p', ['AB', 'ABD', 'ABE', 'AC']],
    ['USING HOPS LIMIT 5 MATCH p=(a)-[:CONNECTED]->(b) RETURN p', ['AB', 'AC', 'BD', 'BE', 'CF']],
    ['USING HOPS LIMIT 5 MATCH p=(a)-[:CONNECTED]-(b) RETURN p', ['AB', 'AC', 'BA', 'BD', 'BE']],
  ])('%s', async (query, paths) => {
    const res = await driver.executeQuery(query.replace('RETURN p', "RETURN reduce(s = '', n IN nodes(p) | s + n.name) AS p"));
    expect(column(res.records, 'p')).toEqual(paths);
  });
});

describe('DETACH DELETE n, then SET or REMOVE on n in the same query', () => {
  beforeEach(async () => {
    await driver.executeQuery('CREATE (:Label {prop: 1})-[:T {prop: 1}]->(:Other)');
  });

  test.each([
    'MATCH (n:Label) DETACH DELETE n SET n.prop = 2',
    'MATCH (n:Label) DETACH DELETE n REMOVE n.prop',
    'MATCH (n:Label) DETACH DELETE n SET n:Extra',
    'MATCH (n:Label) DETACH DELETE n REMOVE n:Label',
    'MATCH (n:Label) DETACH DELETE n SET n += {prop: 2}',
    'MATCH (n:Label) DETACH DELETE n SET n = {prop: 2}',
    'MATCH ()-[r:T]->() DELETE r SET r.prop = 2',
  ])('%s succeeds with no rows and the entity stays deleted (Memgraph)', async (query) => {
    const res = await driver.executeQuery(query);
    expect(res.records).toEqual([]);
    const left = await driver.executeQuery('MATCH (n) OPTIONAL MATCH (n)-[r]->() RETURN count(DISTINCT n) AS nodes, count(r) AS rels');
    const expected = query.includes('DELETE r') ? [2, 0] : [1, 0];
    expect([left.records[0].get('nodes').toNumber(), left.records[0].get('rels').toNumber()]).toEqual(expected);
  });

  test('returning the deleted node afterwards still fails, and nothing is committed', async () => {
    await expect(driver.executeQuery('MATCH (n:Label) DETACH DELETE n SET n.prop = 2 RETURN n')).rejects.toMatchObject({
      code: 'Neo.ClientError.Statement.EntityNotFound',
      message: 'Trying to return a deleted node.',
    });
    const left = await driver.executeQuery('MATCH (n:Label) RETURN n.prop AS prop');
    expect(left.records.map((r) => r.get('prop').toNumber())).toEqual([1]);
  });
});

describe('collect(key, value)', () => {
  test('builds the map: null values skipped, the first value of a key kept', async () => {
    const res = await driver.executeQuery("UNWIND [['a', 1], ['b', null], ['a', 3], ['c', 2]] AS kv RETURN collect(kv[0], kv[1]) AS m");
    expect(res.records[0].get('m')).toEqual({ a: neo4j.int(1), c: neo4j.int(2) });
  });

  test.each(["UNWIND [[1, 'x']] AS kv RETURN collect(kv[0], kv[1]) AS m", "UNWIND [[null, 'x']] AS kv RETURN collect(kv[0], kv[1]) AS m"])(
    '%s is refused with Memgraph\'s text',
    async (query) => {
      await expect(driver.executeQuery(query)).rejects.toMatchObject({ code: 'Memgraph.ClientError.MemgraphError.MemgraphError', message: 'Map key must be a string.' });
    },
  );
});

describe('durations', () => {
  test('ORDER BY sorts by length, as Memgraph (P11DT60H after P12DT3M); the value keeps its components', async () => {
    await driver.executeQuery("CREATE ({a: duration('P12DT3M')}), ({a: duration('P11DT8M')}), ({a: duration('P11DT60H')})");
    const res = await driver.executeQuery('MATCH (n) RETURN toString(n.a) AS a ORDER BY n.a');
    // Memgraph shows the last as P13DT12H; openCypher's TCK (Temporal6/7) keeps hours apart from days.
    expect(column(res.records, 'a')).toEqual(['P11DT8M', 'P12DT3M', 'P11DT60H']);
    const desc = await driver.executeQuery('MATCH (n) RETURN toString(n.a) AS a ORDER BY n.a DESC');
    expect(column(desc.records, 'a')).toEqual(['P11DT60H', 'P12DT3M', 'P11DT8M']);
  });
});

describe('min() and max() over mixed types follow openCypher', () => {
  test('the TCK\'s Aggregation2 answers, where Memgraph would refuse', async () => {
    const res = await driver.executeQuery("UNWIND [1, 'a', null, [1, 2], 0.2, 'b'] AS x RETURN max(x) AS hi, min(x) AS lo");
    expect(res.records[0].get('hi')).toEqual(neo4j.int(1));
    expect(res.records[0].get('lo')).toEqual([neo4j.int(1), neo4j.int(2)]);
  });
});
