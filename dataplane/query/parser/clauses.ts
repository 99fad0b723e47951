// Clause grammar: query bodies with UNION, and every reading/writing/projection clause.

import type {
  Clause,
  Expr,
  Projection,
  QueryBody,
  RemoveItem,
  ReturnItem,
  SetItem,
  SingleQuery,
  SortItem,
  YieldItem,
} from '../ast.js';
import type { Cursor } from './cursor.js';
import { semanticError, type MghaError } from '../../errors.js';
import { notSupportedYet, parseExpression, parseLabelList, parsePostfix } from './expressions.js';
import { parsePatternList, parsePatternPart } from './patterns.js';

const CLAUSE_WORDS = new Set([
  'MATCH', 'OPTIONAL', 'UNWIND', 'WITH', 'RETURN', 'CREATE', 'MERGE', 'SET', 'REMOVE', 'DELETE',
  'DETACH', 'FOREACH', 'CALL', 'LOAD',
]);

export function isClauseStart(c: Cursor): boolean {
  return c.tok.kind === 'ident' && CLAUSE_WORDS.has(c.tok.text.toUpperCase());
}

/** `single (UNION [ALL] single)*`, stopping at end of input, `;`, `}` or `)`. */
export function parseQueryBody(c: Cursor): QueryBody {
  const parts: SingleQuery[] = [parseSingleQuery(c)];
  const unions: QueryBody['unions'] = [];
  while (c.acceptKw('UNION')) {
    unions.push(c.acceptKw('ALL') ? 'UNION ALL' : 'UNION');
    parts.push(parseSingleQuery(c));
  }
  return { parts, unions };
}

function parseSingleQuery(c: Cursor): SingleQuery {
  const clauses: Clause[] = [];
  while (isClauseStart(c)) clauses.push(parseClause(c));
  if (clauses.length === 0) throw c.error('a clause (MATCH, CREATE, RETURN, …)');
  return { clauses };
}

function parseClause(c: Cursor): Clause {
  const pos = c.pos();
  const word = c.tok.text.toUpperCase();
  c.i++;
  switch (word) {
    case 'OPTIONAL':
      c.expectKw('MATCH');
      return parseMatch(c, true, pos);
    case 'MATCH':
      return parseMatch(c, false, pos);
    case 'UNWIND': {
      const expression = parseExpression(c);
      c.expectKw('AS');
      return { kind: 'Unwind', expression, variable: c.expectVariable(), pos };
    }
    case 'WITH': {
      const projection = parseProjection(c);
      const where = c.acceptKw('WHERE') ? parseExpression(c) : null;
      return { kind: 'With', projection, where, pos };
    }
    case 'RETURN':
      return { kind: 'Return', projection: parseProjection(c), pos };
    case 'CREATE':
      return { kind: 'Create', patterns: parsePatternList(c), pos };
    case 'MERGE':
      return parseMerge(c, pos);
    case 'SET':
      return { kind: 'Set', items: parseSetItems(c), pos };
    case 'REMOVE': {
      const items: RemoveItem[] = [];
      do items.push(parseRemoveItem(c));
      while (c.acceptPunct(','));
      return { kind: 'Remove', items, pos };
    }
    case 'DETACH':
      c.expectKw('DELETE');
      return { kind: 'Delete', detach: true, expressions: parseExpressionList(c), pos };
    case 'DELETE':
      return { kind: 'Delete', detach: false, expressions: parseExpressionList(c), pos };
    case 'FOREACH':
      return parseForeach(c, pos);
    case 'LOAD':
      return parseLoadCsv(c, pos);
    default:
      return parseCall(c, pos);
  }
}

function parseMatch(c: Cursor, optional: boolean, pos: Clause['pos']): Clause {
  const patterns = parsePatternList(c);
  const where = c.acceptKw('WHERE') ? parseExpression(c) : null;
  return { kind: 'Match', optional, patterns, where, pos };
}

function parseExpressionList(c: Cursor): Expr[] {
  const out: Expr[] = [];
  do out.push(parseExpression(c));
  while (c.acceptPunct(','));
  return out;
}

function parseMerge(c: Cursor, pos: Clause['pos']): Clause {
  const pattern = parsePatternPart(c, true);
  const onCreate: SetItem[] = [];
  const onMatch: SetItem[] = [];
  while (c.isKw('ON')) {
    c.i++;
    const target = c.acceptKw('CREATE') ? onCreate : c.acceptKw('MATCH') ? onMatch : null;
    if (!target) throw c.error('CREATE or MATCH');
    c.expectKw('SET');
    target.push(...parseSetItems(c));
  }
  return { kind: 'Merge', pattern, onCreate, onMatch, pos };
}

