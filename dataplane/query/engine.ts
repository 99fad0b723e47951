// The query engine: transactions over storage, the plan cache, and result streams that
// drive the operator generators in batches, yielding to the event loop on PAUSE markers
// so heartbeats and other sessions keep running during long queries.

import { bookmarkTarget, formatBookmark, parseBookmark, type ParsedBookmark, type Timeline } from './bookmarks.js';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Engine, EngineCommit, EngineTransaction, MaybePromise, QuerySummary, RecordBatch, ResultStream, TransactionOptions } from './engine-types.js';
import { Codes, MghaError, toMghaError } from '../errors.js';
import type { CommitNotice, CommitResult, IndexSpec, MetadataView, Storage, StorageCounts, StorageTransaction, WriteStats } from '../storage/types.js';
import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import type { Value } from '../values/model.js';
import { parse } from './parser.js';
import { analyze, analyzeBody } from './semantic.js';
import { LazyStorageTransaction } from './lazy-transaction.js';
import { PlanCache } from './plan-cache.js';
import { explainLines, planQuery, planWithInputs, type Catalog, type Plan } from './planner.js';
import { Triggers, type Trigger } from './triggers/triggers.js';
import { collectEvents, variableValues, variablesFor, type TriggerEvents } from './triggers/events.js';
import type { TriggerEventType } from './admin-ast.js';
import { checkAllowedInTransaction, isSchemaStatement, runSchemaStatement, type SchemaStatement } from './schema-queries.js';
import { COORDINATOR_KINDS, type DispatchedStatement } from './admin-ast.js';
import { AdminRegistry } from './admin-registry.js';
import { IndexStatistics } from './index-statistics.js';
import { registerGraphInfoStatements } from './graph-info-statements.js';
import { registerTransactionQueue, type TransactionInfo } from './transaction-queue.js';
import { allocationCheck, memoryCheck } from './memory-limit.js';
import { registerStorageStatements } from './storage-statements.js';
import { registerMetadataStatements } from './metadata-statements.js';
import { enumText, hasEnums, withServerParameters } from './server-metadata.js';
import { notificationValue } from '../notifications.js';
import { materialize, type EnumOut } from './executor/materialize.js';
import { PAUSE, type ExecContext, type Step } from './executor/types.js';
import { PROFILE_COLUMNS, profile } from './executor/profile.js';
import { builtinProcedures } from './procedures/builtin.js';
import type { ProcedureRegistry } from './procedures/registry.js';

/** Returns the error to report when writes are not allowed right now, or null. */
export type WriteGuard = () => MghaError | null;

type Prepared =
  | { kind: 'query'; plan: Plan; explain: boolean; profile: boolean; memoryLimit: number | null; hopsLimit: number | null }
  | { kind: 'schema'; stmt: SchemaStatement }
  | { kind: 'admin'; stmt: DispatchedStatement; text: string };

const STAT_NAMES: [keyof WriteStats, string][] = [
  ['nodesCreated', 'nodes-created'],
  ['nodesDeleted', 'nodes-deleted'],
  ['relationshipsCreated', 'relationships-created'],
  ['relationshipsDeleted', 'relationships-deleted'],
  ['propertiesSet', 'properties-set'],
  ['labelsAdded', 'labels-added'],
  ['labelsRemoved', 'labels-removed'],
];

const NO_NOTIFICATIONS: Map<string, Value>[] = [];

function withNotices(summary: QuerySummary, notices: CommitNotice[]): QuerySummary {
  return notices.length === 0 ? summary : { ...summary, notifications: [...summary.notifications, ...notices.map(notificationValue)] };
}

const BOOKMARK_WAIT_MS = 5000;
/** Memgraph numbers transactions from 2^63; SHOW TRANSACTIONS prints the ids as strings. */
const FIRST_TRANSACTION_ID = 1n << 63n;

