// Chooses how a MATCH starts on a node: a direct id lookup (`id(n) = x`), a label+property
// index lookup (plain, nested `n.a.b` or composite: equality on a prefix of the index's
// properties, `IN`, or a range with both bounds merged) or a point index scan
// (`point.distance(p, n.loc) < r`, `point.withinbbox(n.loc, lowerLeft, upperRight)`), from
// the WHERE/inline-property conjuncts still pending for that node. The conjuncts stay
// pending, so a Filter re-checks whatever the index returns. Pure.

import type { Expr, NodePattern } from '../ast.js';
import type { IndexSpec, PointRegion, PropertyFilter } from '../../storage/types.js';
import { CypherPoint, type Value } from '../../values/model.js';
import { groupKey } from '../../values/ops.js';
import { pathText } from '../../storage/index-spec.js';
import { compileExpr, type CompileEnv } from './expressions.js';
import type { ExecContext, Row } from './types.js';
import { compareByStatistics, type LabelPropertyStats } from '../index-statistics.js';

export interface IndexCatalog {
  estimateCount(label?: string, property?: string): number;
  /** Every index there is (the planner looks for ones it can use). */
  indexSpecs(): readonly IndexSpec[];
  /** An index's entries, or null when there is no such index. */
  indexSize(spec: IndexSpec): number | null;
  /** ANALYZE GRAPH's statistics of a label+property index prefix, if computed. */
  indexStats?(label: string, paths: readonly (readonly string[])[]): LabelPropertyStats | null;
}

/** One index lookup: filters on a prefix of the index's paths, or a point index region. */
export type ScanLookup = { kind: 'props'; filters: PropertyFilter[] } | { kind: 'point'; region: PointRegion | null };

/** Evaluated per input row: the lookups to do, or null for "no match". */
export type IndexLookups = (row: Row, ctx: ExecContext) => ScanLookup[] | null;

export interface IndexChoice {
  label: string;
  paths: string[][];
  cost: number;
  /** Memgraph's operator name: ScanAllByLabelProperties, ScanAllByPointDistance, ScanAllByPointWithinbbox. */
  operator: string;
  lookups: (env: CompileEnv) => IndexLookups;
  /** ANALYZE GRAPH's statistics of the prefix looked up, when there are some. */
  stats?: LabelPropertyStats | null;
}

/** True if `a` beats `b`: by Memgraph's statistics rule when both have them, else by cost. */
function better(a: IndexChoice, b: IndexChoice): boolean {
  if (a.stats != null && b.stats != null) return compareByStatistics(a.stats, b.stats) < 0;
  return a.cost < b.cost;
}

interface PendingConjunct {
  expr: Expr | null;
}

export interface Candidates {
  eq: Expr | null;
  in: Expr | null;
  lower: [Expr, boolean] | null;
  upper: [Expr, boolean] | null;
}

/** A point predicate on one property of the node. */
type PointCandidate = { kind: 'distance'; center: Expr; radius: Expr } | { kind: 'bbox'; lowerLeft: Expr; upperRight: Expr };

const FLIP: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=' };

/** The `x` of a pending `id(name) = x` conjunct whose `x` is ready. */
export function idLookup(name: string, pending: PendingConjunct[], ready: (x: Expr) => boolean): Expr | null {
  const isId = (x: Expr): boolean =>
    x.kind === 'FunctionCall' && x.name === 'id' && x.args.length === 1 && x.args[0].kind === 'Variable' && x.args[0].name === name;
  for (const p of pending) {
    const e = p.expr;
    if (e === null || e.kind !== 'Binary' || e.op !== '=') continue;
    const other = isId(e.left) ? e.right : isId(e.right) ? e.left : null;
    if (other !== null && ready(other)) return other;
  }
  return null;
}

/** The property path of `x` on variable `name` (`n.a.b` → ['a', 'b']), or null. */
function pathOf(x: Expr, name: string): string[] | null {
  const keys: string[] = [];
  let e = x;
  while (e.kind === 'Property') {
    keys.unshift(e.key);
    e = e.object;
  }
  return keys.length > 0 && e.kind === 'Variable' && e.name === name ? keys : null;
}

const keyOf = (path: readonly string[]): string => path.join('\u0000');

