// Planner (pure apart from asking the catalog about indexes/counts): AST → operator tree.
// Variables get slot indexes here; MATCH patterns start at the cheapest node (bound >
// label+property index > label index > full scan) and expand outwards; WHERE conjuncts are
// pushed down to the first point where all their variables are bound.
// The statement has passed `analyze` (semantic.ts), so the planner does not repeat its
// scoping, binding, aggregation and CREATE/MERGE pattern checks.

import type { Clause, ExpansionLambda, Expr, NodePattern, PatternPart, Projection as ProjectionAst, QueryBody, RelationshipPattern, ReturnItem, SetItem, SingleQuery, RemoveItem } from './ast.js';
import { Codes, MghaError } from '../errors.js';
import { isNode } from '../values/model.js';
import { equals } from '../values/ops.js';
import { compileError, compileExpr, propertyOf, type CompileEnv } from './executor/expressions.js';
import { conjuncts, containsAggregate, exprVars, isAnonymous, nameAnonymous, propertyEquals, rewriteToAliases } from './executor/ast-utils.js';
import { callsFunction, exprKey } from './semantic/walk.js';
import { chooseIndex, idLookup, type IndexCatalog, type IndexChoice } from './executor/index-choice.js';
import { chooseEdgeIndex, type EdgeIndexChoice } from './executor/edge-index-choice.js';
import { EdgeScan } from './executor/edge-scan.js';
import { Apply, ConstructPath, EdgeUniqueness, Expand, Filter, Once, Optional, Scan, ScanById, Unwind, type Direction, type EdgeFilter } from './executor/read-ops.js';
import { BfsExpand, KShortestExpand, ShortestPath, VarExpand, WeightedShortest, type CompiledLambda, type ExpansionSpec } from './executor/expansions.js';
import { Aggregate, Distinct, Limit, Projection, Skip, Sort, Union, type AggregateSpec } from './executor/projection-ops.js';
import { Create, Delete, Foreach, Merge, Mutate, labelsOf, removeProperty, setLabels, setNestedProperty, setProperties, setProperty, type CreatePartSpec, type Mutation } from './executor/write-ops.js';
import type { Eval, Operator } from './executor/types.js';
import { CallProcedure, type YieldBinding } from './executor/call-procedure.js';
import { BuildRange, UnwindRange } from './executor/ranges.js';
import { LoadCsv } from './executor/load-csv.js';
import { ApplyInTransactions, PeriodicCommit } from './executor/periodic-commit.js';
import { builtinProcedures } from './procedures/builtin.js';
import { checkArgumentCount, checkedArgument } from './procedures/registry.js';
import type { ProcedureLookup } from './procedures/types.js';

/** What the planner may ask storage (index availability and sizes) and which procedures exist. */
export interface Catalog extends IndexCatalog {
  /** Defaults to the built-in procedures. */
  procedures?: ProcedureLookup;
  /** Memgraph's `--allow-load-csv` (default true). */
  allowLoadCsv?: boolean;
}

const BUILTIN_PROCEDURES = builtinProcedures();

export interface Plan {
  root: Operator;
  columns: string[];
  resultSlots: number[];
  slotCount: number;
  /** Bolt query type of a plain query. */
  type: 'r' | 'w' | 'rw';
  /** The plan commits as it goes (only possible in an implicit transaction). */
  periodic?: 'using' | 'call';
  /** Write clauses apply row by row (USING PERIODIC COMMIT; see planSingle). */
  streamWrites?: boolean;
}

/** `body` must have passed `analyze`. */
export function planQuery(body: QueryBody, catalog: Catalog, periodicCommit?: number): Plan {
  const planner = new Planner(catalog);
  planner.periodicCommit = periodicCommit ?? null;
  const { root, columns, slots } = planner.planBody(body, new Map());
  const type = planner.writes ? (planner.reads ? 'rw' : 'w') : 'r';
  return {
    root,
    columns,
    resultSlots: slots,
    slotCount: planner.slotCount,
    type,
    ...(planner.commits !== null ? { periodic: planner.commits } : {}),
    ...(planner.streamWrites ? { streamWrites: true } : {}),
  };
}

/**
 * A plan whose body reads variables bound from outside (a trigger's predefined variables):
 * the caller puts their values in `inputSlots` of the argument row.
 */
export function planWithInputs(body: QueryBody, catalog: Catalog, inputs: readonly string[]): Plan & { inputSlots: number[] } {
  const planner = new Planner(catalog);
  const outer: Vars = new Map();
  const inputSlots = inputs.map((name) => {
    const slot = planner.newSlot();
    outer.set(name, slot);
    return slot;
  });
  const { root, columns, slots } = planner.planBody(body, outer);
  const type = planner.writes ? (planner.reads ? 'rw' : 'w') : 'r';
  return { root, columns, resultSlots: slots, slotCount: planner.slotCount, type, inputSlots };
}

/** EXPLAIN text, Memgraph style: ` * Operator` lines, branches shown with `|\`. */
export function explainLines(op: Operator, prefix = ''): string[] {
  const lines = [`${prefix} * ${op.describe()}`];
  const [main, ...branches] = op.children();
  for (const b of branches) {
    lines.push(`${prefix} |\\`);
    lines.push(...explainLines(b, `${prefix} |`));
  }
  if (main !== undefined) lines.push(...explainLines(main, prefix));
  return lines;
}

type Vars = Map<string, number>;

const CALL_IN_TRANSACTIONS_IN_EXPRESSION = "CALL { ... } IN TRANSACTIONS is not supported inside a subquery expression (EXISTS { ... }, COUNT { ... }); use it as a clause of the query itself.";

/** Arguments an aggregate takes; Memgraph's `collect(key, value)` builds a map. */
const AGGREGATE_ARITY: Readonly<Record<string, [number, number]>> = { collect: [1, 2], percentilecont: [2, 2], percentiledisc: [2, 2] };

function checkAggregateArity(name: string, count: number): void {
  const [min, max] = AGGREGATE_ARITY[name] ?? [1, 1];
  if (count < min || count > max) {
    const wanted = min === max ? `${min}` : `${min} or ${max}`;
    throw compileError(`${name}() takes ${wanted} argument${max === 1 ? '' : 's'}, got ${count}.`);
  }
}

/** The pending MATCH predicate of `(n:A|B)`: n has at least one of the labels. */
function anyLabelPredicate(name: string, labels: string[]): Pending {
  return {
    deps: new Set([name]),
    expr: null,
    make: (env) => {
      const subject = compileExpr({ kind: 'Variable', name, pos: { line: 1, column: 1, offset: 0 } }, env);
      return (row, ctx) => {
        const v = subject(row, ctx);
        if (!isNode(v)) return false;
        const have = v.labels();
        return labels.some((l) => have.includes(l));
      };
    },
  };
}

