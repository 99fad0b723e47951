// Compiles AST expressions into closures over slot rows. Variables are resolved to slots
// at compile time; comprehension variables get scratch slots written in place (rows are
// evaluated synchronously, so a scratch slot is never observed by anyone else).

import type { Expr, PatternPart, QueryBody } from '../ast.js';
import { Codes, MghaError, typeError } from '../../errors.js';
import { isNode, isRelationship, isTagged, typeName, type Value, INT64_MAX, INT64_MIN } from '../../values/model.js';
import { compare, equals } from '../../values/ops.js';
import { add, divide, modulo, multiply, negate, power, subtract } from '../operators.js';
import { lookupFunction, type FunctionContext } from '../functions/index.js';
import { temporalComponent } from '../../values/temporal.js';
import { isAggregateCall } from '../semantic/walk.js';
import { cypherRegex } from './regex.js';
import { StoredHandle, type StoredEdge, type StoredVertex } from '../../storage/accessors.js';
import { PAUSE, rowsOf, type Eval, type ExecContext, type Operator, type Row } from './types.js';

export interface CompileEnv {
  slotOf(name: string): number | undefined;
  /** What the planner knows a variable holds: 'node', 'rel', 'rels', 'path', 'list', 'value' or 'any'. */
  kindOf(name: string): string | undefined;
  /** A scope with extra local variables bound to fresh slots. */
  withLocals(names: string[]): { env: CompileEnv; slots: number[] };
  /** Set inside an aggregating projection: returns the slot holding the aggregate's result. */
  aggregateSlot: ((e: Expr) => number) | null;
  /** Plans a pattern match (plus WHERE) that runs per outer row. */
  matchSubplan(patterns: PatternPart[], where: Expr | null): { op: Operator; env: CompileEnv };
  /** Plans a full subquery that runs per outer row. */
  querySubplan(body: QueryBody): Operator;
}

/** Errors found while compiling a query (openCypher reports them as SyntaxError at compile time). */
export function compileError(message: string): MghaError {
  return new MghaError(Codes.SyntaxError, message);
}

function entityDeleted(v: Value): boolean {
  if (!isNode(v) && !isRelationship(v)) return false;
  const acc = v as { isDeleted?: () => boolean };
  return typeof acc.isDeleted === 'function' && acc.isDeleted();
}

function deletedError(v: Value): MghaError {
  return new MghaError(Codes.EntityNotFound, `Trying to access a deleted ${isNode(v) ? 'node' : 'relationship'}.`);
}

export function propertyOf(obj: Value, key: string): Value {
  if (obj === null) return null;
  if (obj instanceof Map) return obj.get(key) ?? null;
  if (obj instanceof StoredHandle) {
    // A stored node or relationship: its deletion and its property in one visibility walk
    // (the generic path below walks the undo chain twice and asks isNode/isTagged twice).
    const v = obj.propertyIfVisible(key);
    if (v === undefined) throw deletedError(obj as StoredVertex | StoredEdge);
    return v;
  }
  if (isNode(obj) || isRelationship(obj)) {
    if (entityDeleted(obj)) throw deletedError(obj);
    const acc = obj as { getProperty?: (k: string) => Value };
    if (typeof acc.getProperty === 'function') return acc.getProperty(key);
    return obj.properties().get(key) ?? null;
  }
  if (isTagged(obj) && obj.kind !== 'path') return temporalComponent(obj, key) ?? null;
  throw typeError(`Cannot access property '${key}' of ${typeName(obj)}.`);
}

function truthy(v: Value, what: string): boolean | null {
  if (v === null) return null;
  if (typeof v === 'boolean') return v;
  throw typeError(`${what} expected a BOOLEAN, got ${typeName(v)}.`);
}

function toIndex(v: Value, what: string): number {
  if (typeof v !== 'bigint') throw typeError(`${what} must be an INTEGER, got ${typeName(v)}.`);
  return Number(v);
}

function inList(needle: Value, list: Value): Value {
  if (list === null) return null;
  if (!Array.isArray(list)) throw typeError(`IN expected a LIST on its right side, got ${typeName(list)}.`);
  let unknown = false;
  for (const item of list) {
    const e = equals(needle, item);
    if (e === true) return true;
    if (e === null) unknown = true;
  }
  return unknown ? null : false;
}

