// Vertex and edge records (the newest state of each object) and the undo deltas that lead
// back to older versions. One monomorphic class per kind keeps V8 objects small.

import type { Value } from '../values/model.js';

/** Commit timestamp of a transaction that has not committed (greater than any start). */
export const UNCOMMITTED = Number.MAX_SAFE_INTEGER;

/**
 * Shared by every undo delta of one transaction, so committing is one assignment:
 * `ts` is UNCOMMITTED until commit, then the commit timestamp.
 */
export class TxInfo {
  ts = UNCOMMITTED;
}

// What a delta's transaction did to its owner (walking back over it undoes that).
export const CREATED = 0;
export const DELETED = 1;
export const LABEL_ADDED = 2;
/** `value` is the label's position before removal, so undo restores the order. */
export const LABEL_REMOVED = 3;
/** `key` is the property id, `value` the value before the change (null = absent). */
export const PROPERTY_SET = 4;

export type StoredObject = VertexRecord | EdgeRecord;

/** One step back in an object's history. `next` is older, `prev` newer. */
export class UndoDelta {
  next: UndoDelta | null = null;
  prev: UndoDelta | null = null;
  constructor(
    readonly action: number,
    readonly info: TxInfo,
    readonly owner: StoredObject,
    readonly key: number,
    readonly value: Value,
  ) {}
}

/**
 * Properties are a flat `[keyId, value, keyId, value, …]` array (null when empty): far
 * smaller than a Map for the usual handful of properties.
 */
export type PropertyList = Value[] | null;

// Memory matters (1M vertices + 2M edges must stay well under 288 B/vertex on a 64-bit
// heap without pointer compression): the deleted flag shares a number with the gid, and
// adjacency is intrusive singly-linked lists through the edges (no per-vertex arrays).

export class VertexRecord {
  labels: readonly number[] | null = null;
  props: PropertyList = null;
  /** Newest-first lists threaded through EdgeRecord.nextOut / nextIn. */
  outHead: EdgeRecord | null = null;
  inHead: EdgeRecord | null = null;
  delta: UndoDelta | null = null;
  /** gid * 2 + deleted. */
  private bits: number;
  constructor(gid: number) {
    this.bits = gid * 2;
  }
  get gid(): number {
    return (this.bits - (this.bits & 1)) / 2;
  }
  /** Head state. A physically removed record has deleted = true and delta = null. */
  get deleted(): boolean {
    return (this.bits & 1) === 1;
  }
  set deleted(d: boolean) {
    this.bits = this.bits - (this.bits & 1) + (d ? 1 : 0);
  }
}

/**
 * Edge properties live beside the edges: most edges have none, and a field on every
 * edge costs 16 B per vertex at two edges per vertex. Weak, so removed edges take
 * their properties with them.
 */
const edgeProps = new WeakMap<EdgeRecord, Value[]>();

export class EdgeRecord {
  delta: UndoDelta | null = null;
  /** Next (older) edge in from.outHead's / to.inHead's list. */
  nextOut: EdgeRecord | null = null;
  nextIn: EdgeRecord | null = null;
  private bits: number;
  constructor(
    gid: number,
    readonly from: VertexRecord,
    readonly to: VertexRecord,
    readonly type: number,
  ) {
    this.bits = gid * 2;
  }
  get gid(): number {
    return (this.bits - (this.bits & 1)) / 2;
  }
  get deleted(): boolean {
    return (this.bits & 1) === 1;
  }
  set deleted(d: boolean) {
    this.bits = this.bits - (this.bits & 1) + (d ? 1 : 0);
  }
  get props(): PropertyList {
    return edgeProps.get(this) ?? null;
  }
  set props(p: PropertyList) {
    if (p === null) edgeProps.delete(this);
    else edgeProps.set(this, p);
  }
}

export function prependDelta(obj: StoredObject, d: UndoDelta): void {
  const head = obj.delta;
  d.next = head;
  if (head !== null) head.prev = d;
  obj.delta = d;
}

export function unlinkDelta(d: UndoDelta): void {
  if (d.prev === null) d.owner.delta = d.next;
  else d.prev.next = d.next;
  if (d.next !== null) d.next.prev = d.prev;
  d.next = null;
  d.prev = null;
}

export function propGet(props: PropertyList, key: number): Value {
  if (props === null) return null;
  for (let i = 0; i < props.length; i += 2) if (props[i] === key) return props[i + 1];
  return null;
}

/** Returns the list to store (may be the same array, updated in place, or a new one). */
export function propSet(props: PropertyList, key: number, value: Value): PropertyList {
  const n = props === null ? 0 : props.length;
  let at = -1;
  for (let i = 0; i < n; i += 2) {
    if ((props as Value[])[i] === key) {
      at = i;
      break;
    }
  }
  if (value === null) {
    if (at < 0) return props;
    if (n === 2) return null;
    const next = new Array<Value>(n - 2);
    for (let i = 0, j = 0; i < n; i += 2) {
      if (i === at) continue;
      next[j++] = (props as Value[])[i];
      next[j++] = (props as Value[])[i + 1];
    }
    return next;
  }
  if (at >= 0) {
    (props as Value[])[at + 1] = value;
    return props;
  }
  // Exact-size copy: push() would over-allocate by 16 slots per object.
  const next = new Array<Value>(n + 2);
  for (let i = 0; i < n; i++) next[i] = (props as Value[])[i];
  next[n] = key;
  next[n + 1] = value;
  return next;
}

/** Links a new edge at the head of both endpoints' lists (running iterators never see it). */
export function linkEdge(e: EdgeRecord): void {
  e.nextOut = e.from.outHead;
  e.from.outHead = e;
  e.nextIn = e.to.inHead;
  e.to.inHead = e;
}

/**
 * Unlinks `gone` edges from v's lists. A removed edge keeps its own next pointer (always
 * to an older edge), so an iterator paused on it still finds the rest of the list.
 */
export function unlinkEdges(v: VertexRecord, gone: ReadonlySet<EdgeRecord>): void {
  let prev: EdgeRecord | null = null;
  for (let e = v.outHead; e !== null; e = e.nextOut) {
    if (!gone.has(e)) prev = e;
    else if (prev === null) v.outHead = e.nextOut;
    else prev.nextOut = e.nextOut;
  }
  prev = null;
  for (let e = v.inHead; e !== null; e = e.nextIn) {
    if (!gone.has(e)) prev = e;
    else if (prev === null) v.inHead = e.nextIn;
    else prev.nextIn = e.nextIn;
  }
}

/** The property list of the head state and of every older version still in the undo chain. */
export function* everHadProps(rec: StoredObject): Generator<PropertyList> {
  let props = rec.props;
  yield props;
  for (let d = rec.delta; d !== null; d = d.next) {
    if (d.action !== PROPERTY_SET) continue;
    // propSet may update in place: work on a copy.
    props = propSet(props === null ? null : props.slice(), d.key, d.value);
    yield props;
  }
}