/** The pending MATCH predicate of `(n:$label)`: n has every label the expressions name. */
function dynamicLabelPredicate(name: string, exprs: Expr[]): Pending {
  const deps = new Set([name]);
  for (const e of exprs) for (const d of exprVars(e)) deps.add(d);
  return {
    deps,
    expr: null,
    make: (env) => {
      const subject = compileExpr({ kind: 'Variable', name, pos: exprs[0].pos }, env);
      const evals = exprs.map((e) => compileExpr(e, env));
      return (row, ctx) => {
        const v = subject(row, ctx);
        if (!isNode(v)) return false;
        const have = v.labels();
        return evals.every((f) => labelsOf(f(row, ctx)).every((l) => have.includes(l)));
      };
    },
  };
}

/**
 * `n.a.b.c` → root `n` and keys [a, b, c] when the root is a variable; otherwise (e.g.
 * `(m).a`, `list[0].a`) the last key on its object, as openCypher reads it.
 */
function propertyPath(target: Expr & { kind: 'Property' }): { root: Expr; keys: string[] } {
  const keys = [target.key];
  let object = target.object;
  while (object.kind === 'Property') {
    keys.unshift(object.key);
    object = object.object;
  }
  return object.kind === 'Variable' ? { root: object, keys } : { root: target.object, keys: [target.key] };
}

/** What a variable is known to hold at plan time (for VariableTypeConflict checks). */
type Kind = 'node' | 'rel' | 'rels' | 'path' | 'list' | 'value' | 'any';

function literalKind(e: Expr): Kind {
  if (e.kind === 'List') return 'list';
  if (e.kind === 'Literal') return e.value === null ? 'any' : 'value';
  return e.kind === 'Map' ? 'value' : 'any';
}

interface Pending {
  deps: Set<string>;
  make: (env: CompileEnv) => Eval;
  expr: Expr | null;
}

class Env implements CompileEnv {
  constructor(
    private readonly planner: Planner,
    readonly vars: Vars,
    readonly aggregateSlot: ((e: Expr) => number) | null = null,
  ) {}
  slotOf(name: string): number | undefined {
    return this.vars.get(name);
  }
  kindOf(name: string): string | undefined {
    return this.planner.kindOf(this.vars, name);
  }
  withLocals(names: string[]): { env: CompileEnv; slots: number[] } {
    const vars = new Map(this.vars);
    const slots = names.map((n) => {
      const s = this.planner.newSlot();
      vars.set(n, s);
      return s;
    });
    // Aggregates are not allowed inside comprehension bodies.
    return { env: new Env(this.planner, vars, null), slots };
  }
  matchSubplan(patterns: PatternPart[], where: Expr | null): { op: Operator; env: CompileEnv } {
    const vars = new Map(this.vars);
    const op = this.planner.planMatch(new Once(), vars, patterns, where);
    return { op, env: new Env(this.planner, vars) };
  }
  querySubplan(body: QueryBody): Operator {
    this.planner.inExpression++;
    try {
      return this.planner.planBody(body, new Map(this.vars), true).root;
    } finally {
      this.planner.inExpression--;
    }
  }
}


class Planner {
  /** USING PERIODIC COMMIT's batch, for the first query part (then cleared). */
  periodicCommit: number | null = null;
  streamWrites = false;
  /** What makes the plan commit as it goes, if anything. */
  commits: 'using' | 'call' | null = null;
  /** Subquery expressions (EXISTS { … }, COUNT { … }) being planned around the current clause. */
  inExpression = 0;

  private periodicAfter(op: Operator, batch: number): Operator {
    this.commits ??= 'using';
    return new PeriodicCommit(op, batch);
  }

  slotCount = 0;
  /** Plan-time kind of each slot that holds a pattern variable or a projected value. */
  private readonly kinds = new Map<number, Kind>();
  reads = false;
  writes = false;
  constructor(private readonly catalog: Catalog) {}

  newSlot(): number {
    return this.slotCount++;
  }

  env(vars: Vars, agg: ((e: Expr) => number) | null = null): Env {
    return new Env(this, vars, agg);
  }

  /** `openEnd`: an EXISTS/COUNT subquery may end with a reading clause. */
  planBody(body: QueryBody, outer: Vars, openEnd = false): { root: Operator; columns: string[]; slots: number[] } {
    let first = this.planSingle(body.parts[0], outer, null, openEnd);
    for (let i = 1; i < body.parts.length; i++) {
      const next = this.planSingle(body.parts[i], outer, first.slots, openEnd);
      if (next.columns.length !== first.columns.length || next.columns.some((c, j) => c !== first.columns[j])) {
        throw compileError('All sub queries in an UNION must have the same column names.');
      }
      const distinct = body.unions[i - 1] === 'UNION';
      first = { ...first, root: new Union(first.root, next.root, distinct ? first.slots : null) };
    }
    return first;
  }

  private planSingle(q: SingleQuery, outer: Vars, forcedSlots: number[] | null, openEnd: boolean): { root: Operator; columns: string[]; slots: number[] } {
    const vars = new Map(outer);
    const clauses = q.clauses;
    const last = clauses[clauses.length - 1];
    if (last === undefined) throw compileError('Empty query.');
    const lastKind = last.kind;
    if (openEnd && last.kind !== 'Return') return { root: this.planClauses(new Once(), vars, clauses), columns: [], slots: [] };
    if (lastKind === 'Match' || lastKind === 'With' || lastKind === 'Unwind' || lastKind === 'LoadCsv') {
      const word = lastKind === 'LoadCsv' ? 'LOAD CSV' : lastKind.toUpperCase();
      throw compileError(`Query cannot conclude with ${word} (must be RETURN or an update clause).`);
    }
    let op: Operator = new Once();
    // USING PERIODIC COMMIT n: commit points after the first clause of the (first) query.
    const batch = this.periodicCommit;
    this.periodicCommit = null;
    // Writes must apply row by row for a batch to hold them when its commit point comes.
    // Unless a later MATCH reads what they change: then, as Memgraph accumulates there,
    // they wait for all input (and the commit points find nothing to commit).
    if (batch !== null) this.streamWrites = !clauses.slice(1).some((c) => c.kind === 'Match');
    for (let i = 0; i < clauses.length - 1; i++) {
      op = this.planClause(op, vars, clauses[i]);
      if (i === 0 && batch !== null) op = this.periodicAfter(op, batch);
    }
    if (last.kind === 'CallProcedure') {
      const call = this.planCall(op, vars, last, clauses.length === 1 && outer.size === 0);
      if (forcedSlots === null) return { root: call.op, columns: call.columns, slots: call.slots };
      if (forcedSlots.length !== call.slots.length) throw compileError('All sub queries in an UNION must have the same column names.');
      // A later UNION part writes its columns to the first part's slots.
      const moved = new Projection(call.op, forcedSlots.map((s, i): [number, Eval] => [s, (row) => row[call.slots[i]]]));
      return { root: moved, columns: call.columns, slots: forcedSlots };
    }
    if (last.kind === 'Return') {
      const r = this.planProjection(op, vars, last.projection, null, forcedSlots, true);
      return { root: r.op, columns: r.columns, slots: r.slots };
    }
    if (forcedSlots !== null && forcedSlots.length > 0) throw compileError('All sub queries in an UNION must have the same column names.');
    return { root: this.planClause(op, vars, last), columns: [], slots: [] };
  }