function stringPredicate(op: string, a: Value, b: Value): Value {
  if (typeof a !== 'string' || typeof b !== 'string') return null;
  if (op === 'STARTS WITH') return a.startsWith(b);
  if (op === 'ENDS WITH') return a.endsWith(b);
  return a.includes(b);
}

function comparison(op: string, a: Value, b: Value): Value {
  if (op === '=') return equals(a, b);
  if (op === '<>') {
    const e = equals(a, b);
    return e === null ? null : !e;
  }
  if ((typeof a === 'number' && Number.isNaN(a)) || (typeof b === 'number' && Number.isNaN(b))) {
    return typeof a === 'number' || typeof a === 'bigint' ? (typeof b === 'number' || typeof b === 'bigint' ? false : null) : null;
  }
  const c = compare(a, b);
  if (c === null) return null;
  switch (op) {
    case '<':
      return c < 0;
    case '>':
      return c > 0;
    case '<=':
      return c <= 0;
    default:
      return c >= 0;
  }
}

const ARITH: Record<string, (a: Value, b: Value) => Value> = {
  '+': add,
  '-': subtract,
  '*': multiply,
  '/': divide,
  '%': modulo,
  '^': power,
};

/** True when the expression depends on nothing but literals (and its own comprehension variables). */
function isConstant(e: Expr, locals: ReadonlySet<string> = new Set()): boolean {
  const c = (x: Expr | null, l: ReadonlySet<string> = locals): boolean => x === null || isConstant(x, l);
  switch (e.kind) {
    case 'Literal':
      return true;
    case 'Variable':
      return locals.has(e.name);
    case 'Property':
      return c(e.object);
    case 'Index':
      return c(e.object) && c(e.index);
    case 'Slice':
      return c(e.object) && c(e.from) && c(e.to);
    case 'List':
      return e.items.every((i) => c(i));
    case 'Map':
      return e.entries.every((en) => c(en.value));
    case 'Unary':
    case 'IsNull':
      return c(e.operand);
    case 'Binary':
      return c(e.left) && c(e.right);
    case 'Case':
      return c(e.subject) && e.whens.every((w) => c(w.when) && c(w.then)) && c(e.otherwise);
    case 'FunctionCall':
      // Only calls on plain literals count: inside comprehensions openCypher reports at run time.
      // range() is skipped: folding it would build a possibly huge list twice.
      return !isAggregateCall(e) && e.name !== 'exists' && e.name !== 'range' && e.args.every((a) => c(a, new Set()));
    case 'ListComprehension':
    case 'Quantifier': {
      const inner = new Set([...locals, e.variable]);
      return c(e.list) && c(e.where, inner) && (e.kind === 'Quantifier' || c(e.projection, inner));
    }
    default:
      return false;
  }
}

function hasCall(e: Expr): boolean {
  return JSON.stringify(e, (_k, v: unknown) => (typeof v === 'bigint' ? 0 : v)).includes('"FunctionCall"');
}

const FOLD_CTX = { tx: null as never, params: new Map(), statementTime: 0, work: 0, slotCount: 0 } satisfies ExecContext;

/**
 * Compiles an expression; constant sub-expressions are evaluated once here, so a type error
 * in a literal expression (`NOT 0`, `1 IN true`) is reported at compile time, as openCypher wants.
 */
export function compileExpr(e: Expr, env: CompileEnv): Eval {
  const f = compileNode(e, env);
  if (e.kind === 'Literal' || e.kind === 'Variable' || !isConstant(e)) return f;
  let value: Value;
  try {
    value = f([], FOLD_CTX);
  } catch (err) {
    if (err instanceof MghaError && err.code === Codes.TypeError) throw compileError(err.message);
    return f;
  }
  // Function results are not cached: some depend on the statement clock or are random.
  if (hasCall(e)) return f;
  return () => value;
}

