// A storage transaction: snapshot reads, writes recorded as undo deltas on the touched
// objects (for other snapshots and for abort) and as redo deltas (for WAL/replication).

import type { Value } from '../values/model.js';
import { Codes, MghaError } from '../errors.js';
import { equals, groupKey, orderCompare } from '../values/ops.js';
import type {
  CommitResult,
  CommittedTransaction,
  MaybePromise,
  Delta,
  EdgeAccessor,
  EdgeIndexQuery,
  Gid,
  IndexSpec,
  PointRegion,
  PropertyFilter,
  StorageTransaction,
  VertexAccessor,
  WriteStats,
} from './types.js';
import { emptyWriteStats } from './types.js';
import type { OpenTransaction, StorageCore } from './core.js';
import type { PipelineMember } from './commit-pipeline.js';
import { StoredEdge, StoredVertex } from './accessors.js';
import { detachEdges, releaseDeltas } from './gc.js';
import { existsIn, hasLabelIn, isHidden, labelsIn, propertyIn, propsIn, type View } from './mvcc.js';
import { checkPropertyValue } from './property-values.js';
import {
  CREATED,
  DELETED,
  EdgeRecord,
  LABEL_ADDED,
  LABEL_REMOVED,
  linkEdge,
  prependDelta,
  PROPERTY_SET,
  propGet,
  propSet,
  TxInfo,
  UndoDelta,
  unlinkDelta,
  VertexRecord,
  type StoredObject,
} from './records.js';
import { bucketsInRange, inRange, pointBuckets, prefixBuckets } from './index-scan.js';
import { membersOf, type Bucket } from './value-buckets.js';
import { nestedValue, pathText } from './index-spec.js';
import type { PropPath } from './indexes.js';

/** A point inside a transaction to roll back to (replica batches: one commit of the batch). */
export interface Savepoint {
  undo: number;
  redo: number;
  stats: WriteStats;
}

function conflictError(): MghaError {
  return new MghaError(
    Codes.Conflict,
    'Cannot resolve conflicting transactions. You can retry this transaction when the conflicting transaction is finished',
  );
}

function deletedError(what: string): MghaError {
  return new MghaError(Codes.MemgraphClientError, `Trying to ${what} a deleted object.`);
}

export class Transaction implements StorageTransaction, View, PipelineMember, OpenTransaction {
  /** Replaced when a periodic commit continues the transaction (commitBatch). */
  info = new TxInfo();
  startTimestamp: number;
  readonly stats: WriteStats = emptyWriteStats();
  private undo: UndoDelta[] = [];
  private redo: Delta[] = [];
  private active = true;
  /** In the commit pipeline: no more changes, visible only once published. */
  private prepared = false;
  /** Vertices and edges (created − deleted) already added to the storage counts by earlier batches. */
  private countedVertices = 0;
  private countedEdges = 0;

  constructor(private readonly core: StorageCore) {
    this.startTimestamp = core.lastCommitTs;
    core.active.add(this);
  }

  isActive(): boolean {
    return this.active && !this.prepared;
  }

  pendingDeltas(): readonly Delta[] {
    return this.redo;
  }

  // ---- reads ---------------------------------------------------------------------

  vertex(gid: Gid): VertexAccessor | null {
    const rec = this.core.vertices[gid];
    return rec !== undefined && existsIn(rec, this) ? new StoredVertex(this, rec) : null;
  }

  edge(gid: Gid): EdgeAccessor | null {
    const rec = this.core.edges[gid];
    return rec !== undefined && existsIn(rec, this) ? new StoredEdge(this, rec) : null;
  }

  *vertices(): Iterable<VertexAccessor> {
    const all = this.core.vertices;
    // Vertices created while iterating (e.g. MATCH (n) CREATE (m)) are past `end`.
    const end = all.length;
    for (let i = 0; i < end; i++) {
      const rec = all[i];
      if (rec !== undefined && existsIn(rec, this)) yield new StoredVertex(this, rec);
    }
  }

