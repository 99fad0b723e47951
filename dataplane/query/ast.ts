// The Cypher AST: the contract between the parser (parser.ts) and the planner/executor.
// Pure data, no behaviour. Every node that can fail at run time carries a `pos` so an
// error can name line and column.

import type { Value } from '../values/model.js';
import type { AdminStatement, OtherShow } from './admin-ast.js';
import type { IndexSpec } from '../storage/types.js';

export interface Pos {
  line: number; // 1-based
  column: number; // 1-based
  offset: number; // 0-based character offset into the query text
}

// ---------------------------------------------------------------------------
// Expressions

export type BinaryOp =
  | 'OR'
  | 'XOR'
  | 'AND'
  | '='
  | '<>'
  | '<'
  | '>'
  | '<='
  | '>='
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '^'
  | 'IN'
  | 'STARTS WITH'
  | 'ENDS WITH'
  | 'CONTAINS'
  | '=~';

export type Expr =
  /** null, boolean, integer (bigint), float (number) or string literal. */
  | { kind: 'Literal'; value: Value; pos: Pos }
  | { kind: 'Parameter'; name: string; pos: Pos }
  | { kind: 'Variable'; name: string; pos: Pos }
  /** `object.key` */
  | { kind: 'Property'; object: Expr; key: string; pos: Pos }
  /** `object[index]` on lists (integer index, negative from the end) and maps/nodes (string key). */
  | { kind: 'Index'; object: Expr; index: Expr; pos: Pos }
  /** `object[from..to]`, either bound may be absent. */
  | { kind: 'Slice'; object: Expr; from: Expr | null; to: Expr | null; pos: Pos }
  | { kind: 'List'; items: Expr[]; pos: Pos }
  | { kind: 'Map'; entries: MapEntry[]; pos: Pos }
  /** `n {.a, .*, k: expr, v}` */
  | { kind: 'MapProjection'; subject: string; items: MapProjectionItem[]; pos: Pos }
  | { kind: 'Unary'; op: 'NOT' | '-' | '+'; operand: Expr; pos: Pos }
  /** Chained comparisons (`a < b < c`) are desugared by the parser to `a < b AND b < c`. */
  | { kind: 'Binary'; op: BinaryOp; left: Expr; right: Expr; pos: Pos }
  | { kind: 'IsNull'; operand: Expr; negated: boolean; pos: Pos }
  /** `n:A:B` used as a predicate. */
  | { kind: 'HasLabels'; subject: Expr; labels: string[]; pos: Pos }
  /** `name` is lower-cased, namespaces joined with '.', e.g. `date.truncate`, `tolower`. */
  | { kind: 'FunctionCall'; name: string; distinct: boolean; args: Expr[]; pos: Pos }
  /** `count(*)` */
  | { kind: 'CountStar'; pos: Pos }
  /** `CASE [subject] WHEN … THEN … [ELSE …] END` */
  | { kind: 'Case'; subject: Expr | null; whens: CaseWhen[]; otherwise: Expr | null; pos: Pos }
  /** `[x IN list WHERE pred | projection]` */
  | {
      kind: 'ListComprehension';
      variable: string;
      list: Expr;
      where: Expr | null;
      projection: Expr | null;
      pos: Pos;
    }
  /** `all/any/none/single(x IN list WHERE pred)` */
  | {
      kind: 'Quantifier';
      quantifier: 'all' | 'any' | 'none' | 'single';
      variable: string;
      list: Expr;
      where: Expr | null;
      pos: Pos;
    }
  /** `reduce(acc = init, x IN list | expr)` */
  | {
      kind: 'Reduce';
      accumulator: string;
      init: Expr;
      variable: string;
      list: Expr;
      expression: Expr;
      pos: Pos;
    }
  /** A pattern used as a boolean in WHERE: `(a)-[:T]->(b)` (true if at least one match). */
  | { kind: 'PatternPredicate'; pattern: PatternPart; pos: Pos }
  /** `[p = (a)-->(b) WHERE pred | projection]` */
  | {
      kind: 'PatternComprehension';
      pattern: PatternPart;
      where: Expr | null;
      projection: Expr;
      pos: Pos;
    }
  /** `EXISTS { … }` and `COUNT { … }`: a pattern (with optional WHERE) or a full subquery. */
  | { kind: 'Subquery'; mode: 'exists' | 'count'; query: SubqueryBody; pos: Pos };

export interface MapEntry {
  key: string;
  value: Expr;
}