  private planClauses(op: Operator, vars: Vars, clauses: Clause[]): Operator {
    for (const c of clauses) op = this.planClause(op, vars, c);
    return op;
  }

  private planClause(op: Operator, vars: Vars, c: Clause): Operator {
    switch (c.kind) {
      case 'Match': {
        this.reads = true;
        if (!c.optional) return this.planMatch(op, vars, c.patterns, c.where);
        const subVars = new Map(vars);
        const sub = this.planMatch(new Once(), subVars, c.patterns, c.where);
        const newSlots: number[] = [];
        for (const [name, slot] of subVars) {
          if (!vars.has(name)) {
            newSlots.push(slot);
            vars.set(name, slot);
          }
        }
        return new Optional(op, sub, newSlots);
      }
      case 'Unwind': {
        const range = rangeCall(c.expression);
        const env = this.env(vars);
        const slot = this.newSlot();
        vars.set(c.variable, slot);
        if (range !== null) return new UnwindRange(op, range.map((a) => compileExpr(a, env)), slot);
        return new Unwind(op, compileExpr(c.expression, env), slot);
      }
      case 'With': {
        const r = this.planProjection(op, vars, c.projection, c.where, null, false);
        vars.clear();
        for (const [k, v] of r.vars) vars.set(k, v);
        return r.op;
      }
      case 'Return':
        throw compileError('RETURN can only be used at the end of the query.');
      case 'LoadCsv': {
        if (this.catalog.allowLoadCsv === false) {
          throw new MghaError(Codes.MemgraphClientError, 'Load CSV not allowed on this instance because it was disabled by a config.');
        }
        this.reads = true;
        const file = compileExpr(c.file, this.env(vars));
        const slot = this.newSlot();
        vars.set(c.variable, slot);
        const spec = { header: c.header, ignoreBad: c.ignoreBad, delimiter: c.delimiter ?? ',', quote: c.quote ?? '"', nullif: c.nullif };
        return new LoadCsv(op, file, spec, slot);
      }
      case 'Create': {
        this.writes = true;
        const before = new Set(vars.keys());
        const parts = c.patterns.map((p) => this.createSpec(nameAnonymous(p), vars, before));
        return new Create(op, parts);
      }
      case 'Merge':
        this.reads = true;
        this.writes = true;
        return this.planMerge(op, vars, c);
      case 'Set':
        this.writes = true;
        return new Mutate(op, c.items.map((it) => this.setItem(it, vars)), 'SetProperties');
      case 'Remove':
        this.writes = true;
        return new Mutate(op, c.items.map((it) => this.removeItem(it, vars)), 'RemoveProperties');
      case 'Delete': {
        this.writes = true;
        // The semantic pass rejects label expressions and operators; it lets literals such as null through.
        if (c.expressions.some((e) => e.kind === 'Literal')) throw compileError('DELETE expects a node, relationship or path.');
        const env = this.env(vars);
        return new Delete(op, c.expressions.map((e) => compileExpr(e, env)), c.detach);
      }
      case 'Foreach': {
        this.writes = true;
        const list = compileExpr(c.list, this.env(vars));
        const inner = new Map(vars);
        const slot = this.newSlot();
        inner.set(c.variable, slot);
        for (const cl of c.clauses) {
          if (cl.kind === 'Match' || cl.kind === 'With' || cl.kind === 'Return' || cl.kind === 'Unwind' || cl.kind === 'CallSubquery' || cl.kind === 'LoadCsv') {
            throw compileError('FOREACH can only contain updating clauses.');
          }
        }
        const body = this.planClauses(new Once(), inner, c.clauses);
        return new Foreach(op, list, slot, body);
      }
      case 'CallProcedure':
        return this.planCall(op, vars, c, false).op;
      case 'CallSubquery': {
        const visible = Array.isArray(c.scope) ? new Map(c.scope.map((n): [string, number] => [n, vars.get(n) as number])) : new Map(vars);
        const sub = this.planBody(c.query, visible);
        const unit = sub.columns.length === 0;
        sub.columns.forEach((col, i) => {
          if (vars.has(col)) throw compileError(`Variable \`${col}\` already declared in outer scope.`);
          vars.set(col, sub.slots[i]);
        });
        if (c.inTransactions !== undefined) {
          // An expression is evaluated synchronously: a batch's commit could not be waited for.
          if (this.inExpression > 0) throw compileError(CALL_IN_TRANSACTIONS_IN_EXPRESSION);
          this.commits = 'call';
          return new ApplyInTransactions(op, sub.root, unit, c.inTransactions);
        }
        return new Apply(op, sub.root, 'Apply', unit);
      }
    }
  }

  // ---------------------------------------------------------------- CALL procedure