  *verticesByLabel(label: string): Iterable<VertexAccessor> {
    const id = this.core.names.lookup(label);
    if (id < 0) return;
    const index = this.core.indexes.labelIndex(id);
    if (index === undefined) {
      for (const v of this.vertices()) if (hasLabelIn((v as StoredVertex).rec, id, this)) yield v;
      return;
    }
    const end = this.core.nextVertexGid;
    for (const rec of index) {
      if (rec.gid < end && existsIn(rec, this) && hasLabelIn(rec, id, this)) yield new StoredVertex(this, rec);
    }
  }

  *verticesByLabelProperty(label: string, property: string, filter: PropertyFilter): Iterable<VertexAccessor> {
    const labelId = this.core.names.lookup(label);
    const prop = this.core.names.lookup(property);
    const index = labelId < 0 || prop < 0 ? undefined : this.core.indexes.labelPropertyIndex(labelId, prop);
    if (index === undefined) {
      throw new MghaError(Codes.DatabaseError, `There is no index on :${label}(${property}).`);
    }
    const end = this.core.nextVertexGid;
    if (filter.kind === 'equal') {
      // null, NaN and lists holding them equal nothing, not even themselves.
      if (equals(filter.value, filter.value) !== true) return;
      const bucket = index.buckets.get(filter.value);
      if (bucket === undefined) return;
      for (const rec of membersOf(bucket)) {
        if (rec.gid >= end || !existsIn(rec, this) || !hasLabelIn(rec, labelId, this)) continue;
        if (equals(propertyIn(rec, prop, this), filter.value) === true) yield new StoredVertex(this, rec);
      }
      return;
    }
    for (const b of bucketsInRange(index.buckets.orderedBuckets(), filter.lower, filter.upper)) {
      for (const rec of membersOf(b)) {
        if (rec.gid >= end || !existsIn(rec, this) || !hasLabelIn(rec, labelId, this)) continue;
        const v = propertyIn(rec, prop, this);
        // A vertex may sit in several buckets (old versions): yield it only from its visible value's.
        if (v !== null && orderCompare(v, b.value) === 0) yield new StoredVertex(this, rec);
      }
    }
  }

  private pathsOf(paths: readonly (readonly string[])[]): PropPath[] | null {
    const out: PropPath[] = [];
    for (const keys of paths) {
      const prop = this.core.names.lookup(keys[0]);
      if (prop < 0) return null;
      out.push({ prop, keys });
    }
    return out;
  }

  /** The value of a path in our view of the vertex. */
  private pathIn(rec: StoredObject, p: PropPath): Value {
    return nestedValue(propertyIn(rec, p.prop, this), p.keys);
  }

  *verticesByLabelProperties(label: string, paths: readonly (readonly string[])[], filters: readonly PropertyFilter[]): Iterable<VertexAccessor> {
    const labelId = this.core.names.lookup(label);
    const ps = this.pathsOf(paths);
    const index = labelId < 0 || ps === null ? undefined : this.core.indexes.pathsIndex(labelId, ps);
    if (index === undefined || ps === null) {
      throw new MghaError(Codes.DatabaseError, `There is no index on :${label}(${paths.map(pathText).join(', ')}).`);
    }
    if (filters.length === 0 || filters.length > ps.length) return;
    for (const f of filters) if (f.kind === 'equal' && equals(f.value, f.value) !== true) return;
    const end = this.core.nextVertexGid;
    const single = ps.length === 1;
    const visibleKey = (rec: VertexRecord): Value => (single ? this.pathIn(rec, ps[0]) : ps.map((p) => this.pathIn(rec, p)));
    const matches = (key: Value): boolean =>
      filters.every((f, i) => {
        const v = single ? key : (key as Value[])[i];
        return f.kind === 'equal' ? equals(v, f.value) === true : v !== null && inRange(v, f.lower, f.upper);
      });
    let buckets: Iterable<Bucket<VertexRecord>>;
    const equalities = filters.filter((f): f is PropertyFilter & { kind: 'equal' } => f.kind === 'equal').map((f) => f.value);
    if (equalities.length === ps.length) {
      // Equality on every path: one bucket.
      const b = index.buckets.get(single ? equalities[0] : equalities);
      buckets = b === undefined ? [] : [b];
    } else if (single) {
      const f = filters[0];
      buckets = f.kind === 'equal' ? [] : bucketsInRange(index.buckets.orderedBuckets(), f.lower, f.upper);
    } else buckets = prefixBuckets(index.buckets.orderedBuckets(), filters[0]);
    for (const b of buckets) {
      for (const rec of membersOf(b)) {
        if (rec.gid >= end || !existsIn(rec, this) || !hasLabelIn(rec, labelId, this)) continue;
        const key = visibleKey(rec);
        // A vertex may sit in several buckets (old versions): yield it only from its visible key's.
        if (groupKey(key) === b.key && matches(key)) yield new StoredVertex(this, rec);
      }
    }
  }