export class QueryEngine implements Engine {
  private readonly cache: PlanCache<Prepared>;
  private maintenance: TimerHandle | null = null;
  private readonly writeGuards: WriteGuard[] = [];
  /** Open transactions that ran a write: a demotion aborts them. */
  private readonly writers = new Set<Transaction>();
  readonly clock: Clock;
  /** Where subsystems register the admin statements they answer (snapshots, replication …). */
  readonly admin = new AdminRegistry();
  /** What `CALL` can call; later modules register theirs here. */
  readonly procedures: ProcedureRegistry;
  /** Dialect switches from the flags (main.ts sets them before serving). */
  readonly dialect = { allowLoadCsv: true, memoryLimitBytes: 0 };
  /** Transactions begun and not yet ended, for SHOW / TERMINATE TRANSACTIONS. */
  private readonly open = new Set<Transaction>();
  private nextTransactionId = FIRST_TRANSACTION_ID;
  /** CREATE TRIGGER's triggers (none on a coordinator). */
  readonly triggers: Triggers;
  /** ANALYZE GRAPH's index statistics, which the planner uses. */
  readonly statistics: IndexStatistics;
  /** Where an AFTER COMMIT trigger's failure is reported (main.ts logs it). */
  onTriggerError: (trigger: string, error: MghaError) => void = () => undefined;

  constructor(
    readonly storage: Storage,
    options: { planCacheSize?: number; clock?: Clock; coordinator?: boolean; timeline?: () => Timeline } = {},
  ) {
    this.cache = new PlanCache(options.planCacheSize ?? 1000);
    this.statistics = new IndexStatistics(() => storage.metadata());
    this.clock = options.clock ?? systemClock;
    this.coordinator = options.coordinator ?? false;
    this.timeline = options.timeline ?? (() => null);
    this.procedures = builtinProcedures({ storage, checkWritable: () => this.checkWritesAllowed(), changed: () => this.schemaChanged() });
    this.triggers = new Triggers((statement, event) => this.validateTrigger(statement, event));
    if (!this.coordinator) {
      registerTransactionQueue(this.admin, () => [...this.open]);
      this.triggers.register(this.admin);
      registerStorageStatements(this.admin, storage);
      registerMetadataStatements(this.admin, storage, () => this.checkWritesAllowed());
      registerGraphInfoStatements(this.admin, storage, this.statistics, () => this.cache.clear(), () => this.checkWritesAllowed());
    }
  }

  private catalogFor(tx: StorageTransaction): Catalog {
    // One planning asks for them per node: listed once.
    let specs: readonly IndexSpec[] | undefined;
    return {
      estimateCount: (label?: string, property?: string) => tx.estimateCount(label, property),
      indexSpecs: () => (specs ??= this.storage.indexes()),
      indexSize: (spec: IndexSpec) => tx.indexSize(spec),
      indexStats: (label, paths) => this.statistics.labelPropertyStats(label, paths),
      procedures: this.procedures,
      allowLoadCsv: this.dialect.allowLoadCsv,
    };
  }

  private planTrigger(statement: string, event: TriggerEventType, tx: StorageTransaction): Plan & { inputSlots: number[]; names: string[] } {
    const stmt = parse(statement);
    if (stmt.kind !== 'Query' || stmt.explain || stmt.profile) throw new MghaError(Codes.MemgraphClientError, 'Trigger statement must be a Cypher query.');
    const names = variablesFor(event);
    analyzeBody(stmt.body, new Map(names.map((n) => [n, 'any'])), true);
    return { ...planWithInputs(stmt.body, this.catalogFor(tx), names), names };
  }

  private validateTrigger(statement: string, event: TriggerEventType): void {
    const probe = this.storage.begin();
    try {
      this.planTrigger(statement, event, probe);
    } finally {
      probe.abort();
    }
  }

  /** @internal runs a trigger's statement to its end inside `tx`. */
  runTrigger(t: Trigger, tx: StorageTransaction, vars: Map<string, Value>): void {
    const plan = this.planTrigger(t.statement, t.event, tx);
    const arg: Value[] = new Array<Value>(plan.slotCount).fill(null);
    plan.names.forEach((n, i) => (arg[plan.inputSlots[i]] = vars.get(n) ?? null));
    const ctx: ExecContext = { tx, params: new Map(), statementTime: this.clock.now(), work: 0, slotCount: plan.slotCount, meta: this.storage.metadata() };
    for (const step of plan.root.run(ctx, arg)) if (step === PAUSE) continue;
  }

  /** @internal AFTER COMMIT triggers: each in its own transaction, after the client got its answer. */
  runAfterCommit(events: TriggerEvents, triggers: Trigger[]): void {
    const run = async (): Promise<void> => {
      for (const t of triggers) {
        const tx = this.storage.begin();
        try {
          this.runTrigger(t, tx, variableValues(events, tx));
          if (tx.pendingDeltas().length > 0) this.checkWritesAllowed();
          await tx.commit();
        } catch (e) {
          if (tx.isActive()) tx.abort();
          this.onTriggerError(t.name, toMghaError(e));
        }
      }
    };
    setImmediate(() => void run());
  }

