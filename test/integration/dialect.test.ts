// Memgraph's dialect end to end: neo4j-driver against a real mgha process on loopback.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { serverWithDriver, startServer, type TestServer } from '../helpers/server.js';

const env = serverWithDriver();
let server: TestServer;
let driver: Driver;
beforeAll(() => {
  ({ server, driver } = env);
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

  const pair = "MATCH (a {name: 'A'}), (e {name: 'E'}) WITH a, e ";
  const walks = async (expansion: string, prefix = pair): Promise<string[]> => {
    const res = await driver.executeQuery(`${prefix}MATCH p = (a)-[${expansion}]->(e) RETURN [x IN nodes(p) | x.name] AS walk`);
    return res.records.map((r) => (r.get('walk') as string[]).join(''));
  };

  test('*KSHORTEST between two matched nodes: loopless paths by hop count, bounds, | k per row, a filter lambda', async () => {
    const all = await walks('*KSHORTEST');
    expect(all).toHaveLength(3);
    expect(new Set(all.slice(0, 2))).toEqual(new Set(['ABE', 'ACE']));
    expect(all[2]).toBe('ADBE');
    expect(await walks('*KSHORTEST | 1')).toHaveLength(1);
    expect(await walks('*KSHORTEST|5')).toHaveLength(3);
    expect(await walks('*KSHORTEST 3..4')).toEqual(['ADBE']);
    expect(await walks('*KSHORTEST 4..3')).toEqual([]);
    expect(await walks("r:T *KSHORTEST (rel, n | n.name <> 'B')")).toEqual(['ACE']);
    // The limit is evaluated per input row, and 0 asks for nothing.
    const perRow = await driver.executeQuery(
      "UNWIND [2, 0, 1] AS k MATCH (a {name: 'A'}), (e {name: 'E'}) WITH k, a, e MATCH (a)-[r *KSHORTEST | k]->(e) RETURN k, size(r) AS hops",
    );
    expect(perRow.records.map((r) => [r.get('k').toNumber(), r.get('hops').toNumber()])).toEqual([[2, 2], [2, 2], [1, 2]]);
  });

  test.each([
    ["MATCH p = (a {name: 'A'})-[*KSHORTEST]->(e {name: 'E'}) RETURN p", 'KSHORTEST expansion requires matched nodes. Try capturing the pair of nodes using a WITH clause.'],
    [`${pair}MATCH p = (a)-[*KSHORTEST | (0 - 1)]->(e) RETURN p`, 'Limit in KSHORTEST path expansion must not be negative.'],
    [`${pair}MATCH p = (a)-[*KSHORTEST 1..0]->(e) RETURN p`, 'Maximum depth in KSHORTEST path expansion must be at least 1.'],
    [`${pair}MATCH p = (a)-[*KSHORTEST | 2 (r, n, q | true)]->(e) RETURN p`, 'KSHORTEST expansion does not support the accumulated path in a filter lambda.'],
    [`${pair}MATCH p = (a)-[*KSHORTEST | 2 (r, n | 1) (r, n | true)]->(e) RETURN p`, 'Only one filter lambda can be supplied.'],
    [`${pair}MATCH p = (a)-[*BFS | 2]->(e) RETURN p`, 'Limit parameter is only supported with KSHORTEST path expansion.'],
    [`${pair}MATCH p = (a)-[*KSHORTEST | 2 (r, n | r.weight) total]->(e) RETURN p`, 'Weighted *KSHORTEST is not supported yet.'],
  ])('%s is refused with Memgraph\'s text', async (query, message) => {
    await expect(driver.executeQuery(query)).rejects.toMatchObject({ code: 'Memgraph.ClientError.MemgraphError.MemgraphError', message });
  });
});

test('PROFILE answers with Memgraph\'s columns', async () => {
  const res = await driver.executeQuery('PROFILE MATCH (n) RETURN n');
  expect(res.keys).toEqual(['OPERATOR', 'ACTUAL HITS', 'RELATIVE TIME', 'ABSOLUTE TIME']);
  expect(res.records.map((r) => r.get('OPERATOR') as string)).toEqual([' * Produce {n}', ' * ScanAll (n)', ' * Once']);
});

