// Snapshot reads: the record holds the newest state; a reader walks the undo chain back
// over every delta it must not see (another transaction's, committed after its start or
// not at all). The common case (no chain, or a visible head delta) allocates nothing.

import type { Value } from '../values/model.js';
import {
  CREATED,
  DELETED,
  LABEL_ADDED,
  LABEL_REMOVED,
  PROPERTY_SET,
  propGet,
  type PropertyList,
  type StoredObject,
  type TxInfo,
  type UndoDelta,
  type VertexRecord,
} from './records.js';

/** A reader's snapshot: its own changes plus commits with timestamp ≤ startTimestamp. */
export interface View {
  readonly info: TxInfo;
  readonly startTimestamp: number;
}

export function isHidden(d: UndoDelta, view: View): boolean {
  return d.info !== view.info && d.info.ts > view.startTimestamp;
}

export function existsIn(rec: StoredObject, view: View): boolean {
  let deleted = rec.deleted;
  for (let d = rec.delta; d !== null && isHidden(d, view); d = d.next) {
    if (d.action === CREATED) deleted = true;
    else if (d.action === DELETED) deleted = false;
  }
  return !deleted;
}

export function propertyIn(rec: StoredObject, key: number, view: View): Value {
  let value = propGet(rec.props, key);
  for (let d = rec.delta; d !== null && isHidden(d, view); d = d.next) {
    if (d.action === PROPERTY_SET && d.key === key) value = d.value;
  }
  return value;
}

export function propsIn(rec: StoredObject, view: View): PropertyList {
  let d = rec.delta;
  if (d === null || !isHidden(d, view)) return rec.props;
  const map = new Map<number, Value>();
  const props = rec.props;
  if (props !== null) for (let i = 0; i < props.length; i += 2) map.set(props[i] as number, props[i + 1]);
  for (; d !== null && isHidden(d, view); d = d.next) {
    if (d.action !== PROPERTY_SET) continue;
    if (d.value === null) map.delete(d.key);
    else map.set(d.key, d.value);
  }
  if (map.size === 0) return null;
  const out: Value[] = [];
  for (const [k, v] of map) out.push(k, v);
  return out;
}

export function hasLabelIn(rec: VertexRecord, label: number, view: View): boolean {
  let has = rec.labels !== null && rec.labels.includes(label);
  for (let d = rec.delta; d !== null && isHidden(d, view); d = d.next) {
    if (d.key !== label) continue;
    if (d.action === LABEL_ADDED) has = false;
    else if (d.action === LABEL_REMOVED) has = true;
  }
  return has;
}

export function labelsIn(rec: VertexRecord, view: View): readonly number[] {
  let labels: readonly number[] = rec.labels ?? [];
  let copied: number[] | null = null;
  for (let d = rec.delta; d !== null && isHidden(d, view); d = d.next) {
    if (d.action !== LABEL_ADDED && d.action !== LABEL_REMOVED) continue;
    if (copied === null) labels = copied = [...labels];
    const at = copied.indexOf(d.key);
    if (d.action === LABEL_ADDED && at >= 0) copied.splice(at, 1);
    else if (d.action === LABEL_REMOVED && at < 0) copied.splice(d.value as number, 0, d.key);
  }
  return labels;
}
