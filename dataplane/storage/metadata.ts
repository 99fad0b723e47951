// Server metadata that is not graph data: Memgraph's enums, server-side parameters and
// descriptions, as namespaced keys ("enum:Status", "param:global:x", "desc:…") with plain
// values. Not versioned (like indexes): a change takes effect at once and is committed
// alone through the commit pipeline (storage.ts setMetadata), so the WAL, snapshots and
// replication carry it like any schema change.

import type { Value } from '../values/model.js';

/** The namespace of a key: up to its first ':' (the whole key without one). */
function namespaceOf(key: string): string {
  const at = key.indexOf(':');
  return at < 0 ? key : key.slice(0, at + 1);
}

export class ServerMetadata {
  // Per namespace, so every query's look for parameters and enums costs nothing when there
  // are none, however many descriptions there are.
  private readonly spaces = new Map<string, Map<string, Value>>();

  get(key: string): Value {
    return this.spaces.get(namespaceOf(key))?.get(key) ?? null;
  }

  /** Sets (null removes) a key; false when removing a key that is not there. */
  set(key: string, value: Value): boolean {
    const ns = namespaceOf(key);
    let space = this.spaces.get(ns);
    if (value === null) {
      if (space === undefined || !space.delete(key)) return false;
      if (space.size === 0) this.spaces.delete(ns);
      return true;
    }
    if (space === undefined) this.spaces.set(ns, (space = new Map()));
    space.set(key, value);
    return true;
  }

  /** Entries whose key starts with `prefix`, in the order they were first set. */
  withPrefix(prefix: string): [string, Value][] {
    const space = this.spaces.get(namespaceOf(prefix));
    if (space === undefined) return [];
    const out: [string, Value][] = [];
    for (const e of space) if (e[0].startsWith(prefix)) out.push(e);
    return out;
  }

  all(): [string, Value][] {
    const out: [string, Value][] = [];
    for (const space of this.spaces.values()) out.push(...space);
    return out;
  }
}
