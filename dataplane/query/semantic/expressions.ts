// Expression checks: variables in scope, aggregation placement, pattern-predicate placement
// and operand kinds that are wrong whatever the data.

import { Codes, MghaError } from '../../errors.js';
import type { Clause, Expr } from '../ast.js';
import { analyzeBody } from '../semantic.js';
import { fail, NOT_A_MAP, requireVariable, staticType, elementType, withLocals, type Scope, type VarType } from './scope.js';
import { children, isAggregateCall, patternExprs, patternVariables } from './walk.js';

const NOT_BOOLEAN: ReadonlySet<VarType> = new Set(['int', 'float', 'string', 'list', 'map', 'node', 'rel', 'relList', 'path']);
const NOT_A_LIST: ReadonlySet<VarType> = new Set(['bool', 'int', 'float', 'string', 'map', 'node', 'rel', 'path']);
const NOT_NUMERIC: ReadonlySet<VarType> = new Set(['bool', 'string', 'map', 'node', 'rel', 'path']);
const NUMERIC_OPS: ReadonlySet<string> = new Set(['*', '/', '%', '^']);
const UPDATING: ReadonlySet<Clause['kind']> = new Set(['Create', 'Merge', 'Set', 'Remove', 'Delete', 'Foreach']);

export interface ExprContext {
  aggregatesAllowed: boolean;
  inAggregate: boolean;
  patternsAllowed: boolean;
}

export const NO_AGGREGATES: ExprContext = { aggregatesAllowed: false, inAggregate: false, patternsAllowed: false };
export const AGGREGATES_ALLOWED: ExprContext = { aggregatesAllowed: true, inAggregate: false, patternsAllowed: false };
/** Pattern predicates `(a)-->(b)` are only allowed in WHERE and as the argument of exists(). */
export const WHERE: ExprContext = { aggregatesAllowed: false, inAggregate: false, patternsAllowed: true };

export function checkWhere(e: Expr, scope: Scope): void {
  checkExpr(e, scope, WHERE);
  checkBooleanOperand(e, scope);
}

export function checkExpr(e: Expr, scope: Scope, ctx: ExprContext): void {
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
        if (children(e).some(callsRand)) {
          fail('NonConstantExpression', 'Non-deterministic functions such as rand() cannot be aggregated', e.pos);
        }
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

function callsRand(e: Expr): boolean {
  return (e.kind === 'FunctionCall' && e.name === 'rand') || children(e).some(callsRand);
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
