// Transactions, streaming, schema/info queries and EXPLAIN through QueryEngine.
import { Codes, MghaError } from '../../../dataplane/errors.js';
import { newEngine, params, plain, run, rows, runIn, txOptions, errorOf } from './engine-helpers.js';
import { QueryEngine, SCHEMA_CHANGE_ALONE } from '../../../dataplane/query/engine.js';
import { InMemoryStorage } from '../../../dataplane/storage/storage.js';

test('two open transactions are isolated until commit', async () => {
  const e = newEngine();
  const t1 = await e.begin(txOptions(false));
  const t2 = await e.begin(txOptions(false));
  await runIn(t1, 'CREATE (:Iso)');
  expect((await runIn(t1, 'MATCH (n:Iso) RETURN count(n)')).rows).toEqual([[1n]]);
  expect((await runIn(t2, 'MATCH (n:Iso) RETURN count(n)')).rows).toEqual([[0n]]);
  const { bookmark } = await t1.commit();
  expect(bookmark).toMatch(/^mgha:\d+$/);
  expect((await runIn(t2, 'MATCH (n:Iso) RETURN count(n)')).rows).toEqual([[0n]]);
  await t2.rollback();
  expect(await rows(e, 'MATCH (n:Iso) RETURN count(n)')).toEqual([[1]]);
  await e.begin(txOptions(false, { bookmarks: [bookmark] }));
  await expect(e.begin(txOptions(false, { bookmarks: ['nonsense'] }))).rejects.toMatchObject({ code: Codes.InvalidBookmark });
});

test('concurrent writes to the same node conflict with a retryable error', async () => {
  const e = newEngine();
  await run(e, 'CREATE (:C {v: 0})');
  const t1 = await e.begin(txOptions(false));
  const t2 = await e.begin(txOptions(false));
  await runIn(t1, 'MATCH (c:C) SET c.v = 1');
  await expect(runIn(t2, 'MATCH (c:C) SET c.v = 2')).rejects.toMatchObject({ code: Codes.Conflict });
  await t1.commit();
  await t2.rollback();
  expect(await rows(e, 'MATCH (c:C) RETURN c.v')).toEqual([[1]]);
});

test('a failed statement leaves the explicit transaction failed', async () => {
  const e = newEngine();
  const t = await e.begin(txOptions(false));
  await runIn(t, 'CREATE (:Gone)');
  await expect(runIn(t, 'RETURN 1 / 0')).rejects.toMatchObject({ code: Codes.ArithmeticError });
  await expect(runIn(t, 'RETURN 1')).rejects.toBeDefined();
  await t.rollback();
  expect(await rows(e, 'MATCH (n:Gone) RETURN count(n)')).toEqual([[0]]);
});

test('results stream in small pulls', async () => {
  const e = newEngine();
  const t = await e.begin(txOptions(true));
  const s = await t.run('UNWIND range(1, 10) AS x RETURN x', params());
  const got: unknown[] = [];
  for (;;) {
    const b = await s.pull(3);
    expect(b.records.length).toBeLessThanOrEqual(3);
    got.push(...b.records.map((r) => plain(r[0])));
    if (!b.hasMore) break;
  }
  expect(got).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  expect(s.summary().type).toBe('r');
  await t.commit();
});

test('a long pull lets setImmediate callbacks run', async () => {
  const e = newEngine();
  const t = await e.begin(txOptions(true));
  const s = await t.run('UNWIND range(1, 200000) AS x WITH x ORDER BY x DESC RETURN count(*) AS c', params());
  let fired = 0;
  let active = true;
  const spin = (): void => {
    if (!active) return;
    fired++;
    setImmediate(spin);
  };
  setImmediate(spin);
  const b = await s.pull(-1);
  active = false;
  expect(b.records).toEqual([[200000n]]);
  expect(fired).toBeGreaterThan(10);
  await t.commit();
});

