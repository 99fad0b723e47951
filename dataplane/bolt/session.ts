// The Bolt server state machine for one connection (no sockets, no timers).
//
// The connection feeds requests strictly in order through handle(); a request answered
// without touching the engine is handled synchronously (handle returns undefined), the
// rest return a Promise the connection awaits before the next request. Responses go to a
// ResponseSink, which the connection batches into one socket write per drained queue.
// States follow the Bolt spec (server-state.adoc); INTERRUPTED is "a RESET is queued"
// (pendingResets > 0): everything before it is IGNORED.

import { Codes, MghaError, toMghaError } from '../errors.js';
import type { Engine, EngineCommit, EngineTransaction, QuerySummary, QueryType, RecordBatch, ResultStream, TransactionOptions } from '../query/engine-types.js';
import type { Value } from '../values/model.js';
import type { Metadata } from './messages.js';
import type { Dict, ProtocolFeatures, Request, SessionState } from './types.js';

/** Records per internal pull while serving PULL all (n = -1). */
const PULL_ALL_BATCH = 1000;
/** PULL all writes for about this long before letting other sessions run. */
const PULL_ALL_SLICE_MS = 20;

export interface ResponseSink {
  success(meta: Metadata): void;
  /**
   * Throws (or rejects) if a value cannot be encoded, nothing written then. A Promise means
   * the record is still being encoded (a huge value, packed in slices): write nothing else
   * until it settles.
   */
  record(values: readonly Value[]): void | Promise<void>;
  failure(error: MghaError): void;
  ignored(): void;
}

export interface RoutingTable {
  ttlSeconds: number;
  routers: string[];
  readers: string[];
  writers: string[];
}

export interface RoutingProvider {
  routingTable(database: string | null): RoutingTable;
}

export interface BoltHooks {
  connectionOpened(): void;
  connectionClosed(): void;
  queryFinished(type: QueryType | 'error', seconds: number): void;
}

export interface SessionDeps {
  engine: Engine;
  routing: RoutingProvider;
  serverAgent: string;
  connectionId: string;
  hooks?: BoltHooks | undefined;
  /** Called when a 4.x client negotiates patch_bolt ["utc"]. */
  enableUtcDateTime(): void;
  /** The `connection.recv_timeout_seconds` hint for HELLO; 0 = none. */
  recvTimeoutHintSec?: () => number;
}

/** Name reported as `db` in summaries when the client did not pick one (Memgraph's default). */
export const DEFAULT_DATABASE = 'memgraph';

interface OpenStream {
  stream: ResultStream;
  startedAt: number;
}

interface AutoCommit extends OpenStream {
  tx: EngineTransaction;
  database: string | null;
}

export class BoltSession {
  state: SessionState = 'NEGOTIATION';
  private pendingResets = 0;
  private auto: AutoCommit | null = null;
  private tx: EngineTransaction | null = null;
  private txDatabase: string | null = null;
  private streams = new Map<number, OpenStream>();
  private nextQid = 0;
  private lastQid = -1;

  constructor(
    private readonly features: ProtocolFeatures,
    private readonly deps: SessionDeps,
    private readonly sink: ResponseSink,
  ) {}

  /** A RESET has been received but not yet handled: answer IGNORED until it is. */
  noteResetQueued(): void {
    this.pendingResets++;
  }

  get closed(): boolean {
    return this.state === 'DEFUNCT';
  }

