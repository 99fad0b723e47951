// The contract between the Bolt layer and the query engine. The Bolt session owns the
// protocol state machine; the engine owns parsing, planning, execution and transactions.

import type { Value } from '../values.js';

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
}

export interface RecordBatch {
  /** Values are detached (safe to encode after commit). */
  records: Value[][];
  hasMore: boolean;
}

export interface ResultStream {
  readonly fields: string[];
  /** Up to n records (n < 0: all remaining). Yields to the event loop between internal batches. */
  pull(n: number): Promise<RecordBatch>;
  /** Drops the remaining records (their side effects still happen). */
  discard(): Promise<void>;
  /** Valid once pull/discard reported hasMore = false. */
  summary(): QuerySummary;
}

export interface EngineTransaction {
  run(query: string, parameters: Map<string, Value>): Promise<ResultStream>;
  /** Returns the bookmark of the commit. */
  commit(): Promise<string>;
  rollback(): Promise<void>;
}

export interface Engine {
  begin(options: TransactionOptions): Promise<EngineTransaction>;
  /** The latest bookmark (what an auto-commit read returns). */
  currentBookmark(): string;
}