test('transaction timeout terminates the transaction', async () => {
  const e = newEngine();
  const t = await e.begin(txOptions(false, { timeoutMs: 1 }));
  await new Promise((r) => setTimeout(r, 5));
  await expect(runIn(t, 'RETURN 1')).rejects.toMatchObject({ code: Codes.TransactionTimedOut });
  await t.rollback();
});

test('indexes: DDL, SHOW INDEX INFO, EXPLAIN shows index use', async () => {
  const e = newEngine();
  await run(e, 'UNWIND range(1, 50) AS i CREATE (:Person {id: i})');
  const created = await run(e, 'CREATE INDEX ON :Person(id)');
  expect(created.summary.type).toBe('s');
  expect(created.summary.stats).toEqual({ 'indexes-added': 1 });
  await run(e, 'CREATE INDEX ON :Person');
  expect(await rows(e, 'SHOW INDEX INFO')).toEqual(
    expect.arrayContaining([
      ['label', 'Person', null, 50],
      ['label+property', 'Person', ['id'], 50],
    ]),
  );
  const plan = (await rows(e, 'EXPLAIN MATCH (n:Person {id: 7}) RETURN n')).map((r) => r[0]);
  expect(plan.join('\n')).toContain('ScanAllByLabelProperties (n :Person {id})');
  expect(plan[0]).toBe(' * Produce {n}');
  expect(plan[plan.length - 1]).toBe(' * Once');
  const range = (await rows(e, 'EXPLAIN MATCH (n:Person) WHERE n.id > 5 AND n.id <= 10 RETURN n')).map((r) => r[0]);
  expect(range.join('\n')).toContain('ScanAllByLabelProperties (n :Person {id})');
  expect(await rows(e, 'MATCH (n:Person) WHERE n.id = $x RETURN n.id', { x: 7n })).toEqual([[7]]);
  expect(await rows(e, 'MATCH (n:Person) WHERE n.id > 5 AND n.id <= 8 RETURN n.id ORDER BY n.id')).toEqual([[6], [7], [8]]);
  const inPlan = (await rows(e, 'EXPLAIN MATCH (n:Person) WHERE n.id IN $ids RETURN n')).map((r) => r[0]);
  expect(inPlan.join('\n')).toContain('ScanAllByLabelProperties (n :Person {id})');
  expect(await rows(e, 'MATCH (n:Person) WHERE n.id IN $ids RETURN n.id ORDER BY n.id', { ids: [3n, 1n, 3n, null] })).toEqual([[1], [3]]);
  expect((await run(e, 'DROP INDEX ON :Person(id)')).summary.stats).toEqual({ 'indexes-removed': 1 });
  // Memgraph refuses DDL after other statements of an explicit transaction.
  const t = await e.begin(txOptions(false));
  await runIn(t, 'MATCH (n) RETURN count(n)');
  await expect(runIn(t, 'CREATE INDEX ON :X(y)')).rejects.toThrow('Index manipulation not allowed in multicommand transactions.');
  await t.rollback();
  // Beyond Memgraph: as the first statement (driver.executeQuery) it runs and commits alone;
  // nothing may follow it, and a rollback leaves it in place.
  const first = await e.begin(txOptions(false));
  await runIn(first, 'CREATE INDEX ON :X(y)');
  await expect(runIn(first, 'MATCH (n) RETURN n')).rejects.toThrow(SCHEMA_CHANGE_ALONE);
  await first.rollback();
  expect(await rows(e, 'SHOW INDEX INFO')).toContainEqual(['label+property', 'X', ['y'], 0]);
});