describe('LOAD CSV', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-csv-'));
    fs.writeFileSync(path.join(dir, 'people.csv'), 'name,age,city\nAda,36,London\n"Lovelace, A",,\nGrace,85,NA\n');
    fs.writeFileSync(path.join(dir, 'semi.csv'), "1;'a;b'\n2;'c'\n");
    fs.writeFileSync(path.join(dir, 'bad.csv'), 'a,b\n1,2\n3\n4,5\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('WITH HEADER binds a map per row and drives CREATE', async () => {
    const file = path.join(dir, 'people.csv');
    const res = await driver.executeQuery(`LOAD CSV FROM '${file}' WITH HEADER AS row CREATE (p:Person {name: row.name, age: toInteger(row.age)}) RETURN p.name AS name, p.age AS age`);
    expect(res.records.map((r) => [r.get('name'), r.get('age')?.toNumber() ?? null])).toEqual([['Ada', 36], ['Lovelace, A', null], ['Grace', 85]]);
    const rows = await driver.executeQuery(`LOAD CSV FROM $file WITH HEADER NULLIF 'NA' AS row RETURN row`, { file });
    expect(rows.records.map((r) => r.get('row') as unknown)).toEqual([
      { name: 'Ada', age: '36', city: 'London' },
      { name: 'Lovelace, A', age: '', city: '' },
      { name: 'Grace', age: '85', city: null },
    ]);
  });

  test('NO HEADER with DELIMITER and QUOTE binds a list of strings', async () => {
    const res = await driver.executeQuery(`LOAD CSV FROM '${path.join(dir, 'semi.csv')}' NO HEADER DELIMITER ';' QUOTE "'" AS row RETURN row`);
    expect(res.records.map((r) => r.get('row') as unknown)).toEqual([['1', 'a;b'], ['2', 'c']]);
  });

  test('bad rows fail with Memgraph\'s text, or are skipped with IGNORE BAD', async () => {
    const file = path.join(dir, 'bad.csv');
    await expect(driver.executeQuery(`LOAD CSV FROM '${file}' WITH HEADER AS row RETURN row`)).rejects.toMatchObject({
      code: 'Memgraph.ClientError.MemgraphError.MemgraphError',
      message: 'CSV Reader: Bad row at line 3: Expected 2 columns in row 3, but got 1',
    });
    const res = await driver.executeQuery(`LOAD CSV FROM '${file}' WITH HEADER IGNORE BAD AS row RETURN row.a AS a`);
    expect(res.records.map((r) => r.get('a') as string)).toEqual(['1', '4']);
  });

  test('file access: a missing file, and a non-literal path, answer Memgraph\'s errors', async () => {
    const missing = path.join(dir, 'missing.csv');
    await expect(driver.executeQuery(`LOAD CSV FROM '${missing}' NO HEADER AS row RETURN row`)).rejects.toMatchObject({ message: `CSV file not found: ${missing}` });
    await expect(driver.executeQuery('LOAD CSV FROM 1 NO HEADER AS row RETURN row')).rejects.toMatchObject({ message: 'CSV file path should be a string literal' });
    await expect(driver.executeQuery(`LOAD CSV FROM '${missing}' NO HEADER DELIMITER 1 AS row RETURN row`)).rejects.toMatchObject({ message: 'Delimiter should be a string literal' });
  });

  test('a large file is streamed: 1,000,000 rows counted without materialising them', async () => {
    const file = path.join(dir, 'big.csv');
    const fd = fs.openSync(file, 'w');
    const chunk = Array.from({ length: 10000 }, (_, i) => `${i},name-${i},${i * 2}`).join('\n') + '\n';
    for (let i = 0; i < 100; i++) fs.writeSync(fd, chunk);
    fs.closeSync(fd);
    const started = Date.now();
    const res = await driver.executeQuery(`LOAD CSV FROM '${file}' NO HEADER AS row RETURN count(row) AS n, sum(toInteger(row[2])) AS total`);
    console.log(`LOAD CSV: 1,000,000 rows (${(fs.statSync(file).size / 1e6).toFixed(1)} MB) counted in ${Date.now() - started} ms`);
    expect(res.records[0].get('n').toNumber()).toBe(1_000_000);
    expect(res.records[0].get('total').toNumber()).toBe(100 * 9999 * 10000);
  });

  test('--allow-load-csv=false refuses it with Memgraph\'s text', async () => {
    const other = await startServer(['--allow-load-csv=false']);
    const d = neo4j.driver(other.boltUrl, neo4j.auth.basic('', ''));
    try {
      await expect(d.executeQuery(`LOAD CSV FROM '${path.join(dir, 'semi.csv')}' NO HEADER AS row RETURN row`)).rejects.toMatchObject({
        message: 'Load CSV not allowed on this instance because it was disabled by a config.',
      });
    } finally {
      await d.close();
      expect(await other.stop()).toBe(0);
    }
  });
});

