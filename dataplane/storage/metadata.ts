// Server metadata that is not graph data: Memgraph's enums, server-side parameters and
// descriptions, as namespaced keys ("enum:Status", "param:global:x", "desc:…") with plain
// values. Not versioned (like indexes): a change takes effect at once and is committed
// alone through the commit pipeline (storage.ts setMetadata), so the WAL, snapshots and
// replication carry it like any schema change.

import type { IndexSpec } from './types.js';
import type { Value } from '../values/model.js';

/**
 * ANALYZE GRAPH's statistics (query/index-statistics.ts) are metadata under these keys, so
 * they persist and replicate as Memgraph's do (since 2.12). A label index's under its label;
 * a label+property prefix's under its label and property paths.
 */
export const LABEL_STATS = 'stats:label:';
export const PROP_STATS = 'stats:prop:';
export const labelStatsKey = (label: string): string => `${LABEL_STATS}${label}`;
export const propStatsKey = (label: string, paths: readonly (readonly string[])[]): string => `${PROP_STATS}${JSON.stringify([label, paths])}`;

/**
 * Removes the statistics of indexes not among `specs` (run as an index is dropped, on MAIN,
 * in WAL replay and on replicas alike, so they agree). A prefix of a composite index keeps
 * its statistics while any label+property index still starts with it.
 */
export function pruneIndexStats(meta: ServerMetadata, specs: readonly IndexSpec[]): void {
  const labels = new Set<string>();
  const prefixes = new Set<string>();
  for (const s of specs) {
    if (s.label === null) continue;
    if (s.type === 'label') labels.add(labelStatsKey(s.label));
    if (s.type === 'label+property') for (let k = 1; k <= s.properties.length; k++) prefixes.add(propStatsKey(s.label, s.properties.slice(0, k)));
  }
  for (const [key] of meta.withPrefix(LABEL_STATS)) if (!labels.has(key)) meta.set(key, null);
  for (const [key] of meta.withPrefix(PROP_STATS)) if (!prefixes.has(key)) meta.set(key, null);
}

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