  /**
   * `standalone`: the whole query is this CALL, so it may omit YIELD (all columns) and
   * take its arguments from same-named parameters when written without parentheses.
   */
  private planCall(op: Operator, vars: Vars, c: Clause & { kind: 'CallProcedure' }, standalone: boolean): { op: Operator; columns: string[]; slots: number[] } {
    const registry = this.catalog.procedures ?? BUILTIN_PROCEDURES;
    const proc = registry.get(c.name);
    if (proc === undefined) throw new MghaError(Codes.ProcedureNotFound, `There is no procedure named '${c.name}'.`);
    if (proc.mode === 'write') this.writes = true;
    else this.reads = true;
    const env = this.env(vars);
    const argExprs: Expr[] = c.args ?? proc.args.map((a) => ({ kind: 'Parameter', name: a.name, pos: c.pos }));
    checkArgumentCount(proc, argExprs.length);
    // A literal of the wrong type is refused before anything runs (openCypher: InvalidArgumentType).
    argExprs.forEach((a, i) => {
      if (a.kind !== 'Literal') return;
      try {
        checkedArgument(proc, proc.args[i], a.value);
      } catch (e) {
        throw compileError(e instanceof Error ? e.message : String(e));
      }
    });
    const args = argExprs.map((a) => compileExpr(a, env));
    let fields: { name: string; alias: string }[];
    if (c.yields === '*' || (c.yields === null && standalone)) fields = proc.results.map((r) => ({ name: r.name, alias: r.name }));
    else if (c.yields === null) {
      if (proc.results.length > 0) throw new MghaError(Codes.SemanticError, 'CALL without YIELD may only be used on procedures which do not return any result fields.');
      fields = [];
    } else fields = c.yields.map((y) => ({ name: y.name, alias: y.alias ?? y.name }));
    const yields: YieldBinding[] = fields.map((f) => {
      const index = proc.results.findIndex((r) => r.name === f.name);
      if (index < 0) throw new MghaError(Codes.SemanticError, `Procedure '${proc.name}' has no result field named '${f.name}'.`);
      const slot = this.newSlot();
      vars.set(f.alias, slot);
      return { index, slot };
    });
    op = new CallProcedure(op, proc, args, yields, registry);
    if (c.where !== null) op = new Filter(op, compileExpr(c.where, this.env(vars)));
    return { op, columns: fields.map((f) => f.alias), slots: yields.map((y) => y.slot) };
  }

  // ---------------------------------------------------------------- MATCH

  kindOf(vars: Vars, name: string): Kind | undefined {
    const slot = vars.get(name);
    return slot === undefined ? undefined : (this.kinds.get(slot) ?? 'any');
  }

  /** openCypher's static checks on pattern variables, in textual order. */
  private checkPatternKinds(patterns: PatternPart[], vars: Vars): Map<string, Kind> {
    const local = new Map<string, Kind>();
    const known = (n: string): Kind | undefined => local.get(n) ?? this.kindOf(vars, n);
    const use = (name: string | null, want: Kind): void => {
      if (name === null) return;
      const k = known(name);
      if (k !== undefined && local.has(name) && (want === 'rel' || want === 'rels')) {
        throw compileError(`Cannot use the same relationship variable \`${name}\` for multiple relationships.`);
      }
      if (k === undefined) local.set(name, want);
      else if (k !== 'any' && k !== want && !(want === 'rels' && (k === 'rel' || k === 'list'))) {
        throw compileError(`Variable \`${name}\` is already bound as a ${k === 'rels' ? 'relationship list' : k}, cannot use it as a ${want === 'rels' ? 'relationship list' : want}.`);
      }
    };
    for (const p of patterns) {
      if (p.pathVariable !== null) {
        if (known(p.pathVariable) !== undefined) throw compileError(`Variable \`${p.pathVariable}\` already declared.`);
        local.set(p.pathVariable, 'path');
      }
      p.nodes.forEach((n, i) => {
        use(n.variable, 'node');
        const r = p.relationships[i];
        if (r !== undefined) use(r.variable, r.varLength === null ? 'rel' : 'rels');
      });
    }
    return local;
  }

  planMatch(op: Operator, vars: Vars, patterns: PatternPart[], where: Expr | null): Operator {
    const declared = this.checkPatternKinds(patterns, vars);
    for (const c of conjuncts(where)) {
      const k = c.kind === 'Variable' ? (declared.get(c.name) ?? this.kindOf(vars, c.name)) : undefined;
      if (k !== undefined && k !== 'any' && k !== 'value') throw compileError(`WHERE expects a boolean, \`${(c as Expr & { kind: 'Variable' }).name}\` is a ${k}.`);
    }
    for (const p of patterns) {
      for (const el of [...p.nodes, ...p.relationships]) {
        if (el.properties !== null && el.properties.kind === 'Parameter') {
          throw compileError('Parameter maps cannot be used in MATCH or MERGE patterns.');
        }
      }
    }
    const parts = patterns.map(nameAnonymous);
    const matchNames = new Set<string>();
    for (const p of parts) {
      if (p.pathVariable !== null) matchNames.add(p.pathVariable);
      for (const n of p.nodes) matchNames.add(n.variable as string);
      for (const r of p.relationships) {
        matchNames.add(r.variable as string);
        if (r.varLength?.totalWeight) matchNames.add(r.varLength.totalWeight);
      }
    }
    for (const name of matchNames) if (vars.has(name)) matchNames.delete(name);
    const pending: Pending[] = conjuncts(where).map((e) => ({ deps: exprVars(e), make: (env) => compileExpr(e, env), expr: e }));
    for (const p of parts) {
      for (const n of p.nodes) {
        this.addPropertyPredicates(n.variable as string, n.properties, pending);
        if (n.anyLabel !== undefined) pending.push(anyLabelPredicate(n.variable as string, n.anyLabel));
        if (n.dynamicLabels !== undefined) pending.push(dynamicLabelPredicate(n.variable as string, n.dynamicLabels));
      }
      for (const r of p.relationships) if (r.varLength === null) this.addPropertyPredicates(r.variable as string, r.properties, pending);
    }
    const relSlots: number[] = [];
    const ctx = { vars, pending, matchNames };
    for (const p of parts) op = this.planPart(op, ctx, p, relSlots);
    op = this.placePending(op, ctx, true);
    if (relSlots.length > 1) op = new EdgeUniqueness(op, relSlots);
    return op;
  }

  private addPropertyPredicates(name: string, props: Expr | null, pending: Pending[]): void {
    if (props === null) return;
    if (props.kind === 'Map') {
      for (const en of props.entries) {
        const e = propertyEquals(name, en.key, en.value, props.pos);
        pending.push({ deps: exprVars(e), make: (env) => compileExpr(e, env), expr: e });
      }
      return;
    }
    const deps = exprVars(props);
    deps.add(name);
    pending.push({
      deps,
      expr: null,
      make: (env) => {
        const subject = compileExpr({ kind: 'Variable', name, pos: props.pos }, env);
        const map = compileExpr(props, env);
        return (row, ctx) => {
          const m = map(row, ctx);
          if (!(m instanceof Map)) return m === null ? null : false;
          const s = subject(row, ctx);
          for (const [k, v] of m) if (equals(propertyOf(s, k), v) !== true) return false;
          return true;
        };
      },
    });
  }

  private placePending(op: Operator, mc: MatchCtx, final: boolean): Operator {
    const ready: Pending[] = [];
    for (const p of mc.pending) {
      const ok = final || [...p.deps].every((d) => d !== '*' && (!mc.matchNames.has(d) || mc.vars.has(d)));
      if (ok) ready.push(p);
    }
    if (ready.length === 0) return op;
    mc.pending = mc.pending.filter((p) => !ready.includes(p));
    const env = this.env(mc.vars);
    const evals = ready.map((p) => p.make(env));
    const pred: Eval = evals.length === 1 ? evals[0] : (row, ctx) => evals.every((f) => f(row, ctx) === true);
    return new Filter(op, pred);
  }

