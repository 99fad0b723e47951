// Compile-time checks the openCypher TCK expects before a query runs: variable scoping and
// binding, variable kinds, aggregation placement, projection rules, CREATE/MERGE pattern
// rules and constant SKIP/LIMIT. Pure: walks the AST and throws; the engine calls
// `parse` then `analyze`. The TCK classifies nearly all of these as SyntaxError, so they
// use the SyntaxError code; property access on a known non-map value is a TypeError.

import { Codes, MghaError, syntaxError } from '../errors.js';
import type { Clause, Expr, PatternPart, Pos, Projection, QueryBody, SetItem, SingleQuery, Statement } from './ast.js';
import {
  children,
  containsAggregate,
  exprKey,
  freeVariables,
  isAggregateCall,
  patternExprs,
  patternVariables,
} from './semantic-walk.js';

/** What is statically known about a variable's value. */
type VarType = 'node' | 'rel' | 'relList' | 'path' | 'any' | 'bool' | 'int' | 'float' | 'string' | 'list' | 'map' | 'null';
type Scope = Map<string, VarType>;

const NOT_A_MAP: ReadonlySet<VarType> = new Set(['bool', 'int', 'float', 'string', 'list']);
const NOT_BOOLEAN: ReadonlySet<VarType> = new Set(['int', 'float', 'string', 'list', 'map', 'node', 'rel', 'relList', 'path']);
const NOT_A_LIST: ReadonlySet<VarType> = new Set(['bool', 'int', 'float', 'string', 'map', 'node', 'rel', 'path']);
const NOT_NUMERIC: ReadonlySet<VarType> = new Set(['bool', 'string', 'map', 'node', 'rel', 'path']);
const NUMERIC_OPS: ReadonlySet<string> = new Set(['*', '/', '%', '^']);
const UPDATING: ReadonlySet<Clause['kind']> = new Set(['Create', 'Merge', 'Set', 'Remove', 'Delete', 'Foreach']);

export function analyze(stmt: Statement): void {
  if (stmt.kind !== 'Query') return;
  try {
    analyzeBody(stmt.body, new Map(), true);
  } catch (e) {
    // Backstop: the parser caps AST depth, so the recursive walk should always fit the stack.
    if (e instanceof RangeError) throw syntaxError('Query is too complex to analyze', 1, 1);
    throw e;
  }
}

function fail(kind: string, message: string, pos: Pos | null): never {
  throw syntaxError(`${message} [${kind}]`, pos?.line ?? 1, pos?.column ?? 1);
}

// ---------------------------------------------------------------------------
// Queries and clauses

/** Returns the result column names (empty if the body ends without RETURN). */
function analyzeBody(body: QueryBody, outer: Scope, topLevel: boolean): string[] {
  if (new Set(body.unions).size > 1) {
    fail('InvalidClauseComposition', 'Invalid combination of UNION and UNION ALL', body.parts[1].clauses[0]?.pos ?? null);
  }
  let columns: string[] | null = null;
  for (const part of body.parts) {
    const cols = analyzeSingle(part, new Map(outer), topLevel && body.parts.length === 1);
    if (columns !== null && [...cols].sort().join('\u0000') !== [...columns].sort().join('\u0000')) {
      fail('DifferentColumnsInUnion', 'All sub queries in an UNION must have the same column names', part.clauses[0]?.pos ?? null);
    }
    columns = cols;
  }
  return columns ?? [];
}

function analyzeSingle(q: SingleQuery, scope: Scope, standalone: boolean): string[] {
  let columns: string[] = [];
  for (const clause of q.clauses) {
    const result = analyzeClause(clause, scope, standalone && q.clauses.length === 1);
    if (result) {
      scope.clear();
      for (const [k, v] of result.scope) scope.set(k, v);
      columns = result.columns;
    }
  }
  return columns;
}