  handle(req: Request): void | Promise<void> {
    if (this.state === 'DEFUNCT') return;
    if (req.type === 'GOODBYE') return this.goodbye();
    if (req.type === 'RESET') return this.reset();
    if (this.pendingResets > 0 && this.state !== 'NEGOTIATION' && this.state !== 'AUTHENTICATION') {
      return this.sink.ignored();
    }
    switch (this.state) {
      case 'NEGOTIATION':
        if (req.type === 'HELLO') return this.hello(req.extra);
        return this.violation(req);
      case 'AUTHENTICATION':
        if (req.type === 'LOGON') return this.logon(req.auth);
        return this.violation(req);
      case 'FAILED':
        if (req.type === 'HELLO' || req.type === 'LOGON') return this.violation(req);
        return this.sink.ignored();
      case 'READY':
        switch (req.type) {
          case 'RUN':
            return this.runAutoCommit(req.query, req.parameters, req.extra);
          case 'BEGIN':
            return this.begin(req.extra);
          case 'ROUTE':
            return this.route(req.db);
          case 'TELEMETRY':
            return this.sink.success({});
          case 'LOGOFF':
            this.state = 'AUTHENTICATION';
            return this.sink.success({});
          case 'INVALID':
            return this.fail(req.error);
        }
        return this.violation(req);
      case 'STREAMING':
        switch (req.type) {
          case 'PULL':
          case 'DISCARD': {
            const args = streamArgs(req.type, req.extra);
            return args instanceof MghaError ? this.fail(args) : this.pullAutoCommit(args.n);
          }
          case 'TELEMETRY':
            return this.sink.success({});
          case 'INVALID':
            return this.fail(req.error);
        }
        return this.violation(req);
      case 'TX_READY':
      case 'TX_STREAMING':
        switch (req.type) {
          case 'RUN':
            return this.runInTx(req.query, req.parameters);
          case 'PULL':
          case 'DISCARD': {
            const args = streamArgs(req.type, req.extra);
            return args instanceof MghaError ? this.fail(args) : this.pullInTx(args.n, args.qid);
          }
          case 'COMMIT':
            return this.commit();
          case 'ROLLBACK':
            return this.rollback();
          case 'TELEMETRY':
            return this.sink.success({});
          case 'INVALID':
            return this.fail(req.error);
        }
        return this.violation(req);
    }
  }

  /** Server shutdown or socket loss: roll back whatever is open. */
  async shutdown(): Promise<void> {
    this.state = 'DEFUNCT';
    await this.abortTransactions();
  }

  // --- connection setup -----------------------------------------------------------

  private hello(extra: Dict): void {
    if (!this.features.logon && !this.authenticate(extra)) return;
    const meta: Record<string, Value> = {
      server: this.deps.serverAgent,
      connection_id: this.deps.connectionId,
    };
    if (this.features.hints) {
      const hints = new Map<string, Value>();
      const recvTimeout = this.deps.recvTimeoutHintSec?.() ?? 0;
      // The connection sends NOOPs while a request runs, so only a silent server trips it.
      if (recvTimeout > 0) hints.set('connection.recv_timeout_seconds', BigInt(Math.ceil(recvTimeout)));
      meta.hints = hints;
    }
    const patch = extra.get('patch_bolt');
    if (this.features.utcPatchNegotiable && Array.isArray(patch) && patch.includes('utc')) {
      this.deps.enableUtcDateTime();
      meta.patch_bolt = ['utc'];
    }
    this.state = this.features.logon ? 'AUTHENTICATION' : 'READY';
    this.sink.success(meta);
  }

  private logon(auth: Dict): void {
    if (!this.authenticate(auth)) return;
    this.state = 'READY';
    this.sink.success({});
  }

  /** No users are configured yet: any credentials pass, unknown schemes do not. */
  private authenticate(auth: Dict): boolean {
    const scheme = auth.get('scheme') ?? 'none';
    if (scheme === 'none' || scheme === 'basic') return true;
    this.sink.failure(new MghaError(Codes.Unauthorized, `Unsupported authentication scheme: ${String(scheme)}`));
    this.state = 'DEFUNCT';
    return false;
  }

  private goodbye(): void | Promise<void> {
    const open = this.auto !== null || this.tx !== null;
    this.state = 'DEFUNCT';
    if (open) return this.abortTransactions();
  }

  private reset(): void | Promise<void> {
    if (this.pendingResets > 0) this.pendingResets--;
    if (this.state === 'NEGOTIATION') return this.violation({ type: 'RESET' });
    const done = (): void => {
      if (this.state !== 'AUTHENTICATION' && this.state !== 'DEFUNCT') this.state = 'READY';
      this.sink.success({});
    };
    if (this.auto === null && this.tx === null) return done();
    return this.abortTransactions().then(done);
  }

