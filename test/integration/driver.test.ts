// End to end: the official neo4j-driver against a real mgha process on loopback.
import neo4j, { type Driver, type Integer, type Node, type Path, type Relationship, isInt } from 'neo4j-driver';
import { serverWithDriver, type TestServer } from '../helpers/server.js';

const env = serverWithDriver();
let server: TestServer;
let driver: Driver;
beforeAll(() => {
  ({ server, driver } = env);
});

beforeEach(async () => {
  await driver.executeQuery('MATCH (n) DETACH DELETE n');
});

/** Comparable form of a driver value: integers and floats tagged, temporals/points by their ISO text. */
function normalize(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (isInt(v)) return `int:${(v as Integer).toString()}`;
  if (typeof v === 'number') return `float:${v}`;
  if (Array.isArray(v)) return v.map(normalize);
  if (typeof v === 'object') {
    if (Object.getPrototypeOf(v) !== Object.prototype) return `${(v as object).constructor.name}:${String(v)}`;
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort().map(([k, x]) => [k, normalize(x)]));
  }
  return v;
}

const num = (v: unknown): number => (isInt(v) ? (v as Integer).toNumber() : (v as number));

describe('bolt:// and neo4j://', () => {
  test('executeQuery creates and reads back a graph over bolt://', async () => {
    const created = await driver.executeQuery(
      'CREATE (a:Person {name: $a})-[:KNOWS {since: 2020}]->(b:Person {name: $b}) RETURN a.name AS a, b.name AS b',
      { a: 'Ada', b: 'Grace' },
    );
    expect(created.records.map((r) => [r.get('a'), r.get('b')])).toEqual([['Ada', 'Grace']]);
    expect(created.summary.counters.updates().nodesCreated).toBe(2);
    expect(created.summary.counters.updates().relationshipsCreated).toBe(1);
    const read = await driver.executeQuery(
      'MATCH (a:Person)-[k:KNOWS]->(b:Person) RETURN a.name AS a, k.since AS since, b.name AS b',
      {},
      { routing: neo4j.routing.READ },
    );
    expect(read.records).toHaveLength(1);
    expect(num(read.records[0].get('since'))).toBe(2020);
  });

  test('a routing driver (neo4j://) reads and writes through the standalone routing table', async () => {
    const routing = neo4j.driver(server.routingUrl, neo4j.auth.basic('', ''));
    try {
      await routing.executeQuery('CREATE (:City {name: "Zagreb"})');
      const res = await routing.executeQuery('MATCH (c:City) RETURN c.name AS name', {}, { routing: neo4j.routing.READ });
      expect(res.records.map((r) => r.get('name'))).toEqual(['Zagreb']);
      const info = await routing.getServerInfo();
      expect(info.address).toBe(`127.0.0.1:${server.boltPort}`);
    } finally {
      await routing.close();
    }
  });
});

