// Memgraph's dialect end to end: neo4j-driver against a real mgha process on loopback.
import neo4j, { type Driver } from 'neo4j-driver';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let driver: Driver;

beforeAll(async () => {
  server = await startServer();
  driver = neo4j.driver(server.boltUrl, neo4j.auth.basic('', ''));
});

afterAll(async () => {
  await driver?.close();
  expect(await server?.stop()).toBe(0);
});

beforeEach(async () => {
  await driver.executeQuery('MATCH (n) DETACH DELETE n');
});

describe('procedures', () => {
  test('mg.procedures() YIELD * answers with Memgraph\'s columns and lists the schema procedures', async () => {
    const res = await driver.executeQuery('CALL mg.procedures() YIELD *');
    expect(res.keys).toEqual(['name', 'signature', 'is_write', 'path', 'is_editable']);
    const names = res.records.map((r) => r.get('name') as string);
    expect(names).toEqual(expect.arrayContaining(['mg.procedures', 'mg.functions', 'db.labels', 'schema.node_type_properties', 'schema.rel_type_properties']));
  });

  test('the LangChain Memgraph schema query runs unchanged', async () => {
    await driver.executeQuery("CREATE (:Person {name: 'Ada'})-[:KNOWS]->(:Person {name: 'Grace'})");
    const res = await driver.executeQuery(
      'CALL schema.node_type_properties() YIELD nodeType AS label, propertyName AS property, propertyTypes AS type ' +
        'WITH label AS nodeLabels, collect({key: property, types: type}) AS properties ' +
        'RETURN {labels: nodeLabels, properties: properties} AS output',
    );
    expect(res.records.map((r) => r.get('output') as unknown)).toEqual([{ labels: ':`Person`', properties: [{ key: 'name', types: ['String'] }] }]);
  });

  test('db.labels() standalone, and composed with MATCH', async () => {
    await driver.executeQuery('CREATE (:A), (:B)');
    const all = await driver.executeQuery('CALL db.labels()');
    expect(all.records.map((r) => r.get('label') as string)).toEqual(['A', 'B']);
    const composed = await driver.executeQuery('MATCH (n:A) CALL db.labels() YIELD label WHERE label <> "A" RETURN labels(n) AS mine, label');
    expect(composed.records.map((r) => [r.get('mine'), r.get('label')])).toEqual([[['A'], 'B']]);
  });

  test('schema.assert creates an index and a unique constraint, reported with Memgraph\'s columns', async () => {
    const res = await driver.executeQuery("CALL schema.assert({Person: ['name']}, {Person: [['email']]}) YIELD *");
    expect(res.keys).toEqual(['label', 'key', 'keys', 'unique', 'action']);
    expect(res.records.map((r) => r.toObject())).toEqual([
      { label: 'Person', key: 'name', keys: ['name'], unique: false, action: 'Created' },
      { label: 'Person', key: '[email]', keys: ['email'], unique: true, action: 'Created' },
    ]);
    const cleared = await driver.executeQuery('CALL schema.assert({}, {}) YIELD action RETURN collect(action) AS actions');
    expect(cleared.records[0].get('actions')).toEqual(['Dropped', 'Dropped']);
  });

  test('unknown procedure: Memgraph\'s error text', async () => {
    await expect(driver.executeQuery('CALL nope.nothing() YIELD x RETURN x')).rejects.toMatchObject({ message: "There is no procedure named 'nope.nothing'." });
  });
});

describe('path expansions', () => {
  beforeEach(async () => {
    await driver.executeQuery(
      "CREATE (a:Node {name: 'A'}), (b:Node {name: 'B'}), (c:Node {name: 'C'}), (d:Node {name: 'D'}), (e:Node {name: 'E'}), " +
        '(a)-[:T {weight: 4}]->(b), (a)-[:T {weight: 2}]->(d), (d)-[:T {weight: 1}]->(b), (b)-[:T {weight: 5}]->(e), (a)-[:T {weight: 20}]->(c), (c)-[:T {weight: 1}]->(e)',
    );
  });

  test('*BFS returns one shortest path as a Path', async () => {
    const res = await driver.executeQuery("MATCH p = (a {name: 'A'})-[*BFS]->(e {name: 'E'}) RETURN p");
    expect(res.records).toHaveLength(1);
    expect(res.records[0].get('p').length).toBe(2);
  });

  test('*WSHORTEST with a total weight and a filter lambda; *ALLSHORTEST', async () => {
    const w = await driver.executeQuery("MATCH p = (a {name: 'A'})-[*WSHORTEST (r, n | r.weight) total]->(e {name: 'E'}) RETURN [x IN nodes(p) | x.name] AS walk, total");
    expect(w.records.map((r) => [r.get('walk'), r.get('total').toNumber()])).toEqual([[['A', 'D', 'B', 'E'], 8]]);
    const f = await driver.executeQuery("MATCH (a {name: 'A'})-[*WSHORTEST (r, n | r.weight) total (r, n | n.name <> 'B')]->(e {name: 'E'}) RETURN total");
    expect(f.records[0].get('total').toNumber()).toBe(21);
    const all = await driver.executeQuery("MATCH (a {name: 'A'})-[*ALLSHORTEST (r, n | 1) total]->(e {name: 'E'}) RETURN total");
    expect(all.records.map((r) => r.get('total').toNumber())).toEqual([2, 2]);
  });
});

test('PROFILE answers with Memgraph\'s columns', async () => {
  const res = await driver.executeQuery('PROFILE MATCH (n) RETURN n');
  expect(res.keys).toEqual(['OPERATOR', 'ACTUAL HITS', 'RELATIVE TIME', 'ABSOLUTE TIME']);
  expect(res.records.map((r) => r.get('OPERATOR') as string)).toEqual([' * Produce {n}', ' * ScanAll (n)', ' * Once']);
});
