// Read operators: scans, expansions, filters and the row plumbing of MATCH.
// Every operator pulls from its input per argument row (Memgraph's shape: a chain that
// ends in Once), passes PAUSE markers through and emits its own every WORK_PER_PAUSE rows.

import type { EdgeAccessor, VertexAccessor } from '../../storage/types.js';
import { describeIndexScan, type ScanLookup } from './index-choice.js';
import { PathValue, isNode, isRelationship, type NodeValue, type RelationshipValue, type Value } from '../../values/model.js';
import { PAUSE, RowMapper, Unary, tick, type Eval, type ExecContext, type HopsCounter, type Operator, type Row, type Step } from './types.js';

export type Direction = 'out' | 'in' | 'both';

/** The property map of a relationship pattern, checked against each candidate relationship. */
export type EdgeFilter = (e: EdgeAccessor, row: Row, ctx: ExecContext) => boolean;

/** A walk of `min..max` relationships from the node in `fromSlot`; binds the list to `relSlot`, the end node to `toSlot`. */
export interface Hops {
  fromSlot: number;
  relSlot: number;
  toSlot: number;
  dir: Direction;
  /** null: any type. */
  types: string[] | null;
  min: number;
  max: number;
  edgeFilter: EdgeFilter | null;
}

export class Once implements Operator {
  *run(_ctx: ExecContext, arg: Row): Generator<Step> {
    yield arg.slice();
  }
  describe(): string {
    return 'Once';
  }
  children(): Operator[] {
    return [];
  }
}

/** `MATCH (n) WHERE id(n) = x`: a direct lookup (Memgraph's ScanAllById). */
export class ScanById extends RowMapper {
  constructor(
    input: Operator,
    private readonly slot: number,
    private readonly varName: string,
    private readonly id: Eval,
  ) {
    super(input);
  }
  protected map(row: Row, ctx: ExecContext): Row | null {
    const id = this.id(row, ctx);
    if (typeof id !== 'bigint' || id < 0n || id > BigInt(Number.MAX_SAFE_INTEGER)) return null;
    const v = ctx.tx.vertex(Number(id));
    if (v === null) return null;
    const out = row.slice();
    out[this.slot] = v;
    return out;
  }
  describe(): string {
    return `ScanAllById (${this.varName})`;
  }
}

/** How a Scan uses an index: Memgraph's operator name, the index's paths, the lookups per row. */
export interface ScanIndex {
  operator: string;
  paths: string[][];
  lookups: (row: Row, ctx: ExecContext) => ScanLookup[] | null;
}

/** Scans vertices (all, by label, or through a label+property or point index) and binds them to `slot`. */
export class Scan extends Unary {
  /** The plain property of a one-key index (the storage's fast path), else null. */
  private readonly plain: string | null;
  constructor(
    input: Operator,
    private readonly slot: number,
    private readonly varName: string,
    private readonly label: string | null,
    private readonly index: ScanIndex | null,
  ) {
    super(input);
    this.plain = index !== null && index.paths.length === 1 && index.paths[0].length === 1 ? index.paths[0][0] : null;
  }
  private source(ctx: ExecContext, label: string, index: ScanIndex, l: ScanLookup): Iterable<VertexAccessor> {
    if (l.kind === 'point') return ctx.tx.verticesByPointIndex(label, index.paths[0][0], l.region);
    if (this.plain !== null) return ctx.tx.verticesByLabelProperty(label, this.plain, l.filters[0]);
    return ctx.tx.verticesByLabelProperties(label, index.paths, l.filters);
  }
  *run(ctx: ExecContext, arg: Row): Generator<Step> {
    for (const row of this.input.run(ctx, arg)) {
      if (row === PAUSE) {
        yield PAUSE;
        continue;
      }
      let sources: Iterable<VertexAccessor>[];
      if (this.index !== null && this.label !== null) {
        const lookups = this.index.lookups(row, ctx);
        if (lookups === null) continue;
        const { label, index } = this;
        sources = lookups.map((l) => this.source(ctx, label, index, l));
      } else if (this.label !== null) sources = [ctx.tx.verticesByLabel(this.label)];
      else sources = [ctx.tx.vertices()];
      for (const source of sources) {
        for (const v of source) {
          const out = row.slice();
          out[this.slot] = v;
          yield out;
          if (tick(ctx)) yield PAUSE;
        }
      }
    }
  }
  describe(): string {
    if (this.label === null) return `ScanAll (${this.varName})`;
    if (this.index === null) return `ScanAllByLabel (${this.varName} :${this.label})`;
    return describeIndexScan({ operator: this.index.operator, label: this.label, paths: this.index.paths }, this.varName);
  }
}