  *verticesByPointIndex(label: string, property: string, region: PointRegion | null): Iterable<VertexAccessor> {
    const labelId = this.core.names.lookup(label);
    const prop = this.core.names.lookup(property);
    const path: PropPath = { prop, keys: [property] };
    const index = labelId < 0 || prop < 0 ? undefined : this.core.indexes.pathsIndex(labelId, [path], true);
    if (index === undefined) throw new MghaError(Codes.DatabaseError, `There is no point index on :${label}(${property}).`);
    const end = this.core.nextVertexGid;
    for (const b of pointBuckets(index.buckets.orderedBuckets(), region)) {
      for (const rec of membersOf(b)) {
        if (rec.gid >= end || !existsIn(rec, this) || !hasLabelIn(rec, labelId, this)) continue;
        const v = propertyIn(rec, prop, this);
        if (v !== null && groupKey(v) === b.key) yield new StoredVertex(this, rec);
      }
    }
  }

  *edgesByIndex(q: EdgeIndexQuery): Iterable<EdgeAccessor> {
    const names = this.core.names;
    const type = q.type === null ? null : names.lookup(q.type);
    const prop = q.property === null ? null : names.lookup(q.property);
    const edges = this.core.indexes.edges;
    const missing = (): MghaError => new MghaError(Codes.DatabaseError, `There is no edge index on :${q.type ?? ''}${q.property === null ? '' : `(${q.property})`}.`);
    const end = this.core.nextEdgeGid;
    if (prop === null) {
      const set = type === null ? undefined : edges.typeIndex(type);
      if (set === undefined) throw missing();
      for (const e of set) if (e.gid < end && existsIn(e, this)) yield new StoredEdge(this, e);
      return;
    }
    const index = type === null ? edges.propertyIndex(prop) : edges.typePropertyIndex(type, prop);
    if (index === undefined) throw missing();
    const f = q.filter;
    let buckets: Iterable<Bucket<EdgeRecord>>;
    if (f === null) buckets = index.orderedBuckets();
    else if (f.kind === 'equal') {
      if (equals(f.value, f.value) !== true) return;
      const b = index.get(f.value);
      buckets = b === undefined ? [] : [b];
    } else buckets = bucketsInRange(index.orderedBuckets(), f.lower, f.upper);
    for (const b of buckets) {
      for (const e of membersOf(b)) {
        if (e.gid >= end || !existsIn(e, this)) continue;
        const v = propertyIn(e, prop, this);
        if (v === null || groupKey(v) !== b.key) continue;
        if (f === null || (f.kind === 'equal' ? equals(v, f.value) === true : inRange(v, f.lower, f.upper))) yield new StoredEdge(this, e);
      }
    }
  }

  indexSize(spec: IndexSpec): number | null {
    const names = this.core.names;
    const label = spec.label === null ? null : names.lookup(spec.label);
    if (label !== null && label < 0) return null;
    const indexes = this.core.indexes;
    switch (spec.type) {
      case 'label':
        return label === null ? null : (indexes.labelIndex(label)?.size ?? null);
      case 'label+property':
      case 'point': {
        const ps = this.pathsOf(spec.properties);
        return label === null || ps === null ? null : (indexes.pathsIndex(label, ps, spec.type === 'point')?.buckets.entryCount ?? null);
      }
      case 'edge-type':
        return label === null ? null : (indexes.edges.typeIndex(label)?.size ?? null);
      case 'edge-type+property':
      case 'edge-property': {
        const prop = spec.properties.length === 1 ? names.lookup(spec.properties[0][0]) : -1;
        if (prop < 0) return null;
        const b = label === null ? indexes.edges.propertyIndex(prop) : indexes.edges.typePropertyIndex(label, prop);
        return b?.entryCount ?? null;
      }
    }
  }