function compileNode(e: Expr, env: CompileEnv): Eval {
  switch (e.kind) {
    case 'Literal': {
      const v = e.value;
      return () => v;
    }
    case 'Parameter': {
      const name = e.name;
      return (_row, ctx) => {
        const v = ctx.params.get(name);
        if (v === undefined) throw new MghaError(Codes.ParameterMissing, `Parameter $${name} not provided.`);
        return v;
      };
    }
    case 'Variable': {
      const slot = env.slotOf(e.name);
      if (slot === undefined) throw compileError(`Unbound variable: ${e.name}.`);
      return (row) => row[slot];
    }
    case 'Property': {
      if (e.object.kind === 'Variable' && env.kindOf(e.object.name) === 'path') {
        throw compileError(`Cannot access property '${e.key}' of a path.`);
      }
      const obj = compileExpr(e.object, env);
      const key = e.key;
      return (row, ctx) => propertyOf(obj(row, ctx), key);
    }
    case 'Index':
      return compileIndex(compileExpr(e.object, env), compileExpr(e.index, env));
    case 'Slice':
      return compileSlice(e.object, e.from, e.to, env);
    case 'List': {
      const items = e.items.map((i) => compileExpr(i, env));
      return (row, ctx) => items.map((f) => f(row, ctx));
    }
    case 'Map': {
      const entries = e.entries.map((en) => [en.key, compileExpr(en.value, env)] as const);
      return (row, ctx) => new Map(entries.map(([k, f]) => [k, f(row, ctx)]));
    }
    case 'MapProjection':
      return compileMapProjection(e, env);
    case 'Unary': {
      if (e.op === 'NOT') checkBooleanOperand(e.operand, 'NOT');
      const operand = compileExpr(e.operand, env);
      if (e.op === 'NOT')
        return (row, ctx) => {
          const t = truthy(operand(row, ctx), 'NOT');
          return t === null ? null : !t;
        };
      if (e.op === '-') return (row, ctx) => negate(operand(row, ctx));
      return (row, ctx) => {
        const v = operand(row, ctx);
        if (v !== null && typeof v !== 'bigint' && typeof v !== 'number')
          throw typeError(`Unary '+' expected a number, got ${typeName(v)}.`);
        return v;
      };
    }
    case 'Binary':
      return compileBinary(e.op, e.left, e.right, env);
    case 'IsNull': {
      const operand = compileExpr(e.operand, env);
      const negated = e.negated;
      return (row, ctx) => (operand(row, ctx) === null) !== negated;
    }
    case 'HasLabels': {
      const subject = compileExpr(e.subject, env);
      const labels = e.labels;
      return (row, ctx) => {
        const v = subject(row, ctx);
        if (v === null) return null;
        if (!isNode(v)) throw typeError(`Label predicate expected a NODE, got ${typeName(v)}.`);
        if (entityDeleted(v)) throw deletedError(v);
        const have = v.labels();
        return labels.every((l) => have.includes(l));
      };
    }
    case 'FunctionCall':
    case 'CountStar':
      return compileCall(e, env);
    case 'Case':
      return compileCase(e, env);
    case 'ListComprehension': {
      const list = compileExpr(e.list, env);
      const { env: inner, slots } = env.withLocals([e.variable]);
      const where = e.where === null ? null : compileExpr(e.where, inner);
      const proj = e.projection === null ? null : compileExpr(e.projection, inner);
      const slot = slots[0];
      return (row, ctx) => {
        const l = list(row, ctx);
        if (l === null) return null;
        if (!Array.isArray(l)) throw typeError(`List comprehension expected a LIST, got ${typeName(l)}.`);
        const out: Value[] = [];
        for (const item of l) {
          row[slot] = item;
          if (where !== null && where(row, ctx) !== true) continue;
          out.push(proj === null ? item : proj(row, ctx));
        }
        return out;
      };
    }
    case 'Quantifier':
      return compileQuantifier(e, env);
    case 'Reduce': {
      const init = compileExpr(e.init, env);
      const list = compileExpr(e.list, env);
      const { env: inner, slots } = env.withLocals([e.accumulator, e.variable]);
      const body = compileExpr(e.expression, inner);
      const [accSlot, varSlot] = slots;
      return (row, ctx) => {
        const l = list(row, ctx);
        if (l === null) return null;
        if (!Array.isArray(l)) throw typeError(`reduce() expected a LIST, got ${typeName(l)}.`);
        let acc = init(row, ctx);
        for (const item of l) {
          row[accSlot] = acc;
          row[varSlot] = item;
          acc = body(row, ctx);
        }
        return acc;
      };
    }
    case 'PatternPredicate': {
      for (const el of [...e.pattern.nodes, ...e.pattern.relationships]) {
        if (el.variable !== null && env.slotOf(el.variable) === undefined) {
          throw compileError(`Unbound variable: ${el.variable} (a pattern predicate cannot introduce new variables).`);
        }
      }
      const { op } = env.matchSubplan([e.pattern], null);
      return (row, ctx) => !rowsOf(op, ctx, row).next().done;
    }
    case 'PatternComprehension': {
      const { op, env: inner } = env.matchSubplan([e.pattern], e.where);
      const proj = compileExpr(e.projection, inner);
      return (row, ctx) => {
        const out: Value[] = [];
        for (const r of rowsOf(op, ctx, row)) out.push(proj(r, ctx));
        return out;
      };
    }
    case 'Subquery': {
      if (e.query.kind === 'Query' && e.query.query.parts.some((p) => p.clauses.some((c) => UPDATING.has(c.kind)))) {
        throw compileError('An EXISTS or COUNT subquery cannot contain updating clauses.');
      }
      const op =
        e.query.kind === 'Pattern'
          ? env.matchSubplan(e.query.patterns, e.query.where).op
          : env.querySubplan(e.query.query);
      if (e.mode === 'exists') return (row, ctx) => !rowsOf(op, ctx, row).next().done;
      return (row, ctx) => {
        let n = 0n;
        for (const step of op.run(ctx, row)) if (step !== PAUSE) n++;
        return n;
      };
    }
  }
}

