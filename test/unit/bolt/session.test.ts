import { typeError, type MghaError } from '../../../dataplane/errors.js';
import type { Metadata } from '../../../dataplane/bolt/messages.js';
import { BoltSession, type ResponseSink } from '../../../dataplane/bolt/session.js';
import { featuresOf, type Request } from '../../../dataplane/bolt/types.js';
import type { Engine } from '../../../dataplane/query/engine-types.js';
import type { Value } from '../../../dataplane/values/model.js';
import { TestEngine } from '../../integration/bolt-test-engine.js';

type Reply = ['SUCCESS', Metadata] | ['RECORD', readonly Value[]] | ['FAILURE', string] | ['IGNORED'];

class Capture implements ResponseSink {
  replies: Reply[] = [];
  success(meta: Metadata): void {
    this.replies.push(['SUCCESS', meta]);
  }
  record(values: readonly Value[]): void {
    this.replies.push(['RECORD', values]);
  }
  failure(error: MghaError): void {
    this.replies.push(['FAILURE', error.code]);
  }
  ignored(): void {
    this.replies.push(['IGNORED']);
  }
  take(): Reply[] {
    const r = this.replies;
    this.replies = [];
    return r;
  }
}

const map = (o: Record<string, Value> = {}): Map<string, Value> => new Map(Object.entries(o));

function setup(major = 5, minor = 4) {
  const engine = new TestEngine();
  const sink = new Capture();
  let utc = false;
  const session = new BoltSession(
    featuresOf({ major, minor }),
    {
      engine,
      serverAgent: 'agent/1',
      connectionId: 'bolt-7',
      routing: { routingTable: (db) => ({ ttlSeconds: 60, routers: ['r:1'], readers: [`read-${db ?? 'default'}:1`], writers: [] }) },
      enableUtcDateTime: () => (utc = true),
    },
    sink,
  );
  const send = async (...reqs: Request[]): Promise<Reply[]> => {
    for (const r of reqs) await session.handle(r);
    return sink.take();
  };
  return { engine, sink, session, send, utc: () => utc };
}

async function ready(major = 5, minor = 4) {
  const s = setup(major, minor);
  await s.send({ type: 'HELLO', extra: map({ user_agent: 'x' }) });
  if (s.session.state === 'AUTHENTICATION') await s.send({ type: 'LOGON', auth: map({ scheme: 'basic', principal: 'u', credentials: 'p' }) });
  expect(s.session.state).toBe('READY');
  return s;
}

const run = (query: string, parameters: Record<string, Value> = {}, extra: Record<string, Value> = {}): Request => ({
  type: 'RUN',
  query,
  parameters: map(parameters),
  extra: map(extra),
});
const pull = (n: bigint, qid?: bigint): Request => ({ type: 'PULL', extra: map(qid === undefined ? { n } : { n, qid }) });

test('5.1+: HELLO then LOGON; HELLO SUCCESS carries server, connection_id and hints', async () => {
  const { send, session } = setup();
  const [hello] = await send({ type: 'HELLO', extra: map({ user_agent: 'x' }) });
  expect(hello).toEqual(['SUCCESS', { server: 'agent/1', connection_id: 'bolt-7', hints: new Map() }]);
  expect(session.state).toBe('AUTHENTICATION');
  expect(await send({ type: 'LOGON', auth: map({ scheme: 'none' }) })).toEqual([['SUCCESS', {}]]);
  expect(session.state).toBe('READY');
  expect(await send({ type: 'LOGOFF' })).toEqual([['SUCCESS', {}]]);
  expect(session.state).toBe('AUTHENTICATION');
});

test('4.4: auth in HELLO and patch_bolt utc is echoed and enabled', async () => {
  const s = setup(4, 4);
  const [hello] = await s.send({ type: 'HELLO', extra: map({ scheme: 'basic', patch_bolt: ['utc'] }) });
  expect(hello?.[1]).toMatchObject({ patch_bolt: ['utc'] });
  expect(s.utc()).toBe(true);
  expect(s.session.state).toBe('READY');
});