  estimateCount(label?: string, property?: string): number {
    if (label === undefined) return this.core.vertexCount;
    const labelId = this.core.names.lookup(label);
    if (labelId < 0) return 0;
    if (property !== undefined) {
      const prop = this.core.names.lookup(property);
      const idx = prop < 0 ? undefined : this.core.indexes.labelPropertyIndex(labelId, prop);
      if (idx !== undefined) return idx.buckets.entryCount;
    }
    return this.core.labelCounts[labelId] ?? 0;
  }

  isDeletedInView(rec: StoredObject): boolean {
    return !existsIn(rec, this);
  }

  private readable(rec: StoredObject, what: string): void {
    if (!existsIn(rec, this)) throw deletedError(what);
  }

  vertexLabels(rec: VertexRecord): readonly string[] {
    this.readable(rec, 'get labels of');
    const names = this.core.names;
    return labelsIn(rec, this).map((id) => names.name(id));
  }

  vertexHasLabel(rec: VertexRecord, label: string): boolean {
    this.readable(rec, 'get labels of');
    const id = this.core.names.lookup(label);
    return id >= 0 && hasLabelIn(rec, id, this);
  }

  getProperty(rec: StoredObject, key: string): Value {
    this.readable(rec, 'get properties of');
    const id = this.core.names.lookup(key);
    return id < 0 ? null : propertyIn(rec, id, this);
  }

  propertyMap(rec: StoredObject): ReadonlyMap<string, Value> {
    this.readable(rec, 'get properties of');
    const out = new Map<string, Value>();
    const props = propsIn(rec, this);
    if (props !== null) {
      for (let i = 0; i < props.length; i += 2) out.set(this.core.names.name(props[i] as number), props[i + 1]);
    }
    return out;
  }

  edgeTypeName(rec: EdgeRecord): string {
    return this.core.names.name(rec.type);
  }

  private typeIds(types: readonly string[] | null): number[] | null {
    if (types === null || types.length === 0) return null;
    const ids: number[] = [];
    for (const t of types) {
      const id = this.core.names.lookup(t);
      if (id >= 0) ids.push(id);
    }
    return ids;
  }

  /**
   * A vertex's relationships in creation order, as Memgraph iterates them. The lists are
   * newest first (a running iterator never meets edges its own query creates), so the
   * matching edges are gathered at the start and yielded oldest first; visibility is
   * checked as each is yielded.
   */
  *expand(
    rec: VertexRecord,
    outgoing: boolean,
    types: readonly string[] | null,
    other: VertexAccessor | null,
  ): Iterable<EdgeAccessor> {
    this.readable(rec, 'get relationships of');
    const typeIds = this.typeIds(types);
    if (typeIds !== null && typeIds.length === 0) return;
    const otherRec = other === null ? null : this.recordOf(other);
    const found: EdgeRecord[] = [];
    let e = outgoing ? rec.outHead : rec.inHead;
    // Towards a fixed endpoint, walk the other side's list when it is shorter (hub vertices).
    let walkTheirs = false;
    if (otherRec !== null) {
      const theirs = outgoing ? otherRec.inHead : otherRec.outHead;
      let a = e;
      let b = theirs;
      while (a !== null && b !== null) {
        a = outgoing ? a.nextOut : a.nextIn;
        b = outgoing ? b.nextIn : b.nextOut;
      }
      if (a !== null) {
        walkTheirs = true;
        for (let x = theirs; x !== null; x = outgoing ? x.nextIn : x.nextOut) {
          if ((outgoing ? x.from : x.to) !== rec) continue;
          if (typeIds !== null && !typeIds.includes(x.type)) continue;
          found.push(x);
        }
      }
    }
    if (!walkTheirs) {
      for (; e !== null; e = outgoing ? e.nextOut : e.nextIn) {
        if (typeIds !== null && !typeIds.includes(e.type)) continue;
        if (otherRec !== null && (outgoing ? e.to : e.from) !== otherRec) continue;
        found.push(e);
      }
    }
    for (let i = found.length - 1; i >= 0; i--) {
      const x = found[i];
      if (existsIn(x, this)) yield new StoredEdge(this, x);
    }
  }