/** A literal operand that can never be a boolean (`123 AND true`) is a compile-time error. */
function checkBooleanOperand(e: Expr, op: string): void {
  const bad = (e.kind === 'Literal' && e.value !== null && typeof e.value !== 'boolean') || e.kind === 'List' || e.kind === 'Map';
  if (bad) throw compileError(`${op} expects BOOLEAN operands.`);
}

function compileBinary(op: string, left: Expr, right: Expr, env: CompileEnv): Eval {
  if (op === 'AND' || op === 'OR' || op === 'XOR') {
    checkBooleanOperand(left, op);
    checkBooleanOperand(right, op);
  }
  const l = compileExpr(left, env);
  const r = compileExpr(right, env);
  switch (op) {
    case 'AND':
      return (row, ctx) => {
        const a = truthy(l(row, ctx), 'AND');
        if (a === false) return false;
        const b = truthy(r(row, ctx), 'AND');
        if (b === false) return false;
        return a === null || b === null ? null : true;
      };
    case 'OR':
      return (row, ctx) => {
        const a = truthy(l(row, ctx), 'OR');
        if (a === true) return true;
        const b = truthy(r(row, ctx), 'OR');
        if (b === true) return true;
        return a === null || b === null ? null : false;
      };
    case 'XOR':
      return (row, ctx) => {
        const a = truthy(l(row, ctx), 'XOR');
        const b = truthy(r(row, ctx), 'XOR');
        return a === null || b === null ? null : a !== b;
      };
    case 'IN':
      return (row, ctx) => inList(l(row, ctx), r(row, ctx));
    case 'STARTS WITH':
    case 'ENDS WITH':
    case 'CONTAINS':
      return (row, ctx) => stringPredicate(op, l(row, ctx), r(row, ctx));
    case '=~':
      return (row, ctx) => {
        const a = l(row, ctx);
        const b = r(row, ctx);
        if (a === null || b === null) return null;
        if (typeof b !== 'string') throw typeError(`Regular expression must be a STRING, got ${typeName(b)}.`);
        if (typeof a !== 'string') return null;
        return cypherRegex(b).test(a);
      };
  }
  const arith = ARITH[op];
  if (arith !== undefined) return (row, ctx) => arith(l(row, ctx), r(row, ctx));
  return (row, ctx) => comparison(op, l(row, ctx), r(row, ctx));
}