test('an unsupported auth scheme fails and closes', async () => {
  const { send, session } = setup(5, 0);
  expect(await send({ type: 'HELLO', extra: map({ scheme: 'kerberos' }) })).toEqual([['FAILURE', 'Neo.ClientError.Security.Unauthorized']]);
  expect(session.closed).toBe(true);
});

test('a message invalid in the current state is a protocol violation that closes', async () => {
  const a = setup();
  expect(await a.send(run('RETURN 1'))).toEqual([['FAILURE', 'Neo.ClientError.Request.Invalid']]);
  expect(a.session.closed).toBe(true);
  expect(await a.send(run('RETURN 1'))).toEqual([]);
  const b = await ready();
  expect(await b.send(pull(-1n))).toEqual([['FAILURE', 'Neo.ClientError.Request.Invalid']]);
  expect(b.session.closed).toBe(true);
});

test('auto-commit RUN + PULL: fields, records, then bookmark/type/db in the last SUCCESS', async () => {
  const { send, session } = await ready();
  const [runOk, ...rest] = await send(run('RANGE', { n: 3n }), pull(2n), pull(2n));
  expect(runOk?.[0]).toBe('SUCCESS');
  expect((runOk?.[1] as Metadata).fields).toEqual(['i']);
  expect((runOk?.[1] as Metadata).qid).toBeUndefined();
  expect(rest.slice(0, 3)).toEqual([['RECORD', [0n]], ['RECORD', [1n]], ['SUCCESS', { has_more: true }]]);
  expect(rest[3]).toEqual(['RECORD', [2n]]);
  expect(rest[4]?.[1]).toMatchObject({ bookmark: 'mgha:1', type: 'r', db: 'memgraph' });
  expect(session.state).toBe('READY');
});

/**
 * A logged-in 5.4 session over an engine that answers everything synchronously: one
 * column `column`, one record `value`, commits answered with `bookmark`; `ended` lists
 * every commit and rollback.
 */
function synchronousSession(column: string, value: bigint, bookmark: string): { session: BoltSession; sink: Capture; ended: string[] } {
  const sink = new Capture();
  const ended: string[] = [];
  const engine: Engine = {
    currentBookmark: () => 'mgha:0',
    begin: () => ({
      run: () => ({
        fields: [column],
        pull: () => ({ records: [[value]], hasMore: false }),
        discard: () => undefined,
        summary: () => ({ type: 'r', stats: {}, plan: null, notifications: [] }),
      }),
      commit: () => {
        ended.push('commit');
        return { bookmark, notifications: [] };
      },
      rollback: () => void ended.push('rollback'),
    }),
  };
  const session = new BoltSession(
    featuresOf({ major: 5, minor: 4 }),
    { engine, serverAgent: 'agent/1', connectionId: 'bolt-8', routing: { routingTable: () => ({ ttlSeconds: 1, routers: [], readers: [], writers: [] }) }, enableUtcDateTime: () => undefined },
    sink,
  );
  expect(session.handle({ type: 'HELLO', extra: map() })).toBeUndefined();
  expect(session.handle({ type: 'LOGON', auth: map({ scheme: 'none' }) })).toBeUndefined();
  sink.take();
  return { session, sink, ended };
}

test('auto-commit RUN and PULL are answered synchronously when the engine answers synchronously', () => {
  const { session, sink, ended } = synchronousSession('1', 1n, 'mgha:0');
  expect(session.handle(run('RETURN 1'))).toBeUndefined();
  expect(session.handle(pull(-1n))).toBeUndefined();
  const [fields, record, summary] = sink.take();
  expect(fields?.[1]).toMatchObject({ fields: ['1'] });
  expect(record).toEqual(['RECORD', [1n]]);
  expect(summary?.[1]).toMatchObject({ bookmark: 'mgha:0', type: 'r', db: 'memgraph' });
  expect(ended).toEqual(['commit']);
  expect(session.state).toBe('READY');
});