export type MapProjectionItem =
  | { kind: 'Property'; key: string } // .key
  | { kind: 'AllProperties' } // .*
  | { kind: 'Literal'; key: string; value: Expr } // key: expr
  | { kind: 'Variable'; name: string }; // v  (key = name)

export interface CaseWhen {
  when: Expr;
  then: Expr;
}

export type SubqueryBody =
  | { kind: 'Pattern'; patterns: PatternPart[]; where: Expr | null }
  | { kind: 'Query'; query: QueryBody };

// ---------------------------------------------------------------------------
// Patterns

export interface NodePattern {
  variable: string | null;
  labels: string[];
  /** Memgraph's label alternatives `(n:A|B)`: the node has at least one of them (MATCH only). */
  anyLabel?: string[];
  /** Memgraph's dynamic labels `(n:$label)`, `(n:$(expr))`: a string or a list of strings each. */
  dynamicLabels?: Expr[];
  /** A Map literal or a Parameter, or null. */
  properties: Expr | null;
  pos: Pos;
}

export interface VarLength {
  /** null = default (1) */
  min: number | null;
  /** null = unbounded */
  max: number | null;
  /** Memgraph's expansions: plain `*` (depth first), `*BFS`, `*WSHORTEST`, `*ALLSHORTEST`, `*KSHORTEST`. */
  algorithm: 'dfs' | 'bfs' | 'wshortest' | 'allshortest' | 'kshortest';
  /** `*KSHORTEST | k`: at most k paths per input row (evaluated per row); null = all. */
  limit?: Expr | null;
  /** `(r, n | predicate)`: an expansion is allowed only where it holds. */
  filter: ExpansionLambda | null;
  /** `*WSHORTEST (r, n | weight)`: the weight of each expansion (set for the weighted kinds). */
  weight: ExpansionLambda | null;
  /** The variable bound to a weighted path's total weight, as written after the weight lambda. */
  totalWeight: string | null;
}

/**
 * Memgraph's lambda over an expansion: the relationship and node expanded to, optionally the
 * path so far (`p`) and, for weighted kinds, its weight so far (`w`).
 */
export interface ExpansionLambda {
  edge: string;
  node: string;
  path: string | null;
  weight: string | null;
  body: Expr;
}

export interface RelationshipPattern {
  variable: string | null;
  /** Alternatives (`:A|B`); empty = any type. */
  types: string[];
  /** 'out' = `-->`, 'in' = `<--`, 'both' = `--` */
  direction: 'out' | 'in' | 'both';
  properties: Expr | null;
  /** Set for `*`, `*2`, `*1..3`, `*..3`, `*2..` */
  varLength: VarLength | null;
  pos: Pos;
}

/** A chain `(n0)-[r0]-(n1)-[r1]-(n2)…`: nodes.length === relationships.length + 1. */
export interface PatternPart {
  /** `p = (…)` */
  pathVariable: string | null;
  /** `shortestPath((a)-[*]-(b))` / `allShortestPaths(…)` */
  shortest: 'shortest' | 'allShortest' | null;
  nodes: NodePattern[];
  relationships: RelationshipPattern[];
  pos: Pos;
}

// ---------------------------------------------------------------------------
// Clauses

export interface ReturnItem {
  expression: Expr;
  /** The column name: the alias, or the expression's source text as written. */
  name: string;
  /** True when the name came from `AS alias`. */
  aliased: boolean;
}

export interface SortItem {
  expression: Expr;
  descending: boolean;
}

export interface Projection {
  distinct: boolean;
  /** `RETURN *` / `WITH *` (items may follow the star). */
  star: boolean;
  items: ReturnItem[];
  orderBy: SortItem[];
  skip: Expr | null;
  limit: Expr | null;
}

export type SetItem =
  /** `n.p = expr` (target is a Property expression) */
  | { kind: 'SetProperty'; target: Expr & { kind: 'Property' }; value: Expr; pos: Pos }
  /** `n = {map}` */
  | { kind: 'ReplaceProperties'; variable: string; value: Expr; pos: Pos }
  /** `n += {map}` */
  | { kind: 'MergeProperties'; variable: string; value: Expr; pos: Pos }
  /** Memgraph's `n.a += {map}` / `n.a.b += {map}`: merges into a map-valued property. */
  | { kind: 'MergeProperty'; target: Expr & { kind: 'Property' }; value: Expr; pos: Pos }
  /** `n:A:B`; Memgraph's `n:$label` / `n:$(expr)` in `dynamic` */
  | { kind: 'SetLabels'; variable: string; labels: string[]; dynamic?: Expr[]; pos: Pos };

