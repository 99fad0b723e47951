// The Bolt layer against the real neo4j-driver, with a canned engine (no Cypher).

import neo4j, { type Driver } from 'neo4j-driver';
import pino from 'pino';
import { startBoltServer, type BoltServer } from '../../dataplane/bolt/server.js';
import { TestEngine } from './bolt-test-engine.js';

let engine: TestEngine;
let server: BoltServer;
let driver: Driver;
const finished: string[] = [];

beforeAll(async () => {
  engine = new TestEngine();
  server = await startBoltServer({
    host: '127.0.0.1',
    port: 0,
    engine,
    serverAgent: 'mgha-test/0.1',
    logger: pino({ level: 'silent' }),
    routing: {
      routingTable: () => ({
        ttlSeconds: 300,
        routers: [`127.0.0.1:${server.port}`],
        readers: [`127.0.0.1:${server.port}`],
        writers: [`127.0.0.1:${server.port}`],
      }),
    },
    hooks: {
      connectionOpened: () => undefined,
      connectionClosed: () => undefined,
      queryFinished: (type) => finished.push(type),
    },
  });
  driver = neo4j.driver(`bolt://127.0.0.1:${server.port}`, neo4j.auth.basic('u', 'p'), {
    maxTransactionRetryTime: 10_000,
  });
});

afterAll(async () => {
  await driver.close();
  await server.close();
});

test('RETURN 1 via executeQuery reports the server agent and the record', async () => {
  const { records, summary } = await driver.executeQuery('RETURN 1');
  expect(records).toHaveLength(1);
  expect(records[0]?.get('1').toNumber()).toBe(1);
  expect(summary.server.agent).toBe('mgha-test/0.1');
  expect(summary.queryType).toBe('r');
  expect(summary.database.name).toBe('memgraph');
});

test('getServerInfo negotiates Bolt 5.4', async () => {
  const info = await driver.getServerInfo();
  expect(String(info.protocolVersion)).toBe('5.4');
});

test('auto-commit write returns counters and a bookmark that the next transaction sends', async () => {
  const session = driver.session();
  try {
    const result = await session.run('WRITE', { v: neo4j.int(7) });
    expect(result.summary.counters.updates().nodesCreated).toBe(1);
    expect(result.summary.counters.containsUpdates()).toBe(true);
    expect(result.summary.queryType).toBe('w');
    const bookmarks = session.lastBookmarks();
    expect(bookmarks).toEqual([engine.currentBookmark()]);
    const seen = await session.executeRead((tx) => tx.run('BOOKMARKS'));
    expect(seen.records[0]?.get('bookmarks')).toEqual(bookmarks);
    expect(engine.begins.at(-1)?.mode).toBe('r');
  } finally {
    await session.close();
  }
});

test('explicit transaction commit makes writes visible; rollback discards them', async () => {
  const session = driver.session();
  try {
    const tx = await session.beginTransaction({ timeout: 5000, metadata: { app: 'test' } });
    await tx.run('WRITE', { v: 'committed' });
    const mode = await tx.run('MODE');
    expect(mode.records[0]?.get('timeout').toNumber()).toBe(5000);
    expect(mode.records[0]?.get('metadata')).toEqual({ app: 'test' });
    await tx.commit();
    const tx2 = await session.beginTransaction();
    await tx2.run('WRITE', { v: 'rolled back' });
    await tx2.rollback();
    const all = await session.run('READ ALL');
    const values = all.records.map((r) => r.get('v'));
    expect(values).toContain('committed');
    expect(values).not.toContain('rolled back');
  } finally {
    await session.close();
  }
});

test('small fetchSize pages records with has_more and keeps order', async () => {
  const session = driver.session({ fetchSize: 7 });
  try {
    const result = await session.run('RANGE', { n: neo4j.int(50) });
    expect(result.records.map((r) => r.get('i').toNumber())).toEqual(Array.from({ length: 50 }, (_, i) => i));
  } finally {
    await session.close();
  }
});

test('two result streams open in one transaction are consumed independently (qid)', async () => {
  const session = driver.session({ fetchSize: 3 });
  try {
    await session.executeRead(async (tx) => {
      const r1 = tx.run('RANGE', { n: neo4j.int(10) });
      const r2 = tx.run('RANGE', { n: neo4j.int(5) });
      const [a, b] = await Promise.all([r1, r2]);
      expect(a.records).toHaveLength(10);
      expect(b.records).toHaveLength(5);
    });
  } finally {
    await session.close();
  }
});

test('a TransientError is retried by executeWrite until it succeeds', async () => {
  engine.transientFailures = 1;
  const session = driver.session();
  try {
    let attempts = 0;
    const result = await session.executeWrite(async (tx) => {
      attempts++;
      return tx.run('TRANSIENT');
    });
    expect(attempts).toBe(2);
    expect(result.records[0]?.get('ok')).toBe(true);
  } finally {
    await session.close();
  }
});

