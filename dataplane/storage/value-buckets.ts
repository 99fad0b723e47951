// Records (vertices or edges) grouped by an equivalence class of values (Cypher equality:
// 1 ≡ 1.0), with an optional ordered view for range scans. Used by property indexes and by
// unique constraints. Entries may be stale (older versions); readers re-check visibility.

import type { Value } from '../values/model.js';
import { groupKey, orderCompare } from '../values/ops.js';
import type { VertexRecord } from './records.js';

export class Bucket<T = VertexRecord> {
  /** One vertex stored bare (the common unique-value case), a Set for more, null once emptied. */
  members: T | Set<T> | null;
  constructor(
    readonly key: string,
    readonly value: Value,
    first: T,
  ) {
    this.members = first;
  }

  add(rec: T): boolean {
    const m = this.members;
    if (m instanceof Set) {
      const before = m.size;
      m.add(rec);
      return m.size !== before;
    }
    if (m === rec) return false;
    this.members = m === null ? rec : new Set([m, rec]);
    return true;
  }

  delete(rec: T): boolean {
    const m = this.members;
    if (m instanceof Set) {
      const removed = m.delete(rec);
      if (m.size === 0) this.members = null;
      return removed;
    }
    if (m !== rec) return false;
    this.members = null;
    return true;
  }

}

/** Yields the bucket's members; live Set iteration tolerates concurrent GC deletes. */
export function* membersOf<T>(b: Bucket<T>): Generator<T> {
  const m = b.members;
  if (m === null) return;
  if (m instanceof Set) yield* m;
  else yield m;
}

function byValue<T>(a: Bucket<T>, b: Bucket<T>): number {
  return orderCompare(a.value, b.value);
}

export class ValueBuckets<T = VertexRecord> {
  private readonly map = new Map<string, Bucket<T>>();
  /** Ordered by orderCompare; replaced, never mutated, so a paused range scan keeps its copy. */
  private sorted: Bucket<T>[] = [];
  /** Buckets created since the last merge into `sorted`. */
  private pending: Bucket<T>[] = [];
  private emptied = 0;
  entryCount = 0;

  constructor(private readonly ordered: boolean) {}

  add(value: Value, rec: T): void {
    const key = groupKey(value);
    const b = this.map.get(key);
    if (b === undefined) {
      const fresh = new Bucket<T>(key, value, rec);
      this.map.set(key, fresh);
      if (this.ordered) this.pending.push(fresh);
      this.entryCount++;
      return;
    }
    if (b.add(rec)) this.entryCount++;
  }

  get(value: Value): Bucket<T> | undefined {
    return this.map.get(groupKey(value));
  }

  /** All buckets in value order (merges buckets added since the last call). */
  orderedBuckets(): readonly Bucket<T>[] {
    if (this.pending.length > 0 || this.emptied > 0) {
      this.pending.sort(byValue);
      const merged: Bucket<T>[] = [];
      const a = this.sorted;
      const b = this.pending;
      let i = 0;
      let j = 0;
      while (i < a.length || j < b.length) {
        const next = j >= b.length || (i < a.length && byValue(a[i], b[j]) <= 0) ? a[i++] : b[j++];
        if (next.members !== null) merged.push(next);
      }
      this.sorted = merged;
      this.pending = [];
      this.emptied = 0;
    }
    return this.sorted;
  }

  /** Drops the entries `keep` rejects; emptied buckets disappear. */
  sweep(keep: (b: Bucket<T>, rec: T) => boolean): void {
    for (const b of this.map.values()) {
      const m = b.members;
      if (m instanceof Set) {
        for (const rec of m) if (!keep(b, rec) && b.delete(rec)) this.entryCount--;
      } else if (m !== null && !keep(b, m) && b.delete(m)) {
        this.entryCount--;
      }
      if (b.members === null) {
        this.map.delete(b.key);
        this.emptied++;
      }
    }
    // Compact now, or emptied buckets would pile up in `sorted`/`pending` under an
    // update workload that only does equality lookups.
    if (!this.ordered) this.emptied = 0;
    else if (this.emptied > 0) this.orderedBuckets();
  }
}
