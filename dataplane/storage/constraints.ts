// Existence and uniqueness constraints: verified against existing data when created,
// validated at commit against the latest committed state plus the committing
// transaction's own changes (Memgraph's semantics).

import type { Value } from '../values/model.js';
import { Codes, MghaError } from '../errors.js';
import { groupKey } from '../values/ops.js';
import type { ConstraintInfo } from './types.js';
import type { NameTable } from './names.js';
import { existsIn, hasLabelIn, propertyIn, type View } from './mvcc.js';
import {
  DELETED,
  LABEL_REMOVED,
  propGet,
  UNCOMMITTED,
  VertexRecord,
  type UndoDelta,
} from './records.js';
import { membersOf, ValueBuckets } from './value-buckets.js';

class ExistenceConstraint {
  constructor(
    readonly label: number,
    readonly prop: number,
  ) {}
}

class UniqueConstraint {
  /** Candidate vertices per property tuple (a superset, like index entries). */
  readonly buckets = new ValueBuckets(false);
  constructor(
    readonly label: number,
    readonly props: number[],
  ) {}
}

function describe(names: NameTable, label: number, props: readonly number[]): string {
  return `:${names.name(label)}(${props.map((p) => names.name(p)).join(', ')})`;
}

function tupleIn(rec: VertexRecord, props: readonly number[], view: View): Value[] | null {
  const out: Value[] = [];
  for (const p of props) {
    const v = propertyIn(rec, p, view);
    if (v === null) return null;
    out.push(v);
  }
  return out;
}

function headTuple(rec: VertexRecord, props: readonly number[]): Value[] | null {
  const out: Value[] = [];
  for (const p of props) {
    const v = propGet(rec.props, p);
    if (v === null) return null;
    out.push(v);
  }
  return out;
}

/** What the store will hold once `view`'s transaction commits: committed data plus its own changes. */
function latestView(view: View): View {
  return { info: view.info, startTimestamp: UNCOMMITTED - 1 };
}

export class Constraints {
  private existence: ExistenceConstraint[] = [];
  private unique: UniqueConstraint[] = [];

  constructor(private readonly names: NameTable) {}

  isEmpty(): boolean {
    return this.existence.length === 0 && this.unique.length === 0;
  }

  onLabelAdded(rec: VertexRecord, label: number): void {
    for (const u of this.unique) if (u.label === label) this.track(u, rec);
  }

  onPropertySet(rec: VertexRecord, prop: number): void {
    if (this.unique.length === 0 || rec.labels === null) return;
    for (const u of this.unique) {
      if (u.props.includes(prop) && rec.labels.includes(u.label)) this.track(u, rec);
    }
  }

  private track(u: UniqueConstraint, rec: VertexRecord): void {
    const tuple = headTuple(rec, u.props);
    if (tuple !== null) u.buckets.add(tuple, rec);
  }

  /** Checks every vertex the transaction created, labelled or changed a property of. */
  validate(undo: readonly UndoDelta[], view: View): MghaError | null {
    const touched = new Set<VertexRecord>();
    for (const d of undo) {
      if (d.owner instanceof VertexRecord && d.action !== DELETED && d.action !== LABEL_REMOVED) touched.add(d.owner);
    }
    const latest = latestView(view);
    for (const rec of touched) {
      if (rec.deleted) continue;
      for (const c of this.existence) {
        if (rec.labels !== null && rec.labels.includes(c.label) && propGet(rec.props, c.prop) === null) {
          return new MghaError(
            Codes.ConstraintValidationFailed,
            `Unable to commit due to existence constraint violation on ${describe(this.names, c.label, [c.prop])}`,
          );
        }
      }
      for (const u of this.unique) {
        if (rec.labels === null || !rec.labels.includes(u.label)) continue;
        const tuple = headTuple(rec, u.props);
        if (tuple === null) continue;
        const bucket = u.buckets.get(tuple);
        if (bucket === undefined) continue;
        const key = bucket.key;
        for (const other of membersOf(bucket)) {
          if (other === rec || !existsIn(other, latest) || !hasLabelIn(other, u.label, latest)) continue;
          const t = tupleIn(other, u.props, latest);
          if (t !== null && groupKey(t) === key) {
            return new MghaError(
              Codes.ConstraintValidationFailed,
              `Unable to commit due to unique constraint violation on ${describe(this.names, u.label, u.props)}`,
            );
          }
        }
      }
    }
    return null;
  }

  /**
   * Adds a constraint after checking the committed data (`view`) satisfies it.
   * Throws ConstraintVerificationFailed otherwise.
   */
  create(
    type: 'exists' | 'unique',
    label: number,
    props: number[],
    vertices: Iterable<VertexRecord | undefined>,
    view: View,
  ): boolean {
    if (this.has(type, label, props)) return false;
    const what = `${type === 'exists' ? 'existence' : 'unique'} constraint ${describe(this.names, label, props)}`;
    const fail = (): MghaError =>
      new MghaError(Codes.ConstraintVerificationFailed, `Unable to create ${what}, because an existing node violates it.`);
    if (type === 'exists') {
      for (const rec of vertices) {
        if (rec === undefined || !existsIn(rec, view) || !hasLabelIn(rec, label, view)) continue;
        for (const p of props) if (propertyIn(rec, p, view) === null) throw fail();
      }
      for (const p of props) {
        if (!this.has('exists', label, [p])) this.existence.push(new ExistenceConstraint(label, p));
      }
      return true;
    }
    const u = new UniqueConstraint(label, props);
    const seen = new Set<string>();
    for (const rec of vertices) {
      if (rec === undefined) continue;
      if (existsIn(rec, view) && hasLabelIn(rec, label, view)) {
        const t = tupleIn(rec, props, view);
        if (t !== null) {
          const key = groupKey(t);
          if (seen.has(key)) throw fail();
          seen.add(key);
          u.buckets.add(t, rec);
        }
      }
      if (!rec.deleted && rec.labels !== null && rec.labels.includes(label)) this.track(u, rec);
    }
    this.unique.push(u);
    return true;
  }

  drop(type: 'exists' | 'unique', label: number, props: number[]): boolean {
    if (!this.has(type, label, props)) return false;
    if (type === 'exists') this.existence = this.existence.filter((c) => !(c.label === label && props.includes(c.prop)));
    else this.unique.splice(this.uniqueIndex(label, props), 1);
    return true;
  }

  private has(type: 'exists' | 'unique', label: number, props: number[]): boolean {
    if (type === 'exists') return props.every((p) => this.existence.some((c) => c.label === label && c.prop === p));
    return this.uniqueIndex(label, props) >= 0;
  }

  private uniqueIndex(label: number, props: number[]): number {
    return this.unique.findIndex(
      (u) => u.label === label && u.props.length === props.length && u.props.every((p, i) => p === props[i]),
    );
  }

  sweep(): void {
    for (const u of this.unique) {
      u.buckets.sweep((b, rec) => {
        if (rec.delta !== null) return true;
        if (rec.deleted || rec.labels === null || !rec.labels.includes(u.label)) return false;
        const t = headTuple(rec, u.props);
        return t !== null && groupKey(t) === b.key;
      });
    }
  }

  info(): ConstraintInfo[] {
    return [
      ...this.existence.map((c): ConstraintInfo => ({ type: 'exists', label: this.names.name(c.label), properties: [this.names.name(c.prop)] })),
      ...this.unique.map((u): ConstraintInfo => ({
        type: 'unique',
        label: this.names.name(u.label),
        properties: u.props.map((p) => this.names.name(p)),
      })),
    ];
  }
}