  private violation(req: Request): void {
    const what = req.type === 'INVALID' ? req.name : req.type;
    this.sink.failure(new MghaError(Codes.RequestInvalid, `Message ${what} is not valid in state ${this.state}`));
    this.state = 'DEFUNCT';
  }

  /** Reports an error, rolls back and moves to FAILED (cleared by RESET). */
  private fail(e: unknown, startedAt?: number): void | Promise<void> {
    const err = toMghaError(e);
    this.sink.failure(err);
    if (this.state !== 'DEFUNCT') this.state = 'FAILED';
    if (startedAt !== undefined) this.deps.hooks?.queryFinished('error', seconds(startedAt));
    if (this.auto !== null || this.tx !== null) return this.abortTransactions();
  }

  private async abortTransactions(): Promise<void> {
    const txs = [this.auto?.tx, this.tx];
    this.auto = null;
    this.tx = null;
    this.streams.clear();
    for (const tx of txs) {
      if (tx === undefined || tx === null) continue;
      await rollbackQuietly(tx);
    }
  }

  // --- auto-commit ----------------------------------------------------------------
  // The hot path of every driver's session.run: RUN and PULL each finish synchronously
  // when the engine answers synchronously (a round trip then costs no promise at all);
  // a step that has to wait continues asynchronously from where it stopped.

  private runAutoCommit(query: string, parameters: Dict, extra: Dict): void | Promise<void> {
    const startedAt = performance.now();
    try {
      const options = transactionOptions(extra, true);
      const tx = this.deps.engine.begin(options);
      if (tx instanceof Promise) {
        return tx.then(
          (t) => this.startAutoCommit(t, query, parameters, startedAt, options.database),
          (e: unknown) => this.fail(e, startedAt),
        );
      }
      return this.startAutoCommit(tx, query, parameters, startedAt, options.database);
    } catch (e) {
      return this.fail(e, startedAt);
    }
  }

  private startAutoCommit(tx: EngineTransaction, query: string, parameters: Dict, startedAt: number, database: string | null): void | Promise<void> {
    try {
      const stream = tx.run(query, parameters);
      if (stream instanceof Promise) {
        return stream
          .then((s) => this.streamAutoCommit({ tx, stream: s, startedAt, database }))
          .then(undefined, (e: unknown) => this.failAutoCommitStart(tx, e, startedAt));
      }
      this.streamAutoCommit({ tx, stream, startedAt, database });
    } catch (e) {
      return this.failAutoCommitStart(tx, e, startedAt);
    }
  }

  private async failAutoCommitStart(tx: EngineTransaction, e: unknown, startedAt: number): Promise<void> {
    await rollbackQuietly(tx);
    return this.fail(e, startedAt);
  }

  private streamAutoCommit(auto: AutoCommit): void {
    this.auto = auto;
    this.state = 'STREAMING';
    this.sink.success({ fields: auto.stream.fields, t_first: millis(auto.startedAt) });
  }

  /** n > 0: up to n records; n < 0: all; n = 0: DISCARD. */
  private pullAutoCommit(n: number): void | Promise<void> {
    const auto = this.auto as AutoCommit;
    try {
      const exhausted = this.drain(auto.stream, n);
      if (exhausted instanceof Promise) {
        return exhausted
          .then((done) => this.commitAutoCommit(auto, done))
          .then(undefined, (e: unknown) => this.fail(e, auto.startedAt));
      }
      const committed = this.commitAutoCommit(auto, exhausted);
      // A commit that waits for the WAL can still fail (the disk is full): a FAILURE, not a dropped connection.
      if (committed instanceof Promise) return committed.then(undefined, (e: unknown) => this.fail(e, auto.startedAt));
      return committed;
    } catch (e) {
      return this.fail(e, auto.startedAt);
    }
  }

