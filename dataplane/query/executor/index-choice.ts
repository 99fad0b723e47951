// Chooses how a MATCH starts on a node: a direct id lookup (`id(n) = x`) or a
// label+property index lookup (equality, `IN`, or a range with both bounds merged),
// from the WHERE/inline-property conjuncts still pending for that node. Pure.

import type { Expr, NodePattern } from '../ast.js';
import type { PropertyFilter } from '../../storage/types.js';
import type { Value } from '../../values/model.js';
import { groupKey } from '../../values/ops.js';
import { compileExpr, type CompileEnv } from './expressions.js';
import type { ExecContext, Row } from './types.js';

export interface IndexCatalog {
  hasIndex(label: string, property: string | null): boolean;
  estimateCount(label?: string, property?: string): number;
}

/** Evaluated per input row: the index lookups to do, or null for "no match". */
export type IndexFilter = (row: Row, ctx: ExecContext) => PropertyFilter[] | null;

export interface IndexChoice {
  label: string;
  property: string;
  cost: number;
  /** EXPLAIN suffix: ScanAllByLabelProperty{Value|Range}. */
  text: string;
  filter: (env: CompileEnv) => IndexFilter;
  /**
   * The pending `n.key = x` conjunct an equality lookup answers exactly (storage checks the
   * value of every member it returns): the planner drops it, so no Filter re-evaluates it per
   * row (issue #14: a point lookup's map literal, property read and comparison). Null for IN
   * and ranges.
   */
  answers: PendingConjunct | null;
}

export interface PendingConjunct {
  expr: Expr | null;
}

interface Candidates {
  eq: Expr | null;
  /** The conjunct `eq` came from. */
  eqFrom: PendingConjunct | null;
  in: Expr | null;
  lower: [Expr, boolean] | null;
  upper: [Expr, boolean] | null;
}

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

/** The cheapest label+property index lookup for the node, if any applies. */
export function chooseIndex(n: NodePattern, pending: PendingConjunct[], ready: (x: Expr) => boolean, catalog: IndexCatalog): IndexChoice | null {
  const name = n.variable as string;
  const isMine = (x: Expr): x is Expr & { kind: 'Property' } => x.kind === 'Property' && x.object.kind === 'Variable' && x.object.name === name;
  const byKey = new Map<string, Candidates>();
  for (const p of pending) {
    const e = p.expr;
    if (e === null || e.kind !== 'Binary') continue;
    let prop: Expr = e.left;
    let other: Expr = e.right;
    let op: string = e.op;
    if (op !== 'IN' && !isMine(prop)) {
      [prop, other] = [e.right, e.left];
      op = FLIP[op] ?? op;
    }
    if (!isMine(prop) || !ready(other)) continue;
    const c = byKey.get(prop.key) ?? { eq: null, eqFrom: null, in: null, lower: null, upper: null };
    if (op === '=') {
      c.eq = other;
      c.eqFrom = p;
    }
    else if (op === 'IN') c.in = other;
    else if (op === '>' || op === '>=') c.lower = [other, op === '>='];
    else if (op === '<' || op === '<=') c.upper = [other, op === '<='];
    else continue;
    byKey.set(prop.key, c);
  }
  let best: IndexChoice | null = null;
  for (const [key, c] of byKey) {
    for (const label of n.labels) {
      if (!catalog.hasIndex(label, key)) continue;
      const est = catalog.estimateCount(label, key);
      const [cost, text] = c.eq !== null ? [est / 10, 'Value'] : c.in !== null ? [est / 5, 'Value'] : [est / 3, 'Range'];
      if (best !== null && best.cost <= cost) continue;
      best = { label, property: key, cost, text, filter: (env) => indexFilter(c, env), answers: c.eq !== null ? c.eqFrom : null };
    }
  }
  return best;
}

function indexFilter(c: Candidates, env: CompileEnv): IndexFilter {
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
