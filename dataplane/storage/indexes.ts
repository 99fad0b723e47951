// Label and label+property indexes. Entries are a superset of what any open transaction
// can see (every version that had the label / value gets an entry); readers re-check
// visibility, and sweep() drops entries no version needs any more (Memgraph's approach).

import type { Value } from '../values/model.js';
import type { IndexInfo } from './types.js';
import type { NameTable } from './names.js';
import { LABEL_ADDED, LABEL_REMOVED, PROPERTY_SET, propGet, type VertexRecord } from './records.js';
import { ValueBuckets } from './value-buckets.js';
import { groupKey } from '../values/ops.js';

export class LabelPropertyIndex {
  readonly buckets = new ValueBuckets(true);
  constructor(
    readonly label: number,
    readonly prop: number,
  ) {}
}

/** Labels this vertex has in its head state or in any version still in its undo chain. */
function everHadLabel(rec: VertexRecord, label: number): boolean {
  if (rec.labels !== null && rec.labels.includes(label)) return true;
  for (let d = rec.delta; d !== null; d = d.next) {
    if ((d.action === LABEL_ADDED || d.action === LABEL_REMOVED) && d.key === label) return true;
  }
  return false;
}

/** The head value and every older value of `prop` still in the undo chain. */
function everHadValues(rec: VertexRecord, prop: number): Value[] {
  const out: Value[] = [];
  const head = propGet(rec.props, prop);
  if (head !== null) out.push(head);
  for (let d = rec.delta; d !== null; d = d.next) {
    if (d.action === PROPERTY_SET && d.key === prop && d.value !== null) out.push(d.value);
  }
  return out;
}

function isRemoved(rec: VertexRecord): boolean {
  return rec.deleted && rec.delta === null;
}

export class Indexes {
  private readonly byLabel = new Map<number, Set<VertexRecord>>();
  /** Label+property indexes grouped by label, so a write looks only at its labels. */
  private readonly byLabelProp = new Map<number, LabelPropertyIndex[]>();
  private propIndexCount = 0;
  /** Set when entries may have become stale; sweep() is skipped otherwise. */
  dirty = false;

  labelIndex(label: number): Set<VertexRecord> | undefined {
    return this.byLabel.get(label);
  }

  labelPropertyIndex(label: number, prop: number): LabelPropertyIndex | undefined {
    return this.byLabelProp.get(label)?.find((i) => i.prop === prop);
  }

  has(label: number, prop: number | null): boolean {
    return prop === null ? this.byLabel.has(label) : this.labelPropertyIndex(label, prop) !== undefined;
  }

  onLabelAdded(rec: VertexRecord, label: number): void {
    this.byLabel.get(label)?.add(rec);
    const list = this.byLabelProp.get(label);
    if (list === undefined) return;
    for (const idx of list) {
      const v = propGet(rec.props, idx.prop);
      if (v !== null) idx.buckets.add(v, rec);
    }
  }

  onPropertySet(rec: VertexRecord, prop: number, value: Value): void {
    if (this.propIndexCount === 0 || rec.labels === null || value === null) return;
    for (const label of rec.labels) {
      const list = this.byLabelProp.get(label);
      if (list === undefined) continue;
      for (const idx of list) if (idx.prop === prop) idx.buckets.add(value, rec);
    }
  }

  createLabel(label: number, vertices: Iterable<VertexRecord | undefined>): boolean {
    if (this.byLabel.has(label)) return false;
    const set = new Set<VertexRecord>();
    for (const rec of vertices) if (rec !== undefined && !isRemoved(rec) && everHadLabel(rec, label)) set.add(rec);
    this.byLabel.set(label, set);
    return true;
  }

  createLabelProperty(label: number, prop: number, vertices: Iterable<VertexRecord | undefined>): boolean {
    if (this.labelPropertyIndex(label, prop) !== undefined) return false;
    const idx = new LabelPropertyIndex(label, prop);
    for (const rec of vertices) {
      if (rec === undefined || isRemoved(rec) || !everHadLabel(rec, label)) continue;
      for (const v of everHadValues(rec, prop)) idx.buckets.add(v, rec);
    }
    const list = this.byLabelProp.get(label);
    if (list === undefined) this.byLabelProp.set(label, [idx]);
    else list.push(idx);
    this.propIndexCount++;
    return true;
  }

  drop(label: number, prop: number | null): boolean {
    if (prop === null) return this.byLabel.delete(label);
    const list = this.byLabelProp.get(label);
    const at = list?.findIndex((i) => i.prop === prop) ?? -1;
    if (list === undefined || at < 0) return false;
    list.splice(at, 1);
    if (list.length === 0) this.byLabelProp.delete(label);
    this.propIndexCount--;
    return true;
  }

  /**
   * Drops entries no transaction can need: the vertex is gone, or its chain is empty
   * (every version is visible to all) and its head state does not match the entry.
   */
  sweep(): void {
    if (!this.dirty) return;
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
          const v = propGet(rec.props, idx.prop);
          return v !== null && groupKey(v) === b.key;
        });
      }
    }
  }

  info(names: NameTable): IndexInfo[] {
    const out: IndexInfo[] = [];
    for (const [label, set] of this.byLabel) {
      out.push({ type: 'label', label: names.name(label), property: null, count: set.size });
    }
    for (const list of this.byLabelProp.values()) {
      for (const idx of list) {
        out.push({
          type: 'label+property',
          label: names.name(idx.label),
          property: names.name(idx.prop),
          count: idx.buckets.entryCount,
        });
      }
    }
    return out;
  }
}