  /** A coordinator holds no graph: only coordinator statements are answered. */
  private readonly coordinator: boolean;
  /** The epoch and history bookmarks name (durability's); null: plain `mgha:<ts>` bookmarks. */
  private readonly timeline: () => Timeline | null;

  /**
   * Synchronous unless a bookmark has to be waited for (or is invalid): neo4j-driver sends
   * its session's last bookmark with every query, and that commit is nearly always visible
   * already, so the query then runs without an async function, a promise and the
   * connection's asynchronous continuation (issue #14).
   */
  begin(options: TransactionOptions): MaybePromise<EngineTransaction> {
    if (options.bookmarks.length > 0 && !this.bookmarksVisible(options.bookmarks)) return this.beginAfterBookmarks(options);
    return this.newTransaction(options);
  }

  /** A driver session repeats one bookmark until it writes: its parse is kept (no regex per query). */
  private lastBookmark: { text: string; parsed: ParsedBookmark } | null = null;

  /** True when every bookmark is a valid mgha bookmark whose commit is visible now. */
  private bookmarksVisible(bookmarks: string[]): boolean {
    const timeline = this.timeline();
    const last = this.storage.lastCommitTimestamp();
    for (const b of bookmarks) {
      let parsed: ParsedBookmark | null;
      if (this.lastBookmark !== null && this.lastBookmark.text === b) parsed = this.lastBookmark.parsed;
      else {
        parsed = parseBookmark(b);
        if (parsed === null) return false; // the waiting path reports it
        this.lastBookmark = { text: b, parsed };
      }
      const target = bookmarkTarget(parsed, timeline);
      if (target === 'unknownEpoch' || last < target) return false;
    }
    return true;
  }

  private async beginAfterBookmarks(options: TransactionOptions): Promise<EngineTransaction> {
    await this.waitForBookmarks(options.bookmarks);
    return this.newTransaction(options);
  }

  /** An explicit transaction's snapshot is taken at BEGIN; an auto-commit one's when first needed. */
  private newTransaction(options: TransactionOptions): Transaction {
    // With triggers, a snapshot from the start gives their old values and deleted objects.
    const triggered = this.triggers.size > 0;
    const tx = options.implicit && !triggered ? new LazyStorageTransaction(this.storage) : this.storage.begin();
    const t = new Transaction(this, tx, options, this.nextTransactionId++, triggered ? this.storage.begin() : null);
    this.open.add(t);
    return t;
  }

  /** @internal the transaction committed, rolled back or failed */
  ended(tx: Transaction): void {
    this.open.delete(tx);
  }

  /** The last bookmark text made, for its timeline and timestamp: reads answer the same one until a write commits. */
  private bookmarkText: { epochId: string | null; ts: number; text: string } = { epochId: null, ts: -1, text: '' };

  currentBookmark(): string {
    return this.bookmarkFor(this.storage.lastCommitTimestamp());
  }

  /** formatBookmark, without building (and later flattening) a new string per query. */
  private bookmarkFor(ts: number): string {
    const timeline = this.timeline();
    const epochId = timeline?.epochId ?? null;
    const c = this.bookmarkText;
    if (c.ts !== ts || c.epochId !== epochId) this.bookmarkText = { epochId, ts, text: formatBookmark(timeline, ts) };
    return this.bookmarkText.text;
  }

  /** @internal a storage commit → the bookmark and notifications the client gets. */
  commitOutcome(c: CommitResult): EngineCommit {
    const bookmark = c.deltas.length === 0 ? this.currentBookmark() : this.bookmarkFor(c.commitTimestamp);
    return { bookmark, notifications: c.notifications.length === 0 ? NO_NOTIFICATIONS : c.notifications.map(notificationValue) };
  }

  counts(): StorageCounts {
    return this.storage.counts();
  }

