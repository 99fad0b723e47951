import { InMemoryStorage } from '../../../dataplane/storage/storage.js';
import type { CommitResult, CommittedTransaction, StorageTransaction, VertexAccessor } from '../../../dataplane/storage/types.js';
import type { Value } from '../../../dataplane/values/model.js';

export function props(entries: Record<string, Value>): Map<string, Value> {
  return new Map(Object.entries(entries));
}

/** Creates a vertex with labels and properties. */
export function makeVertex(tx: StorageTransaction, labels: string[], p: Record<string, Value> = {}): VertexAccessor {
  const v = tx.createVertex();
  for (const l of labels) v.addLabel(l);
  for (const [k, val] of Object.entries(p)) v.setProperty(k, val);
  return v;
}

/** Commits a transaction whose commit stages all answer synchronously (none, or test stages that do). */
export function commitNow(tx: StorageTransaction): CommitResult {
  const result = tx.commit();
  if (result instanceof Promise) throw new Error('the commit did not finish synchronously');
  return result;
}

/** Records every commit that passes the pipeline (a stage that only looks). */
export function recordCommits(store: InMemoryStorage): CommittedTransaction[] {
  const log: CommittedTransaction[] = [];
  store.addCommitStage({ name: 'record', run: (c) => void log.push({ commitTimestamp: c.commitTimestamp, deltas: [...c.deltas] }) });
  return log;
}

/** Commits one transaction built by `fn`. */
export function write<T>(store: InMemoryStorage, fn: (tx: StorageTransaction) => T): T {
  const tx = store.begin();
  const out = fn(tx);
  tx.commit();
  return out;
}

export function gids(it: Iterable<{ gid: number }>): number[] {
  return [...it].map((v) => v.gid).sort((a, b) => a - b);
}

/** A comparable dump of the whole graph as one transaction sees it. */
export function dump(tx: StorageTransaction): unknown {
  const vertices = [...tx.vertices()].map((v) => ({
    gid: v.gid,
    labels: [...v.labels()].sort(),
    props: [...v.properties()].sort(([a], [b]) => (a < b ? -1 : 1)),
    out: [...v.outEdges()].map((e) => ({
      gid: e.gid,
      to: e.endId,
      type: e.type,
      props: [...e.properties()].sort(([a], [b]) => (a < b ? -1 : 1)),
    })),
  }));
  return vertices;
}
