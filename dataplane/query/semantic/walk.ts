// Pure helpers over expressions, shared by the semantic pass and the planner: children,
// free variables, aggregate detection and structural equality (positions ignored).

import type { Expr, PatternPart } from '../ast.js';
import { isAggregateName } from '../aggregates.js';

export function isAggregateCall(e: Expr): boolean {
  return e.kind === 'CountStar' || (e.kind === 'FunctionCall' && isAggregateName(e.name));
}

/** Direct sub-expressions, including those in patterns and scoped constructs. */
export function children(e: Expr): Expr[] {
  switch (e.kind) {
    case 'Property':
      return [e.object];
    case 'Index':
      return [e.object, e.index];
    case 'Slice':
      return [e.object, ...nonNull(e.from, e.to)];
    case 'List':
      return e.items;
    case 'Map':
      return e.entries.map((x) => x.value);
    case 'MapProjection':
      return e.items.flatMap((x) => (x.kind === 'Literal' ? [x.value] : []));
    case 'Unary':
      return [e.operand];
    case 'Binary':
      return [e.left, e.right];
    case 'IsNull':
      return [e.operand];
    case 'HasLabels':
      return [e.subject];
    case 'FunctionCall':
      return e.args;
    case 'Case':
      return [...nonNull(e.subject), ...e.whens.flatMap((w) => [w.when, w.then]), ...nonNull(e.otherwise)];
    case 'ListComprehension':
      return [e.list, ...nonNull(e.where, e.projection)];
    case 'Quantifier':
      return [e.list, ...nonNull(e.where)];
    case 'Reduce':
      return [e.init, e.list, e.expression];
    case 'PatternPredicate':
      return patternExprs(e.pattern);
    case 'PatternComprehension':
      return [...patternExprs(e.pattern), ...nonNull(e.where), e.projection];
    case 'Subquery':
      return e.query.kind === 'Pattern' ? [...e.query.patterns.flatMap(patternExprs), ...nonNull(e.query.where)] : [];
    default:
      return [];
  }
}

function nonNull(...xs: (Expr | null)[]): Expr[] {
  return xs.filter((x): x is Expr => x !== null);
}

export function patternExprs(p: PatternPart): Expr[] {
  return [...p.nodes, ...p.relationships].flatMap((x) => nonNull(x.properties));
}

export function patternVariables(p: PatternPart): string[] {
  const out: string[] = [];
  if (p.pathVariable) out.push(p.pathVariable);
  for (const x of [...p.nodes, ...p.relationships]) if (x.variable) out.push(x.variable);
  return out;
}

/** True when an aggregate call occurs in e (not looking into subqueries). */
export function containsAggregate(e: Expr): boolean {
  return isAggregateCall(e) || children(e).some(containsAggregate);
}

/** True when a call of the function `name` (any case) occurs in e. */
export function callsFunction(e: Expr, name: string): boolean {
  return (e.kind === 'FunctionCall' && e.name.toLowerCase() === name) || children(e).some((c) => callsFunction(c, name));
}

/** Variables e reads from its enclosing scope (locals of comprehensions etc. excluded). */
export function freeVariables(e: Expr, out: Set<string> = new Set(), bound: ReadonlySet<string> = new Set()): Set<string> {
  const add = (x: Expr, extra: string[] = []): void => {
    freeVariables(x, out, extra.length === 0 ? bound : new Set([...bound, ...extra]));
  };
  switch (e.kind) {
    case 'Variable':
      if (!bound.has(e.name)) out.add(e.name);
      return out;
    case 'MapProjection':
      if (!bound.has(e.subject)) out.add(e.subject);
      for (const item of e.items) {
        if (item.kind === 'Variable' && !bound.has(item.name)) out.add(item.name);
        if (item.kind === 'Literal') add(item.value);
      }
      return out;
    case 'ListComprehension':
      add(e.list);
      for (const x of nonNull(e.where, e.projection)) add(x, [e.variable]);
      return out;
    case 'Quantifier':
      add(e.list);
      if (e.where) add(e.where, [e.variable]);
      return out;
    case 'Reduce':
      add(e.init);
      add(e.list);
      add(e.expression, [e.accumulator, e.variable]);
      return out;
    case 'PatternPredicate':
      for (const v of patternVariables(e.pattern)) if (!bound.has(v)) out.add(v);
      for (const x of patternExprs(e.pattern)) add(x);
      return out;
    case 'PatternComprehension': {
      const locals = patternVariables(e.pattern);
      for (const x of children(e)) add(x, locals);
      return out;
    }
    case 'Subquery':
      if (e.query.kind === 'Pattern') {
        const locals = e.query.patterns.flatMap(patternVariables);
        for (const x of children(e)) add(x, locals);
      }
      return out;
    default:
      for (const x of children(e)) add(x);
      return out;
  }
}

/** Structural key of an expression: equal keys ⇔ same expression ignoring positions. */
export function exprKey(e: Expr): string {
  return JSON.stringify(e, (k, v: unknown) => (k === 'pos' ? undefined : typeof v === 'bigint' ? `${v}n` : v));
}
