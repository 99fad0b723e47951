// Updating operators. Each one first drains its input (Memgraph's "Eager"), then applies its
// change row by row and buffers its output: later clauses see every earlier write, and a
// scan below never observes writes made above it in the same clause chain.

import type { EdgeAccessor, VertexAccessor } from '../../storage/types.js';
import { Codes, MghaError, typeError } from '../../errors.js';
import { isNode, isPath, isRelationship, typeName, type Value } from '../../values/model.js';
import { buildPath } from './read-ops.js';
import { PAUSE, Unary, rowsOf, tick, type Eval, type ExecContext, type Operator, type Row, type Step } from './types.js';

/** Applies `fn` to each input row after the input is fully consumed; `fn` returns output rows. */
function* eagerly(input: Operator, ctx: ExecContext, arg: Row, fn: (row: Row) => Row[]): Generator<Step> {
  const rows: Row[] = [];
  for (const row of input.run(ctx, arg)) {
    if (row === PAUSE) yield PAUSE;
    else rows.push(row);
  }
  const out: Row[] = [];
  for (const row of rows) {
    for (const r of fn(row)) out.push(r);
    if (tick(ctx)) yield PAUSE;
  }
  yield* out;
}

/**
 * Row by row, for a plan that commits as it goes (periodic-commit.ts): a batch's writes
 * must be done when the rows after it are pulled, so they cannot wait for all input.
 */
function* streaming(input: Operator, ctx: ExecContext, arg: Row, fn: (row: Row) => Row[]): Generator<Step> {
  for (const row of input.run(ctx, arg)) {
    if (row === PAUSE) yield PAUSE;
    else yield* fn(row);
  }
}

abstract class WriteOp extends Unary {
  protected abstract apply(row: Row, ctx: ExecContext): Row[];
  run(ctx: ExecContext, arg: Row): Generator<Step> {
    const each = (row: Row): Row[] => this.apply(row, ctx);
    return ctx.streamWrites === true ? streaming(this.input, ctx, arg, each) : eagerly(this.input, ctx, arg, each);
  }
}

export interface CreateNodeSpec {
  slot: number;
  /** Already bound: reuse the row's node. */
  bound: boolean;
  labels: string[];
  /** Memgraph's dynamic labels, evaluated per row. */
  dynamicLabels?: Eval[];
  props: Eval | null;
}

export interface CreateRelSpec {
  slot: number;
  from: number;
  to: number;
  type: string;
  props: Eval | null;
}

export interface CreatePartSpec {
  nodes: CreateNodeSpec[];
  rels: CreateRelSpec[];
  /** Path variable slot, with node/relationship slots in pattern order. */
  path: { slot: number; nodeSlots: number[]; relSlots: number[] } | null;
}

function propertyMap(v: Value, what: string): Map<string, Value> {
  if (v instanceof Map) return v;
  throw typeError(`${what} expected a MAP of properties, got ${typeName(v)}.`);
}

function setAll(entity: VertexAccessor | EdgeAccessor, props: Map<string, Value>): void {
  for (const [k, v] of props) if (v !== null) entity.setProperty(k, v);
}

function liveNode(v: Value, what: string): VertexAccessor {
  if (!isNode(v)) throw typeError(`${what} expected a NODE, got ${typeName(v)}.`);
  const acc = v as VertexAccessor;
  if (acc.isDeleted()) throw new MghaError(Codes.EntityNotFound, `${what}: the node was deleted.`);
  return acc;
}

/** Creates one CREATE/MERGE pattern for a row (mutating the row's slots). */
export function createParts(parts: CreatePartSpec[], row: Row, ctx: ExecContext, merge = false): void {
  const checked = (props: Map<string, Value>): Map<string, Value> => {
    if (merge) {
      for (const [k, v] of props) {
        if (v === null) throw new MghaError(Codes.SemanticError, `Cannot merge using null property value for '${k}'.`);
      }
    }
    return props;
  };
  for (const part of parts) {
    for (const n of part.nodes) {
      if (n.bound) {
        liveNode(row[n.slot], 'CREATE');
        continue;
      }
      const props = n.props === null ? null : checked(propertyMap(n.props(row, ctx), 'CREATE'));
      const v = ctx.tx.createVertex();
      for (const l of n.labels) v.addLabel(l);
      for (const d of n.dynamicLabels ?? []) for (const l of labelsOf(d(row, ctx))) v.addLabel(l);
      if (props !== null) setAll(v, props);
      row[n.slot] = v;
    }
    for (const r of part.rels) {
      const props = r.props === null ? null : checked(propertyMap(r.props(row, ctx), 'CREATE'));
      const e = ctx.tx.createEdge(liveNode(row[r.from], 'CREATE'), liveNode(row[r.to], 'CREATE'), r.type);
      if (props !== null) setAll(e, props);
      row[r.slot] = e;
    }
    if (part.path !== null) row[part.path.slot] = buildPath(row, part.path.nodeSlots, part.path.relSlots);
  }
}