describe('server introspection', () => {
  test('SHOW VERSION, SHOW DATABASE(S) and SHOW CONFIG with Memgraph\'s columns', async () => {
    const version = await driver.executeQuery('SHOW VERSION');
    expect(version.keys).toEqual(['version']);
    expect(version.records[0].get('version')).toMatch(/^\d+\.\d+\.\d+/);
    expect((await driver.executeQuery('SHOW DATABASE')).records.map((r) => r.toObject())).toEqual([{ Current: 'memgraph' }]);
    expect((await driver.executeQuery('SHOW DATABASES')).records.map((r) => r.toObject())).toEqual([{ Name: 'memgraph' }]);
    const config = await driver.executeQuery('SHOW CONFIG');
    expect(config.keys).toEqual(['name', 'default_value', 'current_value', 'description']);
    const port = config.records.find((r) => r.get('name') === 'bolt_port');
    expect([port?.get('default_value'), port?.get('current_value')]).toEqual(['7687', String(server.boltPort)]);
  });

  test('SHOW VERSION after another statement of an explicit transaction: Memgraph\'s refusal', async () => {
    const session = driver.session();
    const tx = await session.beginTransaction();
    try {
      await tx.run('RETURN 1');
      await expect(tx.run('SHOW VERSION')).rejects.toMatchObject({ message: 'Version info query not allowed in multicommand transactions.' });
    } finally {
      await tx.close();
      await session.close();
    }
  });
});

describe('SHOW TRANSACTIONS / TERMINATE TRANSACTIONS', () => {
  test('lists open transactions with their queries and metadata; terminating one aborts it with Memgraph\'s text', async () => {
    const busy = driver.session();
    const tx = await busy.beginTransaction({ metadata: { app: 'etl' } });
    await tx.run('CREATE (:Pending)');
    const running = tx.run('UNWIND range(1, 100000000) AS x WITH x WHERE x < 0 RETURN count(x)');
    const failed = running.summary().then(
      () => null,
      (e: unknown) => e,
    );
    try {
      const show = await driver.executeQuery('SHOW TRANSACTIONS');
      expect(show.keys).toEqual(['username', 'transaction_id', 'query', 'status', 'metadata']);
      const mine = show.records.find((r) => (r.get('query') as string[]).includes('CREATE (:Pending)'));
      expect(mine?.toObject()).toMatchObject({ username: '', status: 'running', metadata: { app: 'etl' } });
      expect(mine?.get('query')).toEqual(['CREATE (:Pending)', 'UNWIND range(1, 100000000) AS x WITH x WHERE x < 0 RETURN count(x)']);
      const id = mine?.get('transaction_id') as string;
      expect(id).toMatch(/^\d+$/);
      const killed = await driver.executeQuery('TERMINATE TRANSACTIONS $id, "1"', { id });
      expect(killed.keys).toEqual(['transaction_id', 'killed']);
      expect(killed.records.map((r) => r.toObject())).toEqual([
        { transaction_id: '1', killed: false },
        { transaction_id: id, killed: true },
      ]);
      expect(await failed).toMatchObject({ message: 'Transaction was asked to abort by another user.' });
      const after = await driver.executeQuery('SHOW TRANSACTIONS');
      expect(after.records.map((r) => r.get('transaction_id') as string)).not.toContain(id);
    } finally {
      await tx.close().catch(() => undefined);
      await busy.close();
    }
    expect((await driver.executeQuery('MATCH (n:Pending) RETURN count(n) AS n')).records[0].get('n').toNumber()).toBe(0);
  });
});