function parseSetItems(c: Cursor): SetItem[] {
  const items: SetItem[] = [];
  do items.push(parseSetItem(c));
  while (c.acceptPunct(','));
  return items;
}

function parseSetItem(c: Cursor): SetItem {
  const pos = c.pos();
  if (c.isVariable()) {
    if (c.isPunct(':', 1)) {
      const variable = c.expectVariable();
      const { labels, dynamic } = parseLabelList(c);
      return dynamic.length > 0 ? { kind: 'SetLabels', variable, labels, dynamic, pos } : { kind: 'SetLabels', variable, labels, pos };
    }
    if (c.isPunct('=', 1) || c.isPunct('+=', 1)) {
      const variable = c.expectVariable();
      const merge = c.tok.text === '+=';
      c.i++;
      const value = parseExpression(c);
      return merge ? { kind: 'MergeProperties', variable, value, pos } : { kind: 'ReplaceProperties', variable, value, pos };
    }
  }
  const target = parsePropertyTarget(c);
  if (c.acceptPunct('+=')) return { kind: 'MergeProperty', target, value: parseExpression(c), pos };
  c.expectPunct('=');
  return { kind: 'SetProperty', target, value: parseExpression(c), pos };
}

function parseRemoveItem(c: Cursor): RemoveItem {
  const pos = c.pos();
  if (c.isVariable() && c.isPunct(':', 1)) {
    const variable = c.expectVariable();
    const { labels, dynamic } = parseLabelList(c);
    return dynamic.length > 0 ? { kind: 'RemoveLabels', variable, labels, dynamic, pos } : { kind: 'RemoveLabels', variable, labels, pos };
  }
  return { kind: 'RemoveProperty', target: parsePropertyTarget(c), pos };
}

function parsePropertyTarget(c: Cursor): Expr & { kind: 'Property' } {
  const start = c.tok;
  const target = parsePostfix(c);
  if (target.kind !== 'Property') throw c.error('a property (e.g. n.name)', start);
  return target;
}

function parseForeach(c: Cursor, pos: Clause['pos']): Clause {
  c.expectPunct('(');
  const variable = c.expectVariable();
  c.expectKw('IN');
  const list = parseExpression(c);
  c.expectPunct('|');
  const clauses: Clause[] = [];
  c.nested(() => {
    while (isClauseStart(c)) clauses.push(parseClause(c));
  });
  if (clauses.length === 0) throw c.error('an updating clause (CREATE, SET, …)');
  c.expectPunct(')');
  return { kind: 'Foreach', variable, list, clauses, pos };
}

/** After LOAD: Memgraph's grammar, with its semantic errors for non-literal options. */
function parseLoadCsv(c: Cursor, pos: Clause['pos']): Clause {
  if (c.isKw('PARQUET') || c.isKw('JSONL')) throw notSupportedYet(`LOAD ${c.tok.text.toUpperCase()}`);
  c.expectKw('CSV');
  c.expectKw('FROM');
  const t = c.tok;
  let file: Expr;
  if (t.kind === 'string') file = { kind: 'Literal', value: t.text, pos: c.pos() };
  else if (t.kind === 'param') file = { kind: 'Parameter', name: t.text, pos: c.pos() };
  else throw semanticError('CSV file path should be a string literal');
  c.i++;
  let header: boolean;
  if (c.acceptKw('WITH')) header = true;
  else if (c.acceptKw('NO')) header = false;
  else throw c.error('WITH HEADER or NO HEADER');
  c.expectKw('HEADER');
  let ignoreBad = false;
  if (c.acceptKw('IGNORE')) {
    c.expectKw('BAD');
    ignoreBad = true;
  }
  const option = (word: string, what: string): string | null => {
    if (!c.acceptKw(word)) return null;
    const v = c.tok;
    if (v.kind !== 'string') throw semanticError(`${what} should be a string literal`);
    c.i++;
    return v.text;
  };
  const delimiter = option('DELIMITER', 'Delimiter');
  const quote = option('QUOTE', 'Quote');
  const nullif = option('NULLIF', 'Nullif');
  c.expectKw('AS');
  return { kind: 'LoadCsv', file, header, ignoreBad, delimiter, quote, nullif, variable: c.expectVariable(), pos };
}