export class Create extends WriteOp {
  constructor(
    input: Operator,
    private readonly parts: CreatePartSpec[],
  ) {
    super(input);
  }
  protected apply(row: Row, ctx: ExecContext): Row[] {
    const out = row.slice();
    createParts(this.parts, out, ctx);
    return [out];
  }
  describe(): string {
    return this.parts.some((p) => p.rels.length > 0) ? 'CreateExpand' : 'CreateNode';
  }
}

export type Mutation = (row: Row, ctx: ExecContext) => void;

export class Merge extends WriteOp {
  constructor(
    input: Operator,
    private readonly match: Operator,
    private readonly create: CreatePartSpec[],
    private readonly onMatch: Mutation[],
    private readonly onCreate: Mutation[],
  ) {
    super(input);
  }
  protected apply(row: Row, ctx: ExecContext): Row[] {
    const matched = [...rowsOf(this.match, ctx, row)];
    if (matched.length > 0) {
      for (const m of matched) for (const f of this.onMatch) f(m, ctx);
      return matched;
    }
    const out = row.slice();
    createParts(this.create, out, ctx, true);
    for (const f of this.onCreate) f(out, ctx);
    return [out];
  }
  describe(): string {
    return 'Merge';
  }
  override children(): Operator[] {
    return [this.input, this.match];
  }
}

export class Mutate extends WriteOp {
  constructor(
    input: Operator,
    private readonly mutations: Mutation[],
    private readonly name: string,
  ) {
    super(input);
  }
  protected apply(row: Row, ctx: ExecContext): Row[] {
    for (const f of this.mutations) f(row, ctx);
    return [row];
  }
  describe(): string {
    return this.name;
  }
}

/**
 * SET/REMOVE's target, or null when there is nothing to change: a null, or (as Memgraph
 * does) an entity this query already deleted, so `DETACH DELETE n SET n.p = 1` succeeds
 * and changes nothing; returning `n` afterwards still fails.
 */
function entityOrNull(v: Value, what: string): VertexAccessor | EdgeAccessor | null {
  if (v === null) return null;
  if (!isNode(v) && !isRelationship(v)) throw typeError(`${what} expected a NODE or RELATIONSHIP, got ${typeName(v)}.`);
  const acc = v as VertexAccessor | EdgeAccessor;
  return acc.isDeleted() ? null : acc;
}

/** Lists of maps cannot be stored (openCypher InvalidPropertyType). */
function checkStorable(v: Value): Value {
  if (Array.isArray(v) && v.some((x) => x instanceof Map || Array.isArray(x) || isNode(x) || isRelationship(x))) {
    throw typeError('A property value cannot be a list of maps, lists or graph entities.');
  }
  return v;
}

export function setProperty(target: Eval, key: string, value: Eval): Mutation {
  return (row, ctx) => {
    const e = entityOrNull(target(row, ctx), 'SET');
    const v = checkStorable(value(row, ctx));
    if (e !== null) e.setProperty(key, v);
  };
}

/**
 * Memgraph's nested property update: `SET n.a.b = v` writes key `b` inside the map property
 * `a` (maps created where absent), `SET n.a += {…}` merges into it, and null (or REMOVE)
 * deletes the key. Only when the root is a node or relationship; otherwise the usual error.
 */
export function setNestedProperty(target: Eval, keys: string[], value: Eval, mode: 'set' | 'merge', what: 'SET' | 'REMOVE'): Mutation {
  return (row, ctx) => {
    const e = entityOrNull(target(row, ctx), what);
    if (e === null) return;
    const v = checkStorable(value(row, ctx));
    const updated = updateIn(e.getProperty(keys[0]), keys, 1, v, mode);
    e.setProperty(keys[0], updated);
  };
}

function updateIn(current: Value, keys: string[], i: number, v: Value, mode: 'set' | 'merge'): Value {
  if (i === keys.length) {
    if (mode === 'set' || v === null) return mode === 'set' ? v : current;
    const base = current === null ? new Map<string, Value>() : nestedMap(current, keys[i - 1]);
    const out = new Map(base);
    for (const [k, x] of propertyMap(v, 'SET')) {
      if (x === null) out.delete(k);
      else out.set(k, x);
    }
    return out;
  }
  if (current === null && v === null) return null;
  const out = new Map(current === null ? new Map<string, Value>() : nestedMap(current, keys[i - 1]));
  const next = updateIn(out.get(keys[i]) ?? null, keys, i + 1, v, mode);
  if (next === null) out.delete(keys[i]);
  else out.set(keys[i], next);
  return out;
}

