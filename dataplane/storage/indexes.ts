// Vertex indexes: label, label+property (plain, composite `:L(a, b)`, nested `:L(a.b)`) and
// point indexes, plus the edge indexes (edge-indexes.ts). Entries are a superset of what
// any open transaction can see (every version that had the label / value gets an entry);
// readers re-check visibility, and sweep() drops entries no version needs any more
// (Memgraph's approach).

import { CypherPoint, type Value } from '../values/model.js';
import type { IndexInfo } from './types.js';
import type { NameTable } from './names.js';
import { LABEL_ADDED, LABEL_REMOVED, propGet, everHadProps, type PropertyList, type StoredObject, type VertexRecord } from './records.js';
import { ValueBuckets } from './value-buckets.js';
import { groupKey } from '../values/ops.js';
import { nestedValue } from './index-spec.js';
import { EdgeIndexes } from './edge-indexes.js';

/** A property path: the property's id, and every key from the property's name on (`a.b` → ['a', 'b']). */
export interface PropPath {
  readonly prop: number;
  readonly keys: readonly string[];
}

export function samePaths(a: readonly PropPath[], b: readonly PropPath[]): boolean {
  return a.length === b.length && a.every((p, i) => p.prop === b[i].prop && p.keys.length === b[i].keys.length && p.keys.every((k, j) => k === b[i].keys[j]));
}

/**
 * A label+property index. One plain path keys entries by the value; several paths key them
 * by the list of values (null where absent), so equality on all of them is one lookup and
 * the ordered view, lexicographic, serves a prefix. A point index keys only point values.
 */
export class LabelPropertyIndex {
  readonly buckets = new ValueBuckets<VertexRecord>(true);
  readonly touches: ReadonlySet<number>;
  constructor(
    readonly label: number,
    readonly paths: readonly PropPath[],
    readonly point: boolean,
  ) {
    this.touches = new Set(paths.map((p) => p.prop));
  }

  /** The index key of a property list, or null when it gets no entry. */
  keyOf(props: PropertyList): Value {
    if (this.paths.length === 1) {
      const p = this.paths[0];
      const v = nestedValue(propGet(props, p.prop), p.keys);
      if (this.point) return v instanceof CypherPoint ? v : null;
      return v;
    }
    const values = this.paths.map((p) => nestedValue(propGet(props, p.prop), p.keys));
    return values.every((v) => v === null) ? null : values;
  }
}

/** Labels this vertex has in its head state or in any version still in its undo chain. */
function everHadLabel(rec: VertexRecord, label: number): boolean {
  if (rec.labels !== null && rec.labels.includes(label)) return true;
  for (let d = rec.delta; d !== null; d = d.next) {
    if ((d.action === LABEL_ADDED || d.action === LABEL_REMOVED) && d.key === label) return true;
  }
  return false;
}

function isRemoved(rec: StoredObject): boolean {
  return rec.deleted && rec.delta === null;
}

export class Indexes {
  private readonly byLabel = new Map<number, Set<VertexRecord>>();
  /** Label+property and point indexes grouped by label, so a write looks only at its labels. */
  private readonly byLabelProp = new Map<number, LabelPropertyIndex[]>();
  private propIndexCount = 0;
  readonly edges = new EdgeIndexes();
  /** Set when vertex entries may have become stale; sweep() skips them otherwise. */
  dirty = false;

  labelIndex(label: number): Set<VertexRecord> | undefined {
    return this.byLabel.get(label);
  }

  /** The index on exactly these paths (point: the point index). */
  pathsIndex(label: number, paths: readonly PropPath[], point = false): LabelPropertyIndex | undefined {
    return this.byLabelProp.get(label)?.find((i) => i.point === point && samePaths(i.paths, paths));
  }

  /** The plain label+property index on one property. */
  labelPropertyIndex(label: number, prop: number): LabelPropertyIndex | undefined {
    return this.byLabelProp.get(label)?.find((i) => !i.point && i.paths.length === 1 && i.paths[0].keys.length === 1 && i.paths[0].prop === prop);
  }

  has(label: number, prop: number | null): boolean {
    return prop === null ? this.byLabel.has(label) : this.labelPropertyIndex(label, prop) !== undefined;
  }