  /** Commits once the stream is exhausted; throws (or rejects) on failure. */
  private commitAutoCommit(auto: AutoCommit, exhausted: boolean): void | Promise<void> {
    if (!exhausted) return;
    const summary = auto.stream.summary();
    const committed = auto.tx.commit();
    if (committed instanceof Promise) return committed.then((c) => this.committedAutoCommit(auto, summary, c));
    this.committedAutoCommit(auto, summary, committed);
  }

  private committedAutoCommit(auto: AutoCommit, summary: QuerySummary, committed: EngineCommit): void {
    this.auto = null;
    this.state = 'READY';
    // Commit notifications (a SYNC replica that did not confirm) join the query's own.
    const all = committed.notifications.length === 0 ? summary : { ...summary, notifications: [...summary.notifications, ...committed.notifications] };
    this.sink.success(this.summaryMeta(all, auto.startedAt, auto.database, committed.bookmark));
    this.deps.hooks?.queryFinished(summary.type, seconds(auto.startedAt));
  }

  /** Streams records; returns true when the stream is exhausted, false after `has_more`. */
  private drain(stream: ResultStream, n: number): boolean | Promise<boolean> {
    if (n === 0) {
      const discarding = stream.discard();
      return discarding instanceof Promise ? discarding.then(() => true) : true;
    }
    if (n < 0) return this.drainAll(stream);
    const batch = stream.pull(n);
    return batch instanceof Promise ? batch.then((b) => this.emit(b)) : this.emit(batch);
  }

  private emit(batch: RecordBatch): boolean | Promise<boolean> {
    const written = this.write(batch);
    if (written instanceof Promise) return written.then(() => this.emit({ records: [], hasMore: batch.hasMore }));
    if (batch.hasMore) {
      this.sink.success({ has_more: true });
      return false;
    }
    return true;
  }

  private write(batch: RecordBatch, from = 0): void | Promise<void> {
    for (let i = from; i < batch.records.length; i++) {
      const pending = this.sink.record(batch.records[i]);
      if (pending instanceof Promise) return pending.then(() => this.write(batch, i + 1));
    }
  }

  /**
   * PULL all (n = -1: mgclient and raw clients ask so) as successive batches, each written
   * before the next is produced, with the event loop free between time slices: ten million
   * rows neither sit whole in memory nor go out in one synchronous stretch. A result that
   * fits in the first batch stays synchronous.
   */
  private drainAll(stream: ResultStream): boolean | Promise<boolean> {
    const first = stream.pull(PULL_ALL_BATCH);
    if (first instanceof Promise) return this.drainAllFrom(stream, first);
    const written = this.write(first);
    if (written instanceof Promise || first.hasMore) return this.drainAllFrom(stream, written ?? null);
    return true;
  }