  degree(rec: VertexRecord, outgoing: boolean): number {
    this.readable(rec, 'get relationships of');
    let n = 0;
    if (outgoing) {
      for (let e = rec.outHead; e !== null; e = e.nextOut) if (existsIn(e, this)) n++;
    } else {
      for (let e = rec.inHead; e !== null; e = e.nextIn) if (existsIn(e, this)) n++;
    }
    return n;
  }

  private recordOf(v: VertexAccessor): VertexRecord {
    if (v instanceof StoredVertex && this.core.vertices[v.gid] === v.rec) return v.rec;
    const rec = this.core.vertices[v.gid];
    if (rec === undefined) throw new MghaError(Codes.EntityNotFound, `Node with id ${v.gid} does not exist.`);
    return rec;
  }

  private edgeRecordOf(e: EdgeAccessor): EdgeRecord {
    if (e instanceof StoredEdge && this.core.edges[e.gid] === e.rec) return e.rec;
    const rec = this.core.edges[e.gid];
    if (rec === undefined) throw new MghaError(Codes.EntityNotFound, `Relationship with id ${e.gid} does not exist.`);
    return rec;
  }

  // ---- writes --------------------------------------------------------------------

  private ensureActive(): void {
    if (!this.active || this.prepared) throw new MghaError(Codes.MemgraphClientError, 'The transaction is no longer active.');
  }

  /** Another transaction changed this object after our snapshot (or has not committed). */
  private checkConflict(rec: StoredObject): void {
    const d = rec.delta;
    if (d !== null && d.info !== this.info && d.info.ts > this.startTimestamp) throw conflictError();
  }

  /** After this, the head state is exactly our view of `rec`. */
  private prepareWrite(rec: StoredObject, what: string): void {
    this.ensureActive();
    this.checkConflict(rec);
    if (rec.deleted) throw deletedError(what);
  }

  private addUndo(action: number, owner: StoredObject, key: number, value: Value): void {
    const d = new UndoDelta(action, this.info, owner, key, value);
    prependDelta(owner, d);
    this.undo.push(d);
    this.core.pendingVersions++;
  }

  createVertex(): VertexAccessor {
    this.ensureActive();
    return new StoredVertex(this, this.createVertexRecord(this.core.nextVertexGid));
  }

  /** Creates a vertex with a given gid (replaying a committed transaction). */
  createVertexRecord(gid: Gid): VertexRecord {
    const core = this.core;
    if (core.vertices[gid] !== undefined) throw new MghaError(Codes.DatabaseError, `Vertex gid ${gid} already exists.`);
    if (gid >= core.nextVertexGid) core.nextVertexGid = gid + 1;
    const rec = new VertexRecord(gid);
    core.vertices[gid] = rec;
    this.addUndo(CREATED, rec, -1, null);
    this.redo.push({ op: 'createVertex', gid });
    this.stats.nodesCreated++;
    return rec;
  }

  createEdge(from: VertexAccessor, to: VertexAccessor, type: string): EdgeAccessor {
    this.ensureActive();
    return new StoredEdge(this, this.createEdgeRecord(this.core.nextEdgeGid, this.recordOf(from), this.recordOf(to), type));
  }

