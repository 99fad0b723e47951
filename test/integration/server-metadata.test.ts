// Memgraph's enums, server-side parameters and descriptions end to end: neo4j-driver
// against real mgha processes, across a restart (WAL, then a snapshot) and to a replica.
import fs from 'node:fs';
import path from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { startServer, withDriver, type TestServer } from '../helpers/server.js';
import { dataDir, run, startMain, startMainWithSyncReplica, startReplica, trackServers, waitCaughtUp } from '../helpers/replication.js';

const MEMGRAPH_ERROR = 'Memgraph.ClientError.MemgraphError.MemgraphError';
const { track } = trackServers();

function server(extra: string[] = []): Promise<TestServer> {
  return track(startServer(extra));
}

async function query(s: TestServer, text: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>[]> {
  return withDriver(s.boltUrl, async (driver: Driver) => {
    const session = driver.session();
    try {
      const res = await session.run(text, params);
      return res.records.map((r) => r.toObject() as Record<string, unknown>);
    } finally {
      await session.close();
    }
  });
}

const mgEnum = (value: string): Record<string, string> => ({ __type: 'mg_enum', __value: value });

describe('enums', () => {
  test('CREATE ENUM, SHOW ENUMS, values stored, compared and returned as Memgraph sends them', async () => {
    const s = await server();
    expect(await query(s, 'CREATE ENUM Status VALUES { Good, Okay, Bad };')).toEqual([]);
    expect(await query(s, 'SHOW ENUMS')).toEqual([{ 'Enum Name': 'Status', 'Enum Values': ['Good', 'Okay', 'Bad'] }]);
    await query(s, 'CREATE (:Machine {id: 1, status: Status::Good}), (:Machine {id: 2, status: Status::Bad})');
    expect(await query(s, 'MATCH (n:Machine) WHERE n.status = Status::Bad RETURN n.id AS id')).toEqual([{ id: neo4j.int(2) }]);
    expect(await query(s, 'MATCH (n:Machine {id: 1}) RETURN n.status AS s, n.status = ToEnum("Status", "Good") AS a, n.status = ToEnum("Status::Good") AS b')).toEqual([
      { s: mgEnum('Status::Good'), a: true, b: true },
    ]);
    const nodes = await query(s, 'MATCH (n:Machine {id: 2}) RETURN n');
    expect((nodes[0].n as { properties: Record<string, unknown> }).properties.status).toEqual(mgEnum('Status::Bad'));
    expect(await query(s, 'RETURN Status::Okay = Status::Okay AS same, Status::Okay = Status::Good AS other, Status::Okay = "Okay" AS str')).toEqual([
      { same: true, other: false, str: false },
    ]);
  });

  test('ALTER ENUM ADD VALUE / UPDATE VALUE: stored values follow a rename', async () => {
    const s = await server();
    await query(s, 'CREATE ENUM Location VALUES { York, Zagreb }');
    await query(s, 'CREATE ({prop: Location::York})');
    await query(s, 'ALTER ENUM Location ADD VALUE London;');
    expect(await query(s, 'SHOW ENUMS')).toEqual([{ 'Enum Name': 'Location', 'Enum Values': ['York', 'Zagreb', 'London'] }]);
    await query(s, 'ALTER ENUM Location UPDATE VALUE York TO `New York`');
    expect(await query(s, 'MATCH (n) RETURN n.prop AS p')).toEqual([{ p: mgEnum('Location::New York') }]);
    expect(await query(s, 'SHOW ENUMS')).toEqual([{ 'Enum Name': 'Location', 'Enum Values': ['New York', 'Zagreb', 'London'] }]);
  });

  test('an unknown enum value fails with Memgraph\'s text; an existing enum or value cannot be created twice', async () => {
    const s = await server();
    await query(s, 'CREATE ENUM Status VALUES { Good, Bad }');
    await expect(query(s, 'RETURN Status::Great')).rejects.toMatchObject({ code: MEMGRAPH_ERROR, message: "Enum value 'Great' in enum 'Status' not found." });
    await expect(query(s, 'RETURN Color::Red')).rejects.toMatchObject({ message: "Enum value 'Red' in enum 'Color' not found." });
    await expect(query(s, 'CREATE ENUM Status VALUES { A }')).rejects.toMatchObject({ code: MEMGRAPH_ERROR });
    await expect(query(s, 'ALTER ENUM Status ADD VALUE Good')).rejects.toMatchObject({ code: MEMGRAPH_ERROR });
    await expect(query(s, 'DROP ENUM Status')).rejects.toMatchObject({ code: MEMGRAPH_ERROR, message: 'DROP ENUM is not supported yet.' });
  });
});

describe('server-side parameters', () => {
  test('SET GLOBAL PARAMETER, SHOW PARAMETERS (Memgraph\'s columns, JSON values), use as $x, client override, UNSET', async () => {
    const s = await server();
    await query(s, 'SET GLOBAL PARAMETER x="value"');
    await query(s, 'SET GLOBAL PARAMETER y=$config', { config: 'my_config' });
    await query(s, "SET GLOBAL PARAMETER limits = {timeout: 120, mode: 'safe'}");
    await query(s, 'SET PARAMETER ids = [10, 20, 30]');
    expect(await query(s, 'SHOW PARAMETERS')).toEqual([
      { name: 'x', value: '"value"', scope: 'global' },
      { name: 'y', value: '"my_config"', scope: 'global' },
      { name: 'limits', value: '{"timeout":120,"mode":"safe"}', scope: 'global' },
      { name: 'ids', value: '[10,20,30]', scope: 'database' },
    ]);
    await query(s, 'CREATE (:Node {property: $x, t: $limits.timeout, n: size($ids)})');
    expect(await query(s, 'MATCH (n:Node) RETURN n.property AS p, n.t AS t, n.n AS c')).toEqual([{ p: 'value', t: neo4j.int(120), c: neo4j.int(3) }]);
    expect(await query(s, 'RETURN $x AS x', { x: 'client_value' })).toEqual([{ x: 'client_value' }]);
    // The database scope wins over the global one.
    await query(s, "SET PARAMETER x = 'db_value'");
    expect(await query(s, 'RETURN $x AS x')).toEqual([{ x: 'db_value' }]);
    await query(s, 'UNSET PARAMETER x');
    await query(s, 'UNSET GLOBAL PARAMETER x');
    await query(s, 'UNSET GLOBAL PARAMETER y');
    await query(s, 'UNSET GLOBAL PARAMETER limits');
    await query(s, 'UNSET PARAMETER ids');
    expect(await query(s, 'SHOW PARAMETERS')).toEqual([]);
    // `SET parameter.x = 1` is still Cypher.
    await query(s, 'CREATE (parameter:P) SET parameter.x = 1');
    expect(await query(s, 'MATCH (p:P) RETURN p.x AS x')).toEqual([{ x: neo4j.int(1) }]);
  });
});

describe('descriptions', () => {
  test('SET / DELETE DESCRIPTION ON every documented target, SHOW DESCRIPTIONS with Memgraph\'s columns', async () => {
    const s = await server();
    const targets = [
      ['LABEL :Person', 'A person node'],
      ['LABEL :Person:Student', 'A student person'],
      ['EDGE TYPE :KNOWS', 'Knows relationship'],
      ['EDGE TYPE (:Person)-[:KNOWS]->(:Person)', 'Person knows person'],
      ['LABEL PROPERTY :Person(name)', 'Full name'],
      ['EDGE TYPE PROPERTY :KNOWS(since)', 'Year they met'],
      ['EDGE TYPE PROPERTY (:Person)-[:KNOWS]->(:Person)(since)', 'Year they met (pattern)'],
      ['PROPERTY age', 'Age in years'],
      ['DATABASE memgraph', 'Main graph database'],
    ];
    for (const [target, text] of targets) await query(s, `SET DESCRIPTION ON ${target} "${text}"`);
    await query(s, 'SET DESCRIPTION ON LABEL :Person "A person"');
    const rows = await query(s, 'SHOW DESCRIPTIONS');
    expect(Object.keys(rows[0])).toEqual(['type', 'label', 'start_node_labels', 'end_node_labels', 'property', 'description']);
    expect(rows).toEqual([
      { type: 'label', label: 'Person', start_node_labels: null, end_node_labels: null, property: null, description: 'A person' },
      { type: 'label', label: 'Person:Student', start_node_labels: null, end_node_labels: null, property: null, description: 'A student person' },
      { type: 'edge type', label: 'KNOWS', start_node_labels: null, end_node_labels: null, property: null, description: 'Knows relationship' },
      { type: 'edge type', label: 'KNOWS', start_node_labels: ['Person'], end_node_labels: ['Person'], property: null, description: 'Person knows person' },
      { type: 'label property', label: 'Person', start_node_labels: null, end_node_labels: null, property: 'name', description: 'Full name' },
      { type: 'edge type property', label: 'KNOWS', start_node_labels: null, end_node_labels: null, property: 'since', description: 'Year they met' },
      { type: 'edge type property', label: 'KNOWS', start_node_labels: ['Person'], end_node_labels: ['Person'], property: 'since', description: 'Year they met (pattern)' },
      { type: 'property', label: null, start_node_labels: null, end_node_labels: null, property: 'age', description: 'Age in years' },
      { type: 'database', label: 'memgraph', start_node_labels: null, end_node_labels: null, property: null, description: 'Main graph database' },
    ]);
    expect(await query(s, 'SHOW DESCRIPTION ON LABEL :Person')).toEqual([{ description: 'A person' }]);
    expect(await query(s, 'SHOW DESCRIPTION ON LABEL PROPERTY :Person(name)')).toEqual([{ description: 'Full name' }]);
    expect(await query(s, 'SHOW DESCRIPTION ON LABEL :Unknown')).toEqual([]);
    for (const [target] of targets) await query(s, `DELETE DESCRIPTION ON ${target}`);
    expect(await query(s, 'SHOW DESCRIPTIONS')).toEqual([]);
  });
});

test('enums, parameters and descriptions survive a restart from the WAL and from a snapshot', async () => {
  const dir = dataDir();
  const flags = [`--data-directory=${dir}`, '--storage-wal-file-flush-every-n-tx=1', '--storage-snapshot-on-exit=false'];
  let s = await server(flags);
  await query(s, 'CREATE ENUM Status VALUES { Good, Bad }');
  await query(s, 'CREATE (:M {s: Status::Bad})');
  await query(s, 'ALTER ENUM Status UPDATE VALUE Bad TO Poor');
  await query(s, 'SET GLOBAL PARAMETER tenant = "acme"');
  await query(s, 'SET DESCRIPTION ON LABEL :M "A machine"');
  const check = async (t: TestServer): Promise<void> => {
    expect(await query(t, 'MATCH (m:M) RETURN m.s AS s, m.s = Status::Poor AS poor, $tenant AS tenant')).toEqual([{ s: mgEnum('Status::Poor'), poor: true, tenant: 'acme' }]);
    expect(await query(t, 'SHOW DESCRIPTIONS')).toEqual([
      { type: 'label', label: 'M', start_node_labels: null, end_node_labels: null, property: null, description: 'A machine' },
    ]);
  };
  await s.kill();
  s = await server(flags);
  await check(s);
  await query(s, 'CREATE SNAPSHOT');
  // Only the snapshot remains: the WAL files are set aside.
  await s.stop();
  fs.rmSync(path.join(dir, 'wal'), { recursive: true, force: true });
  s = await server(flags);
  await check(s);
});

test('enum definitions, enum properties, parameters and descriptions replicate', async () => {
  const { main, replica: r } = await startMainWithSyncReplica();
  await track(main);
  await track(r.server);
  await run(main, 'CREATE ENUM Location VALUES { York, Zagreb }');
  await run(main, 'CREATE ({prop: Location::York})');
  await run(main, 'ALTER ENUM Location ADD VALUE London');
  await run(main, 'ALTER ENUM Location UPDATE VALUE London TO `New York`');
  await run(main, "SET GLOBAL PARAMETER x = 'v'");
  await run(main, 'SET DESCRIPTION ON PROPERTY age "Age in years"');
  await waitCaughtUp(main);
  expect(await query(r.server, 'SHOW ENUMS')).toEqual([{ 'Enum Name': 'Location', 'Enum Values': ['York', 'Zagreb', 'New York'] }]);
  expect(await query(r.server, 'MATCH (n) RETURN n.prop AS p')).toEqual([{ p: mgEnum('Location::York') }]);
  expect(await query(r.server, 'SHOW PARAMETERS')).toEqual([{ name: 'x', value: '"v"', scope: 'global' }]);
  expect((await query(r.server, 'SHOW DESCRIPTIONS')).map((d) => d.description)).toEqual(['Age in years']);
  // A replica refuses the change itself, like any write.
  await expect(query(r.server, 'CREATE ENUM Other VALUES { A }')).rejects.toThrow();
});

test('a new replica caught up by MAIN\'s snapshot (its WAL rotated away) gets the enums, parameters and descriptions', async () => {
  const dir = dataDir();
  const main = await startMain([`--data-directory=${dir}`, '--storage-wal-file-size-kib=1', '--storage-snapshot-retention-count=1']);
  await track(main);
  await run(main, 'CREATE ENUM Status VALUES { Good, Bad }');
  await run(main, "SET GLOBAL PARAMETER tenant = 'acme'");
  await run(main, 'SET DESCRIPTION ON LABEL :M "A machine"');
  for (let i = 0; i < 40; i++) await run(main, 'CREATE (:M {i: $i, s: Status::Good})', { i });
  await run(main, 'CREATE SNAPSHOT');
  for (let i = 40; i < 45; i++) await run(main, 'CREATE (:M {i: $i, s: Status::Bad})', { i });
  const walFrom = fs.readdirSync(path.join(dir, 'wal')).map((n) => /_from_(\d+)_/.exec(n)?.[1]).filter((x) => x !== undefined).map(Number);
  expect(Math.min(...walFrom)).toBeGreaterThan(1);
  const r = await startReplica();
  await track(r.server);
  await run(main, `REGISTER REPLICA r1 ASYNC TO "${r.address}"`);
  await waitCaughtUp(main, 20000);
  expect(await query(r.server, 'SHOW ENUMS')).toEqual([{ 'Enum Name': 'Status', 'Enum Values': ['Good', 'Bad'] }]);
  expect(await query(r.server, 'MATCH (m:M) WITH m.s AS s, count(*) AS c RETURN s, c ORDER BY c')).toEqual([
    { s: mgEnum('Status::Bad'), c: neo4j.int(5) },
    { s: mgEnum('Status::Good'), c: neo4j.int(40) },
  ]);
  expect(await query(r.server, 'SHOW PARAMETERS')).toEqual([{ name: 'tenant', value: '"acme"', scope: 'global' }]);
  expect((await query(r.server, 'SHOW DESCRIPTIONS')).map((d) => d.description)).toEqual(['A machine']);
});