/** Projections replace the scope: they return the new one and the column names. */
function analyzeClause(c: Clause, scope: Scope, standaloneCall: boolean): { scope: Scope; columns: string[] } | null {
  switch (c.kind) {
    case 'Match': {
      const seenRels = new Set<string>();
      for (const p of c.patterns) declarePattern(p, scope, 'match', seenRels);
      if (c.where) checkWhere(c.where, scope);
      return null;
    }
    case 'Unwind':
      checkExpr(c.expression, scope, NO_AGGREGATES);
      if (scope.has(c.variable)) fail('VariableAlreadyBound', `Variable \`${c.variable}\` already declared`, c.pos);
      scope.set(c.variable, 'any');
      return null;
    case 'With': {
      const next = analyzeProjection(c.projection, scope, true, c.pos);
      // WITH … WHERE may still read the variables the WITH did not project (TCK WithWhere1/7).
      if (c.where) checkWhere(c.where, new Map([...scope, ...next.scope]));
      return next;
    }
    case 'Return':
      return analyzeProjection(c.projection, scope, false, c.pos);
    case 'Create': {
      const seenRels = new Set<string>();
      for (const p of c.patterns) declarePattern(p, scope, 'create', seenRels);
      return null;
    }
    case 'Merge':
      declarePattern(c.pattern, scope, 'merge', new Set());
      for (const item of [...c.onCreate, ...c.onMatch]) checkSetItem(item, scope);
      return null;
    case 'Set':
      for (const item of c.items) checkSetItem(item, scope);
      return null;
    case 'Remove':
      for (const item of c.items) {
        if (item.kind === 'RemoveProperty') checkExpr(item.target, scope, NO_AGGREGATES);
        else requireVariable(item.variable, scope, item.pos);
      }
      return null;
    case 'Delete':
      for (const e of c.expressions) checkDeleteTarget(e, scope);
      return null;
    case 'Foreach': {
      checkExpr(c.list, scope, NO_AGGREGATES);
      const inner: Scope = new Map(scope);
      inner.set(c.variable, 'any');
      for (const clause of c.clauses) analyzeClause(clause, inner, false);
      return null;
    }
    case 'CallProcedure':
      for (const a of c.args ?? []) checkExpr(a, scope, NO_AGGREGATES);
      if (c.yields === '*') {
        if (!standaloneCall) fail('UnexpectedSyntax', 'YIELD * is only allowed in a standalone CALL', c.pos);
      } else if (c.yields) {
        for (const y of c.yields) {
          const name = y.alias ?? y.name;
          if (scope.has(name)) fail('VariableAlreadyBound', `Variable \`${name}\` already declared`, c.pos);
          scope.set(name, 'any');
        }
      }
      if (c.where) checkWhere(c.where, scope);
      return null;
    case 'CallSubquery':
      for (const name of analyzeBody(c.query, new Map(scope), false)) scope.set(name, 'any');
      return null;
  }
}

function checkWhere(e: Expr, scope: Scope): void {
  checkExpr(e, scope, WHERE);
  checkBooleanOperand(e, scope);
}

function checkSetItem(item: SetItem, scope: Scope): void {
  if (item.kind === 'SetProperty') checkExpr(item.target, scope, NO_AGGREGATES);
  else requireVariable(item.variable, scope, item.pos);
  if (item.kind !== 'SetLabels') checkExpr(item.value, scope, NO_AGGREGATES);
}

function requireVariable(name: string, scope: Scope, pos: Pos): void {
  if (!scope.has(name)) fail('UndefinedVariable', `Variable \`${name}\` not defined`, pos);
}

function checkDeleteTarget(e: Expr, scope: Scope): void {
  checkExpr(e, scope, NO_AGGREGATES);
  if (e.kind === 'HasLabels') fail('InvalidDelete', 'DELETE takes nodes, relationships or paths, not label expressions', e.pos);
  const t = staticType(e, scope);
  if (NOT_A_MAP.has(t) || t === 'map' || e.kind === 'Binary' || e.kind === 'Unary') {
    fail('InvalidArgumentType', 'DELETE expects a node, relationship or path', e.pos);
  }
}

// ---------------------------------------------------------------------------
// Patterns

type PatternMode = 'match' | 'create' | 'merge';