  private planPart(op: Operator, mc: MatchCtx, p: PatternPart, relSlots: number[]): Operator {
    const nodes = p.nodes;
    const rels = p.relationships;
    const nodeSlots: number[] = [];
    const partRelSlots: number[] = [];
    if (p.shortest !== null) {
      if (rels.length !== 1) throw compileError('shortestPath requires a pattern with exactly one relationship.');
      op = this.bindNode(op, mc, nodes[0]);
      op = this.bindNode(op, mc, nodes[1]);
      const r = rels[0];
      const name = r.variable as string;
      const slot = this.newSlot();
      const vl = r.varLength ?? { min: 1, max: 1 };
      const hops = {
        fromSlot: mc.vars.get(nodes[0].variable as string) as number,
        relSlot: slot,
        toSlot: mc.vars.get(nodes[1].variable as string) as number,
        dir: r.direction,
        types: r.types.length > 0 ? r.types : null,
        min: vl.min ?? 1,
        max: vl.max ?? Infinity,
        edgeFilter: this.edgeFilter(r, mc.vars),
      };
      op = new ShortestPath(op, hops, p.shortest === 'allShortest');
      mc.vars.set(name, slot);
      this.kinds.set(slot, 'rels');
      relSlots.push(slot);
      partRelSlots.push(slot);
      nodeSlots.push(mc.vars.get(nodes[0].variable as string) as number, mc.vars.get(nodes[1].variable as string) as number);
      op = this.placePending(op, mc, false);
    } else {
      let start = this.chooseStart(nodes, mc);
      const byEdge = this.edgeStart(p, mc, this.scanCost(nodes[start], mc));
      if (byEdge === null) op = this.bindNode(op, mc, nodes[start]);
      else {
        // Both end nodes of rels[at] are bound: expand on from its right node, back from its left.
        start = byEdge.at;
        op = this.bindByEdge(op, mc, p, byEdge.at, byEdge.choice);
      }
      for (let i = byEdge === null ? start : start + 1; i < rels.length; i++) op = this.expandStep(op, mc, rels[i], nodes[i], nodes[i + 1], rels[i].direction, false);
      for (let i = start - 1; i >= 0; i--) {
        const d = rels[i].direction;
        op = this.expandStep(op, mc, rels[i], nodes[i + 1], nodes[i], d === 'out' ? 'in' : d === 'in' ? 'out' : 'both', true);
      }
      for (const n of nodes) nodeSlots.push(mc.vars.get(n.variable as string) as number);
      for (const r of rels) {
        const s = mc.vars.get(r.variable as string) as number;
        partRelSlots.push(s);
        relSlots.push(s);
      }
    }
    if (p.pathVariable !== null) {
      const slot = this.newSlot();
      mc.vars.set(p.pathVariable, slot);
      this.kinds.set(slot, 'path');
      op = new ConstructPath(op, slot, nodeSlots, partRelSlots);
      op = this.placePending(op, mc, false);
    }
    return op;
  }

  /** A relationship to start the part on through an edge index, when cheaper than `nodeCost`. */
  private edgeStart(p: PatternPart, mc: MatchCtx, nodeCost: number): { at: number; choice: EdgeIndexChoice } | null {
    let best: { at: number; choice: EdgeIndexChoice } | null = null;
    p.relationships.forEach((r, at) => {
      const names = [r.variable, p.nodes[at].variable, p.nodes[at + 1].variable] as string[];
      if (names.some((n) => mc.vars.has(n))) return;
      const choice = chooseEdgeIndex(r, mc.pending, this.lookupReady(r.variable as string, mc), this.catalog);
      if (choice !== null && choice.cost < nodeCost && (best === null || choice.cost < best.choice.cost)) best = { at, choice };
    });
    return best;
  }

  /** Binds rels[at] and its end nodes from an edge index scan. */
  private bindByEdge(op: Operator, mc: MatchCtx, p: PatternPart, at: number, choice: EdgeIndexChoice): Operator {
    const left = p.nodes[at];
    const right = p.nodes[at + 1];
    const r = p.relationships[at];
    const [leftName, rightName, relName] = [left.variable, right.variable, r.variable] as string[];
    const sameNode = leftName === rightName;
    const leftSlot = this.newSlot();
    const rightSlot = sameNode ? leftSlot : this.newSlot();
    const relSlot = this.newSlot();
    const type = r.types.length === 1 ? r.types[0] : null;
    const dir = r.direction;
    const text = `${choice.operator} (${displayName(leftName)})${dir === 'in' ? '<-' : '-'}[${displayName(relName)}${type === null ? '' : `:${type}`}${choice.property === null ? '' : ` {${choice.property}}`}]${dir === 'out' ? '->' : '-'}(${displayName(rightName)})`;
    op = new EdgeScan(op, { leftSlot, relSlot, rightSlot, dir, type, sameNode, lookups: choice.lookups(this.env(mc.vars)), text });
    for (const [name, slot, kind] of [[leftName, leftSlot, 'node'], [rightName, rightSlot, 'node'], [relName, relSlot, 'rel']] as const) {
      mc.vars.set(name, slot);
      this.kinds.set(slot, kind);
    }
    if (left.labels.length > 0) op = this.labelFilter(op, mc, leftName, left.labels);
    if (right.labels.length > 0) op = this.labelFilter(op, mc, rightName, right.labels);
    return this.placePending(op, mc, false);
  }

  private chooseStart(nodes: NodePattern[], mc: MatchCtx): number {
    let best = 0;
    let bestCost = Infinity;
    nodes.forEach((n, i) => {
      const cost = this.scanCost(n, mc);
      if (cost < bestCost) {
        best = i;
        bestCost = cost;
      }
    });
    return best;
  }

  private scanCost(n: NodePattern, mc: MatchCtx): number {
    if (mc.vars.has(n.variable as string)) return -1;
    if (this.idLookupFor(n, mc) !== null) return 0;
    const idx = this.indexFor(n, mc);
    if (idx !== null) return idx.cost;
    if (n.labels.length > 0) return Math.min(...n.labels.map((l) => this.catalog.estimateCount(l)));
    return this.catalog.estimateCount() * 2 + 1;
  }

  /** Whether an expression can be evaluated before `name` is bound (for index/id lookups). */
  private lookupReady(name: string, mc: MatchCtx): (x: Expr) => boolean {
    return (x) => ![...exprVars(x)].some((d) => d === '*' || d === name || (mc.matchNames.has(d) && !mc.vars.has(d)));
  }

