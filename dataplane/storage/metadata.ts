// Server metadata that is not graph data: Memgraph's enums, server-side parameters and
// descriptions, as namespaced keys ("enum:Status", "param:global:x", "desc:…") with plain
// values. Not versioned (like indexes): a change takes effect at once and is committed
// alone through the commit pipeline (storage.ts setMetadata), so the WAL, snapshots and
// replication carry it like any schema change.

import type { Value } from '../values/model.js';

export class ServerMetadata {
  private readonly entries = new Map<string, Value>();

  get(key: string): Value {
    return this.entries.get(key) ?? null;
  }

  /** Sets (null removes) a key; false when removing a key that is not there. */
  set(key: string, value: Value): boolean {
    if (value === null) return this.entries.delete(key);
    this.entries.set(key, value);
    return true;
  }

  /** Entries whose key starts with `prefix`, in insertion order. */
  withPrefix(prefix: string): [string, Value][] {
    return [...this.entries].filter(([k]) => k.startsWith(prefix));
  }

  all(): [string, Value][] {
    return [...this.entries];
  }
}