test('BEGIN, RUN, PULL, COMMIT and ROLLBACK of an explicit transaction are answered synchronously when the engine answers synchronously', () => {
  const { session, sink, ended } = synchronousSession('x', 7n, 'mgha:3');
  for (const end of ['COMMIT', 'ROLLBACK'] as const) {
    expect(session.handle({ type: 'BEGIN', extra: map({ bookmarks: ['mgha:0'] }) })).toBeUndefined();
    expect(session.state).toBe('TX_READY');
    expect(session.handle(run('RETURN 7 AS x'))).toBeUndefined();
    expect(session.handle(pull(-1n))).toBeUndefined();
    expect(session.handle({ type: end })).toBeUndefined();
    const replies = sink.take();
    expect(replies.map((r) => r[0])).toEqual(['SUCCESS', 'SUCCESS', 'RECORD', 'SUCCESS', 'SUCCESS']);
    expect(replies[1]?.[1]).toMatchObject({ fields: ['x'], qid: 0n });
    expect(replies[3]?.[1]).toMatchObject({ type: 'r', db: 'memgraph' });
    expect(replies[4]?.[1]).toEqual(end === 'COMMIT' ? { bookmark: 'mgha:3' } : {});
    expect(session.state).toBe('READY');
  }
  expect(ended).toEqual(['commit', 'rollback']);
});

test('commit notifications go into the auto-commit SUCCESS and into the explicit COMMIT SUCCESS', async () => {
  const warning = new Map<string, Value>([['severity', 'WARNING'], ['code', 'SyncReplicationFailure'], ['title', 't'], ['description', '']]);
  const engine: Engine = {
    currentBookmark: () => 'mgha:0',
    begin: () => ({
      run: () => ({
        fields: [],
        pull: () => ({ records: [], hasMore: false }),
        discard: () => undefined,
        summary: () => ({ type: 'w', stats: {}, plan: null, notifications: [] }),
      }),
      commit: () => ({ bookmark: 'mgha:7', notifications: [warning] }),
      rollback: () => undefined,
    }),
  };
  const sink = new Capture();
  const session = new BoltSession(
    featuresOf({ major: 5, minor: 4 }),
    { engine, serverAgent: 'agent/1', connectionId: 'bolt-9', routing: { routingTable: () => ({ ttlSeconds: 1, routers: [], readers: [], writers: [] }) }, enableUtcDateTime: () => undefined },
    sink,
  );
  session.handle({ type: 'HELLO', extra: map() });
  session.handle({ type: 'LOGON', auth: map({ scheme: 'none' }) });
  session.handle(run('CREATE ()'));
  session.handle(pull(-1n));
  const auto = sink.take();
  expect(auto.at(-1)?.[1]).toMatchObject({ bookmark: 'mgha:7', notifications: [warning] });
  await session.handle({ type: 'BEGIN', extra: map() });
  await session.handle(run('CREATE ()'));
  await session.handle(pull(-1n));
  sink.take();
  await session.handle({ type: 'COMMIT' });
  expect(sink.take()).toEqual([['SUCCESS', { bookmark: 'mgha:7', notifications: [warning] }]]);
});