test('constraints and SHOW CONSTRAINT INFO / SHOW STORAGE INFO', async () => {
  const e = newEngine();
  await run(e, 'CREATE CONSTRAINT ON (n:U) ASSERT n.email IS UNIQUE');
  expect(await rows(e, 'SHOW CONSTRAINT INFO')).toEqual([['unique', 'U', ['email']]]);
  await run(e, "CREATE (:U {email: 'a'})");
  expect((await errorOf(e, "CREATE (:U {email: 'a'})")).code).toBe(Codes.ConstraintValidationFailed);
  const info = await run(e, 'SHOW STORAGE INFO');
  expect(info.fields).toEqual(['storage info', 'value']);
  const names = info.rows.map((r) => r[0]);
  expect(names).toEqual(expect.arrayContaining(['vertex_count', 'edge_count', 'average_degree', 'memory_res', 'storage_mode']));
  expect(info.rows.find((r) => r[0] === 'vertex_count')?.[1]).toBe(1n);
});

test('plan cache reuses plans with new parameters', async () => {
  const e = newEngine();
  expect(await rows(e, 'RETURN $a AS a', { a: 1n })).toEqual([[1]]);
  expect(await rows(e, 'RETURN $a AS a', { a: 'x' })).toEqual([['x']]);
});

test('a write guard refuses writes and DDL but not reads', async () => {
  const e = newEngine();
  const remove = e.addWriteGuard(() => new MghaError(Codes.ForbiddenOnReadOnlyDatabase, 'Write query forbidden on the replica!'));
  expect((await errorOf(e, 'CREATE (:X)')).code).toBe(Codes.ForbiddenOnReadOnlyDatabase);
  expect((await errorOf(e, 'CREATE INDEX ON :X(y)')).code).toBe(Codes.ForbiddenOnReadOnlyDatabase);
  expect(await rows(e, 'MATCH (n) RETURN count(n)')).toEqual([[0]]);
  remove();
  await run(e, 'CREATE (:X)');
});

test('write guards are asked again at commit: a write allowed at RUN is refused if the guard closed meanwhile', async () => {
  const e = newEngine();
  let refusal: MghaError | null = null;
  e.addWriteGuard(() => refusal);
  const tx = await e.begin(txOptions(false));
  await runIn(tx, 'CREATE (:Fenced)');
  refusal = new MghaError(Codes.MemgraphClientError, 'Write queries currently forbidden on the main instance.');
  await expect(Promise.resolve().then(() => tx.commit())).rejects.toMatchObject({ code: Codes.MemgraphClientError });
  refusal = null;
  expect(await rows(e, 'MATCH (n:Fenced) RETURN count(n)')).toEqual([[0]]);
});

test('a demotion aborts open write transactions; readers go on', async () => {
  const e = newEngine();
  const writer = await e.begin(txOptions(false));
  await runIn(writer, 'CREATE (:Demoted)');
  const reader = await e.begin(txOptions(false));
  await runIn(reader, 'MATCH (n) RETURN count(n)');
  expect(e.abortWriteTransactions(new MghaError(Codes.MemgraphClientError, 'The instance was demoted.'))).toBe(1);
  await expect(Promise.resolve().then(() => writer.commit())).rejects.toThrow(/demoted/);
  await reader.commit();
  expect(await rows(e, 'MATCH (n:Demoted) RETURN count(n)')).toEqual([[0]]);
});

test('rolling back under a running pull terminates it cleanly', async () => {
  const e = newEngine();
  const t = await e.begin(txOptions(false));
  const s = await t.run('UNWIND range(1, 100000) AS x RETURN x', params());
  const pulling = s.pull(-1);
  await new Promise((r) => setImmediate(r));
  await t.rollback();
  await expect(pulling).rejects.toMatchObject({ code: Codes.Terminated });
});