/** Equality, IN and range candidates per property path of variable `name`. */
export function propertyCandidates(name: string, pending: PendingConjunct[], ready: (x: Expr) => boolean): Map<string, Candidates> {
  const byKey = new Map<string, Candidates>();
  for (const p of pending) {
    const e = p.expr;
    if (e === null || e.kind !== 'Binary') continue;
    let path = pathOf(e.left, name);
    let other: Expr = e.right;
    let op: string = e.op;
    if (op !== 'IN' && path === null) {
      path = pathOf(e.right, name);
      other = e.left;
      op = FLIP[op] ?? op;
    }
    if (path === null || !ready(other)) continue;
    const key = keyOf(path);
    const c = byKey.get(key) ?? { eq: null, in: null, lower: null, upper: null };
    if (op === '=') c.eq = other;
    else if (op === 'IN') c.in = other;
    else if (op === '>' || op === '>=') c.lower = [other, op === '>='];
    else if (op === '<' || op === '<=') c.upper = [other, op === '<='];
    else continue;
    byKey.set(key, c);
  }
  return byKey;
}

/** Point predicates per (single-key) property of variable `name`. */
function pointCandidates(name: string, pending: PendingConjunct[], ready: (x: Expr) => boolean): Map<string, PointCandidate> {
  const out = new Map<string, PointCandidate>();
  const prop = (x: Expr): string | null => {
    const path = pathOf(x, name);
    return path !== null && path.length === 1 ? path[0] : null;
  };
  for (const p of pending) {
    const e = p.expr;
    if (e === null) continue;
    if (e.kind === 'FunctionCall' && e.name.toLowerCase() === 'point.withinbbox' && e.args.length === 3) {
      const key = prop(e.args[0]);
      if (key !== null && ready(e.args[1]) && ready(e.args[2])) out.set(key, { kind: 'bbox', lowerLeft: e.args[1], upperRight: e.args[2] });
      continue;
    }
    if (e.kind !== 'Binary') continue;
    let [call, radius, op] = [e.left, e.right, e.op as string];
    if (call.kind !== 'FunctionCall') [call, radius, op] = [e.right, e.left, FLIP[op] ?? op];
    if (op !== '<' && op !== '<=') continue;
    if (call.kind !== 'FunctionCall' || !['point.distance', 'distance'].includes(call.name.toLowerCase()) || call.args.length !== 2) continue;
    const [a, b] = call.args;
    const [key, center] = prop(a) !== null ? [prop(a), b] : [prop(b), a];
    if (key !== null && ready(center) && ready(radius)) out.set(key, { kind: 'distance', center, radius });
  }
  return out;
}

/** The cheapest label+property or point index lookup for the node, if any applies. */
export function chooseIndex(n: NodePattern, pending: PendingConjunct[], ready: (x: Expr) => boolean, catalog: IndexCatalog): IndexChoice | null {
  const name = n.variable as string;
  const byKey = propertyCandidates(name, pending, ready);
  const points = pointCandidates(name, pending, ready);
  if (byKey.size === 0 && points.size === 0) return null;
  let best: IndexChoice | null = null;
  const consider = (choice: IndexChoice): void => {
    if (best === null || better(choice, best)) best = choice;
  };
  for (const spec of catalog.indexSpecs()) {
    if (spec.label === null || !n.labels.includes(spec.label)) continue;
    const paths = spec.properties.map((p) => [...p]);
    if (spec.type === 'point') {
      const pc = points.get(paths[0][0]);
      const est = pc === undefined ? null : catalog.indexSize(spec);
      if (pc === undefined || est === null) continue;
      const operator = pc.kind === 'distance' ? 'ScanAllByPointDistance' : 'ScanAllByPointWithinbbox';
      consider({ label: spec.label, paths, cost: est / 3, operator, lookups: (env) => pointLookups(pc, env) });
      continue;
    }
    if (spec.type !== 'label+property') continue;
    const prefix: Candidates[] = [];
    for (const path of paths) {
      const c = byKey.get(keyOf(path));
      if (c === undefined) break;
      prefix.push(c);
      if (c.eq === null) break;
    }
    if (prefix.length === 0) continue;
    const last = prefix[prefix.length - 1];
    // IN expands to one lookup per value: only as the whole lookup of its index.
    if (last.eq === null && last.in !== null && prefix.length > 1) prefix.pop();
    const est = catalog.indexSize(spec);
    if (est === null) continue;
    const eqs = prefix.filter((c) => c.eq !== null).length;
    const divisor = eqs > 0 ? 10 * eqs + (eqs < prefix.length ? 3 : 0) : prefix[0].in !== null ? 5 : 3;
    const used = [...prefix];
    const stats = catalog.indexStats?.(spec.label, paths.slice(0, used.length)) ?? null;
    consider({ label: spec.label, paths, cost: est / divisor, operator: 'ScanAllByLabelProperties', lookups: (env) => propertyLookups(used, env), stats });
  }
  return best;
}

