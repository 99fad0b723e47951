// Edge indexes, as Memgraph has them: by edge type (`CREATE EDGE INDEX ON :T`), by edge type
// and property (`:T(p)`) and by property over all edges (`CREATE GLOBAL EDGE INDEX ON :(p)`).
// Same MVCC rules as the vertex indexes: superset entries (every version that had the value),
// readers re-check visibility, sweep() drops entries no version needs.

import type { IndexInfo } from './types.js';
import type { NameTable } from './names.js';
import { everHadProps, propGet, type EdgeRecord } from './records.js';
import { ValueBuckets } from './value-buckets.js';
import { groupKey } from '../values/ops.js';

function isRemoved(e: EdgeRecord): boolean {
  return e.deleted && e.delta === null;
}

function fill(buckets: ValueBuckets<EdgeRecord>, prop: number, edges: Iterable<EdgeRecord>): void {
  for (const e of edges) {
    for (const props of everHadProps(e)) {
      const v = propGet(props, prop);
      if (v !== null) buckets.add(v, e);
    }
  }
}

/** Keeps an entry while some version may need it: the chain is not empty, or the head still has the value. */
function keepEntry(prop: number): (b: { key: string }, e: EdgeRecord) => boolean {
  return (b, e) => {
    if (e.delta !== null) return true;
    if (e.deleted) return false;
    const v = propGet(e.props, prop);
    return v !== null && groupKey(v) === b.key;
  };
}

export class EdgeIndexes {
  private readonly byType = new Map<number, Set<EdgeRecord>>();
  /** Edge type → property → entries. */
  private readonly byTypeProp = new Map<number, Map<number, ValueBuckets<EdgeRecord>>>();
  private readonly byProp = new Map<number, ValueBuckets<EdgeRecord>>();
  /** Set when entries may have become stale. */
  dirty = false;

  typeIndex(type: number): Set<EdgeRecord> | undefined {
    return this.byType.get(type);
  }

  typePropertyIndex(type: number, prop: number): ValueBuckets<EdgeRecord> | undefined {
    return this.byTypeProp.get(type)?.get(prop);
  }

  propertyIndex(prop: number): ValueBuckets<EdgeRecord> | undefined {
    return this.byProp.get(prop);
  }

  onEdgeCreated(e: EdgeRecord): void {
    this.byType.get(e.type)?.add(e);
  }

  onPropertySet(e: EdgeRecord, prop: number): void {
    const v = propGet(e.props, prop);
    if (v === null) return;
    this.byTypeProp.get(e.type)?.get(prop)?.add(v, e);
    this.byProp.get(prop)?.add(v, e);
  }

  /** `prop` null: the edge-type index; `type` null: the global edge-property index. */
  create(type: number | null, prop: number | null, all: Iterable<EdgeRecord | undefined>): boolean {
    const live = function* (): Generator<EdgeRecord> {
      for (const e of all) if (e !== undefined && !isRemoved(e) && (type === null || e.type === type)) yield e;
    };
    if (prop === null) {
      if (type === null || this.byType.has(type)) return false;
      this.byType.set(type, new Set(live()));
      return true;
    }
    if (type === null) {
      if (this.byProp.has(prop)) return false;
      const buckets = new ValueBuckets<EdgeRecord>(true);
      fill(buckets, prop, live());
      this.byProp.set(prop, buckets);
      return true;
    }
    let forType = this.byTypeProp.get(type);
    if (forType?.has(prop) === true) return false;
    const buckets = new ValueBuckets<EdgeRecord>(true);
    fill(buckets, prop, live());
    if (forType === undefined) this.byTypeProp.set(type, (forType = new Map()));
    forType.set(prop, buckets);
    return true;
  }

  drop(type: number | null, prop: number | null): boolean {
    if (prop === null) return type !== null && this.byType.delete(type);
    if (type === null) return this.byProp.delete(prop);
    const forType = this.byTypeProp.get(type);
    if (forType === undefined || !forType.delete(prop)) return false;
    if (forType.size === 0) this.byTypeProp.delete(type);
    return true;
  }

  sweep(): void {
    if (!this.dirty) return;
    this.dirty = false;
    for (const set of this.byType.values()) {
      for (const e of set) if (e.delta === null && e.deleted) set.delete(e);
    }
    for (const forType of this.byTypeProp.values()) for (const [prop, b] of forType) b.sweep(keepEntry(prop));
    for (const [prop, b] of this.byProp) b.sweep(keepEntry(prop));
  }

  info(names: NameTable): IndexInfo[] {
    const out: IndexInfo[] = [];
    for (const [type, set] of this.byType) out.push({ type: 'edge-type', label: names.name(type), properties: [], count: set.size });
    for (const [type, forType] of this.byTypeProp) {
      for (const [prop, b] of forType) {
        out.push({ type: 'edge-type+property', label: names.name(type), properties: [[names.name(prop)]], count: b.entryCount });
      }
    }
    for (const [prop, b] of this.byProp) out.push({ type: 'edge-property', label: null, properties: [[names.name(prop)]], count: b.entryCount });
    return out;
  }
}