function nestedMap(v: Value, key: string): Map<string, Value> {
  if (!(v instanceof Map)) throw typeError(`Nested property update expects property '${key}' to be a map, got ${typeName(v)}.`);
  return v;
}

export function setProperties(target: Eval, value: Eval, replace: boolean): Mutation {
  return (row, ctx) => {
    const e = entityOrNull(target(row, ctx), 'SET');
    let v = value(row, ctx);
    if (e === null) return;
    if (isNode(v) || isRelationship(v)) v = new Map(v.properties());
    const props = v === null ? new Map<string, Value>() : propertyMap(v, 'SET');
    if (replace) {
      const current = e.properties();
      for (const k of current.keys()) if (!props.has(k) || props.get(k) === null) e.setProperty(k, null);
    }
    for (const [k, pv] of props) e.setProperty(k, pv);
  };
}

/** A dynamic label's value: a string or a list of strings (null: none). */
export function labelsOf(v: Value): string[] {
  if (v === null) return [];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x): x is string => typeof x === 'string')) return v;
  throw typeError(`A dynamic label must be a STRING or a LIST of STRINGs, got ${typeName(v)}.`);
}

export function setLabels(target: Eval, fixed: string[], add: boolean, dynamic: Eval[] = []): Mutation {
  return (row, ctx) => {
    const v = target(row, ctx);
    if (v === null) return;
    if (!isNode(v)) throw typeError(`${add ? 'SET' : 'REMOVE'} expected a NODE, got ${typeName(v)}.`);
    const n = v as VertexAccessor;
    if (n.isDeleted()) return; // as entityOrNull: Memgraph ignores label changes of a deleted node
    const labels = dynamic.length === 0 ? fixed : [...fixed, ...dynamic.flatMap((d) => labelsOf(d(row, ctx)))];
    for (const l of labels) {
      if (add) n.addLabel(l);
      else n.removeLabel(l);
    }
  };
}

export function removeProperty(target: Eval, key: string): Mutation {
  return (row, ctx) => {
    const e = entityOrNull(target(row, ctx), 'REMOVE');
    if (e !== null) e.setProperty(key, null);
  };
}

export class Delete extends WriteOp {
  constructor(
    input: Operator,
    private readonly targets: Eval[],
    private readonly detach: boolean,
  ) {
    super(input);
  }
  protected apply(row: Row, ctx: ExecContext): Row[] {
    // Relationships first, so nodes of deleted paths/lists are free when their turn comes.
    const nodes: Value[] = [];
    for (const t of this.targets) this.deleteValue(t(row, ctx), ctx, nodes);
    for (const n of nodes) this.deleteValue(n, ctx, null);
    return [row];
  }
  private deleteValue(v: Value, ctx: ExecContext, deferNodes: Value[] | null): void {
    if (v === null) return;
    if (isNode(v) && deferNodes !== null) deferNodes.push(v);
    else if (isNode(v)) {
      const n = v as VertexAccessor;
      if (n.isDeleted()) return;
      try {
        ctx.tx.deleteVertex(n, this.detach);
      } catch (e) {
        // openCypher reports deleting a still-connected node as a constraint violation.
        if (e instanceof MghaError && e.code === Codes.MemgraphClientError && !this.detach) {
          throw new MghaError(Codes.ConstraintVerificationFailed, e.message);
        }
        throw e;
      }
    } else if (isRelationship(v)) {
      const e = v as EdgeAccessor;
      if (!e.isDeleted()) ctx.tx.deleteEdge(e);
    } else if (isPath(v)) {
      for (const r of v.rels) this.deleteValue(r, ctx, deferNodes);
      for (const n of v.nodes) this.deleteValue(n, ctx, deferNodes);
    } else if (Array.isArray(v)) {
      for (const item of v) this.deleteValue(item, ctx, deferNodes);
    } else if (v instanceof Map) {
      for (const item of v.values()) this.deleteValue(item, ctx, deferNodes);
    } else throw typeError(`DELETE expected a NODE, RELATIONSHIP or PATH, got ${typeName(v)}.`);
  }
  describe(): string {
    return this.detach ? 'DetachDelete' : 'Delete';
  }
}

export class Foreach extends WriteOp {
  constructor(
    input: Operator,
    private readonly list: Eval,
    private readonly slot: number,
    private readonly body: Operator,
  ) {
    super(input);
  }
  protected apply(row: Row, ctx: ExecContext): Row[] {
    const l = this.list(row, ctx);
    if (l === null) return [row];
    if (!Array.isArray(l)) throw typeError(`FOREACH expected a LIST, got ${typeName(l)}.`);
    for (const item of l) {
      const inner = row.slice();
      inner[this.slot] = item;
      for (const step of this.body.run(ctx, inner)) void step;
    }
    return [row];
  }
  describe(): string {
    return 'Foreach';
  }
  override children(): Operator[] {
    return [this.input, this.body];
  }
}