export class Filter extends Unary {
  constructor(
    input: Operator,
    private readonly predicate: Eval,
  ) {
    super(input);
  }
  *run(ctx: ExecContext, arg: Row): Generator<Step> {
    for (const row of this.input.run(ctx, arg)) {
      if (row === PAUSE || this.predicate(row, ctx) === true) yield row;
    }
  }
  describe(): string {
    return 'Filter';
  }
}

/**
 * Relationships of `v` in the direction, as Memgraph lists them: undirected, incoming first
 * and then outgoing, each in creation order (a self-loop once). Use `otherEnd` for the far
 * node. With a `USING HOPS LIMIT` budget, each relationship costs a hop when the vertex's
 * list is fetched, as in Memgraph (a depth-first walk spends the budget on a vertex's
 * siblings before it descends); once it is spent, no more are listed.
 */
export function edgesOf(v: VertexAccessor, dir: Direction, types: string[] | null, to: VertexAccessor | null, hops?: HopsCounter): Iterable<EdgeAccessor> {
  const all = allEdgesOf(v, dir, types, to);
  if (hops === undefined) return all;
  const listed: EdgeAccessor[] = [];
  for (const e of all) {
    if (hops.count >= hops.limit) break;
    hops.count++;
    listed.push(e);
  }
  return listed;
}

function* allEdgesOf(v: VertexAccessor, dir: Direction, types: string[] | null, to: VertexAccessor | null): Generator<EdgeAccessor> {
  if (dir !== 'out') yield* v.inEdges(types, to);
  if (dir !== 'in') {
    for (const e of v.outEdges(types, to)) {
      // A self-loop was already listed on the incoming side of an undirected pattern.
      if (dir === 'both' && e.startId === e.endId) continue;
      yield e;
    }
  }
}

export function otherEnd(e: EdgeAccessor, v: VertexAccessor): VertexAccessor {
  return e.startId === v.id ? e.to() : e.from();
}

/** Single-hop expansion from `fromSlot`; when `toBound` the far node must equal the row's value. */
export class Expand extends Unary {
  constructor(
    input: Operator,
    private readonly fromSlot: number,
    private readonly relSlot: number,
    private readonly toSlot: number,
    private readonly dir: Direction,
    private readonly types: string[] | null,
    private readonly toBound: boolean,
    private readonly text: string,
  ) {
    super(input);
  }
  *run(ctx: ExecContext, arg: Row): Generator<Step> {
    for (const row of this.input.run(ctx, arg)) {
      if (row === PAUSE) {
        yield PAUSE;
        continue;
      }
      const from = row[this.fromSlot];
      if (!isNode(from)) continue;
      const bound = this.toBound ? row[this.toSlot] : null;
      if (this.toBound && !isNode(bound)) continue;
      const start = from as VertexAccessor;
      for (const e of edgesOf(start, this.dir, this.types, bound as VertexAccessor | null, ctx.hops)) {
        const other = otherEnd(e, start);
        const out = row.slice();
        out[this.relSlot] = e;
        out[this.toSlot] = other;
        yield out;
        if (tick(ctx)) yield PAUSE;
      }
    }
  }
  describe(): string {
    return `Expand ${this.text}`;
  }
}

/** openCypher relationship isomorphism: no relationship twice in one MATCH. */
export class EdgeUniqueness extends Unary {
  constructor(
    input: Operator,
    private readonly slots: number[],
  ) {
    super(input);
  }
  *run(ctx: ExecContext, arg: Row): Generator<Step> {
    for (const row of this.input.run(ctx, arg)) {
      if (row === PAUSE || this.unique(row)) yield row;
    }
  }
  private unique(row: Row): boolean {
    const seen = new Set<number>();
    for (const s of this.slots) {
      const v = row[s];
      const rels = Array.isArray(v) ? v : [v];
      for (const r of rels) {
        if (!isRelationship(r)) continue;
        if (seen.has(r.id)) return false;
        seen.add(r.id);
      }
    }
    return true;
  }
  describe(): string {
    return 'EdgeUniquenessFilter';
  }
}