describe('triggers', () => {
  const waitFor = async <T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const v = await read();
      if (ok(v) || Date.now() > deadline) return v;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const count = async (q: string): Promise<number> => (await driver.executeQuery(q)).records[0].get(0).toNumber() as number;

  test('CREATE / SHOW / DROP TRIGGER with Memgraph\'s columns, notifications and texts; BEFORE and AFTER COMMIT see the predefined variables', async () => {
    const created = await driver.executeQuery('CREATE TRIGGER stamp ON () CREATE BEFORE COMMIT EXECUTE UNWIND createdVertices AS n SET n.stamped = true');
    expect(created.summary.notifications.map((n) => [n.code, n.title])).toEqual([['CreateTrigger', 'Created trigger stamp.']]);
    try {
      await driver.executeQuery('CREATE TRIGGER audit ON () UPDATE AFTER COMMIT EXECUTE UNWIND setVertexProperties AS e CREATE (:Audit {key: e.key, old: e.old, new: e.new})');
      await driver.executeQuery('CREATE TRIGGER gone ON DELETE AFTER COMMIT EXECUTE UNWIND deletedVertices AS v CREATE (:Gone {name: v.name})');
      await expect(driver.executeQuery('CREATE TRIGGER stamp AFTER COMMIT EXECUTE RETURN 1')).rejects.toMatchObject({ message: 'Trigger with the same name already exists.' });
      await expect(driver.executeQuery('CREATE TRIGGER bad ON () CREATE BEFORE COMMIT EXECUTE UNWIND deletedVertices AS n RETURN n')).rejects.toMatchObject({
        message: expect.stringContaining('Variable `deletedVertices` not defined') as unknown,
      });
      const show = await driver.executeQuery('SHOW TRIGGERS');
      expect(show.keys).toEqual(['trigger name', 'statement', 'event type', 'phase', 'owner']);
      expect(show.records.map((r) => [r.get('trigger name'), r.get('event type'), r.get('phase')])).toEqual([
        ['stamp', '() CREATE', 'BEFORE COMMIT'],
        ['audit', '() UPDATE', 'AFTER COMMIT'],
        ['gone', 'DELETE', 'AFTER COMMIT'],
      ]);

      await driver.executeQuery("CREATE (:Person {name: 'Ada'})");
      // BEFORE COMMIT ran inside the creating transaction: its change committed with it.
      expect(await count('MATCH (p:Person {stamped: true}) RETURN count(p)')).toBe(1);
      await driver.executeQuery("MATCH (p:Person) SET p.name = 'Grace'");
      const audit = await waitFor(
        async () => (await driver.executeQuery('MATCH (a:Audit) RETURN a.key AS key, a.old AS old, a.new AS new')).records.map((r) => r.toObject()),
        (rows) => rows.length > 0,
      );
      expect(audit).toEqual([{ key: 'name', old: 'Ada', new: 'Grace' }]);
      await driver.executeQuery('MATCH (p:Person) DETACH DELETE p');
      const gone = await waitFor(
        async () => (await driver.executeQuery('MATCH (g:Gone) RETURN g.name AS name')).records.map((r) => r.get('name') as string),
        (names) => names.length > 0,
      );
      expect(gone).toEqual(['Grace']);
    } finally {
      for (const name of ['stamp', 'audit', 'gone']) await driver.executeQuery(`DROP TRIGGER ${name}`).catch(() => undefined);
    }
    expect((await driver.executeQuery('SHOW TRIGGERS')).records).toHaveLength(0);
    await expect(driver.executeQuery('DROP TRIGGER stamp')).rejects.toMatchObject({ message: "Trigger with name 'stamp' doesn't exist" });
  });

  test('trigger statements are refused after other statements of an explicit transaction', async () => {
    const session = driver.session();
    const tx = await session.beginTransaction();
    try {
      await tx.run('RETURN 1');
      await expect(tx.run('SHOW TRIGGERS')).rejects.toMatchObject({ message: 'Trigger queries not allowed in multicommand transactions.' });
    } finally {
      await tx.close();
      await session.close();
    }
  });
});