  /**
   * Lets durability, replication and HA refuse writes (a failed WAL, a REPLICA, a MAIN
   * waiting for promotion or fenced): a guard returns the error to report, or null to
   * allow. Guards are checked before write and schema queries and again at commit.
   * Returns a function that removes the guard.
   */
  addWriteGuard(guard: WriteGuard): () => void {
    this.writeGuards.push(guard);
    return () => {
      const at = this.writeGuards.indexOf(guard);
      if (at >= 0) this.writeGuards.splice(at, 1);
    };
  }

  checkWritesAllowed(): void {
    for (const guard of this.writeGuards) {
      const err = guard();
      if (err !== null) throw err;
    }
  }

  /** @internal a transaction ran a write (tracked until it ends) */
  trackWriter(tx: Transaction, writing: boolean): void {
    if (writing) this.writers.add(tx);
    else this.writers.delete(tx);
  }

  /**
   * Aborts every open transaction that wrote (a MAIN being demoted): their clients get
   * `error` at their next step, and nothing of them commits.
   */
  abortWriteTransactions(error: MghaError): number {
    const open = [...this.writers];
    for (const tx of open) tx.terminate(error);
    return open.length;
  }

  /** Periodic garbage collection of old versions. */
  startMaintenance(intervalMs: number): void {
    this.stop();
    this.maintenance = this.clock.setInterval(() => this.storage.collectGarbage(), intervalMs);
  }

  stop(): void {
    if (this.maintenance !== null) this.clock.clearInterval(this.maintenance);
    this.maintenance = null;
  }

  /** Parses and plans a query (cached by text). */
  prepare(query: string): Prepared {
    const cached = this.cache.get(query);
    if (cached !== undefined) return cached;
    const stmt = parse(query);
    if (this.coordinator && !(COORDINATOR_KINDS as ReadonlySet<string>).has(stmt.kind)) {
      throw new MghaError(Codes.MemgraphClientError, 'Coordinator can run only coordinator queries!');
    }
    analyze(stmt);
    let prepared: Prepared;
    if (stmt.kind === 'Query') {
      const probe = this.storage.begin();
      try {
        const plan = planQuery(stmt.body, this.catalogFor(probe), stmt.periodicCommit);
        prepared = { kind: 'query', plan, explain: stmt.explain, profile: stmt.profile, memoryLimit: stmt.memoryLimit ?? null, hopsLimit: stmt.hopsLimit ?? null };
      } finally {
        probe.abort();
      }
    } else if (isSchemaStatement(stmt)) prepared = { kind: 'schema', stmt };
    else prepared = { kind: 'admin', stmt, text: query.trim().replace(/;$/, '').trimEnd() };
    // PROFILE instruments its plan's operators, so each run plans afresh.
    if (prepared.kind === 'query' && !prepared.profile) this.cache.set(query, prepared);
    return prepared;
  }

  /** Plans depend on the indexes that exist (and on their statistics, dropped with them: storage.ts). */
  schemaChanged(): void {
    this.cache.clear();
  }

  private async waitForBookmarks(bookmarks: string[]): Promise<void> {
    const parsed: ParsedBookmark[] = [];
    for (const b of bookmarks) {
      const p = parseBookmark(b);
      if (p === null) throw new MghaError(Codes.InvalidBookmark, `Invalid bookmark: '${b}'.`);
      parsed.push(p);
    }
    const deadline = this.clock.now() + BOOKMARK_WAIT_MS;
    for (;;) {
      // Re-evaluated every round: a replica may learn a new epoch from its MAIN meanwhile.
      const timeline = this.timeline();
      const missing = parsed.find((p) => {
        const target = bookmarkTarget(p, timeline);
        return target === 'unknownEpoch' || this.storage.lastCommitTimestamp() < target;
      });
      if (missing === undefined) return;
      if (this.clock.now() > deadline) {
        throw new MghaError(Codes.DatabaseUnavailable, `Timed out waiting for bookmark ${formatBookmark(missing.epochId === null ? null : { epochId: missing.epochId, history: [] }, missing.ts)} to become visible.`);
      }
      await new Promise<void>((r) => this.clock.setTimeout(r, 10));
    }
  }
}

/** Beyond Memgraph: a statement after schema DDL in the same explicit transaction. */
export const SCHEMA_CHANGE_ALONE =
  'A schema change (index or constraint) committed on its own as the first statement of this transaction; no other statement may follow it in the same transaction.';