test('a commit with changes is acknowledged once its commit stages are done; one without changes waits for nothing', async () => {
  const storage = new InMemoryStorage();
  const waited: number[] = [];
  let release: () => void = () => undefined;
  storage.addCommitStage({
    name: 'slow',
    run: (c) => {
      waited.push(c.commitTimestamp);
      return new Promise<void>((r) => (release = r));
    },
  });
  const e = new QueryEngine(storage);
  const read = await e.begin(txOptions(true));
  await runIn(read, 'RETURN 1');
  expect(read.commit()).toEqual({ bookmark: e.currentBookmark(), notifications: [] });
  const write = await e.begin(txOptions(true));
  await runIn(write, 'CREATE (:D)');
  const acknowledged = write.commit();
  expect(acknowledged).toBeInstanceOf(Promise);
  expect(waited).toHaveLength(1);
  // Prepared, not yet published: invisible.
  expect(await rows(e, 'MATCH (n:D) RETURN count(n)')).toEqual([[0]]);
  release();
  expect(await acknowledged).toEqual({ bookmark: `mgha:${waited[0]}`, notifications: [] });
  expect(await rows(e, 'MATCH (n:D) RETURN count(n)')).toEqual([[1]]);
});

test('a commit stage that fails: the client gets its error and nothing is visible', async () => {
  const storage = new InMemoryStorage();
  storage.addCommitStage({ name: 'refuse', run: () => Promise.reject(new MghaError(Codes.MemgraphClientError, 'refused by a test stage')) });
  const e = new QueryEngine(storage);
  const tx = await e.begin(txOptions(true));
  await runIn(tx, 'CREATE (:D)');
  await expect(tx.commit()).rejects.toThrow('refused by a test stage');
  expect(await rows(e, 'MATCH (n:D) RETURN count(n)')).toEqual([[0]]);
  expect(storage.lastCommitTimestamp()).toBe(0);
});

test('a commit stage that warns: the notification comes with the commit', async () => {
  const storage = new InMemoryStorage();
  storage.addCommitStage({
    name: 'warn',
    run: () => [{ severity: 'WARNING', code: 'SyncReplicationFailure', title: 'a test warning' }],
  });
  const e = new QueryEngine(storage);
  const tx = await e.begin(txOptions(true));
  await runIn(tx, 'CREATE (:D)');
  const committed = await tx.commit();
  expect(committed.notifications).toHaveLength(1);
  expect(Object.fromEntries(committed.notifications[0])).toEqual({
    severity: 'WARNING',
    code: 'SyncReplicationFailure',
    title: 'a test warning',
    description: '',
  });
});

test('a visible bookmark begins synchronously; a future one waits for its commit; the parse kept for a repeated bookmark follows the timeline', async () => {
  let timeline = { epochId: 'epoch-a', history: [] as { epochId: string; lastCommitTs: number }[] };
  const e = new QueryEngine(new InMemoryStorage(), { timeline: () => timeline });
  const w = await e.begin(txOptions(true));
  await runIn(w, 'CREATE (:B)');
  const { bookmark } = await w.commit();
  expect(bookmark).toMatch(/^mgha:epoch-a:\d+$/);
  expect(e.currentBookmark()).toBe(bookmark);
  // Visible: no promise (issue #14), twice (the second from the kept parse).
  for (let i = 0; i < 2; i++) {
    const t = e.begin(txOptions(true, { bookmarks: [bookmark] }));
    expect(t).not.toBeInstanceOf(Promise);
    await (t as Awaited<typeof t>).rollback();
  }
  // A bookmark ahead of this instance: begin waits until a commit reaches it.
  const ts = Number(bookmark.split(':')[2]);
  const ahead = e.begin(txOptions(true, { bookmarks: [`mgha:epoch-a:${ts + 1}`] }));
  expect(ahead).toBeInstanceOf(Promise);
  await run(e, 'CREATE (:B)');
  await (await ahead).rollback();
  // After a failover to a new epoch the same text is judged against the new timeline.
  timeline = { epochId: 'epoch-b', history: [{ epochId: 'epoch-a', lastCommitTs: ts - 1 }] };
  const t = e.begin(txOptions(true, { bookmarks: [bookmark] }));
  expect(t).not.toBeInstanceOf(Promise);
  await (t as Awaited<typeof t>).rollback();
  expect(e.currentBookmark()).toMatch(/^mgha:epoch-b:\d+$/);
});