  private async drainAllFrom(stream: ResultStream, pending: Promise<RecordBatch> | Promise<void> | null): Promise<boolean> {
    const before = await pending;
    let batch: RecordBatch | null = before === undefined || before === null ? null : before;
    let sliceStart = performance.now();
    for (;;) {
      if (batch !== null) {
        await this.write(batch);
        if (!batch.hasMore) return true;
      }
      if (performance.now() - sliceStart > PULL_ALL_SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
      batch = await stream.pull(PULL_ALL_BATCH);
    }
  }

  /** The last SUCCESS of a result; `bookmark` (auto-commit only) comes first. */
  private summaryMeta(summary: QuerySummary, startedAt: number, database: string | null, bookmark?: string): Record<string, Value> {
    const meta: Record<string, Value> = bookmark === undefined ? {} : { bookmark };
    meta.type = summary.type;
    meta.t_last = millis(startedAt);
    meta.db = database ?? DEFAULT_DATABASE;
    let stats: Map<string, Value> | null = null;
    for (const k in summary.stats) {
      const v = summary.stats[k] as number;
      if (v !== 0) (stats ??= new Map()).set(k, BigInt(v));
    }
    if (stats !== null) meta.stats = stats;
    if (summary.plan !== null) meta.plan = summary.plan;
    if (summary.notifications.length > 0) meta.notifications = summary.notifications;
    if (summary.extra !== undefined) Object.assign(meta, summary.extra);
    return meta;
  }

  // --- explicit transactions ------------------------------------------------------

  // Each step finishes synchronously when the engine answers synchronously, as the
  // auto-commit path does: executeQuery / executeRead (BEGIN, RUN, PULL, COMMIT) then cost
  // no promise, microtask or async resume per message (issue #14); a step that has to wait
  // continues asynchronously from where it stopped.

  private begin(extra: Dict): void | Promise<void> {
    let database: string | null;
    let tx: EngineTransaction | Promise<EngineTransaction>;
    try {
      const options = transactionOptions(extra, false);
      database = options.database;
      tx = this.deps.engine.begin(options);
    } catch (e) {
      return this.fail(e);
    }
    if (tx instanceof Promise) return tx.then((t) => this.begun(t, database)).then(undefined, (e: unknown) => this.fail(e));
    try {
      this.begun(tx, database);
    } catch (e) {
      return this.fail(e);
    }
  }

  private begun(tx: EngineTransaction, database: string | null): void {
    this.tx = tx;
    this.txDatabase = database;
    this.nextQid = 0;
    this.lastQid = -1;
    this.state = 'TX_READY';
    this.sink.success({});
  }

  private runInTx(query: string, parameters: Dict): void | Promise<void> {
    const startedAt = performance.now();
    try {
      const stream = (this.tx as EngineTransaction).run(query, parameters);
      if (stream instanceof Promise) {
        return stream.then((st) => this.streamInTx(st, startedAt)).then(undefined, (e: unknown) => this.fail(e, startedAt));
      }
      this.streamInTx(stream, startedAt);
    } catch (e) {
      return this.fail(e, startedAt);
    }
  }

  private streamInTx(stream: ResultStream, startedAt: number): void {
    const qid = this.nextQid++;
    this.streams.set(qid, { stream, startedAt });
    this.lastQid = qid;
    this.state = 'TX_STREAMING';
    this.sink.success({ fields: stream.fields, t_first: millis(startedAt), qid: BigInt(qid) });
  }

  private pullInTx(n: number, requestedQid: number): void | Promise<void> {
    const qid = requestedQid === -1 ? this.lastQid : requestedQid;
    const open = this.streams.get(qid);
    if (open === undefined) {
      return this.fail(new MghaError(Codes.RequestInvalid, `No open result with qid ${requestedQid}`));
    }
    try {
      const exhausted = this.drain(open.stream, n);
      if (exhausted instanceof Promise) {
        return exhausted.then((done) => this.pulledInTx(qid, open, done)).then(undefined, (e: unknown) => this.fail(e, open.startedAt));
      }
      this.pulledInTx(qid, open, exhausted);
    } catch (e) {
      return this.fail(e, open.startedAt);
    }
  }

  private pulledInTx(qid: number, open: OpenStream, exhausted: boolean): void {
    if (!exhausted) return;
    this.streams.delete(qid);
    this.state = this.streams.size > 0 ? 'TX_STREAMING' : 'TX_READY';
    const summary = open.stream.summary();
    this.sink.success(this.summaryMeta(summary, open.startedAt, this.txDatabase));
    this.deps.hooks?.queryFinished(summary.type, seconds(open.startedAt));
  }

  /** Results left unconsumed are discarded first (their side effects still commit). */
  private commit(): void | Promise<void> {
    if (this.streams.size > 0) return this.discardThenCommit();
    const tx = this.tx as EngineTransaction;
    try {
      const committed = tx.commit();
      if (committed instanceof Promise) return committed.then((c) => this.committed(c)).then(undefined, (e: unknown) => this.fail(e));
      this.committed(committed);
    } catch (e) {
      return this.fail(e);
    }
  }

  private async discardThenCommit(): Promise<void> {
    try {
      for (const open of this.streams.values()) await open.stream.discard();
      this.streams.clear();
      this.committed(await (this.tx as EngineTransaction).commit());
    } catch (e) {
      return this.fail(e);
    }
  }

  private committed(committed: EngineCommit): void {
    this.tx = null;
    this.state = 'READY';
    const meta: Record<string, Value> = { bookmark: committed.bookmark };
    if (committed.notifications.length > 0) meta.notifications = committed.notifications;
    this.sink.success(meta);
  }

  private rollback(): void | Promise<void> {
    const tx = this.tx as EngineTransaction;
    this.tx = null;
    this.streams.clear();
    try {
      const done = tx.rollback();
      if (done instanceof Promise) return done.then(() => this.rolledBack()).then(undefined, (e: unknown) => this.fail(e));
      this.rolledBack();
    } catch (e) {
      return this.fail(e);
    }
  }

  private rolledBack(): void {
    this.state = 'READY';
    this.sink.success({});
  }

  // --- routing --------------------------------------------------------------------

  private route(database: string | null): void | Promise<void> {
    try {
      const t = this.deps.routing.routingTable(database);
      const servers: Value[] = [
        new Map<string, Value>([['addresses', t.routers], ['role', 'ROUTE']]),
        new Map<string, Value>([['addresses', t.readers], ['role', 'READ']]),
        new Map<string, Value>([['addresses', t.writers], ['role', 'WRITE']]),
      ];
      // No `db` key: the driver would adopt it as the session database (reference §4.3).
      const rt = new Map<string, Value>([['ttl', BigInt(t.ttlSeconds)], ['servers', servers]]);
      this.sink.success({ rt });
    } catch (e) {
      return this.fail(e);
    }
  }
}

/** A rollback after a failure may itself fail (the engine already ended the transaction). */
async function rollbackQuietly(tx: EngineTransaction): Promise<void> {
  try {
    await tx.rollback();
  } catch {
    // Nothing left to undo.
  }
}

function millis(since: number): bigint {
  return BigInt(Math.round(performance.now() - since));
}

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}