/** `ScanAllByLabelProperties (n :L {a, b.c})` and the like. */
export function describeIndexScan(choice: { operator: string; label: string; paths: readonly (readonly string[])[] }, varName: string): string {
  return `${choice.operator} (${varName} :${choice.label} {${choice.paths.map(pathText).join(', ')}})`;
}

/** Compiles the filters of one property path (equality, IN, range). */
export function compileFilters(c: Candidates, env: CompileEnv): (row: Row, ctx: ExecContext) => PropertyFilter[] | null {
  if (c.eq !== null) {
    const f = compileExpr(c.eq, env);
    return (row, ctx) => {
      const v = f(row, ctx);
      return v === null ? null : [{ kind: 'equal', value: v }];
    };
  }
  if (c.in !== null) {
    const f = compileExpr(c.in, env);
    return (row, ctx) => {
      const l = f(row, ctx);
      if (!Array.isArray(l)) return null;
      const distinct = new Map<string, Value>();
      for (const v of l) if (v !== null) distinct.set(groupKey(v), v);
      return [...distinct.values()].map((value) => ({ kind: 'equal', value }));
    };
  }
  const lo = c.lower === null ? null : { f: compileExpr(c.lower[0], env), inclusive: c.lower[1] };
  const hi = c.upper === null ? null : { f: compileExpr(c.upper[0], env), inclusive: c.upper[1] };
  return (row, ctx) => {
    const lv = lo === null ? null : lo.f(row, ctx);
    const hv = hi === null ? null : hi.f(row, ctx);
    if ((lo !== null && lv === null) || (hi !== null && hv === null)) return null;
    return [
      {
        kind: 'range',
        lower: lo === null ? null : { value: lv, inclusive: lo.inclusive },
        upper: hi === null ? null : { value: hv, inclusive: hi.inclusive },
      },
    ];
  };
}

/** Lookups on a prefix of paths: equalities, then at most one IN or range (IN only alone). */
function propertyLookups(prefix: Candidates[], env: CompileEnv): IndexLookups {
  const parts = prefix.map((c) => compileFilters(c, env));
  return (row, ctx) => {
    const filters: PropertyFilter[] = [];
    for (const part of parts) {
      const fs = part(row, ctx);
      if (fs === null) return null;
      // An IN list is its own lookups (the prefix has just it).
      if (parts.length === 1) return fs.map((f) => ({ kind: 'props', filters: [f] }));
      filters.push(fs[0]);
    }
    return [{ kind: 'props', filters }];
  };
}

const CARTESIAN = new Set([7203, 9157]);

function pointLookups(pc: PointCandidate, env: CompileEnv): IndexLookups {
  const all: ScanLookup[] = [{ kind: 'point', region: null }];
  if (pc.kind === 'distance') {
    const center = compileExpr(pc.center, env);
    const radius = compileExpr(pc.radius, env);
    return (row, ctx) => {
      const p = center(row, ctx);
      const r = radius(row, ctx);
      if (p === null || r === null) return null;
      // Anything else is the Filter's to refuse or answer: scan every point.
      if (!(p instanceof CypherPoint) || (typeof r !== 'number' && typeof r !== 'bigint')) return all;
      const d = Number(r);
      // A cartesian distance bounds x; a WGS-84 one is in metres, so only the CRS narrows it.
      const region = CARTESIAN.has(p.srid) ? { srid: p.srid, xMin: p.x - d, xMax: p.x + d } : { srid: p.srid, xMin: -Infinity, xMax: Infinity };
      return [{ kind: 'point', region }];
    };
  }
  const lowerLeft = compileExpr(pc.lowerLeft, env);
  const upperRight = compileExpr(pc.upperRight, env);
  return (row, ctx) => {
    const ll = lowerLeft(row, ctx);
    const ur = upperRight(row, ctx);
    if (ll === null || ur === null) return null;
    if (!(ll instanceof CypherPoint) || !(ur instanceof CypherPoint)) return all;
    if (ll.srid !== ur.srid) return null;
    const region = CARTESIAN.has(ll.srid) ? { srid: ll.srid, xMin: ll.x, xMax: ur.x } : { srid: ll.srid, xMin: -Infinity, xMax: Infinity };
    return [{ kind: 'point', region }];
  };
}
