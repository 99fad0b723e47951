// Variable-length expansions: depth first (`*`), Memgraph's breadth first (`*BFS`),
// weighted shortest (`*WSHORTEST`, `*ALLSHORTEST`) and openCypher's shortestPath. All of
// them iterate with explicit stacks and queues (a million-hop chain must not overflow the
// call stack) and emit PAUSE as they work, so a long search never starves the event loop.

import type { EdgeAccessor, VertexAccessor } from '../../storage/types.js';
import { Codes, MghaError } from '../../errors.js';
import { PathValue, isNode, typeName, type NodeValue, type Value } from '../../values/model.js';
import { edgesOf, otherEnd, type Hops } from './read-ops.js';
import { PAUSE, Unary, tick, type Eval, type ExecContext, type Operator, type Row, type Step } from './types.js';

/** A Memgraph expansion lambda compiled against slots the planner reserved for its parameters. */
export interface CompiledLambda {
  edgeSlot: number;
  nodeSlot: number;
  pathSlot: number | null;
  weightSlot: number | null;
  body: Eval;
}

/** What every expansion shares beyond `Hops`. */
export interface ExpansionSpec {
  hops: Hops;
  /** The far node was bound before: only paths ending there count. */
  toBound: boolean;
  /** Expanding against the pattern's direction: report relationships in pattern order. */
  reversed: boolean;
  /** `(r, n | predicate)` checked on every expansion. */
  filter: CompiledLambda | null;
  /**
   * Checked on a candidate end node (in the row's `toSlot`) before its path is built, so
   * that long walks only materialise the paths that will survive the filters after them.
   */
  target: Eval | null;
  /** EXPLAIN text. */
  text: string;
}

function emptyIterator(): Iterator<EdgeAccessor> {
  return [][Symbol.iterator]();
}

/** The lambda's value for one expansion; its parameter slots are scratch slots of `row`. */
function applyLambda(l: CompiledLambda, row: Row, ctx: ExecContext, e: EdgeAccessor, n: VertexAccessor, path: () => Value, weight: Value): Value {
  row[l.edgeSlot] = e;
  row[l.nodeSlot] = n;
  if (l.pathSlot !== null) row[l.pathSlot] = path();
  if (l.weightSlot !== null) row[l.weightSlot] = weight;
  return l.body(row, ctx);
}

/** The nodes along `edges` from `start`, for path values. */
function pathFrom(start: NodeValue, edges: readonly EdgeAccessor[]): PathValue {
  const nodes: NodeValue[] = [start];
  let current = start;
  for (const e of edges) {
    current = e.startId === current.id ? e.to() : e.from();
    nodes.push(current);
  }
  return new PathValue(nodes, edges);
}

abstract class Expansion extends Unary {
  constructor(
    input: Operator,
    protected readonly spec: ExpansionSpec,
  ) {
    super(input);
  }

  *run(ctx: ExecContext, arg: Row): Generator<Step> {
    const { fromSlot, toSlot } = this.spec.hops;
    for (const step of this.input.run(ctx, arg)) {
      if (step === PAUSE) {
        yield PAUSE;
        continue;
      }
      const from = step[fromSlot];
      if (!isNode(from)) continue;
      const bound = this.spec.toBound ? step[toSlot] : null;
      if (this.spec.toBound && !isNode(bound)) continue;
      yield* this.expand(step, from as VertexAccessor, bound as NodeValue | null, ctx);
    }
  }

  protected abstract expand(row: Row, from: VertexAccessor, bound: NodeValue | null, ctx: ExecContext): Generator<Step>;

  /** Whether `v` may end a path: the bound node, or a node passing the target check. */
  protected endsHere(row: Row, v: VertexAccessor, bound: NodeValue | null, ctx: ExecContext): boolean {
    if (bound !== null) return bound.id === v.id;
    if (this.spec.target === null) return true;
    row[this.spec.hops.toSlot] = v;
    return this.spec.target(row, ctx) === true;
  }

  protected allowed(row: Row, ctx: ExecContext, e: EdgeAccessor, n: VertexAccessor, path: () => Value, weight: Value = null): boolean {
    const f = this.spec.filter;
    return f === null || applyLambda(f, row, ctx, e, n, path, weight) === true;
  }

  protected output(row: Row, edges: EdgeAccessor[], end: VertexAccessor): Row {
    const out = row.slice();
    out[this.spec.hops.relSlot] = this.spec.reversed ? edges.reverse() : edges;
    out[this.spec.hops.toSlot] = end;
    return out;
  }
}