function declarePattern(p: PatternPart, scope: Scope, mode: PatternMode, seenRels: Set<string>): void {
  if (p.pathVariable !== null) {
    const inPattern = patternVariables({ ...p, pathVariable: null }).includes(p.pathVariable);
    if (scope.has(p.pathVariable) || inPattern) {
      fail('VariableAlreadyBound', `Variable \`${p.pathVariable}\` already declared`, p.pos);
    }
  }
  const lonelyNode = p.relationships.length === 0;
  for (const n of p.nodes) {
    if (n.properties?.kind === 'Parameter' && mode !== 'create') {
      fail('InvalidParameterUse', 'Parameter maps cannot be used in MATCH or MERGE patterns', n.properties.pos);
    }
    if (n.variable === null) continue;
    const existing = scope.get(n.variable);
    if (existing !== undefined && existing !== 'node' && existing !== 'any' && existing !== 'null') {
      fail('VariableTypeConflict', `Variable \`${n.variable}\` is not a node`, n.pos);
    }
    if (existing !== undefined && mode !== 'match' && (lonelyNode || n.labels.length > 0 || n.properties !== null)) {
      fail('VariableAlreadyBound', `Variable \`${n.variable}\` already declared`, n.pos);
    }
    scope.set(n.variable, 'node');
  }
  for (const r of p.relationships) {
    if (r.properties?.kind === 'Parameter' && mode !== 'create') {
      fail('InvalidParameterUse', 'Parameter maps cannot be used in MATCH or MERGE patterns', r.properties.pos);
    }
    if (mode !== 'match') {
      if (r.types.length !== 1) {
        fail('NoSingleRelationshipType', `A relationship must have exactly one type to be created`, r.pos);
      }
      if (r.varLength !== null) fail('CreatingVarLength', 'Variable length relationships cannot be created', r.pos);
      if (mode === 'create' && r.direction === 'both') {
        fail('RequiresDirectedRelationship', 'Only directed relationships can be created', r.pos);
      }
    }
    if (r.variable === null) continue;
    const existing = scope.get(r.variable);
    if (existing !== undefined) {
      if (mode !== 'match') fail('VariableAlreadyBound', `Variable \`${r.variable}\` already declared`, r.pos);
      const listOk = r.varLength !== null && existing === 'list'; // legacy `WITH [r1, r2] AS rs MATCH ()-[rs*]->()`
      if (existing !== 'rel' && existing !== 'relList' && existing !== 'any' && existing !== 'null' && !listOk) {
        fail('VariableTypeConflict', `Variable \`${r.variable}\` is not a relationship`, r.pos);
      }
    }
    if (seenRels.has(r.variable)) {
      fail('RelationshipUniquenessViolation', `Relationship \`${r.variable}\` is used more than once in one pattern`, r.pos);
    }
    seenRels.add(r.variable);
    scope.set(r.variable, r.varLength ? 'relList' : 'rel');
  }
  if (p.pathVariable !== null) scope.set(p.pathVariable, 'path');
  for (const e of patternExprs(p)) checkExpr(e, scope, NO_AGGREGATES);
}

// ---------------------------------------------------------------------------
// Projections