describe('nested and dynamic updates, label alternatives', () => {
  test('SET n.a.b = v, SET n.a += {…} and REMOVE n.a.b update map properties in place', async () => {
    await driver.executeQuery("CREATE (:Cfg {details: {ip: '10.0.0.1', keep: 'k'}})");
    const set = await driver.executeQuery("MATCH (n:Cfg) SET n.details.ip = '127.0.0.1', n.details.tls.enabled = true, n.extra.x = 1 RETURN n.details AS d, n.extra AS e");
    expect(set.records[0].toObject()).toEqual({ d: { ip: '127.0.0.1', keep: 'k', tls: { enabled: true } }, e: { x: neo4j.int(1) } });
    const merged = await driver.executeQuery('MATCH (n:Cfg) SET n.details += {keep: null, port: 7687} RETURN n.details AS d');
    expect(merged.records[0].get('d')).toEqual({ ip: '127.0.0.1', tls: { enabled: true }, port: neo4j.int(7687) });
    const removed = await driver.executeQuery('MATCH (n:Cfg) REMOVE n.details.tls.enabled RETURN n.details.tls AS t');
    expect(removed.records[0].get('t')).toEqual({});
    await expect(driver.executeQuery("MATCH (n:Cfg) SET n.details.ip.v4 = 'x'")).rejects.toMatchObject({
      message: "Nested property update expects property 'ip' to be a map, got STRING.",
    });
  });

  test('dynamic labels from parameters and expressions in CREATE, MATCH, SET and REMOVE', async () => {
    const created = await driver.executeQuery('CREATE (n:$label:Fixed {k: 1}) RETURN labels(n) AS l', { label: ['Dyn', 'Two'] });
    expect(created.records[0].get('l')).toEqual(['Fixed', 'Dyn', 'Two']);
    const set = await driver.executeQuery("MATCH (n:$label) SET n:$('Three') REMOVE n:$(['Two']) RETURN labels(n) AS l", { label: 'Dyn' });
    expect(set.records[0].get('l')).toEqual(['Fixed', 'Dyn', 'Three']);
    await expect(driver.executeQuery('MATCH (n:$(1)) RETURN n')).rejects.toMatchObject({ message: 'A dynamic label must be a STRING or a LIST of STRINGs, got INTEGER.' });
  });

  test('(n:A|B) matches nodes with either label; CREATE refuses it', async () => {
    await driver.executeQuery('CREATE (:A {x: 1}), (:B {x: 2}), (:C {x: 3}), (:A:B {x: 4})');
    const res = await driver.executeQuery('MATCH (n:A|B) RETURN n.x AS x ORDER BY x');
    expect(res.records.map((r) => r.get('x').toNumber())).toEqual([1, 2, 4]);
    await expect(driver.executeQuery('CREATE (n:A|B)')).rejects.toMatchObject({ message: 'Label alternatives (:A|B) can only be used in MATCH.' });
  });
});

test('FREE MEMORY and STORAGE MODE IN_MEMORY_TRANSACTIONAL are accepted', async () => {
  expect((await driver.executeQuery('FREE MEMORY')).records).toEqual([]);
  expect((await driver.executeQuery('STORAGE MODE IN_MEMORY_TRANSACTIONAL')).records).toEqual([]);
});