  createEdgeRecord(gid: Gid, from: VertexRecord, to: VertexRecord, type: string): EdgeRecord {
    const core = this.core;
    if (!existsIn(from, this) || !existsIn(to, this)) throw deletedError('create a relationship on');
    // Visible to us but deleted in the head: a concurrent transaction deleted it.
    if (from.deleted || to.deleted) throw conflictError();
    if (core.edges[gid] !== undefined) throw new MghaError(Codes.DatabaseError, `Edge gid ${gid} already exists.`);
    if (gid >= core.nextEdgeGid) core.nextEdgeGid = gid + 1;
    const e = new EdgeRecord(gid, from, to, core.names.id(type));
    core.edges[gid] = e;
    this.addUndo(CREATED, e, -1, null);
    linkEdge(e);
    core.indexes.edges.onEdgeCreated(e);
    this.redo.push({ op: 'createEdge', gid, from: from.gid, to: to.gid, type });
    this.stats.relationshipsCreated++;
    return e;
  }

  addLabel(rec: VertexRecord, label: string): boolean {
    this.prepareWrite(rec, 'set a label on');
    const id = this.core.names.id(label);
    if (rec.labels !== null && rec.labels.includes(id)) return false;
    this.addUndo(LABEL_ADDED, rec, id, null);
    rec.labels = this.core.labelSets.with(rec.labels, id);
    this.core.countLabels([id], 1);
    this.redo.push({ op: 'addLabel', gid: rec.gid, label });
    this.stats.labelsAdded++;
    this.core.indexes.onLabelAdded(rec, id);
    this.core.constraints.onLabelAdded(rec, id);
    return true;
  }

  removeLabel(rec: VertexRecord, label: string): boolean {
    this.prepareWrite(rec, 'remove a label from');
    const id = this.core.names.lookup(label);
    if (id < 0 || rec.labels === null || !rec.labels.includes(id)) return false;
    this.addUndo(LABEL_REMOVED, rec, id, rec.labels.indexOf(id));
    rec.labels = this.core.labelSets.without(rec.labels, id);
    this.core.countLabels([id], -1);
    this.redo.push({ op: 'removeLabel', gid: rec.gid, label });
    this.stats.labelsRemoved++;
    return true;
  }

  setProperty(rec: StoredObject, key: string, value: Value): Value {
    checkPropertyValue(value);
    this.prepareWrite(rec, 'set properties on');
    const id = this.core.names.id(key);
    const old = propGet(rec.props, id);
    this.stats.propertiesSet++;
    if (old === null && value === null) return null;
    this.addUndo(PROPERTY_SET, rec, id, old);
    rec.props = propSet(rec.props, id, value);
    if (rec instanceof VertexRecord) {
      this.redo.push({ op: 'setVertexProperty', gid: rec.gid, key, value });
      this.core.indexes.onPropertySet(rec, id);
      if (value !== null) this.core.constraints.onPropertySet(rec, id);
    } else {
      this.redo.push({ op: 'setEdgeProperty', gid: rec.gid, key, value });
      if (value !== null) this.core.indexes.edges.onPropertySet(rec, id);
    }
    return old;
  }

  clearProperties(rec: StoredObject): void {
    this.prepareWrite(rec, 'set properties on');
    const props = rec.props;
    if (props === null) return;
    const keys: string[] = [];
    for (let i = 0; i < props.length; i += 2) keys.push(this.core.names.name(props[i] as number));
    for (const k of keys) this.setProperty(rec, k, null);
  }

  deleteVertex(v: VertexAccessor, detach: boolean): void {
    this.ensureActive();
    this.deleteVertexRecord(this.recordOf(v), detach);
  }

  deleteVertexRecord(rec: VertexRecord, detach: boolean): void {
    if (!existsIn(rec, this)) return;
    this.checkConflict(rec);
    // Check everything before changing anything, so a failed delete leaves no trace.
    const edges: EdgeRecord[] = [];
    const collect = (e: EdgeRecord, selfLoopSeen: boolean): void => {
      if (e.delta !== null && isHidden(e.delta, this)) throw conflictError();
      if (!e.deleted && !(selfLoopSeen && e.from === e.to)) edges.push(e);
    };
    for (let e = rec.outHead; e !== null; e = e.nextOut) collect(e, false);
    for (let e = rec.inHead; e !== null; e = e.nextIn) collect(e, true);
    if (edges.length > 0 && !detach) {
      throw new MghaError(
        Codes.MemgraphClientError,
        "Failed to remove node because of it's existing connections. Consider using DETACH DELETE.",
      );
    }
    for (const e of edges) this.deleteEdgeRecord(e);
    this.addUndo(DELETED, rec, -1, null);
    rec.deleted = true;
    this.core.countLabels(rec.labels, -1);
    this.redo.push({ op: 'deleteVertex', gid: rec.gid });
    this.stats.nodesDeleted++;
  }