describe('transactions', () => {
  test('an explicit transaction commits all its statements', async () => {
    const session = driver.session();
    try {
      const tx = await session.beginTransaction();
      await tx.run('CREATE (:T {i: 1})');
      await tx.run('CREATE (:T {i: 2})');
      const inside = await tx.run('MATCH (t:T) RETURN count(t) AS c');
      expect(num(inside.records[0].get('c'))).toBe(2);
      await tx.commit();
    } finally {
      await session.close();
    }
    const after = await driver.executeQuery('MATCH (t:T) RETURN count(t) AS c');
    expect(num(after.records[0].get('c'))).toBe(2);
  });

  test('rollback discards the transaction', async () => {
    const session = driver.session();
    try {
      const tx = await session.beginTransaction();
      await tx.run('CREATE (:Gone)');
      await tx.rollback();
    } finally {
      await session.close();
    }
    const after = await driver.executeQuery('MATCH (g:Gone) RETURN count(g) AS c');
    expect(num(after.records[0].get('c'))).toBe(0);
  });

  test('concurrent sessions see only committed data', async () => {
    const writer = driver.session();
    const reader = driver.session();
    try {
      const tx = await writer.beginTransaction();
      await tx.run('CREATE (:Pending {v: 1})');
      const before = await reader.run('MATCH (p:Pending) RETURN count(p) AS c');
      expect(num(before.records[0].get('c'))).toBe(0);
      await tx.commit();
      const after = await reader.run('MATCH (p:Pending) RETURN count(p) AS c');
      expect(num(after.records[0].get('c'))).toBe(1);
    } finally {
      await writer.close();
      await reader.close();
    }
  });

  test('conflicting writes fail with a TransientError that executeWrite retries', async () => {
    await driver.executeQuery('CREATE (:Counter {v: 0})');
    const holder = driver.session();
    const tx = await holder.beginTransaction();
    await tx.run('MATCH (c:Counter) SET c.v = c.v + 1');
    // The blocked writer conflicts; it succeeds after the holder commits and the driver retries.
    const contender = driver.session();
    let attempts = 0;
    const retried = contender.executeWrite(async (t) => {
      attempts++;
      if (attempts === 1) setTimeout(() => void tx.commit(), 200);
      await t.run('MATCH (c:Counter) SET c.v = c.v + 10');
    });
    await retried;
    await contender.close();
    await holder.close();
    expect(attempts).toBeGreaterThanOrEqual(2);
    const res = await driver.executeQuery('MATCH (c:Counter) RETURN c.v AS v');
    expect(num(res.records[0].get('v'))).toBe(11);
  });

  test('a conflict surfaces as a retryable TransientError to plain tx.run', async () => {
    await driver.executeQuery('CREATE (:Lock {v: 0})');
    const a = driver.session();
    const b = driver.session();
    try {
      const ta = await a.beginTransaction();
      await ta.run('MATCH (l:Lock) SET l.v = 1');
      const tb = await b.beginTransaction();
      const err = await tb.run('MATCH (l:Lock) SET l.v = 2').then(
        () => null,
        (e: { code: string; retryable: boolean }) => e,
      );
      expect(err?.code).toContain('TransientError');
      expect(err?.retryable).toBe(true);
      await tb.rollback().catch(() => undefined);
      await ta.commit();
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('results and errors', () => {
  test('results stream in batches with a small fetch size', async () => {
    const session = driver.session({ fetchSize: 7 });
    try {
      const res = await session.run('UNWIND range(1, 100) AS i RETURN i');
      expect(res.records.map((r) => num(r.get('i')))).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    } finally {
      await session.close();
    }
  });

  test('a syntax error is a ClientError with a position, and the session recovers (FAILURE + RESET)', async () => {
    const session = driver.session();
    try {
      const err = await session.run('MATCH (n RETURN n').then(
        () => null,
        (e: { code: string; message: string; retryable: boolean }) => e,
      );
      expect(err?.code).toBe('Neo.ClientError.Statement.SyntaxError');
      expect(err?.message).toMatch(/line 1/);
      expect(err?.retryable).toBe(false);
      const ok = await session.run('RETURN 41 + 1 AS answer');
      expect(num(ok.records[0].get('answer'))).toBe(42);
    } finally {
      await session.close();
    }
  });

  test('a runtime error inside a transaction fails it; the next transaction works', async () => {
    const session = driver.session();
    try {
      const tx = await session.beginTransaction();
      const err = await tx.run('RETURN 1 / 0 AS x').then(
        () => null,
        (e: { code: string }) => e,
      );
      expect(err?.code).toMatch(/ArithmeticError|ClientError/);
      await tx.rollback().catch(() => undefined);
      const ok = await session.run('RETURN "fine" AS s');
      expect(ok.records[0].get('s')).toBe('fine');
    } finally {
      await session.close();
    }
  });

  test('a missing parameter is reported', async () => {
    const err = await driver.executeQuery('RETURN $nope AS x').then(
      () => null,
      (e: { code: string }) => e,
    );
    expect(err?.code).toBe('Neo.ClientError.Statement.ParameterMissing');
  });
});

describe('values', () => {
  test('every value type round-trips as a parameter and a result', async () => {
    const params = {
      nothing: null,
      yes: true,
      big: neo4j.int('9223372036854775807'),
      small: neo4j.int(-17),
      pi: 3.25,
      text: 'héllo ✓',
      list: [neo4j.int(1), 'two', [3.5]],
      map: { a: neo4j.int(1), b: { c: 'd' } },
      date: new neo4j.types.Date(2024, 2, 29),
      localTime: new neo4j.types.LocalTime(13, 14, 15, 123456789),
      time: new neo4j.types.Time(1, 2, 3, 4, 3600),
      localDateTime: new neo4j.types.LocalDateTime(1999, 12, 31, 23, 59, 59, 1),
      dateTime: new neo4j.types.DateTime(2020, 1, 2, 3, 4, 5, 6, 7200),
      duration: new neo4j.types.Duration(14, 3, 7200, 5),
      point2d: new neo4j.types.Point(neo4j.int(7203), 1.5, 2.5),
      point3d: new neo4j.types.Point(neo4j.int(4979), 1, 2, 3),
    };
    const keys = Object.keys(params);
    const res = await driver.executeQuery(`RETURN ${keys.map((k) => `$${k} AS ${k}`).join(', ')}`, params);
    const rec = res.records[0];
    for (const k of keys) {
      expect([k, normalize(rec.get(k))]).toEqual([k, normalize((params as Record<string, unknown>)[k])]);
    }
    expect((rec.get('big') as Integer).toString()).toBe('9223372036854775807');
    expect(typeof rec.get('pi')).toBe('number');
  });

  test('nodes, relationships and paths come back as driver graph types', async () => {
    const res = await driver.executeQuery(
      'CREATE p = (a:A:B {x: 1})-[r:R {w: 2.5}]->(b:C) RETURN a, r, b, p',
    );
    const rec = res.records[0];
    const a = rec.get('a') as Node;
    const r = rec.get('r') as Relationship;
    const b = rec.get('b') as Node;
    const p = rec.get('p') as Path;
    expect([...a.labels].sort()).toEqual(['A', 'B']);
    expect(num(a.properties.x)).toBe(1);
    expect(r.type).toBe('R');
    expect(r.properties.w).toBe(2.5);
    expect(r.startNodeElementId).toBe(a.elementId);
    expect(r.endNodeElementId).toBe(b.elementId);
    expect(p.length).toBe(1);
    expect(p.start.elementId).toBe(a.elementId);
    expect(p.end.elementId).toBe(b.elementId);
    expect(p.segments[0].relationship.elementId).toBe(r.elementId);
  });

  test('integers and floats stay distinct', async () => {
    const res = await driver.executeQuery('RETURN 1 AS i, 1.0 AS f, 9223372036854775807 AS max, 7 / 2 AS div, 7 / 2.0 AS fdiv');
    const rec = res.records[0];
    expect(isInt(rec.get('i'))).toBe(true);
    expect(isInt(rec.get('f'))).toBe(false);
    expect((rec.get('max') as Integer).toString()).toBe('9223372036854775807');
    expect(num(rec.get('div'))).toBe(3);
    expect(rec.get('fdiv')).toBe(3.5);
  });
});

describe('bookmarks and schema', () => {
  test('commits return bookmarks and a session chains them', async () => {
    const session = driver.session();
    try {
      await session.executeWrite((tx) => tx.run('CREATE (:B)'));
      const bookmarks = session.lastBookmarks();
      expect(bookmarks.length).toBe(1);
      const next = driver.session({ bookmarks });
      const res = await next.executeRead((tx) => tx.run('MATCH (b:B) RETURN count(b) AS c'));
      expect(num(res.records[0].get('c'))).toBe(1);
      await next.close();
    } finally {
      await session.close();
    }
  });

  test('indexes and constraints with Memgraph syntax, auto-commit and through executeQuery', async () => {
    const session = driver.session();
    // Beyond Memgraph: DDL as the only statement of an explicit transaction (what executeQuery sends) runs.
    const created = await driver.executeQuery('CREATE INDEX ON :User(email)');
    expect(created.summary.counters.updates().indexesAdded).toBe(1);
    // As in Memgraph, DDL after another statement of an explicit transaction is refused.
    await expect(session.executeWrite(async (tx) => {
      await tx.run('MATCH (n) RETURN count(n)');
      await tx.run('DROP INDEX ON :User(email)');
    })).rejects.toMatchObject({ message: 'Index manipulation not allowed in multicommand transactions.' });
    // DDL committed alone, so nothing may follow it in its transaction.
    await expect(session.executeWrite(async (tx) => {
      await tx.run('CREATE INDEX ON :User(name)');
      await tx.run('CREATE (:User {name: "x"})');
    })).rejects.toMatchObject({
      message: 'A schema change (index or constraint) committed on its own as the first statement of this transaction; no other statement may follow it in the same transaction.',
    });
    expect((await session.run('MATCH (u:User {name: "x"}) RETURN u')).records).toHaveLength(0);
    await session.run('DROP INDEX ON :User(name)');
    await session.run('CREATE CONSTRAINT ON (u:User) ASSERT u.email IS UNIQUE');
    try {
      const idx = await driver.executeQuery('SHOW INDEX INFO');
      expect(idx.records.map((r) => [r.get('index type'), r.get('label'), r.get('property')])).toContainEqual([
        'label+property',
        'User',
        ['email'],
      ]);
      await driver.executeQuery('CREATE (:User {email: "a@x"})');
      const err = await driver.executeQuery('CREATE (:User {email: "a@x"})').then(
        () => null,
        (e: { code: string }) => e,
      );
      expect(err?.code).toContain('ConstraintValidationFailed');
      const plan = await driver.executeQuery('EXPLAIN MATCH (u:User {email: "a@x"}) RETURN u');
      expect(plan.records.map((r) => String(r.get('QUERY PLAN'))).join('\n')).toMatch(/ScanAllByLabelProperties \(u :User \{email\}\)/);
    } finally {
      await session.run('DROP CONSTRAINT ON (u:User) ASSERT u.email IS UNIQUE');
      await session.run('DROP INDEX ON :User(email)');
      await session.close();
    }
  });
});