test('scoped CALL (x) { … } sees only the variables it imports', async () => {
  const res = await driver.executeQuery('UNWIND [1, 2] AS x UNWIND [10] AS y CALL (x) { RETURN x * 2 AS d } RETURN x, d');
  expect(res.records.map((r) => [r.get('x').toNumber(), r.get('d').toNumber()])).toEqual([[1, 2], [2, 4]]);
  await expect(driver.executeQuery('UNWIND [1] AS x UNWIND [10] AS y CALL (x) { RETURN y AS d } RETURN d')).rejects.toMatchObject({
    message: expect.stringContaining('Variable `y` not defined') as unknown,
  });
});

test.each([
  ['CREATE TEXT INDEX t ON :L', 'CREATE TEXT INDEX is not supported yet.'],
  ['STORAGE MODE IN_MEMORY_ANALYTICAL', 'STORAGE MODE IN_MEMORY_ANALYTICAL is not supported yet.'],
  ['DUMP DATABASE', 'DUMP DATABASE is not supported yet.'],
])('%s answers Memgraph-style "not supported yet", not a syntax error', async (query, message) => {
  await expect(driver.executeQuery(query)).rejects.toMatchObject({ code: 'Memgraph.ClientError.MemgraphError.MemgraphError', message });
});

test('points: a 3-D point\'s crs is its 2-D family\'s name; a missing component is Memgraph\'s error, not null', async () => {
  const res = await driver.executeQuery('WITH point({longitude: 1, latitude: 2, height: 3}) AS g RETURN g.crs AS crs, g.height AS h, point({x: 1, y: 2, z: 3}).crs AS c');
  expect([res.records[0].get('crs'), res.records[0].get('h'), res.records[0].get('c')]).toEqual(['wgs-84', 3, 'cartesian']);
  await expect(driver.executeQuery('RETURN point({x: 1, y: 2}).z')).rejects.toMatchObject({
    code: 'Memgraph.ClientError.MemgraphError.MemgraphError',
    message: 'Invalid property name z for Point2d',
  });
  await expect(driver.executeQuery('RETURN point({x: 1, y: 2}).longitude')).rejects.toMatchObject({ message: 'Use x instead of longitude for cartesian point types' });
});

test('USING HOPS LIMIT returns partial results; getHopsCounter() reports the expansions', async () => {
  await driver.executeQuery('CREATE (a:Hub) WITH a UNWIND range(1, 10) AS i CREATE (a)-[:T]->(:Leaf {i: i})');
  const limited = await driver.executeQuery('USING HOPS LIMIT 4 MATCH (:Hub)-[:T]->(l) WITH count(l) AS n RETURN n, getHopsCounter() AS hops');
  expect([limited.records[0].get('n').toNumber(), limited.records[0].get('hops').toNumber()]).toEqual([4, 4]);
  const all = await driver.executeQuery('MATCH (:Hub)-[:T]->(l) WITH count(l) AS n RETURN n, getHopsCounter() AS hops');
  expect([all.records[0].get('n').toNumber(), all.records[0].get('hops').toNumber()]).toEqual([10, 10]);
});

test('collect(key, value) builds a map, as in Memgraph; a non-string key and extra arguments are refused', async () => {
  const res = await driver.executeQuery("UNWIND [['a', 1], ['b', 2], ['c', null]] AS kv RETURN collect(kv[0], kv[1]) AS m");
  expect(res.records[0].get('m')).toEqual({ a: neo4j.int(1), b: neo4j.int(2) });
  expect((await driver.executeQuery('UNWIND [] AS kv RETURN collect(kv[0], kv[1]) AS m')).records[0].get('m')).toEqual({});
  await expect(driver.executeQuery('UNWIND [[1, 1]] AS kv RETURN collect(kv[0], kv[1]) AS m')).rejects.toMatchObject({ message: 'Map key must be a string.' });
  await expect(driver.executeQuery('RETURN collect(1, 2, 3) AS m')).rejects.toMatchObject({ message: 'collect() takes 1 or 2 arguments, got 3.' });
});