/** `*min..max`: every walk that does not repeat a relationship, depth first. */
export class VarExpand extends Expansion {
  protected *expand(row: Row, start: VertexAccessor, bound: NodeValue | null, ctx: ExecContext): Generator<Step> {
    const { dir, types, min, max, edgeFilter } = this.spec.hops;
    const edges: EdgeAccessor[] = [];
    const nodes: VertexAccessor[] = [start];
    const used = new Set<number>();
    // stack[i] lists the relationships out of nodes[i]; the top belongs to the walk's end.
    const stack: Iterator<EdgeAccessor>[] = [];
    const enter = (v: VertexAccessor): void => {
      stack.push(edges.length < max ? edgesOf(v, dir, types, null, ctx.hops)[Symbol.iterator]() : emptyIterator());
    };
    if (min === 0 && this.endsHere(row, start, bound, ctx)) yield this.output(row, [], start);
    enter(start);
    while (stack.length > 0) {
      const next = stack[stack.length - 1].next();
      if (next.done === true) {
        stack.pop();
        const e = edges.pop();
        if (e !== undefined) used.delete(e.gid);
        nodes.pop();
        continue;
      }
      const e = next.value;
      const v = nodes[nodes.length - 1];
      const other = otherEnd(e, v);
      if (used.has(e.gid)) continue;
      if (edgeFilter !== null && !edgeFilter(e, row, ctx)) continue;
      if (!this.allowed(row, ctx, e, other, () => pathFrom(start, [...edges, e]))) continue;
      if (tick(ctx)) yield PAUSE;
      used.add(e.gid);
      edges.push(e);
      nodes.push(other);
      if (edges.length >= min && this.endsHere(row, other, bound, ctx)) yield this.output(row, edges.slice(), other);
      enter(other);
    }
  }
  describe(): string {
    return `ExpandVariable ${this.spec.text}`;
  }
}

/** Predecessor links of a search: how each reached vertex (or state) was first reached. */
type Links = Map<number, { edge: EdgeAccessor; prev: number } | null>;

/** The relationships from the search's start to `key`, in walking order. */
function edgesTo(links: Links, key: number): EdgeAccessor[] {
  const out: EdgeAccessor[] = [];
  for (let link = links.get(key); link !== null && link !== undefined; link = links.get(link.prev)) out.push(link.edge);
  return out.reverse();
}

/**
 * `*BFS min..max`: one shortest walk to every reachable node (to the bound node only, when
 * there is one), nearest first, as Memgraph's breadth-first expansion yields them.
 */
export class BfsExpand extends Expansion {
  protected *expand(row: Row, start: VertexAccessor, bound: NodeValue | null, ctx: ExecContext): Generator<Step> {
    const { dir, types, min, max, edgeFilter } = this.spec.hops;
    const links: Links = new Map([[start.id, null]]);
    if (min === 0 && this.endsHere(row, start, bound, ctx)) {
      yield this.output(row, [], start);
      if (bound !== null) return;
    }
    let frontier: VertexAccessor[] = [start];
    for (let depth = 1; depth <= max && frontier.length > 0; depth++) {
      const next: VertexAccessor[] = [];
      for (const v of frontier) {
        for (const e of edgesOf(v, dir, types, null, ctx.hops)) {
          if (tick(ctx)) yield PAUSE;
          const other = otherEnd(e, v);
          if (links.has(other.id)) continue;
          if (edgeFilter !== null && !edgeFilter(e, row, ctx)) continue;
          if (!this.allowed(row, ctx, e, other, () => pathFrom(start, [...edgesTo(links, v.id), e]))) continue;
          links.set(other.id, { edge: e, prev: v.id });
          next.push(other);
          if (depth >= min && this.endsHere(row, other, bound, ctx)) {
            yield this.output(row, edgesTo(links, other.id), other);
            if (bound !== null) return;
          }
        }
      }
      frontier = next;
    }
  }
  describe(): string {
    return `BFSExpand ${this.spec.text}`;
  }
}

/** A binary min-heap on a numeric key; ties pop in insertion order. */
class Heap<T> {
  private readonly items: { key: number; seq: number; value: T }[] = [];
  private seq = 0;
  get size(): number {
    return this.items.length;
  }
  push(key: number, value: T): void {
    const a = this.items;
    a.push({ key, seq: this.seq++, value });
    for (let i = a.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined) return undefined;
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(l, m)) m = l;
        if (r < a.length && this.less(r, m)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top.value;
  }
  private less(i: number, j: number): boolean {
    const a = this.items[i];
    const b = this.items[j];
    return a.key < b.key || (a.key === b.key && a.seq < b.seq);
  }
}