  private idLookupFor(n: NodePattern, mc: MatchCtx): Expr | null {
    return idLookup(n.variable as string, mc.pending, this.lookupReady(n.variable as string, mc));
  }

  private indexFor(n: NodePattern, mc: MatchCtx): IndexChoice | null {
    return chooseIndex(n, mc.pending, this.lookupReady(n.variable as string, mc), this.catalog);
  }

  private bindNode(op: Operator, mc: MatchCtx, n: NodePattern): Operator {
    const name = n.variable as string;
    if (mc.vars.has(name)) {
      // A variable bound earlier may hold null (e.g. from OPTIONAL MATCH): it matches nothing.
      op = this.labelFilter(op, mc, name, n.labels);
      return this.placePending(op, mc, false);
    }
    const slot = this.newSlot();
    const byId = this.idLookupFor(n, mc);
    const idx = byId === null ? this.indexFor(n, mc) : null;
    let scanned: string | null = null;
    if (byId !== null) {
      op = new ScanById(op, slot, displayName(name), compileExpr(byId, this.env(mc.vars)));
    } else if (idx !== null) {
      op = new Scan(op, slot, displayName(name), idx.label, { operator: idx.operator, paths: idx.paths, lookups: idx.lookups(this.env(mc.vars)) });
      scanned = idx.label;
    } else if (n.labels.length > 0) {
      scanned = [...n.labels].sort((a, b) => this.catalog.estimateCount(a) - this.catalog.estimateCount(b))[0];
      op = new Scan(op, slot, displayName(name), scanned, null);
    } else op = new Scan(op, slot, displayName(name), null, null);
    mc.vars.set(name, slot);
    this.kinds.set(slot, 'node');
    const rest = n.labels.filter((l) => l !== scanned);
    if (rest.length > 0) op = this.labelFilter(op, mc, name, rest);
    return this.placePending(op, mc, false);
  }

  private labelFilter(op: Operator, mc: MatchCtx, name: string, labels: string[]): Operator {
    const slot = mc.vars.get(name) as number;
    return new Filter(op, (row) => {
      const v = row[slot];
      if (v === null || typeof v !== 'object' || !('kind' in v) || v.kind !== 'node') return false;
      const have = v.labels();
      return labels.every((l) => have.includes(l));
    });
  }

  private edgeFilter(r: RelationshipPattern, vars: Vars): EdgeFilter | null {
    if (r.properties === null) return null;
    const props = compileExpr(r.properties, this.env(vars));
    return (e, row, ctx) => {
      const m = props(row, ctx);
      if (!(m instanceof Map)) return false;
      for (const [k, v] of m) if (equals(e.getProperty(k), v) !== true) return false;
      return true;
    };
  }

  private expandStep(op: Operator, mc: MatchCtx, r: RelationshipPattern, from: NodePattern, to: NodePattern, dir: Direction, reversed: boolean): Operator {
    const fromSlot = mc.vars.get(from.variable as string) as number;
    const toName = to.variable as string;
    const toBound = mc.vars.has(toName);
    const toSlot = toBound ? (mc.vars.get(toName) as number) : this.newSlot();
    const relName = r.variable as string;
    const relBound = mc.vars.get(relName);
    const relSlot = this.newSlot();
    const types = r.types.length > 0 ? r.types : null;
    const text = `(${displayName(from.variable as string)})${dir === 'in' ? '<-' : '-'}[${displayName(relName)}${r.types.length > 0 ? `:${r.types.join('|')}` : ''}]${dir === 'out' ? '->' : '-'}(${displayName(toName)})`;
    if (r.varLength !== null) {
      const vl = r.varLength;
      const hops = { fromSlot, relSlot, toSlot, dir, types, min: vl.min ?? 1, max: vl.max ?? Infinity, edgeFilter: this.edgeFilter(r, mc.vars) };
      const filter = vl.filter === null ? null : this.lambda(vl.filter, mc.vars);
      const target = toBound ? null : this.targetCheck(mc, to, toSlot);
      const spec: ExpansionSpec = { hops, toBound, reversed, filter, target, text };
      if (vl.algorithm === 'dfs') op = new VarExpand(op, spec);
      else if (vl.algorithm === 'bfs') op = new BfsExpand(op, spec);
      else if (vl.algorithm === 'kshortest') {
        if (!toBound) {
          throw new MghaError(Codes.MemgraphClientError, 'KSHORTEST expansion requires matched nodes. Try capturing the pair of nodes using a WITH clause.');
        }
        const limit = vl.limit === undefined || vl.limit === null ? null : compileExpr(vl.limit, this.env(mc.vars));
        op = new KShortestExpand(op, { ...spec, limit });
      } else {
        if (vl.weight === null) throw compileError('A weighted expansion needs a weight lambda.');
        const totalWeightSlot = this.newSlot();
        const weight = this.lambda(vl.weight, mc.vars);
        op = new WeightedShortest(op, { ...spec, weight, totalWeightSlot, all: vl.algorithm === 'allshortest', bounded: vl.max !== null });
        if (vl.totalWeight !== null) mc.vars.set(vl.totalWeight, totalWeightSlot);
      }
    } else op = new Expand(op, fromSlot, relSlot, toSlot, dir, types, toBound, text);
    if (relBound !== undefined) {
      // The relationship variable was bound by an earlier clause: the expansion must hit it.
      op = new Filter(op, (row) => equals(row[relSlot], row[relBound]) === true);
    } else mc.vars.set(relName, relSlot);
    this.kinds.set(relSlot, r.varLength === null ? 'rel' : 'rels');
    this.kinds.set(toSlot, this.kinds.get(toSlot) ?? 'node');
    mc.vars.set(toName, toSlot);
    // A variable-length expansion checks the labels of a new end node itself (targetCheck).
    if (to.labels.length > 0 && (r.varLength === null || toBound)) op = this.labelFilter(op, mc, toName, to.labels);
    return this.placePending(op, mc, false);
  }

  /** Memgraph's expansion lambda, its parameters in slots of their own. */
  private lambda(l: ExpansionLambda, vars: Vars): CompiledLambda {
    const names = [l.edge, l.node, ...(l.path === null ? [] : [l.path]), ...(l.weight === null ? [] : [l.weight])];
    const { env, slots } = this.env(vars).withLocals(names);
    return { edgeSlot: slots[0], nodeSlot: slots[1], pathSlot: l.path === null ? null : slots[2], weightSlot: l.weight === null ? null : slots[3], body: compileExpr(l.body, env) };
  }