  deleteEdge(e: EdgeAccessor): void {
    this.ensureActive();
    this.deleteEdgeRecord(this.edgeRecordOf(e));
  }

  deleteEdgeRecord(e: EdgeRecord): void {
    if (!existsIn(e, this)) return;
    this.checkConflict(e);
    this.addUndo(DELETED, e, -1, null);
    e.deleted = true;
    this.redo.push({ op: 'deleteEdge', gid: e.gid });
    this.stats.relationshipsDeleted++;
  }

  // ---- end -----------------------------------------------------------------------

  /**
   * Validates constraints, then hands the transaction to the commit pipeline: it is
   * prepared (timestamp reserved, still invisible, its objects still locked against other
   * writers) until every commit stage has passed and it is published, or aborted.
   */
  commit(): MaybePromise<CommitResult> {
    this.ensureActive();
    // A huge transaction is encoded ahead, in slices, instead of in one synchronous stretch
    // inside the pipeline; it is still open meanwhile (an abort in between wins).
    const ahead = this.core.pipeline.preEncode(this.redo);
    return ahead === null ? this.commitNow() : ahead.then(() => this.commitNow());
  }

  private commitNow(): MaybePromise<CommitResult> {
    this.ensureActive();
    const core = this.core;
    if (this.redo.length === 0) {
      this.finish();
      return { commitTimestamp: core.lastCommitTs, deltas: [], notifications: [] };
    }
    if (!core.constraints.isEmpty()) {
      const violation = core.constraints.validate(this.undo, this);
      if (violation !== null) {
        this.abort();
        throw violation;
      }
    }
    if (core.retired) {
      this.abort();
      throw new MghaError(Codes.Conflict, 'The graph was replaced (the instance re-synchronised from its MAIN) while this transaction was open. You can retry this transaction.');
    }
    this.prepared = true;
    return core.pipeline.submit(this.redo, this);
  }

  /**
   * Memgraph's periodic commit (USING PERIODIC COMMIT, CALL … IN TRANSACTIONS): commits the
   * changes so far like commit(), then continues as a new transaction on a fresh snapshot
   * in the same object, so the handles (accessors) the query holds stay usable. Stats keep
   * accumulating over the batches.
   */
  commitBatch(): MaybePromise<CommitResult> {
    if (this.redo.length === 0) {
      this.ensureActive();
      return { commitTimestamp: this.core.lastCommitTs, deltas: [], notifications: [] };
    }
    const committed = this.commit();
    if (committed instanceof Promise) {
      return committed.then((c) => {
        this.reopen();
        return c;
      });
    }
    this.reopen();
    return committed;
  }

  private reopen(): void {
    this.info = new TxInfo();
    this.startTimestamp = this.core.lastCommitTs;
    this.active = true;
    this.core.active.add(this);
  }

  /** PipelineMember: makes the prepared changes visible at `ts`. */
  publishPrepared(ts: number): void {
    this.publishAt(ts);
  }

  /**
   * Replays a transaction committed elsewhere (replication, recovery) at its own `ts`,
   * constraints validated at the source, passing no commit stage. `allowRepeat` (loading a
   * snapshot in batches) lets `ts` repeat the last commit timestamp.
   */
  commitReplayed(ts: number, allowRepeat: boolean): CommittedTransaction {
    this.ensureActive();
    const core = this.core;
    if (core.pipeline.inFlight() > 0) {
      throw new MghaError(Codes.DatabaseError, `Cannot replay transaction ${ts} while local commits are in flight.`);
    }
    if (ts < core.lastCommitTs || (!allowRepeat && ts === core.lastCommitTs)) {
      throw new MghaError(Codes.DatabaseError, `Commit timestamp ${ts} is not after ${core.lastCommitTs}.`);
    }
    const deltas = this.redo;
    if (deltas.length === 0) this.finish();
    else this.publishAt(ts);
    return { commitTimestamp: ts, deltas };
  }