/** Weight of one expansion, checked as Memgraph checks it. */
function checkedWeight(w: Value): bigint | number {
  if (typeof w !== 'bigint' && typeof w !== 'number') {
    throw new MghaError(Codes.MemgraphClientError, `Calculated weight must be numeric or a Duration, got ${memgraphTypeName(w)}.`);
  }
  if (w < 0) throw new MghaError(Codes.MemgraphClientError, 'Calculated weight must be non-negative!');
  return w;
}

/** Memgraph's names of value types in its messages (TypedValue::Type). */
function memgraphTypeName(v: Value): string {
  const names: Record<string, string> = { NULL: 'null', BOOLEAN: 'bool', STRING: 'string', LIST: 'list', MAP: 'map', NODE: 'vertex', RELATIONSHIP: 'edge', PATH: 'path' };
  const t = typeName(v);
  return names[t] ?? t.toLowerCase();
}

function addWeights(total: bigint | number | null, w: bigint | number): bigint | number {
  if (total === null) return w;
  if (typeof total === 'bigint' && typeof w === 'bigint') return total + w;
  return Number(total) + Number(w);
}

export interface WeightedSpec extends ExpansionSpec {
  weight: CompiledLambda;
  totalWeightSlot: number;
  /** True for `*ALLSHORTEST`: every walk of the least weight, not just one. */
  all: boolean;
  /** Whether the hop bound was given (then a node reached at different depths is different states). */
  bounded: boolean;
}

type StateKey = number | string;

interface Entry {
  key: StateKey;
  vertex: VertexAccessor;
  depth: number;
  weight: bigint | number | null;
}

/** How a state was reached at its least weight (several ways for ALLSHORTEST). */
type Preds = Map<StateKey, { edge: EdgeAccessor; prev: StateKey }[]>;

/** One least-weight walk to `key`, following the first predecessor of each state. */
function firstWalk(preds: Preds, key: StateKey): EdgeAccessor[] {
  const out: EdgeAccessor[] = [];
  for (let p = preds.get(key)?.[0]; p !== undefined; p = preds.get(p.prev)?.[0]) out.push(p.edge);
  return out.reverse();
}

/**
 * `*WSHORTEST` / `*ALLSHORTEST`: Dijkstra from the start node (Memgraph's algorithm: the
 * weight lambda is applied to every expansion, the start node weighs nothing, each reached
 * node is reported once, cheapest first; with a bound, depth is part of the search state).
 * Predecessors only ever come from states settled earlier, so walks cannot loop.
 */
export class WeightedShortest extends Expansion {
  constructor(
    input: Operator,
    private readonly weighted: WeightedSpec,
  ) {
    super(input, weighted);
  }

  protected *expand(row: Row, start: VertexAccessor, bound: NodeValue | null, ctx: ExecContext): Generator<Step> {
    const { dir, types, max, edgeFilter } = this.spec.hops;
    const { bounded, all } = this.weighted;
    const stateOf = (v: VertexAccessor, depth: number): StateKey => (bounded ? `${v.id}:${depth}` : v.id);
    const settled = new Set<StateKey>();
    const preds: Preds = new Map();
    const best = new Map<StateKey, bigint | number>();
    const reported = new Set<number>([start.id]);
    const heap = new Heap<Entry>();
    heap.push(-Infinity, { key: stateOf(start, 0), vertex: start, depth: 0, weight: null });
    for (let cur = heap.pop(); cur !== undefined; cur = heap.pop()) {
      if (tick(ctx)) yield PAUSE;
      if (settled.has(cur.key)) continue;
      settled.add(cur.key);
      const from = cur;
      if (from.depth < max) {
        for (const e of edgesOf(from.vertex, dir, types, null, ctx.hops)) {
          const other = otherEnd(e, from.vertex);
          if (edgeFilter !== null && !edgeFilter(e, row, ctx)) continue;
          const key = stateOf(other, from.depth + 1);
          if (settled.has(key)) continue;
          const path = (): Value => pathFrom(start, [...firstWalk(preds, from.key), e]);
          if (!this.allowed(row, ctx, e, other, path, from.weight)) continue;
          const w = addWeights(from.weight, checkedWeight(applyLambda(this.weighted.weight, row, ctx, e, other, path, from.weight)));
          const known = best.get(key);
          if (known === undefined || w < known) {
            best.set(key, w);
            preds.set(key, [{ edge: e, prev: from.key }]);
            heap.push(Number(w), { key, vertex: other, depth: from.depth + 1, weight: w });
          } else if (all && w === known) preds.get(key)?.push({ edge: e, prev: from.key });
        }
      }
      if (reported.has(from.vertex.id) || !this.endsHere(row, from.vertex, bound, ctx)) continue;
      reported.add(from.vertex.id);
      if (all) for (const edges of allWalks(preds, from.key)) yield this.emit(row, edges, from);
      else yield this.emit(row, firstWalk(preds, from.key), from);
      if (bound !== null) return;
    }
  }