  /**
   * The checks a new end node of a variable-length expansion must pass (its labels and the
   * WHERE conjuncts that need only it and earlier variables), taken out of the pending
   * predicates so the expansion applies them before it builds a path.
   */
  private targetCheck(mc: MatchCtx, to: NodePattern, toSlot: number): Eval | null {
    const toName = to.variable as string;
    mc.vars.set(toName, toSlot);
    const ready = mc.pending.filter((p) => [...p.deps].every((d) => d !== '*' && (!mc.matchNames.has(d) || mc.vars.has(d))));
    mc.pending = mc.pending.filter((p) => !ready.includes(p));
    const env = this.env(mc.vars);
    const checks = ready.map((p) => p.make(env));
    if (to.labels.length > 0) {
      const labels = to.labels;
      checks.unshift((row) => {
        const v = row[toSlot];
        return isNode(v) && labels.every((l) => v.labels().includes(l));
      });
    }
    if (checks.length === 0) return null;
    return (row, ctx) => checks.every((f) => f(row, ctx) === true);
  }

  // ---------------------------------------------------------------- CREATE / MERGE

  private createSpec(p: PatternPart, vars: Vars, before: Set<string>): CreatePartSpec {
    if (p.nodes.some((n) => n.anyLabel !== undefined)) throw compileError('Label alternatives (:A|B) can only be used in MATCH.');
    const created = new Set<string>();
    const nodes = p.nodes.map((n) => {
      const name = n.variable as string;
      const declared = before.has(name);
      const bound = declared || created.has(name);
      const k = this.kindOf(vars, name);
      if (declared && k !== undefined && k !== 'node' && k !== 'any') throw compileError(`Variable \`${name}\` is not a node.`);
      let slot = vars.get(name);
      if (slot === undefined) {
        slot = this.newSlot();
        vars.set(name, slot);
      }
      if (!declared) this.kinds.set(slot, 'node');
      created.add(name);
      const dynamicLabels = n.dynamicLabels?.map((d) => compileExpr(d, this.env(vars)));
      return { slot, bound, labels: n.labels, ...(dynamicLabels ? { dynamicLabels } : {}), props: n.properties === null ? null : compileExpr(n.properties, this.env(vars)) };
    });
    const rels = p.relationships.map((r, i) => {
      const name = r.variable as string;
      let slot = vars.get(name);
      if (slot === undefined) {
        slot = this.newSlot();
        vars.set(name, slot);
      }
      this.kinds.set(slot, 'rel');
      const a = nodes[i].slot;
      const b = nodes[i + 1].slot;
      const [from, to] = r.direction === 'in' ? [b, a] : [a, b];
      return { slot, from, to, type: r.types[0], props: r.properties === null ? null : compileExpr(r.properties, this.env(vars)) };
    });
    // Later parts of the same CREATE reuse what this part created.
    for (const name of created) before.add(name);
    let path: CreatePartSpec['path'] = null;
    if (p.pathVariable !== null) {
      let slot = vars.get(p.pathVariable);
      if (slot === undefined) {
        slot = this.newSlot();
        vars.set(p.pathVariable, slot);
      }
      this.kinds.set(slot, 'path');
      path = { slot, nodeSlots: nodes.map((n) => n.slot), relSlots: rels.map((r) => r.slot) };
    }
    return { nodes, rels, path };
  }

  private planMerge(op: Operator, vars: Vars, c: Clause & { kind: 'Merge' }): Operator {
    const part = nameAnonymous(c.pattern);
    const before = new Set(vars.keys());
    const subVars = new Map(vars);
    const match = this.planMatch(new Once(), subVars, [part], null);
    const spec = this.createSpec(part, subVars, before);
    for (const [k, v] of subVars) vars.set(k, v);
    const onMatch = c.onMatch.map((it) => this.setItem(it, vars));
    const onCreate = c.onCreate.map((it) => this.setItem(it, vars));
    return new Merge(op, match, [spec], onMatch, onCreate);
  }

  private variable(name: string, vars: Vars, pos: Expr['pos']): Eval {
    return compileExpr({ kind: 'Variable', name, pos }, this.env(vars));
  }

  private setItem(it: SetItem, vars: Vars): Mutation {
    const env = this.env(vars);
    switch (it.kind) {
      case 'SetProperty': {
        const { root, keys } = propertyPath(it.target);
        if (keys.length === 1) return setProperty(compileExpr(root, env), keys[0], compileExpr(it.value, env));
        return setNestedProperty(compileExpr(root, env), keys, compileExpr(it.value, env), 'set', 'SET');
      }
      case 'MergeProperty': {
        const { root, keys } = propertyPath(it.target);
        return setNestedProperty(compileExpr(root, env), keys, compileExpr(it.value, env), 'merge', 'SET');
      }
      case 'ReplaceProperties':
        return setProperties(this.variable(it.variable, vars, it.pos), compileExpr(it.value, env), true);
      case 'MergeProperties':
        return setProperties(this.variable(it.variable, vars, it.pos), compileExpr(it.value, env), false);
      case 'SetLabels':
        return setLabels(this.variable(it.variable, vars, it.pos), it.labels, true, (it.dynamic ?? []).map((d) => compileExpr(d, env)));
    }
  }

  private removeItem(it: RemoveItem, vars: Vars): Mutation {
    if (it.kind === 'RemoveProperty') {
      const { root, keys } = propertyPath(it.target);
      const target = compileExpr(root, this.env(vars));
      return keys.length === 1 ? removeProperty(target, keys[0]) : setNestedProperty(target, keys, () => null, 'set', 'REMOVE');
    }
    const env = this.env(vars);
    return setLabels(this.variable(it.variable, vars, it.pos), it.labels, false, (it.dynamic ?? []).map((d) => compileExpr(d, env)));
  }

  // ---------------------------------------------------------------- WITH / RETURN

  /**
   * A projected `range(…)` item is built by BuildRange, a slice at a time, into a hidden
   * variable the item then reads (building ten million integers at once would block).
   */
  private buildRanges(op: Operator, vars: Vars, proj: ProjectionAst): { op: Operator; items: ProjectionAst } {
    if (!proj.items.some((it) => rangeCall(it.expression) !== null)) return { op, items: proj };
    const env = this.env(vars);
    const items = proj.items.map((it) => {
      const args = rangeCall(it.expression);
      if (args === null) return it;
      const slot = this.newSlot();
      const name = `  anon_range${slot}`;
      op = new BuildRange(op, args.map((a) => compileExpr(a, env)), slot);
      vars.set(name, slot);
      return { ...it, expression: { kind: 'Variable' as const, name, pos: it.expression.pos } };
    });
    return { op, items: { ...proj, items } };
  }