/** Neo4j's default batch of `CALL { … } IN TRANSACTIONS` without `OF n ROWS`. */
export const DEFAULT_BATCH_ROWS = 1000;

/** After a CALL subquery's `}`: `IN TRANSACTIONS [OF n ROW[S]]`, or nothing. */
function inTransactions(c: Cursor): { inTransactions?: number } {
  if (!c.isKw('IN') || !c.isKw('TRANSACTIONS', 1)) return {};
  c.i += 2;
  if (!c.acceptKw('OF')) return { inTransactions: DEFAULT_BATCH_ROWS };
  return { inTransactions: batchSize(c, () => (c.acceptKw('ROWS') || c.acceptKw('ROW') ? undefined : c.error('ROWS'))) };
}

/** A positive integer literal batch size; `after` consumes what follows it. */
export function batchSize(c: Cursor, after: () => MghaError | undefined): number {
  const t = c.tok;
  if (t.kind !== 'int' || t.int < 1n || t.int > BigInt(Number.MAX_SAFE_INTEGER)) throw c.error('a positive integer batch size');
  c.i++;
  const err = after();
  if (err !== undefined) throw err;
  return Number(t.int);
}

function parseCall(c: Cursor, pos: Clause['pos']): Clause {
  if (c.isPunct('(')) {
    // `CALL (a, b) { … }` / `CALL () { … }` / `CALL (*) { … }`: a scoped subquery.
    c.i++;
    let scope: string[] | '*' = [];
    if (c.acceptPunct('*')) scope = '*';
    else if (!c.isPunct(')')) {
      do scope.push(c.expectVariable());
      while (c.acceptPunct(','));
    }
    c.expectPunct(')');
    c.expectPunct('{');
    const query = c.nested(() => parseQueryBody(c));
    c.expectPunct('}');
    return { kind: 'CallSubquery', query, scope, ...inTransactions(c), pos };
  }
  if (c.acceptPunct('{')) {
    const query = c.nested(() => parseQueryBody(c));
    c.expectPunct('}');
    return { kind: 'CallSubquery', query, ...inTransactions(c), pos };
  }
  const parts = [c.expectName('a procedure name')];
  while (c.acceptPunct('.')) parts.push(c.expectName('a procedure name'));
  let args: Expr[] | null = null;
  if (c.acceptPunct('(')) {
    args = c.isPunct(')') ? [] : parseExpressionList(c);
    c.expectPunct(')');
  }
  let yields: YieldItem[] | '*' | null = null;
  let where: Expr | null = null;
  if (c.acceptKw('YIELD')) {
    if (c.acceptPunct('*')) yields = '*';
    else {
      yields = [];
      do {
        const name = c.expectName('a procedure output name');
        yields.push({ name, alias: c.acceptKw('AS') ? c.expectVariable() : null });
      } while (c.acceptPunct(','));
    }
    if (c.acceptKw('WHERE')) where = parseExpression(c);
  }
  return { kind: 'CallProcedure', name: parts.join('.'), args, yields, where, pos };
}

function parseProjection(c: Cursor): Projection {
  const distinct = c.acceptKw('DISTINCT');
  let star = false;
  const items: ReturnItem[] = [];
  if (c.acceptPunct('*')) {
    star = true;
    while (c.acceptPunct(',')) items.push(parseReturnItem(c));
  } else {
    do items.push(parseReturnItem(c));
    while (c.acceptPunct(','));
  }
  const orderBy: SortItem[] = [];
  if (c.isKw('ORDER')) {
    c.i++;
    c.expectKw('BY');
    do {
      const expression = parseExpression(c);
      let descending = false;
      if (c.acceptKw('DESC') || c.acceptKw('DESCENDING')) descending = true;
      else if (!c.acceptKw('ASC')) c.acceptKw('ASCENDING');
      orderBy.push({ expression, descending });
    } while (c.acceptPunct(','));
  }
  const skip = c.acceptKw('SKIP') ? parseExpression(c) : null;
  const limit = c.acceptKw('LIMIT') ? parseExpression(c) : null;
  return { distinct, star, items, orderBy, skip, limit };
}

function parseReturnItem(c: Cursor): ReturnItem {
  const start = c.i;
  const expression = parseExpression(c);
  if (c.acceptKw('AS')) return { expression, name: c.expectName('an alias'), aliased: true };
  return { expression, name: c.textFrom(start), aliased: false };
}