/** Builds a path value from node slots and relationship slots (single or list). */
export class ConstructPath extends RowMapper {
  constructor(
    input: Operator,
    private readonly slot: number,
    private readonly nodeSlots: number[],
    private readonly relSlots: number[],
  ) {
    super(input);
  }
  protected map(row: Row): Row {
    row[this.slot] = buildPath(row, this.nodeSlots, this.relSlots);
    return row;
  }
  describe(): string {
    return 'ConstructNamedPath';
  }
}

export function buildPath(row: Row, nodeSlots: number[], relSlots: number[]): Value {
  const first = row[nodeSlots[0]];
  if (!isNode(first)) return null;
  const nodes: NodeValue[] = [first];
  const rels: RelationshipValue[] = [];
  let current: NodeValue = first;
  for (let i = 0; i < relSlots.length; i++) {
    const r = row[relSlots[i]];
    if (r === null) return null;
    const hops = (Array.isArray(r) ? r : [r]) as EdgeAccessor[];
    for (const e of hops) {
      const next: NodeValue = e.startId === current.id ? e.to() : e.from();
      rels.push(e);
      nodes.push(next);
      current = next;
    }
    const end = row[nodeSlots[i + 1]];
    if (isNode(end) && end.id !== current.id) current = end;
  }
  return new PathValue(nodes, rels);
}

/** OPTIONAL MATCH: the subplan's rows, or the input row with the new variables null. */
export class Optional extends Unary {
  constructor(
    input: Operator,
    private readonly sub: Operator,
    private readonly newSlots: number[],
  ) {
    super(input);
  }
  *run(ctx: ExecContext, arg: Row): Generator<Step> {
    for (const row of this.input.run(ctx, arg)) {
      if (row === PAUSE) {
        yield PAUSE;
        continue;
      }
      let any = false;
      for (const r of this.sub.run(ctx, row)) {
        if (r !== PAUSE) any = true;
        yield r;
      }
      if (!any) {
        const out = row.slice();
        for (const s of this.newSlots) out[s] = null;
        yield out;
      }
    }
  }
  describe(): string {
    return 'Optional';
  }
  override children(): Operator[] {
    return [this.input, this.sub];
  }
}

/** Runs a subplan per input row (CALL { … }): yields its rows, or the input row for a unit subquery. */
export class Apply extends Unary {
  constructor(
    input: Operator,
    private readonly sub: Operator,
    private readonly name: string,
    private readonly unit: boolean,
  ) {
    super(input);
  }
  *run(ctx: ExecContext, arg: Row): Generator<Step> {
    for (const row of this.input.run(ctx, arg)) {
      if (row === PAUSE) {
        yield PAUSE;
        continue;
      }
      if (!this.unit) {
        yield* this.sub.run(ctx, row);
        continue;
      }
      for (const step of this.sub.run(ctx, row)) if (step === PAUSE) yield PAUSE;
      yield row;
    }
  }
  describe(): string {
    return this.name;
  }
  override children(): Operator[] {
    return [this.input, this.sub];
  }
}

export class Unwind extends Unary {
  constructor(
    input: Operator,
    private readonly list: Eval,
    private readonly slot: number,
  ) {
    super(input);
  }
  *run(ctx: ExecContext, arg: Row): Generator<Step> {
    for (const row of this.input.run(ctx, arg)) {
      if (row === PAUSE) {
        yield PAUSE;
        continue;
      }
      const l = this.list(row, ctx);
      const items = l === null ? [] : Array.isArray(l) ? l : [l];
      for (const item of items) {
        const out = row.slice();
        out[this.slot] = item;
        yield out;
        if (tick(ctx)) yield PAUSE;
      }
    }
  }
  describe(): string {
    return 'Unwind';
  }
}