function analyzeProjection(proj: Projection, scope: Scope, isWith: boolean, pos: Pos): { scope: Scope; columns: string[] } {
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

// ---------------------------------------------------------------------------
// Expressions

interface ExprContext {
  aggregatesAllowed: boolean;
  inAggregate: boolean;
  patternsAllowed: boolean;
}

const NO_AGGREGATES: ExprContext = { aggregatesAllowed: false, inAggregate: false, patternsAllowed: false };
const AGGREGATES_ALLOWED: ExprContext = { aggregatesAllowed: true, inAggregate: false, patternsAllowed: false };
/** Pattern predicates `(a)-->(b)` are only allowed in WHERE and as the argument of exists(). */
const WHERE: ExprContext = { aggregatesAllowed: false, inAggregate: false, patternsAllowed: true };

function staticType(e: Expr, scope: Scope): VarType {
  switch (e.kind) {
    case 'Literal': {
      const v = e.value;
      if (v === null) return 'null';
      if (typeof v === 'boolean') return 'bool';
      if (typeof v === 'bigint') return 'int';
      if (typeof v === 'number') return 'float';
      if (typeof v === 'string') return 'string';
      return 'any';
    }
    case 'List':
    case 'ListComprehension':
    case 'PatternComprehension':
      return 'list';
    case 'Map':
    case 'MapProjection':
      return 'map';
    case 'Variable':
      return scope.get(e.name) ?? 'any';
    default:
      return 'any';
  }
}

function checkExpr(e: Expr, scope: Scope, ctx: ExprContext): void {
  switch (e.kind) {
    case 'Variable':
      requireVariable(e.name, scope, e.pos);
      return;
    case 'Property': {
      checkExpr(e.object, scope, ctx);
      const t = staticType(e.object, scope);
      if (NOT_A_MAP.has(t)) throw new MghaError(Codes.TypeError, `Type mismatch: expected a map, node or relationship but was ${t} (line ${e.pos.line}, column ${e.pos.column})`);
      if (t === 'path' || t === 'relList') fail('InvalidArgumentType', `Type mismatch: cannot access a property of a ${t === 'path' ? 'path' : 'list'}`, e.pos);
      return;
    }
    case 'FunctionCall':
    case 'CountStar':
      if (isAggregateCall(e)) {
        if (!ctx.aggregatesAllowed) fail('InvalidAggregation', 'Aggregation is not allowed here', e.pos);
        if (ctx.inAggregate) fail('NestedAggregation', 'Aggregations cannot be nested', e.pos);
        for (const a of children(e)) checkExpr(a, scope, { ...ctx, aggregatesAllowed: true, inAggregate: true });
        return;
      }
      checkFunctionArguments(e, scope);
      for (const a of children(e)) checkExpr(a, scope, e.kind === 'FunctionCall' && e.name === 'exists' ? { ...ctx, patternsAllowed: true } : ctx);
      return;
    case 'Binary':
      if (e.op === 'AND' || e.op === 'OR' || e.op === 'XOR') {
        checkBooleanOperand(e.left, scope);
        checkBooleanOperand(e.right, scope);
      }
      if (NUMERIC_OPS.has(e.op)) {
        for (const x of [e.left, e.right]) {
          if (NOT_NUMERIC.has(staticType(x, scope))) fail('InvalidArgumentType', `Type mismatch: ${e.op} expects numbers`, x.pos);
        }
      }
      if (e.op === 'IN' && NOT_A_LIST.has(staticType(e.right, scope))) {
        fail('InvalidArgumentType', 'Type mismatch: IN expects a list on its right', e.right.pos);
      }
      break;
    case 'Unary':
      if (e.op === 'NOT') checkBooleanOperand(e.operand, scope);
      break;
    case 'MapProjection':
      requireVariable(e.subject, scope, e.pos);
      for (const item of e.items) if (item.kind === 'Variable') requireVariable(item.name, scope, e.pos);
      break;
    case 'ListComprehension':
    case 'Quantifier': {
      checkExpr(e.list, scope, ctx);
      const inner: Scope = new Map(scope);
      inner.set(e.variable, elementType(e.list, scope));
      for (const x of e.kind === 'Quantifier' ? [e.where] : [e.where, e.projection]) if (x) checkExpr(x, inner, local(ctx));
      return;
    }
    case 'Reduce':
      checkExpr(e.init, scope, ctx);
      checkExpr(e.list, scope, ctx);
      checkExpr(e.expression, withLocals(scope, [e.accumulator, e.variable]), local(ctx));
      return;
    case 'PatternPredicate':
      if (!ctx.patternsAllowed) {
        fail('UnexpectedSyntax', 'A pattern can only be used as a predicate in WHERE or in exists()', e.pos);
      }
      // A pattern used as a predicate may not introduce new variables.
      for (const v of patternVariables(e.pattern)) requireVariable(v, scope, e.pos);
      for (const x of patternExprs(e.pattern)) checkExpr(x, scope, NO_AGGREGATES);
      return;
    case 'PatternComprehension': {
      const inner = withLocals(scope, patternVariables(e.pattern));
      for (const x of children(e)) checkExpr(x, inner, local(ctx));
      return;
    }
    case 'Subquery':
      if (e.query.kind === 'Query') {
        const updating = e.query.query.parts.flatMap((q) => q.clauses).find((c) => UPDATING.has(c.kind));
        if (updating) fail('InvalidClauseComposition', `${e.mode.toUpperCase()} subqueries cannot update the graph`, updating.pos);
        analyzeBody(e.query.query, new Map(scope), false);
      } else {
        const inner = withLocals(scope, e.query.patterns.flatMap(patternVariables));
        for (const x of children(e)) checkExpr(x, inner, WHERE);
      }
      return;
    default:
      break;
  }
  for (const x of children(e)) checkExpr(x, scope, ctx);
}

function local(ctx: ExprContext): ExprContext {
  return { ...ctx, aggregatesAllowed: false, inAggregate: false };
}

/** Argument kinds some functions reject at compile time when the argument's kind is known. */
const REJECTED_ARGUMENTS: Record<string, ReadonlySet<VarType>> = {
  labels: new Set(['rel', 'relList', 'path', 'bool', 'int', 'float', 'string', 'list', 'map']),
  type: new Set(['node', 'relList', 'path', 'bool', 'int', 'float', 'string', 'list', 'map']),
  properties: new Set(['relList', 'path', 'bool', 'int', 'float', 'string', 'list']),
  length: new Set(['node', 'rel', 'bool', 'int', 'float', 'map']),
  size: new Set(['node', 'rel', 'path', 'bool', 'int', 'float', 'map']),
};

function checkFunctionArguments(e: Expr, scope: Scope): void {
  if (e.kind !== 'FunctionCall' || e.args.length !== 1) return;
  const rejected = REJECTED_ARGUMENTS[e.name];
  const t = staticType(e.args[0], scope);
  if (rejected?.has(t)) fail('InvalidArgumentType', `Type mismatch: ${e.name}() does not accept a ${t}`, e.args[0].pos);
}

function checkBooleanOperand(e: Expr, scope: Scope): void {
  if (NOT_BOOLEAN.has(staticType(e, scope))) {
    fail('InvalidArgumentType', 'Type mismatch: expected a boolean', e.pos);
  }
}

/** The element kind of a list literal whose items all have the same known kind. */
function elementType(list: Expr, scope: Scope): VarType {
  if (list.kind !== 'List' || list.items.length === 0) return 'any';
  const first = staticType(list.items[0], scope);
  return list.items.every((x) => staticType(x, scope) === first) ? first : 'any';
}

function withLocals(scope: Scope, names: string[]): Scope {
  if (names.length === 0) return scope;
  const inner: Scope = new Map(scope);
  for (const n of names) if (!inner.has(n)) inner.set(n, 'any');
  return inner;
}
