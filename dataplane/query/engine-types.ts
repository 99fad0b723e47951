// The contract between the Bolt layer and the query engine. The Bolt session owns the
// protocol state machine; the engine owns parsing, planning, execution and transactions.
// Calls may answer with a plain value when the work finished synchronously (most queries):
// the session then skips a promise hop per step; a Promise means "continue later". A call
// may fail by throwing or by rejecting, so callers handle both.

import type { Value } from '../values/model.js';

export type AccessMode = 'r' | 'w';

export interface TransactionOptions {
  /** Bookmarks from the client: begin waits until they are visible (or times out). */
  bookmarks: string[];
  /** Transaction timeout in ms; null = server default. */
  timeoutMs: number | null;
  metadata: Map<string, Value>;
  mode: AccessMode;
  /** Requested database name; null = default. */
  database: string | null;
  /** True for an auto-commit (implicit) transaction wrapped around one RUN. */
  implicit: boolean;
}

/** Bolt query type: read, write, read-write, schema. */
export type QueryType = 'r' | 'w' | 'rw' | 's';

export interface QuerySummary {
  type: QueryType;
  /** Kebab-case Bolt counter names (`nodes-created` …); only non-zero counters. */
  stats: Record<string, number>;
  /** Query plan for EXPLAIN (Bolt `plan` metadata), if any. */
  plan: Map<string, Value> | null;
  notifications: Map<string, Value>[];
  /** More SUCCESS metadata (Memgraph's `number_of_hops`). */
  extra?: Record<string, Value>;
}

/** A value now, or a Promise of it when the work has to wait for the event loop. */
export type MaybePromise<T> = T | Promise<T>;

export interface RecordBatch {
  /** Values are detached (safe to encode after commit). */
  records: Value[][];
  hasMore: boolean;
}

export interface ResultStream {
  readonly fields: string[];
  /** Up to n records (n < 0: all remaining). Yields to the event loop between internal batches. */
  pull(n: number): MaybePromise<RecordBatch>;
  /** Drops the remaining records (their side effects still happen). */
  discard(): MaybePromise<void>;
  /** Valid once pull/discard reported hasMore = false. */
  summary(): QuerySummary;
}

/** What a commit answers: its bookmark and notifications (e.g. `SyncReplicationFailure`). */
export interface EngineCommit {
  bookmark: string;
  /** Bolt notification dicts; the session adds them to the commit's SUCCESS. */
  notifications: Map<string, Value>[];
}

export interface EngineTransaction {
  run(query: string, parameters: Map<string, Value>): MaybePromise<ResultStream>;
  /** Acknowledged once the commit passed every commit stage (durable, replicated as configured). */
  commit(): MaybePromise<EngineCommit>;
  rollback(): MaybePromise<void>;
}

export interface Engine {
  begin(options: TransactionOptions): MaybePromise<EngineTransaction>;
  /** The latest bookmark (what an auto-commit read returns). */
  currentBookmark(): string;
}