class Transaction implements EngineTransaction, TransactionInfo {
  private failure: MghaError | null = null;
  /** Every statement run in it, in order (SHOW TRANSACTIONS' `query`). */
  readonly queries: string[] = [];
  status: TransactionInfo['status'] = 'running';
  private stream: QueryStream | null = null;
  private readonly deadline: number;
  /** Ran a write or schema statement: the write guards are asked again at commit. */
  private wrote = false;
  /**
   * Beyond Memgraph: schema DDL ran as this explicit transaction's first statement (what
   * the driver's `executeQuery` sends). It committed alone, so nothing may follow it here.
   */
  private ranSchemaChange = false;

  constructor(
    private readonly engine: QueryEngine,
    private readonly tx: StorageTransaction,
    private readonly options: TransactionOptions,
    readonly id: bigint,
    /** A snapshot from the start, kept while triggers may need old values. */
    private snapshot: StorageTransaction | null,
  ) {
    this.deadline = options.timeoutMs !== null && options.timeoutMs > 0 ? engine.clock.now() + options.timeoutMs : Infinity;
  }

  private allowWrite(): void {
    this.engine.checkWritesAllowed();
    if (!this.wrote) {
      this.wrote = true;
      this.engine.trackWriter(this, true);
    }
  }

  get metadata(): Map<string, Value> {
    return this.options.metadata;
  }

  /** Ends the transaction from outside (a demotion, TERMINATE TRANSACTIONS): nothing of it commits. */
  terminate(error: MghaError): void {
    this.fail(error);
  }

  run(query: string, parameters: Map<string, Value>): MaybePromise<ResultStream> {
    this.checkUsable();
    this.queries.push(query);
    // An earlier result may still be open (Bolt qid streams): buffer the rest of it so
    // this statement sees its effects and the client can still pull it.
    if (this.stream !== null && !this.stream.finished) {
      const buffering = this.stream.buffer();
      if (buffering instanceof Promise) return buffering.then(() => this.runNow(query, parameters));
    }
    return this.runNow(query, parameters);
  }

  private runNow(query: string, parameters: Map<string, Value>): MaybePromise<ResultStream> {
    try {
      if (this.ranSchemaChange) throw new MghaError(Codes.MemgraphClientError, SCHEMA_CHANGE_ALONE);
      const started = this.start(this.engine.prepare(query), parameters);
      if (started instanceof Promise) {
        return started.then(
          (stream) => (this.stream = stream),
          (e: unknown) => {
            throw this.fail(e);
          },
        );
      }
      this.stream = started;
      return started;
    } catch (e) {
      throw this.fail(e);
    }
  }

