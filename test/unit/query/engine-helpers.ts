// Test helpers: run Cypher through QueryEngine the way the Bolt layer does.
import { QueryEngine } from '../../../dataplane/query/engine.js';
import type { EngineTransaction, QuerySummary, TransactionOptions } from '../../../dataplane/query/engine-types.js';
import { InMemoryStorage } from '../../../dataplane/storage/storage.js';
import { MaterializedNode, type Value } from '../../../dataplane/values/model.js';

export function newEngine(): QueryEngine {
  return new QueryEngine(new InMemoryStorage());
}

export function txOptions(implicit: boolean, extra: Partial<TransactionOptions> = {}): TransactionOptions {
  return { bookmarks: [], timeoutMs: null, metadata: new Map(), mode: 'w', database: null, implicit, ...extra };
}

export function params(obj: Record<string, Value> = {}): Map<string, Value> {
  return new Map(Object.entries(obj));
}

export interface Result {
  fields: string[];
  rows: Value[][];
  summary: QuerySummary;
}

export async function runIn(tx: EngineTransaction, query: string, p: Record<string, Value> = {}): Promise<Result> {
  const stream = await tx.run(query, params(p));
  const batch = await stream.pull(-1);
  return { fields: stream.fields, rows: batch.records, summary: stream.summary() };
}

/** Auto-commit run; rolls back and rethrows on failure. */
export async function run(engine: QueryEngine, query: string, p: Record<string, Value> = {}): Promise<Result> {
  const tx = await engine.begin(txOptions(true));
  try {
    const r = await runIn(tx, query, p);
    await tx.commit();
    return r;
  } catch (e) {
    await tx.rollback();
    throw e;
  }
}

/** Rows as plain JS for easy comparison: bigint → number, nodes → {labels, props}. */
export function plain(v: Value): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, plain(x)]));
  if (v instanceof MaterializedNode) return { labels: [...v.labels()].sort(), props: plain(new Map(v.properties())) };
  return v;
}

export async function rows(engine: QueryEngine, query: string, p: Record<string, Value> = {}): Promise<unknown[][]> {
  const r = await run(engine, query, p);
  return r.rows.map((row) => row.map(plain));
}

export async function errorOf(engine: QueryEngine, query: string, p: Record<string, Value> = {}): Promise<{ code: string; message: string }> {
  try {
    await run(engine, query, p);
  } catch (e) {
    const err = e as { code: string; message: string };
    return { code: err.code, message: err.message };
  }
  throw new Error(`expected ${query} to fail`);
}
