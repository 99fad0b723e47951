// WITH/RETURN projections: aliases, column names, grouping-key rules for aggregation,
// ORDER BY visibility and constant SKIP/LIMIT.

import type { Expr, Pos, Projection } from '../ast.js';
import { AGGREGATES_ALLOWED, checkExpr, NO_AGGREGATES } from './expressions.js';
import { fail, requireVariable, staticType, withLocals, type Scope } from './scope.js';
import { children, containsAggregate, exprKey, freeVariables, isAggregateCall, patternVariables } from './walk.js';

export function analyzeProjection(proj: Projection, scope: Scope, isWith: boolean, pos: Pos): { scope: Scope; columns: string[] } {
  if (proj.star && !isWith && scope.size === 0) fail('NoVariablesInScope', 'RETURN * is not allowed when there are no variables in scope', pos);
  const next: Scope = proj.star ? new Map(scope) : new Map();
  const names = new Set<string>();
  for (const item of proj.items) {
    checkExpr(item.expression, scope, AGGREGATES_ALLOWED);
    if (isWith && !item.aliased && item.expression.kind !== 'Variable') {
      fail('NoExpressionAlias', `Expression in WITH must be aliased (use AS): ${item.name}`, item.expression.pos);
    }
    const name = !item.aliased && item.expression.kind === 'Variable' ? item.expression.name : item.name;
    if (names.has(name)) fail('ColumnNameConflict', `Multiple result columns with the same name \`${name}\``, item.expression.pos);
    names.add(name);
    next.set(name, staticType(item.expression, scope));
  }
  const aggregating = proj.items.some((i) => containsAggregate(i.expression));
  const keys = groupingKeys(proj);
  if (aggregating) {
    for (const item of proj.items) if (containsAggregate(item.expression)) checkAggregatingItem(item.expression, keys);
  }
  for (const s of proj.orderBy) checkSortItem(s.expression, proj, scope, next, aggregating, keys);
  for (const e of [proj.skip, proj.limit]) if (e) checkSkipLimit(e);
  return { scope: next, columns: proj.star ? [...scope.keys(), ...names] : [...names] };
}

interface GroupingKeys {
  /** Non-aggregate items that are a variable or a property access: usable inside aggregating expressions. */
  simple: Set<string>;
  /** Other non-aggregate items. */
  complex: Set<string>;
  /** Names of grouping keys that are plain variables. */
  variables: Set<string>;
  /** Every item expression. */
  items: Set<string>;
}

function groupingKeys(proj: Projection): GroupingKeys {
  const keys: GroupingKeys = { simple: new Set(), complex: new Set(), variables: new Set(), items: new Set() };
  for (const { expression: e } of proj.items) {
    keys.items.add(exprKey(e));
    if (containsAggregate(e)) continue;
    if (e.kind === 'Variable') keys.variables.add(e.name);
    (e.kind === 'Variable' || e.kind === 'Property' ? keys.simple : keys.complex).add(exprKey(e));
  }
  return keys;
}

/**
 * Walks e with the variables bound locally by comprehensions, reduce and pattern
 * comprehensions; `visit` returns true when it has handled a node (no descent).
 */
function walkScoped(e: Expr, locals: ReadonlySet<string>, visit: (x: Expr, locals: ReadonlySet<string>) => boolean): void {
  if (visit(e, locals)) return;
  const inner = (names: string[]): ReadonlySet<string> => new Set([...locals, ...names]);
  switch (e.kind) {
    case 'ListComprehension':
    case 'Quantifier':
      walkScoped(e.list, locals, visit);
      for (const x of children(e).slice(1)) walkScoped(x, inner([e.variable]), visit);
      return;
    case 'Reduce':
      walkScoped(e.init, locals, visit);
      walkScoped(e.list, locals, visit);
      walkScoped(e.expression, inner([e.accumulator, e.variable]), visit);
      return;
    case 'PatternComprehension':
      for (const x of children(e)) walkScoped(x, inner(patternVariables(e.pattern)), visit);
      return;
    default:
      for (const x of children(e)) walkScoped(x, locals, visit);
  }
}

/** Outside aggregate calls, an aggregating item may only use grouping keys (variables or property accesses). */
function checkAggregatingItem(e: Expr, keys: GroupingKeys): void {
  walkScoped(e, new Set(), (x, locals) => {
    if (isAggregateCall(x) || keys.simple.has(exprKey(x))) return true;
    if (x.kind === 'Variable' && !locals.has(x.name) && !keys.variables.has(x.name)) {
      fail('AmbiguousAggregationExpression', `Aggregation mixed with \`${x.name}\`, which is not a grouping key`, x.pos);
    }
    return false;
  });
}

/**
 * ORDER BY sees the projected names, plus (unless the projection is DISTINCT or aggregating)
 * the variables in scope before it. An expression equal to a projected one is always fine.
 */
function checkSortItem(e: Expr, proj: Projection, before: Scope, after: Scope, aggregating: boolean, keys: GroupingKeys): void {
  if (keys.items.has(exprKey(e))) return;
  if (!proj.distinct && !aggregating) {
    checkExpr(e, new Map([...before, ...after]), NO_AGGREGATES);
    return;
  }
  const hasAggregate = containsAggregate(e);
  walkScoped(e, new Set(), (x, locals) => {
    const key = exprKey(x);
    if (hasAggregate && keys.complex.has(key)) {
      fail('AmbiguousAggregationExpression', 'ORDER BY mixes aggregation with a grouping expression', x.pos);
    }
    if (keys.items.has(key)) return true;
    if (isAggregateCall(x)) {
      if (!aggregating) fail('InvalidAggregation', 'Aggregation in ORDER BY of a non-aggregating projection', x.pos);
      // An aggregate that is not projected can only use projected names.
      checkExpr(x, withLocals(after, [...locals]), AGGREGATES_ALLOWED);
      return true;
    }
    if (x.kind === 'Variable' && !locals.has(x.name)) requireVariable(x.name, after, x.pos);
    return false;
  });
}

function checkSkipLimit(e: Expr): void {
  if (freeVariables(e).size > 0) fail('NonConstantExpression', 'SKIP and LIMIT must be constant expressions', e.pos);
  const v = e.kind === 'Literal' ? e.value : e.kind === 'Unary' && e.operand.kind === 'Literal' && e.op === '-' ? negated(e.operand.value) : undefined;
  if (typeof v === 'number') fail('InvalidArgumentType', 'SKIP and LIMIT take an integer, not a float', e.pos);
  if (typeof v === 'bigint' && v < 0n) fail('NegativeIntegerArgument', 'SKIP and LIMIT take a non-negative integer', e.pos);
  if (typeof v === 'string' || typeof v === 'boolean') fail('InvalidArgumentType', 'SKIP and LIMIT take an integer', e.pos);
}

function negated(v: unknown): unknown {
  return typeof v === 'number' ? -v : typeof v === 'bigint' ? -v : v;
}