test('a syntax error fails with its code, and the session keeps working after RESET', async () => {
  const session = driver.session();
  try {
    await expect(session.run('NOT A QUERY')).rejects.toMatchObject({
      code: 'Neo.ClientError.Statement.SyntaxError',
      retryable: false,
    });
    const again = await session.run('RETURN 1');
    expect(again.records[0]?.get('1').toNumber()).toBe(1);
    expect(finished).toContain('error');
  } finally {
    await session.close();
  }
});

test('a failure inside an explicit transaction rolls it back', async () => {
  const session = driver.session();
  const before = engine.rolledBack;
  try {
    const tx = await session.beginTransaction();
    await tx.run('WRITE', { v: 'never' });
    await expect(tx.run('BAD')).rejects.toMatchObject({ code: 'Neo.ClientError.Statement.SyntaxError' });
    await tx.close();
    const all = await session.run('READ ALL');
    expect(all.records.map((r) => r.get('v'))).not.toContain('never');
    expect(engine.rolledBack).toBeGreaterThan(before);
    expect(engine.openTransactions).toBe(0);
  } finally {
    await session.close();
  }
});

test('an error at commit is reported by COMMIT', async () => {
  const session = driver.session();
  try {
    const tx = await session.beginTransaction();
    await tx.run('FAIL AT COMMIT');
    await expect(tx.commit()).rejects.toMatchObject({ code: 'Memgraph.TransientError.MemgraphError.MemgraphError' });
    // Auto-commit: the commit error is the FAILURE of the final PULL.
    await expect(session.run('FAIL AT COMMIT')).rejects.toMatchObject({ code: expect.stringContaining('TransientError') });
    expect((await session.run('RETURN 1')).records).toHaveLength(1);
  } finally {
    await session.close();
  }
});

test('an unencodable value fails the query after the records before it', async () => {
  const session = driver.session();
  try {
    await expect(session.run('UNENCODABLE')).rejects.toMatchObject({ code: 'Neo.ClientError.Statement.TypeError' });
    expect((await session.run('RETURN 1')).records).toHaveLength(1);
  } finally {
    await session.close();
  }
});

test('an unknown database is refused with DatabaseNotFound', async () => {
  const session = driver.session({ database: 'other' });
  try {
    await expect(session.run('RETURN 1')).rejects.toMatchObject({ code: 'Neo.ClientError.Database.DatabaseNotFound' });
  } finally {
    await session.close();
  }
});

test('neo4j:// routing uses ROUTE and runs reads and writes', async () => {
  const routed = neo4j.driver(`neo4j://127.0.0.1:${server.port}`, neo4j.auth.basic('u', 'p'));
  try {
    await routed.verifyConnectivity();
    const w = await routed.executeQuery('WRITE', { v: 'routed' });
    expect(w.summary.counters.updates().nodesCreated).toBe(1);
    const r = await routed.executeQuery('READ ALL', {}, { routing: neo4j.routing.READ });
    expect(r.records.map((x) => x.get('v'))).toContain('routed');
    // No rt.db: the driver must not pin a database name onto the session.
    expect(engine.begins.at(-1)?.database).toBeNull();
  } finally {
    await routed.close();
  }
});

test('Bytes parameters are refused with a client error, not a dropped connection', async () => {
  const session = driver.session();
  try {
    await expect(session.run('ECHO', { b: new Int8Array([1, 2, 3]) })).rejects.toMatchObject({
      code: 'Neo.ClientError.Statement.TypeError',
    });
    expect((await session.run('RETURN 1')).records).toHaveLength(1);
  } finally {
    await session.close();
  }
});

