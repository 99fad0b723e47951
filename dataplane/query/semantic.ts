// Compile-time checks the openCypher TCK expects before a query runs: variable scoping and
// binding, variable kinds, aggregation placement, projection rules, CREATE/MERGE pattern
// rules and constant SKIP/LIMIT. Pure: walks the AST and throws; the engine calls
// `parse` then `analyze`. The TCK classifies nearly all of these as SyntaxError, so they
// use the SyntaxError code; property access on a known non-map value is a TypeError.

import { syntaxError } from '../errors.js';
import type { Clause, Expr, PatternPart, QueryBody, SetItem, SingleQuery, Statement } from './ast.js';
import { checkExpr, checkWhere, NO_AGGREGATES } from './semantic/expressions.js';
import { analyzeProjection } from './semantic/projections.js';
import { fail, NOT_A_MAP, requireVariable, staticType, type Scope } from './semantic/scope.js';
import { patternExprs, patternVariables } from './semantic/walk.js';

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

// ---------------------------------------------------------------------------
// Queries and clauses

/** Returns the result column names (empty if the body ends without RETURN). */
export function analyzeBody(body: QueryBody, outer: Scope, topLevel: boolean): string[] {
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
    case 'LoadCsv':
      checkExpr(c.file, scope, NO_AGGREGATES);
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
        else {
          requireVariable(item.variable, scope, item.pos);
          for (const d of item.dynamic ?? []) checkExpr(d, scope, NO_AGGREGATES);
        }
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
      // Implicit arguments (taken from parameters) are only allowed in a standalone CALL.
      if (c.args === null && !standaloneCall) {
        fail('InvalidArgumentPassingMode', `Procedure call inside a query must have parentheses: ${c.name}(…)`, c.pos);
      }
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
    case 'CallSubquery': {
      const visible: Scope = c.scope === undefined || c.scope === '*' ? new Map(scope) : new Map();
      if (Array.isArray(c.scope)) {
        for (const name of c.scope) {
          requireVariable(name, scope, c.pos);
          visible.set(name, scope.get(name) ?? 'any');
        }
      }
      for (const name of analyzeBody(c.query, visible, false)) scope.set(name, 'any');
      return null;
    }
  }
}

function checkSetItem(item: SetItem, scope: Scope): void {
  if (item.kind === 'SetProperty' || item.kind === 'MergeProperty') checkExpr(item.target, scope, NO_AGGREGATES);
  else requireVariable(item.variable, scope, item.pos);
  if (item.kind !== 'SetLabels') checkExpr(item.value, scope, NO_AGGREGATES);
  else for (const d of item.dynamic ?? []) checkExpr(d, scope, NO_AGGREGATES);
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
    // `*WSHORTEST (r, n | w) total` binds the total weight (its lambdas bind only their own parameters).
    if (r.varLength?.totalWeight) scope.set(r.varLength.totalWeight, 'any');
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