  onLabelAdded(rec: VertexRecord, label: number): void {
    this.byLabel.get(label)?.add(rec);
    const list = this.byLabelProp.get(label);
    if (list === undefined) return;
    for (const idx of list) {
      const k = idx.keyOf(rec.props);
      if (k !== null) idx.buckets.add(k, rec);
    }
  }

  /** After a property of `rec` changed (removals too: a composite key changes with any part). */
  onPropertySet(rec: VertexRecord, prop: number): void {
    if (this.propIndexCount === 0 || rec.labels === null) return;
    for (const label of rec.labels) {
      const list = this.byLabelProp.get(label);
      if (list === undefined) continue;
      for (const idx of list) {
        if (!idx.touches.has(prop)) continue;
        const k = idx.keyOf(rec.props);
        if (k !== null) idx.buckets.add(k, rec);
      }
    }
  }

  createLabel(label: number, vertices: Iterable<VertexRecord | undefined>): boolean {
    if (this.byLabel.has(label)) return false;
    const set = new Set<VertexRecord>();
    for (const rec of vertices) if (rec !== undefined && !isRemoved(rec) && everHadLabel(rec, label)) set.add(rec);
    this.byLabel.set(label, set);
    return true;
  }

  /** A label+property (plain, composite or nested) or point index on `paths`. */
  createPaths(label: number, paths: readonly PropPath[], point: boolean, vertices: Iterable<VertexRecord | undefined>): boolean {
    if (this.pathsIndex(label, paths, point) !== undefined) return false;
    const idx = new LabelPropertyIndex(label, paths, point);
    for (const rec of vertices) {
      if (rec === undefined || isRemoved(rec) || !everHadLabel(rec, label)) continue;
      for (const props of everHadProps(rec)) {
        const k = idx.keyOf(props);
        if (k !== null) idx.buckets.add(k, rec);
      }
    }
    const list = this.byLabelProp.get(label);
    if (list === undefined) this.byLabelProp.set(label, [idx]);
    else list.push(idx);
    this.propIndexCount++;
    return true;
  }

  drop(label: number, prop: number | null): boolean {
    if (prop === null) return this.byLabel.delete(label);
    const idx = this.labelPropertyIndex(label, prop);
    return idx !== undefined && this.dropPaths(label, idx.paths, false);
  }

  dropPaths(label: number, paths: readonly PropPath[], point: boolean): boolean {
    const list = this.byLabelProp.get(label);
    const at = list?.findIndex((i) => i.point === point && samePaths(i.paths, paths)) ?? -1;
    if (list === undefined || at < 0) return false;
    list.splice(at, 1);
    if (list.length === 0) this.byLabelProp.delete(label);
    this.propIndexCount--;
    return true;
  }

  /**
   * Drops entries no transaction can need: the object is gone, or its chain is empty
   * (every version is visible to all) and its head state does not match the entry.
   */
  sweep(): void {
    if (this.dirty) {
      this.dirty = false;
      for (const [label, set] of this.byLabel) {
        for (const rec of set) {
          if (rec.delta !== null) continue;
          if (rec.deleted || rec.labels === null || !rec.labels.includes(label)) set.delete(rec);
        }
      }
      for (const list of this.byLabelProp.values()) {
        for (const idx of list) {
          idx.buckets.sweep((b, rec) => {
            if (rec.delta !== null) return true;
            if (rec.deleted || rec.labels === null || !rec.labels.includes(idx.label)) return false;
            const k = idx.keyOf(rec.props);
            return k !== null && groupKey(k) === b.key;
          });
        }
      }
    }
    this.edges.sweep();
  }

  info(names: NameTable): IndexInfo[] {
    const out: IndexInfo[] = [];
    for (const [label, set] of this.byLabel) {
      out.push({ type: 'label', label: names.name(label), properties: [], count: set.size });
    }
    for (const list of this.byLabelProp.values()) {
      for (const idx of list) {
        out.push({
          type: idx.point ? 'point' : 'label+property',
          label: names.name(idx.label),
          properties: idx.paths.map((p) => [...p.keys]),
          count: idx.buckets.entryCount,
        });
      }
    }
    return [...out, ...this.edges.info(names)];
  }
}