  private planProjection(
    op: Operator,
    vars: Vars,
    proj: ProjectionAst,
    where: Expr | null,
    forcedSlots: number[] | null,
    isReturn: boolean,
  ): { op: Operator; vars: Vars; columns: string[]; slots: number[] } {
    const items: ReturnItem[] = [];
    ({ op, items: proj } = this.buildRanges(op, vars, proj));
    if (proj.star) {
      const names = [...vars.keys()].filter((n) => !isAnonymous(n)).sort();
      for (const name of names) items.push({ expression: { kind: 'Variable', name, pos: { line: 0, column: 0, offset: 0 } }, name, aliased: true });
    }
    items.push(...proj.items);
    const seen = new Set<string>();
    for (const it of items) {
      if (seen.has(it.name)) throw compileError(`Multiple result columns with the same name '${it.name}' are not supported.`);
      seen.add(it.name);
    }
    const slots = forcedSlots ?? items.map(() => this.newSlot());
    const oldEnv = this.env(vars);
    const newVars: Vars = new Map(items.map((it, i) => [it.name, slots[i]]));
    const overlay: Vars = new Map([...vars, ...newVars]);
    items.forEach((it, i) => {
      const e = it.expression;
      this.kinds.set(slots[i], e.kind === 'Variable' ? (this.kindOf(vars, e.name) ?? 'any') : literalKind(e));
    });
    const aggregating = items.some((it) => containsAggregate(it.expression));
    const aliases = new Map(items.map((it) => [exprKey(it.expression), it.name]));
    const label = isReturn ? `Produce {${items.map((it) => it.name).join(', ')}}` : 'Produce';
    if (!aggregating) {
      op = new Projection(op, items.map((it, i) => [slots[i], compileExpr(it.expression, oldEnv)]), label);
      if (proj.distinct) op = new Distinct(op, slots);
      // After DISTINCT only the projected columns exist; otherwise ORDER BY also sees the old variables.
      const orderEnv = this.env(proj.distinct ? newVars : overlay);
      const keys = proj.orderBy.map((s) => ({ f: compileExpr(rewriteToAliases(s.expression, aliases), orderEnv), descending: s.descending }));
      if (keys.length > 0) op = new Sort(op, keys);
    } else {
      // Grouping keys that are plain variables may appear next to aggregates (`n, n.x + count(*)`).
      const groupVars = new Set(items.filter((it) => it.expression.kind === 'Variable' && !containsAggregate(it.expression)).map((it) => (it.expression as Expr & { kind: 'Variable' }).name));
      // Simple grouping keys (`n`, `n.p`) may be repeated inside an aggregating expression.
      const simpleKeys = new Map(
        items
          .filter((it) => !containsAggregate(it.expression) && (it.expression.kind === 'Variable' || it.expression.kind === 'Property'))
          .map((it) => [exprKey(it.expression), `  key ${it.name}`]),
      );
      const checkAmbiguous = (e: Expr, allowed: Set<string>): void => {
        for (const v of exprVars(rewriteToAliases(e, simpleKeys), new Set(), true)) {
          if (vars.has(v) && !allowed.has(v)) throw compileError(`Ambiguous aggregation expression: \`${v}\` is not a grouping key.`);
        }
      };
      const aggs: AggregateSpec[] = [];
      const hookFor = (argEnv: Env) => (e: Expr): number => {
        const slot = this.newSlot();
        if (e.kind === 'CountStar') aggs.push({ slot, name: null, distinct: false, args: [] });
        else if (e.kind === 'FunctionCall') {
          if (e.args.some((a) => callsFunction(a, 'rand'))) throw compileError('Aggregating a non-deterministic expression (rand()) is not allowed.');
          checkAggregateArity(e.name, e.args.length);
          aggs.push({ slot, name: e.name, distinct: e.distinct, args: e.args.map((a) => compileExpr(a, argEnv)) });
        }
        return slot;
      };
      const keys: [number, Eval][] = [];
      const after: [number, Eval][] = [];
      const aggEnv = this.env(vars, hookFor(oldEnv));
      items.forEach((it, i) => {
        if (containsAggregate(it.expression)) {
          checkAmbiguous(it.expression, groupVars);
          after.push([slots[i], compileExpr(it.expression, aggEnv)]);
        } else keys.push([slots[i], compileExpr(it.expression, oldEnv)]);
      });
      // ORDER BY sees the projected columns; aggregates there read projected variables from the input rows.
      const projectedVarSlots: Vars = new Map();
      for (const it of items) {
        if (it.expression.kind === 'Variable' && vars.has(it.expression.name)) projectedVarSlots.set(it.name, vars.get(it.expression.name) as number);
      }
      const orderEnv = this.env(newVars, hookFor(this.env(projectedVarSlots)));
      const allowedInOrder = new Set([...groupVars, ...newVars.keys()]);
      const sortKeys = proj.orderBy.map((s) => {
        if (containsAggregate(s.expression) && aliases.get(exprKey(s.expression)) === undefined) checkAmbiguous(s.expression, allowedInOrder);
        return { f: compileExpr(rewriteToAliases(s.expression, aliases), orderEnv), descending: s.descending };
      });
      op = new Aggregate(op, keys, aggs);
      if (after.length > 0) op = new Projection(op, after, label);
      if (proj.distinct) op = new Distinct(op, slots);
      if (sortKeys.length > 0) op = new Sort(op, sortKeys);
    }
    const constEnv = this.env(new Map());
    if (proj.skip !== null) op = new Skip(op, compileExpr(checkCount(proj.skip, 'SKIP'), constEnv));
    if (proj.limit !== null) op = new Limit(op, compileExpr(checkCount(proj.limit, 'LIMIT'), constEnv));
    // WITH … WHERE may still refer to variables of the previous scope (the rows carry them).
    if (where !== null) op = new Filter(op, compileExpr(where, this.env(overlay)));
    return { op, vars: newVars, columns: items.map((it) => it.name), slots };
  }
}

/** The arguments of a top-level `range(a, b[, step])` call, or null. */
function rangeCall(e: Expr): Expr[] | null {
  return e.kind === 'FunctionCall' && e.name === 'range' && !e.distinct && (e.args.length === 2 || e.args.length === 3) ? e.args : null;
}

/** SKIP/LIMIT literals are checked at compile time. */
function checkCount(e: Expr, what: string): Expr {
  if (e.kind === 'Literal' && (typeof e.value !== 'bigint' || e.value < 0n)) {
    throw compileError(`${what} must be a non-negative integer.`);
  }
  return e;
}

interface MatchCtx {
  vars: Vars;
  pending: Pending[];
  matchNames: Set<string>;
}

function displayName(name: string): string {
  return name.startsWith('  anon') ? `anon${name.slice(6)}` : name;
}