function compileIndex(obj: Eval, index: Eval): Eval {
  return (row, ctx) => {
    const o = obj(row, ctx);
    const i = index(row, ctx);
    if (o === null || i === null) return null;
    if (Array.isArray(o)) {
      if (typeof i !== 'bigint') throw typeError(`List index must be an INTEGER, got ${typeName(i)}.`);
      if (i > INT64_MAX || i < INT64_MIN) return null;
      const n = Number(i);
      const at = n < 0 ? o.length + n : n;
      return at >= 0 && at < o.length ? o[at] : null;
    }
    if (o instanceof Map || isNode(o) || isRelationship(o)) {
      if (typeof i !== 'string') throw typeError(`Map key must be a STRING, got ${typeName(i)}.`);
      return propertyOf(o, i);
    }
    throw typeError(`Cannot index a ${typeName(o)} with ${typeName(i)}.`);
  };
}

function compileSlice(object: Expr, from: Expr | null, to: Expr | null, env: CompileEnv): Eval {
  const obj = compileExpr(object, env);
  const f = from === null ? null : compileExpr(from, env);
  const t = to === null ? null : compileExpr(to, env);
  return (row, ctx) => {
    const o = obj(row, ctx);
    const fv = f === null ? 0n : f(row, ctx);
    const tv = t === null ? null : t(row, ctx);
    if (o === null || fv === null || (t !== null && tv === null)) return null;
    if (!Array.isArray(o)) throw typeError(`Slicing expected a LIST, got ${typeName(o)}.`);
    const len = o.length;
    const norm = (n: number) => Math.max(0, Math.min(len, n < 0 ? len + n : n));
    const a = norm(toIndex(fv, 'Slice bound'));
    const b = tv === null ? len : norm(toIndex(tv, 'Slice bound'));
    return o.slice(a, Math.max(a, b));
  };
}

function compileMapProjection(e: Expr & { kind: 'MapProjection' }, env: CompileEnv): Eval {
  const slot = env.slotOf(e.subject);
  if (slot === undefined) throw compileError(`Unbound variable: ${e.subject}.`);
  const items = e.items.map((it) => {
    if (it.kind === 'Literal') return { kind: 'kv' as const, key: it.key, f: compileExpr(it.value, env) };
    if (it.kind === 'Variable') {
      const s = env.slotOf(it.name);
      if (s === undefined) throw compileError(`Unbound variable: ${it.name}.`);
      return { kind: 'kv' as const, key: it.name, f: ((row: Row) => row[s]) as Eval };
    }
    return it;
  });
  return (row, ctx) => {
    const subject = row[slot];
    if (subject === null) return null;
    const out = new Map<string, Value>();
    for (const it of items) {
      if (it.kind === 'kv') out.set(it.key, it.f(row, ctx));
      else if (it.kind === 'Property') out.set(it.key, propertyOf(subject, it.key));
      else {
        if (subject instanceof Map) for (const [k, v] of subject) out.set(k, v);
        else if (isNode(subject) || isRelationship(subject)) {
          if (entityDeleted(subject)) throw deletedError(subject);
          for (const [k, v] of subject.properties()) out.set(k, v);
        } else throw typeError(`Map projection expected a MAP, NODE or RELATIONSHIP, got ${typeName(subject)}.`);
      }
    }
    return out;
  };
}

function compileCase(e: Expr & { kind: 'Case' }, env: CompileEnv): Eval {
  const subject = e.subject === null ? null : compileExpr(e.subject, env);
  const whens = e.whens.map((w) => [compileExpr(w.when, env), compileExpr(w.then, env)] as const);
  const otherwise = e.otherwise === null ? null : compileExpr(e.otherwise, env);
  return (row, ctx) => {
    const s = subject === null ? null : subject(row, ctx);
    for (const [w, t] of whens) {
      const wv = w(row, ctx);
      if (subject === null ? wv === true : equals(s, wv) === true) return t(row, ctx);
    }
    return otherwise === null ? null : otherwise(row, ctx);
  };
}

function compileQuantifier(e: Expr & { kind: 'Quantifier' }, env: CompileEnv): Eval {
  const list = compileExpr(e.list, env);
  const { env: inner, slots } = env.withLocals([e.variable]);
  const where = e.where === null ? null : compileExpr(e.where, inner);
  const slot = slots[0];
  const q = e.quantifier;
  return (row, ctx) => {
    const l = list(row, ctx);
    if (l === null) return null;
    if (!Array.isArray(l)) throw typeError(`${q}() expected a LIST, got ${typeName(l)}.`);
    let trues = 0;
    let nulls = 0;
    for (const item of l) {
      row[slot] = item;
      const v = where === null ? item : where(row, ctx);
      const t = truthy(v, `${q}()`);
      if (t === true) trues++;
      else if (t === null) nulls++;
    }
    const falses = l.length - trues - nulls;
    switch (q) {
      case 'all':
        return falses > 0 ? false : nulls > 0 ? null : true;
      case 'any':
        return trues > 0 ? true : nulls > 0 ? null : false;
      case 'none':
        return trues > 0 ? false : nulls > 0 ? null : true;
      case 'single':
        return trues > 1 ? false : nulls > 0 ? null : trues === 1;
    }
  };
}

