// Small pure AST helpers used by the planner.

import type { Expr, PatternPart, Pos } from '../ast.js';
import { isAggregateCall } from './expressions.js';

/** Splits a predicate into its top-level AND conjuncts. */
export function conjuncts(e: Expr | null): Expr[] {
  if (e === null) return [];
  if (e.kind === 'Binary' && e.op === 'AND') return [...conjuncts(e.left), ...conjuncts(e.right)];
  return [e];
}

function patternVars(p: PatternPart, out: Set<string>): void {
  if (p.pathVariable !== null) out.add(p.pathVariable);
  for (const n of p.nodes) {
    if (n.variable !== null) out.add(n.variable);
    if (n.properties !== null) exprVars(n.properties, out);
  }
  for (const r of p.relationships) {
    if (r.variable !== null) out.add(r.variable);
    if (r.properties !== null) exprVars(r.properties, out);
  }
}

/**
 * Every variable name mentioned in the expression (over-approximation: comprehension locals
 * are included). Callers intersect with the names they know, so that is harmless.
 */
export function exprVars(e: Expr, out: Set<string> = new Set(), skipAggregates = false): Set<string> {
  const visit = (x: Expr | null): void => {
    if (x !== null) exprVars(x, out, skipAggregates);
  };
  if (skipAggregates && isAggregateCall(e)) return out;
  switch (e.kind) {
    case 'Variable':
      out.add(e.name);
      break;
    case 'Literal':
    case 'Parameter':
    case 'CountStar':
      break;
    case 'Property':
      visit(e.object);
      break;
    case 'Index':
      visit(e.object);
      visit(e.index);
      break;
    case 'Slice':
      visit(e.object);
      visit(e.from);
      visit(e.to);
      break;
    case 'List':
      e.items.forEach(visit);
      break;
    case 'Map':
      e.entries.forEach((en) => visit(en.value));
      break;
    case 'MapProjection':
      out.add(e.subject);
      for (const it of e.items) {
        if (it.kind === 'Literal') visit(it.value);
        if (it.kind === 'Variable') out.add(it.name);
      }
      break;
    case 'Unary':
      visit(e.operand);
      break;
    case 'Binary':
      visit(e.left);
      visit(e.right);
      break;
    case 'IsNull':
      visit(e.operand);
      break;
    case 'HasLabels':
      visit(e.subject);
      break;
    case 'FunctionCall':
      e.args.forEach(visit);
      break;
    case 'Case':
      visit(e.subject);
      e.whens.forEach((w) => {
        visit(w.when);
        visit(w.then);
      });
      visit(e.otherwise);
      break;
    case 'ListComprehension':
      visit(e.list);
      visit(e.where);
      visit(e.projection);
      break;
    case 'Quantifier':
      visit(e.list);
      visit(e.where);
      break;
    case 'Reduce':
      visit(e.init);
      visit(e.list);
      visit(e.expression);
      break;
    case 'PatternPredicate':
      patternVars(e.pattern, out);
      break;
    case 'PatternComprehension':
      patternVars(e.pattern, out);
      visit(e.where);
      visit(e.projection);
      break;
    case 'Subquery':
      if (e.query.kind === 'Pattern') {
        e.query.patterns.forEach((p) => patternVars(p, out));
        visit(e.query.where);
      } else {
        // A full subquery may refer to any outer variable: make it depend on everything.
        out.add('*');
      }
      break;
  }
  return out;
}

/** True when an aggregate call occurs in the expression (outside nested subqueries). */
export function containsAggregate(e: Expr): boolean {
  if (isAggregateCall(e)) return true;
  let found = false;
  const visit = (x: Expr | null): void => {
    if (x !== null && !found && containsAggregate(x)) found = true;
  };
  switch (e.kind) {
    case 'Property':
      visit(e.object);
      break;
    case 'Index':
      visit(e.object);
      visit(e.index);
      break;
    case 'Slice':
      visit(e.object);
      visit(e.from);
      visit(e.to);
      break;
    case 'List':
      e.items.forEach(visit);
      break;
    case 'Map':
      e.entries.forEach((en) => visit(en.value));
      break;
    case 'MapProjection':
      e.items.forEach((it) => {
        if (it.kind === 'Literal') visit(it.value);
      });
      break;
    case 'Unary':
    case 'IsNull':
      visit(e.operand);
      break;
    case 'Binary':
      visit(e.left);
      visit(e.right);
      break;
    case 'HasLabels':
      visit(e.subject);
      break;
    case 'FunctionCall':
      e.args.forEach(visit);
      break;
    case 'Case':
      visit(e.subject);
      e.whens.forEach((w) => {
        visit(w.when);
        visit(w.then);
      });
      visit(e.otherwise);
      break;
    case 'ListComprehension':
      visit(e.list);
      visit(e.where);
      visit(e.projection);
      break;
    case 'Quantifier':
      visit(e.list);
      visit(e.where);
      break;
    case 'Reduce':
      visit(e.init);
      visit(e.list);
      visit(e.expression);
      break;
    default:
      break;
  }
  return found;
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

/** Structural identity of two expressions (ignoring source positions). */
export function exprKey(e: Expr): string {
  return JSON.stringify(e, (k, v: unknown) => (k === 'pos' ? undefined : typeof v === 'bigint' ? `${v}n` : v));
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