  /** Only admin statements (answered by other subsystems) need the event loop to start. */
  private start(prepared: Prepared, params: Map<string, Value>): MaybePromise<QueryStream> {
    if (prepared.kind === 'schema') {
      if (!this.options.implicit && prepared.stmt.kind !== 'Show') {
        // Refused after other statements, as Memgraph does; as the first one it runs and commits alone.
        if (this.queries.length !== 1) checkAllowedInTransaction(prepared.stmt);
        this.ranSchemaChange = true;
      }
      if (prepared.stmt.kind !== 'Show') this.engine.checkWritesAllowed();
      const r = runSchemaStatement(prepared.stmt, this.engine.storage);
      if (r.schemaChanged) this.engine.schemaChanged();
      const summary: QuerySummary = { type: r.type, stats: r.stats, plan: null, notifications: (r.notifications ?? []).map(notificationValue) };
      // A schema change commits alone on its own timestamp, through the commit stages: answer once it has.
      const committed = r.schemaChanged ? this.engine.storage.takeSchemaCommit() : null;
      if (committed instanceof Promise) {
        return committed.then((c) => QueryStream.ofRows(r.columns, r.rows, withNotices(summary, c.notifications)));
      }
      return QueryStream.ofRows(r.columns, r.rows, committed === null ? summary : withNotices(summary, committed.notifications));
    }
    if (prepared.kind === 'admin') {
      return this.engine.admin
        .dispatch(prepared.stmt, { text: prepared.text, params, implicit: this.options.implicit, firstInTransaction: this.queries.length === 1 })
        .then((r) => QueryStream.ofRows(r.columns, r.rows, { type: 's', stats: {}, plan: null, notifications: (r.notifications ?? []).map(notificationValue) }));
    }
    const { plan, explain } = prepared;
    if (plan.periodic !== undefined && !explain && !this.options.implicit) throw new MghaError(Codes.MemgraphClientError, PERIODIC_IN_EXPLICIT[plan.periodic]);
    if (plan.type !== 'r' && !explain) this.allowWrite();
    if (explain) {
      // Like Memgraph, the plan comes back as rows of a `QUERY PLAN` column (no Bolt plan metadata).
      const lines = explainLines(plan.root);
      return QueryStream.ofRows(['QUERY PLAN'], lines.map((l) => [l]), { type: 'r', stats: {}, plan: null, notifications: [] });
    }
    const hops = { count: 0, limit: prepared.hopsLimit ?? Infinity };
    const meta = this.engine.storage.metadata();
    const ctx: ExecContext = { tx: this.tx, params: withServerParameters(meta, params), statementTime: this.engine.clock.now(), work: 0, slotCount: plan.slotCount, hops, meta,
      allocate: allocationCheck(this.engine.dialect.memoryLimitBytes, prepared.memoryLimit),
      ...(plan.periodic !== undefined ? { periodicCommit: () => this.commitBatch(), pending: null, streamWrites: plan.streamWrites === true } : {}),
    };
    const arg: Value[] = new Array<Value>(plan.slotCount).fill(null);
    const before = copyStats(this.tx.stats);
    const gen = prepared.profile ? profile(plan.root, ctx, arg) : plan.root.run(ctx, arg);
    const [columns, slots] = prepared.profile ? [PROFILE_COLUMNS, PROFILE_COLUMNS.map((_, i) => i)] : [plan.columns, plan.resultSlots];
    return new QueryStream(columns, gen, slots, {
      clock: this.engine.clock,
      deadline: this.deadline,
      isActive: () => this.tx.isActive(),
      abortReason: () => this.failure,
      memory: memoryCheck(this.engine.dialect.memoryLimitBytes, prepared.memoryLimit),
      enums: enumOut(meta),
      pending: () => {
        const p = ctx.pending ?? null;
        ctx.pending = null;
        return p;
      },
      onError: (e) => this.fail(e),
      summary: () => ({
        type: plan.type,
        stats: statsDiff(before, this.tx.stats),
        plan: null,
        notifications: [],
        ...(prepared.hopsLimit !== null ? { extra: { number_of_hops: BigInt(hops.count) } } : {}),
      }),
    });
  }

  /**
   * A periodic commit's commit point: the write guards are asked as at commit, then the
   * changes so far commit and the query goes on in a fresh transaction.
   */
  private commitBatch(): void | Promise<void> {
    if (this.tx.pendingDeltas().length === 0) return;
    this.engine.checkWritesAllowed();
    // Triggers fire per batch, as per commit: BEFORE COMMIT ones inside it, AFTER COMMIT
    // ones after it, and the next batch's old values come from a snapshot taken after it.
    const triggered = this.snapshot !== null;
    const after = this.runBeforeCommitTriggers();
    const done = (): void => {
      if (after !== null) this.engine.runAfterCommit(after.events, after.triggers);
      if (triggered) this.snapshot = this.engine.storage.begin();
    };
    const committed = this.tx.commitBatch();
    if (committed instanceof Promise) return committed.then(done);
    done();
  }

  commit(): MaybePromise<EngineCommit> {
    this.checkUsable();
    if (this.stream !== null && !this.stream.finished) {
      const discarding = this.stream.discard();
      if (discarding instanceof Promise) return discarding.then(() => this.commitNow());
    }
    return this.commitNow();
  }

  private commitNow(): MaybePromise<EngineCommit> {
    this.checkUsable();
    this.status = 'committing';
    try {
      // A write allowed at RUN may no longer be (a demotion, a fence, a failed WAL meanwhile).
      if (this.wrote) this.engine.checkWritesAllowed();
      const after = this.runBeforeCommitTriggers();
      if (this.wrote) this.engine.trackWriter(this, false); // only writers are in the set: a read skips the Set delete
      const committed = this.tx.commit();
      const done = (c: CommitResult): EngineCommit => {
        this.engine.ended(this);
        if (after !== null) this.engine.runAfterCommit(after.events, after.triggers);
        return this.engine.commitOutcome(c);
      };
      if (committed instanceof Promise) {
        return committed.then(
          done,
          (e: unknown) => {
            throw this.fail(e);
          },
        );
      }
      return done(committed);
    } catch (e) {
      throw this.fail(e);
    }
  }