test('every value type reaches the driver as its native type', async () => {
  const { records } = await driver.executeQuery('SAMPLES');
  const r = records[0];
  if (r === undefined) throw new Error('no record');
  expect(r.get('nothing')).toBeNull();
  expect(r.get('yes')).toBe(true);
  expect(r.get('small').toNumber()).toBe(-16);
  expect(r.get('big').toString()).toBe((2n ** 62n).toString());
  expect(r.get('negative').toString()).toBe((-(2n ** 63n)).toString());
  expect(r.get('float')).toBe(1.5);
  expect(r.get('text')).toBe('héllo ✓');
  expect(r.get('list')[3]).toEqual([2.5]);
  expect(r.get('map').nested).toEqual({ x: false });
  expect(neo4j.isDate(r.get('date'))).toBe(true);
  expect(r.get('date').toString()).toBe('2022-01-08');
  expect(r.get('localtime').toString()).toBe('01:02:03.000000004');
  expect(r.get('time').toString()).toBe('01:02:03.000000004+01:00');
  expect(r.get('localdatetime').toString()).toBe('2023-11-14T22:13:20.000000005');
  expect(r.get('datetime').toString()).toBe('2023-11-15T00:13:20.000000006+02:00');
  expect(r.get('zoned').timeZoneId).toBe('Europe/Berlin');
  expect(r.get('zoned').hour.toNumber()).toBe(23);
  expect(r.get('duration').toString()).toBe('P1Y2M3DT1H1M1.000000008S');
  expect(neo4j.isPoint(r.get('point3d'))).toBe(true);
  expect(r.get('point3d').srid.toNumber()).toBe(4979);
  expect(r.get('point3d').z).toBe(100);
  const node = r.get('node');
  expect(neo4j.isNode(node)).toBe(true);
  expect(node.labels).toEqual(['Person', 'Admin']);
  expect(node.properties).toEqual({ name: 'Bob' });
  expect(node.elementId).toBe('2');
  const rel = r.get('rel');
  expect(neo4j.isRelationship(rel)).toBe(true);
  expect([rel.type, rel.startNodeElementId, rel.endNodeElementId]).toEqual(['KNOWS', '1', '2']);
  const path = r.get('path');
  expect(neo4j.isPath(path)).toBe(true);
  expect(path.start.properties.name).toBe('Ann');
  expect(path.end.identity.toNumber()).toBe(3);
  expect(path.segments.map((s: { relationship: { type: string; start: { toNumber(): number } } }) => [s.relationship.type, s.relationship.start.toNumber()])).toEqual([
    ['KNOWS', 1],
    ['LIKES', 3],
  ]);
});

test('driver parameter types round-trip through the server unchanged', async () => {
  const params = {
    i: neo4j.int('-9223372036854775808'),
    f: 10,
    s: 'x',
    l: [neo4j.int(1), 'two'],
    m: { a: neo4j.int(1) },
    d: new neo4j.types.Date(1999, 12, 31),
    lt: new neo4j.types.LocalTime(23, 59, 58, 999_999_999),
    t: new neo4j.types.Time(1, 2, 3, 4, -3600),
    ldt: new neo4j.types.LocalDateTime(1969, 7, 20, 20, 17, 40, 1),
    dt: new neo4j.types.DateTime(2024, 2, 29, 12, 0, 0, 0, 19800),
    dtz: new neo4j.types.DateTime(2024, 7, 1, 12, 0, 0, 0, undefined, 'America/New_York'),
    dur: new neo4j.types.Duration(1, 2, 3, 4),
    p: new neo4j.types.Point(neo4j.int(7203), 1, 2),
  };
  const { records } = await driver.executeQuery('ECHO', params);
  const r = records[0];
  if (r === undefined) throw new Error('no record');
  for (const [k, v] of Object.entries(params)) {
    if (k === 'dtz') continue;
    expect(String(r.get(k))).toBe(String(v));
  }
  const dtz = r.get('dtz');
  expect([dtz.hour.toNumber(), dtz.timeZoneId, dtz.timeZoneOffsetSeconds.toNumber()]).toEqual([12, 'America/New_York', -4 * 3600]);
});

test('close() stops accepting, rolls back open transactions and closes connections', async () => {
  const own = new TestEngine();
  const s2 = await startBoltServer({
    host: '127.0.0.1',
    port: 0,
    engine: own,
    serverAgent: 'x',
    logger: pino({ level: 'silent' }),
    routing: { routingTable: () => ({ ttlSeconds: 1, routers: [], readers: [], writers: [] }) },
  });
  const d2 = neo4j.driver(`bolt://127.0.0.1:${s2.port}`, neo4j.auth.basic('u', 'p'), { maxTransactionRetryTime: 0 });
  try {
    const session = d2.session();
    const tx = await session.beginTransaction();
    await tx.run('WRITE', { v: 'in flight' });
    expect(own.openTransactions).toBe(1);
    expect(s2.connectionCount()).toBe(1);
    await s2.close();
    expect(own.openTransactions).toBe(0);
    expect(own.committed).toEqual([]);
    expect(s2.connectionCount()).toBe(0);
    await expect(tx.commit()).rejects.toBeDefined();
    await expect(d2.session().run('RETURN 1')).rejects.toMatchObject({ code: 'ServiceUnavailable' });
  } finally {
    await d2.close();
  }
});

test('consume() after a partial batch discards the rest; closing mid-stream leaves the connection usable', async () => {
  const session = driver.session({ fetchSize: 5 });
  try {
    const summary = await session.run('RANGE', { n: neo4j.int(100) }).summary();
    expect(summary.queryType).toBe('r');
    let seen = 0;
    const result = session.run('RANGE', { n: neo4j.int(100) });
    for await (const record of result) {
      expect(record.get('i').toNumber()).toBe(seen);
      if (++seen === 7) break;
    }
  } finally {
    await session.close();
  }
  const open = engine.openTransactions;
  const again = driver.session({ fetchSize: 5 });
  try {
    expect((await again.run('RANGE', { n: neo4j.int(12) })).records).toHaveLength(12);
  } finally {
    await again.close();
  }
  expect(engine.openTransactions).toBe(open);
  expect(open).toBe(0);
});