  private publishAt(commitTs: number): void {
    const core = this.core;
    core.lastCommitTs = commitTs;
    this.info.ts = commitTs;
    // Stats accumulate over a periodic commit's batches; each batch adds only its own part.
    const vertices = this.stats.nodesCreated - this.stats.nodesDeleted;
    const edges = this.stats.relationshipsCreated - this.stats.relationshipsDeleted;
    core.vertexCount += vertices - this.countedVertices;
    core.edgeCount += edges - this.countedEdges;
    this.countedVertices = vertices;
    this.countedEdges = edges;
    core.committed.push({ ts: commitTs, undo: this.undo, released: 0 });
    this.undo = [];
    this.redo = [];
    this.prepared = false;
    this.finish();
  }

  /** Rolls back an open transaction; a prepared one belongs to the commit pipeline, which aborts it. */
  abort(): void {
    if (!this.active || this.prepared) return;
    this.rollBack();
  }

  /** Where a replayed commit of a batch starts (ReplayBatch rolls back to it if the commit fails). */
  savepoint(): Savepoint {
    return { undo: this.undo.length, redo: this.redo.length, stats: { ...this.stats } };
  }

  /** Undoes the changes made since `sp`; the transaction stays open with those before it. */
  rollBackTo(sp: Savepoint): void {
    this.undoFrom(sp.undo);
    this.redo.length = sp.redo;
    Object.assign(this.stats, sp.stats);
  }

  private rollBack(): void {
    this.undoFrom(0);
    this.undo = [];
    this.redo = [];
    this.finish();
  }

  /** Walks our undo deltas from the newest back to `from`, restoring each object, and drops them. */
  private undoFrom(from: number): void {
    const core = this.core;
    const goneEdges: EdgeRecord[] = [];
    // Newest first: each of our deltas is at the head of its object's chain.
    for (let i = this.undo.length - 1; i >= from; i--) {
      const d = this.undo[i];
      unlinkDelta(d);
      core.pendingVersions--;
      const rec = d.owner;
      switch (d.action) {
        case CREATED:
          rec.deleted = true;
          if (rec instanceof EdgeRecord) {
            core.edges[rec.gid] = undefined;
            goneEdges.push(rec);
          } else {
            core.vertices[rec.gid] = undefined;
          }
          break;
        case DELETED:
          rec.deleted = false;
          if (rec instanceof VertexRecord) core.countLabels(rec.labels, 1);
          break;
        case LABEL_ADDED:
          (rec as VertexRecord).labels = core.labelSets.without((rec as VertexRecord).labels ?? [], d.key);
          core.countLabels([d.key], -1);
          break;
        case LABEL_REMOVED:
          (rec as VertexRecord).labels = core.labelSets.with((rec as VertexRecord).labels, d.key, d.value as number);
          core.countLabels([d.key], 1);
          break;
        case PROPERTY_SET:
          rec.props = propSet(rec.props, d.key, d.value);
          break;
      }
    }
    detachEdges(goneEdges);
    if (this.undo.length > from) {
      core.indexes.dirty = true;
      core.indexes.edges.dirty = true;
    }
    this.undo.length = from;
  }

  isLocalWriter(): boolean {
    return this.active && !this.prepared && this.undo.length > 0;
  }

  rollBackForReplay(): void {
    if (this.isLocalWriter()) this.rollBack();
  }

  /** PipelineMember.abort: a prepared transaction that a commit stage refused. */
  abortPrepared(): void {
    if (!this.active) return;
    this.prepared = false;
    this.rollBack();
  }

  private finish(): void {
    this.active = false;
    this.core.active.delete(this);
    releaseDeltas(this.core);
  }
}