  /**
   * Runs the BEFORE COMMIT triggers this transaction's changes fire, inside it, and returns
   * what the AFTER COMMIT ones need; closes the start snapshot.
   */
  private runBeforeCommitTriggers(): { events: TriggerEvents; triggers: Trigger[] } | null {
    const snapshot = this.snapshot;
    if (snapshot === null) return null;
    try {
      const deltas = this.tx.pendingDeltas();
      if (deltas.length === 0) return null;
      const events = collectEvents(deltas, snapshot);
      const { before, after } = this.engine.triggers.firing(events);
      if (before.length > 0) {
        const vars = variableValues(events, this.tx);
        for (const t of before) this.engine.runTrigger(t, this.tx, vars);
      }
      return after.length > 0 ? { events, triggers: after } : null;
    } finally {
      this.closeSnapshot();
    }
  }

  private closeSnapshot(): void {
    if (this.snapshot !== null && this.snapshot.isActive()) this.snapshot.abort();
    this.snapshot = null;
  }

  rollback(): void {
    this.closeSnapshot();
    this.engine.ended(this);
    this.engine.trackWriter(this, false);
    if (this.tx.isActive()) this.tx.abort();
  }

  private checkUsable(): void {
    if (this.failure !== null) {
      throw new MghaError(this.failure.code, `Transaction failed earlier and must be rolled back: ${this.failure.message}`);
    }
    if (!this.tx.isActive()) throw new MghaError(Codes.RequestInvalid, 'The transaction is no longer open.');
    if (this.engine.clock.now() > this.deadline) throw this.fail(timedOut());
  }

  private fail(e: unknown): MghaError {
    const err = toMghaError(e);
    if (this.failure === null) this.failure = err;
    this.status = 'aborting';
    this.closeSnapshot();
    this.engine.ended(this);
    this.engine.trackWriter(this, false);
    if (this.tx.isActive()) this.tx.abort();
    return err;
  }
}

/** Memgraph's Bolt form of an enum value, `{__type: 'mg_enum', __value: 'Status::Good'}`; null when no enum exists. */
function enumOut(meta: MetadataView): EnumOut {
  if (!hasEnums(meta)) return null;
  return (e) =>
    new Map<string, Value>([
      ['__type', 'mg_enum'],
      ['__value', enumText(meta, e) ?? `${e.typeName}::#${e.ordinal}`],
    ]);
}

/** Refusals of a plan that commits as it goes inside BEGIN … COMMIT (Neo4j's texts). */
const PERIODIC_IN_EXPLICIT = {
  call: "A query with 'CALL { ... } IN TRANSACTIONS' can only be executed in an implicit transaction, but tried to execute in an explicit transaction.",
  using: 'Executing queries that use periodic commit in an open transaction is not possible.',
} as const;

function timedOut(): MghaError {
  return new MghaError(Codes.TransactionTimedOut, 'Transaction was terminated because it exceeded its timeout.');
}

/** A monomorphic literal, not `{ ...stats }`: the spread of a frozen object took V8's slow clone path per query. */
function copyStats(s: WriteStats): WriteStats {
  return {
    nodesCreated: s.nodesCreated,
    nodesDeleted: s.nodesDeleted,
    relationshipsCreated: s.relationshipsCreated,
    relationshipsDeleted: s.relationshipsDeleted,
    propertiesSet: s.propertiesSet,
    labelsAdded: s.labelsAdded,
    labelsRemoved: s.labelsRemoved,
  };
}

function statsDiff(before: WriteStats, after: WriteStats): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, name] of STAT_NAMES) {
    const d = after[key] - before[key];
    if (d !== 0) out[name] = d;
  }
  return out;
}

interface StreamHooks {
  clock: Clock;
  deadline: number;
  /** False once the transaction was rolled back underneath the stream (RESET, shutdown). */
  isActive: () => boolean;
  /** Why the transaction was ended from outside (TERMINATE TRANSACTIONS), if it was. */
  abortReason?: () => MghaError | null;
  /** The memory limits' check (memory-limit.ts), asked at every yield; null = no limit. */
  memory?: (() => MghaError | null) | null;
  onError: (e: unknown) => MghaError;
  summary: () => QuerySummary;
  /** How enum values are sent (materialize.ts); absent or null: there are none. */
  enums?: EnumOut;  /** A periodic commit the query is waiting for (awaited at the next PAUSE), taken once. */
  pending?: () => Promise<void> | null;
}