function compileCall(e: Expr & { kind: 'FunctionCall' | 'CountStar' }, env: CompileEnv): Eval {
  if (isAggregateCall(e)) {
    if (env.aggregateSlot === null) {
      const name = e.kind === 'CountStar' ? 'count' : e.name;
      throw compileError(`Invalid use of aggregating function ${name}(): not allowed here.`);
    }
    const slot = env.aggregateSlot(e);
    return (row) => row[slot];
  }
  const call = e as Expr & { kind: 'FunctionCall' };
  if (call.name === 'exists' && call.args.length === 1) {
    const arg = call.args[0];
    if (arg.kind === 'PatternPredicate') return compileExpr(arg, env);
    const f = compileExpr(arg, env);
    return (row, ctx) => f(row, ctx) !== null;
  }
  checkArgumentKinds(call.name, call.args, env);
  const def = lookupFunction(call.name);
  if (def === undefined) throw compileError(`Function '${call.name}' doesn't exist.`);
  if (call.args.length < def.minArgs || call.args.length > def.maxArgs) {
    throw compileError(
      `Function '${call.name}' expects ${def.minArgs === def.maxArgs ? def.minArgs : `${def.minArgs} to ${def.maxArgs}`} argument(s), got ${call.args.length}.`,
    );
  }
  const args = call.args.map((a) => compileExpr(a, env));
  const fn = def.fn;
  return (row, ctx) => {
    const values = args.map((a) => a(row, ctx));
    try {
      return fn(values, functionContext(ctx));
    } catch (e) {
      const gone = values.find(entityDeleted);
      throw gone === undefined ? e : deletedError(gone);
    }
  };
}

const UPDATING = new Set(['Create', 'Merge', 'Set', 'Remove', 'Delete', 'Foreach']);

/** Argument kinds a function can never accept, for the cases the planner knows statically. */
const REJECTED_KINDS: Record<string, string[]> = {
  length: ['node', 'rel'],
  type: ['node', 'path'],
  labels: ['rel', 'path'],
  size: ['path'],
};

function checkArgumentKinds(name: string, args: Expr[], env: CompileEnv): void {
  const arg = args[0];
  if (arg === undefined) return;
  if (name !== 'exists' && args.some((a) => a.kind === 'PatternPredicate')) {
    throw compileError(`A pattern cannot be passed to ${name}(); use a pattern comprehension, COUNT { … } or exists().`);
  }
  const rejected = REJECTED_KINDS[name];
  if (rejected === undefined || arg.kind !== 'Variable') return;
  const kind = env.kindOf(arg.name);
  if (kind !== undefined && rejected.includes(kind)) throw compileError(`${name}() cannot be applied to a ${kind === 'rel' ? 'relationship' : kind}.`);
}

const fnContexts = new WeakMap<ExecContext, FunctionContext>();

function functionContext(ctx: ExecContext): FunctionContext {
  let fc = fnContexts.get(ctx);
  if (fc === undefined) {
    fc = { statementTime: ctx.statementTime, nodeById: (id: number) => ctx.tx.vertex(id), hopsCount: () => ctx.hops?.count ?? 0, meta: ctx.meta, allocate: ctx.allocate };
    fnContexts.set(ctx, fc);
  }
  return fc;
}

/** Evaluates a non-negative integer (SKIP/LIMIT). */
export function nonNegativeInt(v: Value, what: string): number {
  if (typeof v !== 'bigint' || v < 0n) {
    // openCypher classifies this as a SyntaxError even when found at run time.
    throw compileError(`${what} must be a non-negative integer, got ${v === null ? 'null' : typeName(v)}${typeof v === 'bigint' ? ` ${v}` : ''}.`);
  }
  return Number(v);
}