test('an auto-commit whose commit rejects later (a WAL that failed) gets a FAILURE, not a dropped connection', async () => {
  const sink = new Capture();
  const engine: Engine = {
    currentBookmark: () => 'mgha:0',
    begin: () => ({
      run: () => ({
        fields: [],
        pull: () => ({ records: [], hasMore: false }),
        discard: () => undefined,
        summary: () => ({ type: 'w', stats: {}, plan: null, notifications: [] }),
      }),
      commit: () => Promise.reject(typeError('WAL write failed, commits are no longer durable: ENOSPC')),
      rollback: () => undefined,
    }),
  };
  const session = new BoltSession(
    featuresOf({ major: 5, minor: 4 }),
    { engine, serverAgent: 'agent/1', connectionId: 'bolt-9', routing: { routingTable: () => ({ ttlSeconds: 1, routers: [], readers: [], writers: [] }) }, enableUtcDateTime: () => undefined },
    sink,
  );
  session.handle({ type: 'HELLO', extra: map() });
  session.handle({ type: 'LOGON', auth: map({ scheme: 'none' }) });
  session.handle(run('CREATE ()'));
  sink.take();
  await expect(session.handle(pull(-1n))).resolves.toBeUndefined();
  expect(sink.take()).toEqual([['FAILURE', 'Neo.ClientError.Statement.TypeError']]);
  expect(session.state).toBe('FAILED');
});

test('DISCARD ends an auto-commit stream and still commits', async () => {
  const { send, engine } = await ready();
  const replies = await send(run('WRITE', { v: 1n }), { type: 'DISCARD', extra: map({ n: -1n }) });
  expect(replies[1]?.[1]).toMatchObject({ type: 'w', stats: new Map([['nodes-created', 1n], ['properties-set', 1n]]) });
  expect(engine.committed).toEqual([1n]);
});

test('after FAILURE everything but RESET is IGNORED (TELEMETRY too); RESET recovers', async () => {
  const { send, session, engine } = await ready();
  expect(await send(run('BAD'), pull(-1n), { type: 'TELEMETRY', api: 2n }, { type: 'BEGIN', extra: map() })).toEqual([
    ['FAILURE', 'Neo.ClientError.Statement.SyntaxError'],
    ['IGNORED'],
    ['IGNORED'],
    ['IGNORED'],
  ]);
  expect(session.state).toBe('FAILED');
  expect(await send({ type: 'RESET' })).toEqual([['SUCCESS', {}]]);
  expect(session.state).toBe('READY');
  expect(engine.openTransactions).toBe(0);
});

test('a queued RESET makes earlier requests IGNORED (INTERRUPTED)', async () => {
  const { send, session } = await ready();
  session.noteResetQueued();
  expect(await send(run('RETURN 1'), pull(-1n), { type: 'RESET' }, run('RETURN 1'))).toEqual([
    ['IGNORED'],
    ['IGNORED'],
    ['SUCCESS', {}],
    ['SUCCESS', expect.objectContaining({ fields: ['1'] })],
  ]);
});

test('explicit transaction: qids, PULL by qid, COMMIT returns the bookmark', async () => {
  const { send, session, engine } = await ready();
  await send({ type: 'BEGIN', extra: map({ bookmarks: ['mgha:0'], tx_timeout: 1500n, mode: 'r' }) });
  expect(engine.begins.at(-1)).toMatchObject({ bookmarks: ['mgha:0'], timeoutMs: 1500, mode: 'r', implicit: false });
  const [r0, r1] = await send(run('RANGE', { n: 2n }), run('RANGE', { n: 3n }));
  expect((r0?.[1] as Metadata).qid).toBe(0n);
  expect((r1?.[1] as Metadata).qid).toBe(1n);
  expect(session.state).toBe('TX_STREAMING');
  expect(await send(pull(1n, 0n))).toEqual([['RECORD', [0n]], ['SUCCESS', { has_more: true }]]);
  const last = await send(pull(-1n));
  expect(last.slice(0, 3)).toEqual([['RECORD', [0n]], ['RECORD', [1n]], ['RECORD', [2n]]]);
  expect(last[3]?.[1]).not.toHaveProperty('bookmark');
  expect(session.state).toBe('TX_STREAMING');
  await send(pull(-1n, 0n));
  expect(session.state).toBe('TX_READY');
  expect(await send({ type: 'COMMIT' })).toEqual([['SUCCESS', { bookmark: 'mgha:1' }]]);
  expect(session.state).toBe('READY');
});

