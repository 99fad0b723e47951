// Small pure AST helpers used by the planner.

import type { Expr, PatternPart, Pos } from '../ast.js';
import { children, exprKey, isAggregateCall } from '../semantic/walk.js';

/** Splits a predicate into its top-level AND conjuncts. */
export function conjuncts(e: Expr | null): Expr[] {
  if (e === null) return [];
  if (e.kind === 'Binary' && e.op === 'AND') return [...conjuncts(e.left), ...conjuncts(e.right)];
  return [e];
}

function patternVars(p: PatternPart, out: Set<string>): void {
  if (p.pathVariable !== null) out.add(p.pathVariable);
  for (const x of [...p.nodes, ...p.relationships]) {
    if (x.variable !== null) out.add(x.variable);
    if (x.properties !== null) exprVars(x.properties, out);
  }
}

/**
 * Every variable name mentioned in the expression (over-approximation: comprehension locals
 * are included). Callers intersect with the names they know, so that is harmless.
 */
export function exprVars(e: Expr, out: Set<string> = new Set(), skipAggregates = false): Set<string> {
  if (skipAggregates && isAggregateCall(e)) return out;
  switch (e.kind) {
    case 'Variable':
      out.add(e.name);
      return out;
    case 'MapProjection':
      out.add(e.subject);
      for (const it of e.items) {
        if (it.kind === 'Literal') exprVars(it.value, out, skipAggregates);
        if (it.kind === 'Variable') out.add(it.name);
      }
      return out;
    case 'PatternPredicate':
      patternVars(e.pattern, out);
      return out;
    case 'PatternComprehension':
      patternVars(e.pattern, out);
      if (e.where !== null) exprVars(e.where, out, skipAggregates);
      exprVars(e.projection, out, skipAggregates);
      return out;
    case 'Subquery':
      if (e.query.kind === 'Pattern') {
        e.query.patterns.forEach((p) => patternVars(p, out));
        if (e.query.where !== null) exprVars(e.query.where, out, skipAggregates);
      } else {
        // A full subquery may refer to any outer variable: make it depend on everything.
        out.add('*');
      }
      return out;
    default:
      for (const x of children(e)) exprVars(x, out, skipAggregates);
      return out;
  }
}

/**
 * True when an aggregate call occurs in the expression, not looking into patterns and
 * subqueries (they are compiled in their own scope, without the projection's aggregates).
 */
export function containsAggregate(e: Expr): boolean {
  if (isAggregateCall(e)) return true;
  if (e.kind === 'PatternPredicate' || e.kind === 'PatternComprehension' || e.kind === 'Subquery') return false;
  return children(e).some(containsAggregate);
}

let anonCounter = 0;

/** A copy of the pattern where every node and relationship has a variable name. */
export function nameAnonymous(p: PatternPart): PatternPart {
  const name = (v: string | null): string => v ?? `  anon${anonCounter++}`;
  return {
    ...p,
    nodes: p.nodes.map((n) => ({ ...n, variable: name(n.variable) })),
    relationships: p.relationships.map((r) => ({ ...r, variable: name(r.variable) })),
  };
}

/**
 * Replaces (sub)expressions equal to a projected item by a reference to its column, so
 * ORDER BY can use `n.name` after `RETURN n.name`.
 */
export function rewriteToAliases(e: Expr, aliases: Map<string, string>): Expr {
  const alias = aliases.get(exprKey(e));
  if (alias !== undefined) return { kind: 'Variable', name: alias, pos: e.pos };
  const r = (x: Expr): Expr => rewriteToAliases(x, aliases);
  switch (e.kind) {
    case 'Property':
      return { ...e, object: r(e.object) };
    case 'Binary':
      return { ...e, left: r(e.left), right: r(e.right) };
    case 'Unary':
      return { ...e, operand: r(e.operand) };
    case 'IsNull':
      return { ...e, operand: r(e.operand) };
    case 'FunctionCall':
      return isAggregateCall(e) ? e : { ...e, args: e.args.map(r) };
    case 'List':
      return { ...e, items: e.items.map(r) };
    case 'Map':
      return { ...e, entries: e.entries.map((en) => ({ key: en.key, value: r(en.value) })) };
    case 'Case':
      return { ...e, subject: e.subject === null ? null : r(e.subject), whens: e.whens.map((w) => ({ when: r(w.when), then: r(w.then) })), otherwise: e.otherwise === null ? null : r(e.otherwise) };
    case 'Index':
      return { ...e, object: r(e.object), index: r(e.index) };
    default:
      return e;
  }
}

export function isAnonymous(name: string): boolean {
  return name.startsWith('  anon');
}

export function propertyEquals(variable: string, key: string, value: Expr, pos: Pos): Expr {
  return {
    kind: 'Binary',
    op: '=',
    left: { kind: 'Property', object: { kind: 'Variable', name: variable, pos }, key, pos },
    right: value,
    pos,
  };
}
