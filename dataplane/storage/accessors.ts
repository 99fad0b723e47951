// Vertex and edge handles bound to one transaction: every read goes through that
// transaction's snapshot, every write through its undo/redo bookkeeping.

import type { Value } from '../values/model.js';
import type { EdgeAccessor, VertexAccessor } from './types.js';
import type { EdgeRecord, StoredObject, VertexRecord } from './records.js';
import type { Transaction } from './transaction.js';

/** What vertex and edge handles share: identity, visibility and properties. */
export abstract class StoredHandle<R extends StoredObject> {
  readonly id: number;
  readonly gid: number;

  constructor(
    readonly tx: Transaction,
    readonly rec: R,
  ) {
    this.id = rec.gid;
    this.gid = rec.gid;
  }

  isDeleted(): boolean {
    return this.tx.isDeletedInView(this.rec);
  }
  getProperty(key: string): Value {
    return this.tx.getProperty(this.rec, key);
  }
  /** The property in this snapshot, or undefined when the object is deleted in it (the caller reports that). */
  propertyIfVisible(key: string): Value | undefined {
    return this.tx.visibleProperty(this.rec, key);
  }
  setProperty(key: string, value: Value): Value {
    return this.tx.setProperty(this.rec, key, value);
  }
  properties(): ReadonlyMap<string, Value> {
    return this.tx.propertyMap(this.rec);
  }
  clearProperties(): void {
    this.tx.clearProperties(this.rec);
  }
}

export class StoredVertex extends StoredHandle<VertexRecord> implements VertexAccessor {
  readonly kind = 'node' as const;

  labels(): readonly string[] {
    return this.tx.vertexLabels(this.rec);
  }
  hasLabel(label: string): boolean {
    return this.tx.vertexHasLabel(this.rec, label);
  }
  addLabel(label: string): boolean {
    return this.tx.addLabel(this.rec, label);
  }
  removeLabel(label: string): boolean {
    return this.tx.removeLabel(this.rec, label);
  }
  outEdges(types?: readonly string[] | null, to?: VertexAccessor | null): Iterable<EdgeAccessor> {
    return this.tx.expand(this.rec, true, types ?? null, to ?? null);
  }
  inEdges(types?: readonly string[] | null, from?: VertexAccessor | null): Iterable<EdgeAccessor> {
    return this.tx.expand(this.rec, false, types ?? null, from ?? null);
  }
  outDegree(): number {
    return this.tx.degree(this.rec, true);
  }
  inDegree(): number {
    return this.tx.degree(this.rec, false);
  }
}

export class StoredEdge extends StoredHandle<EdgeRecord> implements EdgeAccessor {
  readonly kind = 'relationship' as const;
  readonly startId: number;
  readonly endId: number;
  readonly type: string;

  constructor(tx: Transaction, rec: EdgeRecord) {
    super(tx, rec);
    this.startId = rec.from.gid;
    this.endId = rec.to.gid;
    this.type = tx.edgeTypeName(rec);
  }
  from(): VertexAccessor {
    return new StoredVertex(this.tx, this.rec.from);
  }
  to(): VertexAccessor {
    return new StoredVertex(this.tx, this.rec.to);
  }
}