export type RemoveItem =
  | { kind: 'RemoveProperty'; target: Expr & { kind: 'Property' }; pos: Pos }
  | { kind: 'RemoveLabels'; variable: string; labels: string[]; dynamic?: Expr[]; pos: Pos };

export interface YieldItem {
  name: string;
  alias: string | null;
}

export type Clause =
  | { kind: 'Match'; optional: boolean; patterns: PatternPart[]; where: Expr | null; pos: Pos }
  | { kind: 'Unwind'; expression: Expr; variable: string; pos: Pos }
  | { kind: 'With'; projection: Projection; where: Expr | null; pos: Pos }
  | { kind: 'Return'; projection: Projection; pos: Pos }
  | { kind: 'Create'; patterns: PatternPart[]; pos: Pos }
  | { kind: 'Merge'; pattern: PatternPart; onCreate: SetItem[]; onMatch: SetItem[]; pos: Pos }
  | { kind: 'Set'; items: SetItem[]; pos: Pos }
  | { kind: 'Remove'; items: RemoveItem[]; pos: Pos }
  | { kind: 'Delete'; detach: boolean; expressions: Expr[]; pos: Pos }
  | { kind: 'Foreach'; variable: string; list: Expr; clauses: Clause[]; pos: Pos }
  /** `CALL name(args) YIELD a, b AS c WHERE …`; args null = implicit (no parentheses). */
  | {
      kind: 'CallProcedure';
      name: string;
      args: Expr[] | null;
      yields: YieldItem[] | '*' | null;
      where: Expr | null;
      pos: Pos;
    }
  /** `CALL { … }`; Memgraph's scoped `CALL (a, b) { … }` / `CALL (*) { … }` sees only `scope` */
  /** `inTransactions`: `IN TRANSACTIONS [OF n ROWS]`, the batch size (rows of input per commit). */
  | { kind: 'CallSubquery'; query: QueryBody; scope?: string[] | '*'; inTransactions?: number; pos: Pos }
  /**
   * Memgraph's `LOAD CSV FROM file (WITH | NO) HEADER [IGNORE BAD] [DELIMITER d] [QUOTE q]
   * [NULLIF s] AS row`: the file is a string literal or a parameter; the options are literals.
   */
  | {
      kind: 'LoadCsv';
      file: Expr;
      header: boolean;
      ignoreBad: boolean;
      delimiter: string | null;
      quote: string | null;
      nullif: string | null;
      variable: string;
      pos: Pos;
    };

/** A query without UNION. */
export interface SingleQuery {
  clauses: Clause[];
}

/** `q1 UNION [ALL] q2 …`: unions[i] joins parts[i] and parts[i+1]. */
export interface QueryBody {
  parts: SingleQuery[];
  unions: ('UNION' | 'UNION ALL')[];
}

// ---------------------------------------------------------------------------
// Statements

export type Statement =
  /** `memoryLimit`: Memgraph's `QUERY MEMORY LIMIT n KB|MB` in bytes, null for `QUERY MEMORY UNLIMITED`. */
  /** `periodicCommit`: Memgraph's `USING PERIODIC COMMIT n`, rows of the first clause per commit. */
  | { kind: 'Query'; body: QueryBody; explain: boolean; profile: boolean; memoryLimit?: number | null; hopsLimit?: number; periodicCommit?: number }
  /** `CREATE [EDGE | GLOBAL EDGE | POINT] INDEX ON …`: which index (parser/admin.ts) */
  | { kind: 'CreateIndex'; index: IndexSpec }
  | { kind: 'DropIndex'; index: IndexSpec }
  /** `CREATE CONSTRAINT ON (n:L) ASSERT EXISTS (n.p)` / `ASSERT n.p, n.q IS UNIQUE` */
  | { kind: 'CreateConstraint'; constraint: 'exists' | 'unique'; label: string; properties: string[] }
  | { kind: 'DropConstraint'; constraint: 'exists' | 'unique'; label: string; properties: string[] }
  /**
   * `SHOW INDEX INFO`, `SHOW CONSTRAINT INFO`, `SHOW STORAGE INFO` (schema-queries.ts), or a
   * SHOW without a typed node (upper-cased, single-spaced words after SHOW).
   */
  | OtherShow
  /** Snapshots, the data directory lock, replication and coordinator statements. */
  | AdminStatement;