test('PULL for an unknown qid fails the transaction', async () => {
  const { send, engine } = await ready();
  await send({ type: 'BEGIN', extra: map() }, run('RETURN 1'));
  expect(await send(pull(-1n, 5n))).toEqual([['FAILURE', 'Neo.ClientError.Request.Invalid']]);
  expect(engine.openTransactions).toBe(0);
});

test('ROUTE answers ROUTE/READ/WRITE servers and no db', async () => {
  const { send } = await ready();
  const [reply] = await send({ type: 'ROUTE', routing: map({ address: 'x:1' }), bookmarks: [], db: 'memgraph', extra: map() });
  const rt = (reply?.[1] as Metadata).rt as Map<string, Value>;
  expect(rt.get('ttl')).toBe(60n);
  expect(rt.has('db')).toBe(false);
  expect(rt.get('servers')).toEqual([
    new Map<string, Value>([['addresses', ['r:1']], ['role', 'ROUTE']]),
    new Map<string, Value>([['addresses', ['read-memgraph:1']], ['role', 'READ']]),
    new Map<string, Value>([['addresses', []], ['role', 'WRITE']]),
  ]);
});

test('GOODBYE and shutdown roll back open transactions', async () => {
  const a = await ready();
  await a.send({ type: 'BEGIN', extra: map() }, run('WRITE', { v: 1n }));
  await a.send({ type: 'GOODBYE' });
  expect(a.session.closed).toBe(true);
  expect(a.engine.openTransactions).toBe(0);
  const b = await ready();
  await b.send(run('RANGE', { n: 5n }));
  await b.session.shutdown();
  expect(b.engine.openTransactions).toBe(0);
  expect(b.engine.committed).toEqual([]);
});

test('bad BEGIN extras are client errors (FAILED), not disconnects', async () => {
  const { send, session } = await ready();
  expect(await send({ type: 'BEGIN', extra: map({ bookmarks: 'nope' }) })).toEqual([['FAILURE', 'Neo.ClientError.Request.Invalid']]);
  expect(session.state).toBe('FAILED');
  await send({ type: 'RESET' });
  expect(await send({ type: 'BEGIN', extra: map({ imp_user: 'bob' }) })).toEqual([['FAILURE', 'Neo.ClientError.Request.Invalid']]);
});

test('a request with refused content (INVALID) fails like a bad query', async () => {
  const { send, session } = await ready();
  expect(await send({ type: 'INVALID', name: 'RUN', error: typeError('bytes') })).toEqual([['FAILURE', 'Neo.ClientError.Statement.TypeError']]);
  expect(session.state).toBe('FAILED');
});

test('a PULL with a malformed n fails the query instead of dropping the connection', async () => {
  const { send, session, engine } = await ready();
  await send(run('RANGE', { n: 3n }));
  expect(await send({ type: 'PULL', extra: map({ n: 'all' }) })).toEqual([['FAILURE', 'Neo.ClientError.Request.Invalid']]);
  expect(session.state).toBe('FAILED');
  expect(engine.openTransactions).toBe(0);
});

test('PULL all (n = -1) of a big result is written in batches, letting other work run, all records in order', async () => {
  const { session, sink } = await ready();
  await session.handle(run('RANGE', { n: 1_000_000n }));
  sink.take();
  let turned = false;
  setImmediate(() => (turned = true));
  await session.handle(pull(-1n));
  // The event loop turned before the last record was written.
  expect(turned).toBe(true);
  const replies = sink.take();
  expect(replies.length).toBe(1_000_001);
  expect(replies.slice(0, -1).every((r, i) => r[0] === 'RECORD' && r[1][0] === BigInt(i))).toBe(true);
  const last = replies[replies.length - 1];
  expect(last[0]).toBe('SUCCESS');
  expect((last as ['SUCCESS', Metadata])[1].has_more).toBeUndefined();
  expect(session.state).toBe('READY');
});