function intOf(v: Value | undefined, name: string): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw new MghaError(Codes.RequestInvalid, `${name} must be an integer`);
}

/** PULL/DISCARD `{n, qid}`: n > 0 up to n records, -1 all, 0 discard; qid -1 = last RUN. */
function streamArgs(type: 'PULL' | 'DISCARD', extra: Dict): { n: number; qid: number } | MghaError {
  try {
    const n = intOf(extra.get('n'), 'n') ?? -1;
    const qid = intOf(extra.get('qid'), 'qid') ?? -1;
    return { n: type === 'DISCARD' ? 0 : n <= 0 ? -1 : n, qid };
  } catch (e) {
    return toMghaError(e);
  }
}

/** Shared by every transaction without metadata (nearly all): no Map per query; only read (SHOW TRANSACTIONS). */
const NO_METADATA = new Map<string, Value>();

/** BEGIN / auto-commit RUN `extra` → engine options; bad shapes are client errors. */
export function transactionOptions(extra: Dict, implicit: boolean): TransactionOptions {
  const bookmarks = extra.get('bookmarks') ?? [];
  if (!Array.isArray(bookmarks) || !bookmarks.every((b): b is string => typeof b === 'string')) {
    throw new MghaError(Codes.RequestInvalid, 'bookmarks must be a list of strings');
  }
  const metadata = extra.get('tx_metadata') ?? NO_METADATA;
  if (!(metadata instanceof Map)) throw new MghaError(Codes.RequestInvalid, 'tx_metadata must be a map');
  const mode = extra.get('mode') ?? 'w';
  if (mode !== 'r' && mode !== 'w') throw new MghaError(Codes.RequestInvalid, `Unknown access mode ${String(mode)}`);
  const database = extra.get('db') ?? null;
  if (database !== null && typeof database !== 'string') throw new MghaError(Codes.RequestInvalid, 'db must be a string');
  const impUser = extra.get('imp_user') ?? null;
  if (impUser !== null) throw new MghaError(Codes.RequestInvalid, 'Impersonation is not supported');
  const timeout = intOf(extra.get('tx_timeout'), 'tx_timeout');
  return {
    bookmarks,
    timeoutMs: timeout !== null && timeout > 0 ? timeout : null,
    metadata,
    mode,
    database,
    implicit,
  };
}