  private emit(row: Row, edges: EdgeAccessor[], end: Entry): Row {
    const out = this.output(row, edges, end.vertex);
    out[this.weighted.totalWeightSlot] = end.weight;
    return out;
  }

  describe(): string {
    return `${this.weighted.all ? 'AllShortestPaths' : 'WeightedShortestPath'} ${this.spec.text}`;
  }
}

/** Relationships of a walk as a shared linked list, first relationship at the head. */
type Walk = { edge: EdgeAccessor; rest: Walk } | null;

/** Every walk to `key` through least-weight predecessors, with an explicit stack. */
function allWalks(preds: Preds, key: StateKey): EdgeAccessor[][] {
  const out: EdgeAccessor[][] = [];
  const stack: { key: StateKey; walk: Walk }[] = [{ key, walk: null }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const ps = preds.get(top.key);
    if (ps === undefined) {
      const edges: EdgeAccessor[] = [];
      for (let w: Walk = top.walk; w !== null; w = w.rest) edges.push(w.edge);
      out.push(edges);
      continue;
    }
    for (let i = ps.length - 1; i >= 0; i--) stack.push({ key: ps[i].prev, walk: { edge: ps[i].edge, rest: top.walk } });
  }
  return out;
}

/**
 * openCypher's shortestPath / allShortestPaths between two bound nodes: level-by-level
 * BFS keeping every predecessor on a shortest route, then the routes walked back with an
 * explicit stack.
 */
export class ShortestPath extends Unary {
  constructor(
    input: Operator,
    private readonly hops: Hops,
    private readonly all: boolean,
  ) {
    super(input);
  }
  *run(ctx: ExecContext, arg: Row): Generator<Step> {
    for (const row of this.input.run(ctx, arg)) {
      if (row === PAUSE) {
        yield PAUSE;
        continue;
      }
      const from = row[this.hops.fromSlot];
      const to = row[this.hops.toSlot];
      if (!isNode(from) || !isNode(to)) continue;
      const found = yield* this.search(from as VertexAccessor, to.id, row, ctx);
      for (const rels of found) {
        const out = row.slice();
        out[this.hops.relSlot] = rels;
        yield out;
      }
    }
  }
  private *search(from: VertexAccessor, toId: number, row: Row, ctx: ExecContext): Generator<typeof PAUSE, EdgeAccessor[][]> {
    const { dir, types, min, max, edgeFilter } = this.hops;
    if (from.id === toId && min === 0) return [[]];
    const preds = new Map<number, { edge: EdgeAccessor; prev: number }[]>();
    const depth = new Map<number, number>([[from.id, 0]]);
    let frontier: VertexAccessor[] = [from];
    let found = false;
    for (let d = 1; d <= max && frontier.length > 0 && !found; d++) {
      const next: VertexAccessor[] = [];
      for (const v of frontier) {
        for (const e of edgesOf(v, dir, types, null, ctx.hops)) {
          if (tick(ctx)) yield PAUSE;
          const other = otherEnd(e, v);
          if (edgeFilter !== null && !edgeFilter(e, row, ctx)) continue;
          const seen = depth.get(other.id);
          if (seen !== undefined && seen < d) continue;
          if (seen === undefined) {
            depth.set(other.id, d);
            next.push(other);
          }
          const list = preds.get(other.id) ?? [];
          list.push({ edge: e, prev: v.id });
          preds.set(other.id, list);
          if (other.id === toId) found = true;
        }
      }
      frontier = next;
    }
    if (!found) return [];
    const results: EdgeAccessor[][] = [];
    // Walk back from the target; a route's relationships are a shared linked list (target
    // end last), so a million-hop route costs one list, not a copy per step.
    type Suffix = { edge: EdgeAccessor; rest: Suffix } | null;
    const stack: { id: number; suffix: Suffix }[] = [{ id: toId, suffix: null }];
    for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
      if (top.id === from.id) {
        const route: EdgeAccessor[] = [];
        for (let s: Suffix = top.suffix; s !== null; s = s.rest) route.push(s.edge);
        results.push(route);
        if (!this.all) break;
        continue;
      }
      const ps = preds.get(top.id) ?? [];
      const want = (depth.get(top.id) ?? 0) - 1;
      for (let i = ps.length - 1; i >= 0; i--) {
        if ((depth.get(ps[i].prev) ?? Infinity) !== want) continue;
        stack.push({ id: ps[i].prev, suffix: { edge: ps[i].edge, rest: top.suffix } });
      }
    }
    return results.filter((r) => r.length >= min);
  }
  describe(): string {
    return this.all ? 'AllShortestPaths' : 'ShortestPath';
  }
}