/** Time slice after which a pull yields to the event loop even without a PAUSE marker. */
const SLICE_MS = 20;

class QueryStream implements ResultStream {
  finished = false;
  private result: QuerySummary | null = null;
  private failure: MghaError | null = null;
  private buffered: Value[][] = [];

  constructor(
    readonly fields: string[],
    private readonly gen: Generator<Step>,
    private readonly slots: number[],
    private readonly hooks: StreamHooks,
  ) {}

  static ofRows(fields: string[], rows: Value[][], summary: QuerySummary): QueryStream {
    const gen = (function* (): Generator<Step> {
      yield* rows;
    })();
    return new QueryStream(
      fields,
      gen,
      fields.map((_, i) => i),
      { clock: systemClock, deadline: Infinity, isActive: () => true, onError: toMghaError, summary: () => summary },
    );
  }

  /** Runs the query to the end, keeping the remaining records for later pulls. */
  buffer(): MaybePromise<void> {
    const rest = this.pull(-1);
    if (rest instanceof Promise) {
      return rest.then((r) => {
        this.buffered = r.records;
      });
    }
    this.buffered = rest.records;
  }

  /** Synchronous until the query has to yield to the event loop (PAUSE or a long slice). */
  pull(n: number): MaybePromise<RecordBatch> {
    if (this.failure !== null) throw this.failure;
    if (this.buffered.length > 0) {
      const records = n < 0 ? this.buffered.splice(0) : this.buffered.splice(0, n);
      return { records, hasMore: this.buffered.length > 0 };
    }
    const records: Value[][] = [];
    if (this.finished) return { records, hasMore: false };
    return this.fill(records, n);
  }

  /** Adds records until n, the end, or a yield point; resumes asynchronously after a yield. */
  private fill(records: Value[][], n: number): MaybePromise<RecordBatch> {
    try {
      const sliceStart = this.hooks.clock.now();
      while (n < 0 || records.length < n) {
        const step = this.gen.next();
        if (step.done === true) {
          this.finish();
          break;
        }
        if (step.value === PAUSE) return this.resumeAfterYield(records, n, true);
        // A query without RETURN produces no records, only side effects.
        if (this.fields.length === 0) continue;
        const row = step.value;
        const enums = this.hooks.enums ?? null;
        // A loop, not slots.map with a closure: one allocation per record, not two.
        const slots = this.slots;
        const record: Value[] = [];
        for (let i = 0; i < slots.length; i++) record.push(materialize(row[slots[i]], enums));
        records.push(record);
        if ((records.length & 255) === 0 && this.hooks.clock.now() - sliceStart > SLICE_MS) return this.resumeAfterYield(records, n, false);
      }
    } catch (e) {
      throw this.failWith(e);
    }
    return { records, hasMore: !this.finished };
  }

  private async resumeAfterYield(records: Value[][], n: number, paused: boolean): Promise<RecordBatch> {
    await yieldToLoop();
    if (paused) {
      try {
        const commit = this.hooks.pending?.() ?? null;
        if (commit !== null) await commit;
        if (!this.hooks.isActive()) {
          throw this.hooks.abortReason?.() ?? new MghaError(Codes.Terminated, 'The transaction was terminated while the query was running.');
        }
        if (this.hooks.clock.now() > this.hooks.deadline) throw timedOut();
        const oom = this.hooks.memory?.() ?? null;
        if (oom !== null) throw oom;
      } catch (e) {
        throw this.failWith(e);
      }
    }
    return this.fill(records, n);
  }

  private failWith(e: unknown): MghaError {
    this.finished = true;
    this.failure = this.hooks.onError(e);
    this.gen.return(undefined);
    return this.failure;
  }

  discard(): MaybePromise<void> {
    this.buffered = [];
    while (!this.finished) {
      const batch = this.pull(4096);
      if (batch instanceof Promise) return batch.then(() => this.discard());
    }
  }

  summary(): QuerySummary {
    if (this.result === null) throw new MghaError(Codes.RequestInvalid, 'The result has not been fully consumed yet.');
    return this.result;
  }

  private finish(): void {
    this.finished = true;
    this.result = this.hooks.summary();
  }
}
