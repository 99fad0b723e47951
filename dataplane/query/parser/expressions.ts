// Expression grammar, lowest precedence first (openCypher):
//   OR < XOR < AND < NOT < comparison (chains desugared to AND)
//   < STARTS WITH / ENDS WITH / CONTAINS / =~ / IN / IS [NOT] NULL
//   < + - < * / % < ^ (left-associative) < unary + - < postfix (.key, [i], [a..b], :Label) < atom.
//
// `exists((n)-->())` becomes FunctionCall `exists` whose single argument is a PatternPredicate;
// `EXISTS { … }` / `COUNT { … }` become a Subquery expression.

import type { CaseWhen, Expr, MapEntry, MapProjectionItem, PatternPart, Pos, SubqueryBody } from '../ast.js';
import type { Cursor } from './cursor.js';
import { Codes, MghaError } from '../../errors.js';
import { parsePatternList, parsePatternPart, speculatePattern } from './patterns.js';
import { isClauseStart, parseQueryBody } from './clauses.js';

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

export function parseExpression(c: Cursor): Expr {
  return c.nested(() => parseOr(c));
}

function binaryLevel(c: Cursor, op: 'OR' | 'XOR' | 'AND', next: (c: Cursor) => Expr): Expr {
  const mark = c.chainMark();
  let left = next(c);
  while (c.isKw(op)) {
    const pos = c.pos();
    c.i++;
    c.link();
    left = { kind: 'Binary', op, left, right: next(c), pos };
  }
  c.unlink(mark);
  return left;
}

function parseOr(c: Cursor): Expr {
  return binaryLevel(c, 'OR', parseXor);
}

function parseXor(c: Cursor): Expr {
  return binaryLevel(c, 'XOR', parseAnd);
}

function parseAnd(c: Cursor): Expr {
  return binaryLevel(c, 'AND', parseNot);
}

function parseNot(c: Cursor): Expr {
  if (!c.isKw('NOT')) return parseComparison(c);
  const pos = c.pos();
  c.i++;
  return { kind: 'Unary', op: 'NOT', operand: c.nested(() => parseNot(c)), pos };
}

const COMPARISON = new Set(['=', '<>', '<', '>', '<=', '>=']);

function parseComparison(c: Cursor): Expr {
  const mark = c.chainMark();
  const first = parsePredicates(c);
  let result: Expr | null = null;
  let left = first;
  while (c.tok.kind === 'punct' && COMPARISON.has(c.tok.text)) {
    const pos = c.pos();
    const op = c.tok.text as '=' | '<>' | '<' | '>' | '<=' | '>=';
    c.i++;
    c.link();
    const right = parsePredicates(c);
    const cmp: Expr = { kind: 'Binary', op, left, right, pos };
    result = result === null ? cmp : { kind: 'Binary', op: 'AND', left: result, right: cmp, pos };
    left = right;
  }
  c.unlink(mark);
  return result ?? first;
}

function parsePredicates(c: Cursor): Expr {
  const mark = c.chainMark();
  let left = parseAdditive(c);
  for (;; c.link()) {
    const pos = c.pos();
    if (c.isKw('STARTS') && c.isKw('WITH', 1)) {
      c.i += 2;
      left = { kind: 'Binary', op: 'STARTS WITH', left, right: parseAdditive(c), pos };
    } else if (c.isKw('ENDS') && c.isKw('WITH', 1)) {
      c.i += 2;
      left = { kind: 'Binary', op: 'ENDS WITH', left, right: parseAdditive(c), pos };
    } else if (c.isKw('CONTAINS')) {
      c.i++;
      left = { kind: 'Binary', op: 'CONTAINS', left, right: parseAdditive(c), pos };
    } else if (c.isPunct('=~')) {
      c.i++;
      left = { kind: 'Binary', op: '=~', left, right: parseAdditive(c), pos };
    } else if (c.isKw('IN')) {
      c.i++;
      left = { kind: 'Binary', op: 'IN', left, right: parseAdditive(c), pos };
    } else if (c.isKw('IS')) {
      c.i++;
      const negated = c.acceptKw('NOT');
      c.expectKw('NULL');
      left = { kind: 'IsNull', operand: left, negated, pos };
    } else {
      c.unlink(mark);
      return left;
    }
  }
}

function parseAdditive(c: Cursor): Expr {
  const mark = c.chainMark();
  let left = parseMultiplicative(c);
  while (c.isPunct('+') || c.isPunct('-')) {
    const pos = c.pos();
    const op = c.tok.text as '+' | '-';
    c.i++;
    c.link();
    left = { kind: 'Binary', op, left, right: parseMultiplicative(c), pos };
  }
  c.unlink(mark);
  return left;
}

function parseMultiplicative(c: Cursor): Expr {
  const mark = c.chainMark();
  let left = parsePower(c);
  while (c.isPunct('*') || c.isPunct('/') || c.isPunct('%')) {
    const pos = c.pos();
    const op = c.tok.text as '*' | '/' | '%';
    c.i++;
    c.link();
    left = { kind: 'Binary', op, left, right: parsePower(c), pos };
  }
  c.unlink(mark);
  return left;
}

function parsePower(c: Cursor): Expr {
  const mark = c.chainMark();
  let left = parseUnary(c);
  while (c.isPunct('^')) {
    const pos = c.pos();
    c.i++;
    c.link();
    left = { kind: 'Binary', op: '^', left, right: parseUnary(c), pos };
  }
  c.unlink(mark);
  return left;
}

function parseUnary(c: Cursor): Expr {
  if (!c.isPunct('-') && !c.isPunct('+')) return parsePostfix(c);
  const pos = c.pos();
  const op = c.tok.text as '-' | '+';
  c.i++;
  // `-9223372036854775808` is a valid literal although its magnitude is not.
  if (op === '-' && c.tok.kind === 'int' && !isPostfixStart(c, 1)) {
    const t = c.tok;
    c.i++;
    const value = -t.int;
    if (value < INT64_MIN) throw c.errorAt(`Integer literal is too large: '-${t.text}'`, t);
    return { kind: 'Literal', value, pos };
  }
  return { kind: 'Unary', op, operand: c.nested(() => parseUnary(c)), pos };
}

function isPostfixStart(c: Cursor, n: number): boolean {
  return c.isPunct('.', n) || c.isPunct('[', n);
}

/** Atom followed by property lookups, index/slice and label predicates. */
export function parsePostfix(c: Cursor): Expr {
  const mark = c.chainMark();
  let expr = parseAtom(c);
  for (;; c.link()) {
    const pos = c.pos();
    if (c.isPunct('.') && c.isName(1)) {
      c.i++;
      expr = { kind: 'Property', object: expr, key: c.expectName(), pos };
    } else if (c.isPunct('[')) {
      c.i++;
      const from = c.isPunct('..') ? null : parseExpression(c);
      if (c.acceptPunct('..')) {
        const to = c.isPunct(']') ? null : parseExpression(c);
        c.expectPunct(']');
        expr = { kind: 'Slice', object: expr, from, to, pos };
      } else {
        c.expectPunct(']');
        expr = { kind: 'Index', object: expr, index: from!, pos };
      }
    } else if (c.isPunct(':') && c.isName(1)) {
      expr = { kind: 'HasLabels', subject: expr, labels: parseLabels(c), pos };
    } else {
      c.unlink(mark);
      return expr;
    }
  }
}

/** `:A:B` (at least one). */
/** `:A:$label:$(expr)`: names, and Memgraph's dynamic labels (a parameter or `$(expression)`). */
export function parseLabelList(c: Cursor): { labels: string[]; dynamic: Expr[] } {
  const labels: string[] = [];
  const dynamic: Expr[] = [];
  while (c.acceptPunct(':')) {
    const t = c.tok;
    if (t.kind === 'param') {
      dynamic.push({ kind: 'Parameter', name: t.text, pos: c.pos() });
      c.i++;
    } else if (c.isPunct('$') && c.isPunct('(', 1)) {
      c.i += 2;
      dynamic.push(parseExpression(c));
      c.expectPunct(')');
    } else labels.push(c.expectName('a label name'));
  }
  return { labels, dynamic };
}

/** Memgraph syntax mgha does not implement yet: its own refusal, not a syntax error. */
export function notSupportedYet(what: string): MghaError {
  return new MghaError(Codes.MemgraphClientError, `${what} is not supported yet.`);
}

export function parseLabels(c: Cursor): string[] {
  const labels: string[] = [];
  while (c.acceptPunct(':')) labels.push(c.expectName('a label name'));
  return labels;
}

function parseAtom(c: Cursor): Expr {
  const t = c.tok;
  const pos = c.pos();
  switch (t.kind) {
    case 'int':
      if (t.int > INT64_MAX) throw c.errorAt(`Integer literal is too large: '${t.text}'`);
      c.i++;
      return { kind: 'Literal', value: t.int, pos };
    case 'float':
      c.i++;
      return { kind: 'Literal', value: t.float, pos };
    case 'string':
      c.i++;
      return { kind: 'Literal', value: t.text, pos };
    case 'param':
      c.i++;
      return { kind: 'Parameter', name: t.text, pos };
    case 'punct':
      if (t.text === '(') return parseParenthesized(c);
      if (t.text === '[') return parseBracketed(c);
      if (t.text === '{') return parseMapLiteral(c);
      throw c.error('an expression');
    case 'quoted':
      c.i++;
      return variableOrProjection(c, t.text, pos);
    case 'ident':
      return parseWordAtom(c);
    default:
      throw c.error('an expression');
  }
}

function parseWordAtom(c: Cursor): Expr {
  const t = c.tok;
  const pos = c.pos();
  // Memgraph's enum values `Status::Good`.
  // It evaluates as ToEnum('Status', 'Good') (functions/enums.ts), with Memgraph's errors.
  if (c.isPunct(':', 1) && c.isPunct(':', 2) && c.peek(1).end === c.peek(2).offset) {
    c.i += 3;
    const value = c.expectName('an enum value');
    return { kind: 'FunctionCall', name: 'ToEnum', distinct: false, args: [{ kind: 'Literal', value: t.text, pos }, { kind: 'Literal', value, pos }], pos };
  }
  const word = t.text.toUpperCase();
  const call = c.isPunct('(', 1);
  switch (word) {
    case 'NULL':
      c.i++;
      return { kind: 'Literal', value: null, pos };
    case 'TRUE':
    case 'FALSE':
      c.i++;
      return { kind: 'Literal', value: word === 'TRUE', pos };
    case 'CASE':
      return parseCase(c);
    case 'COUNT':
      if (call && c.isPunct('*', 2) && c.isPunct(')', 3)) {
        c.i += 4;
        return { kind: 'CountStar', pos };
      }
      if (c.isPunct('{', 1)) return parseSubquery(c, 'count');
      break;
    case 'EXISTS':
      if (c.isPunct('{', 1)) return parseSubquery(c, 'exists');
      break;
    case 'ALL':
    case 'ANY':
    case 'NONE':
    case 'SINGLE':
      if (call && c.isVariable(2) && c.isKw('IN', 3)) return parseQuantifier(c);
      break;
    case 'REDUCE':
      if (call && c.isVariable(2) && c.isPunct('=', 3)) return parseReduce(c);
      break;
    case 'SHORTESTPATH':
    case 'ALLSHORTESTPATHS':
      if (call) {
        const pattern = parsePatternPart(c, false);
        return { kind: 'PatternPredicate', pattern, pos };
      }
      break;
  }
  // Function call: name(.name)* '('
  let k = 1;
  while (c.isPunct('.', k) && c.isName(k + 1)) k += 2;
  if (c.isPunct('(', k)) return parseFunctionCall(c, k);
  if (!c.isVariable()) throw c.error('an expression');
  c.i++;
  return variableOrProjection(c, t.text, pos);
}

function variableOrProjection(c: Cursor, name: string, pos: Pos): Expr {
  if (c.isPunct('{')) return parseMapProjection(c, name, pos);
  return { kind: 'Variable', name, pos };
}

function parseFunctionCall(c: Cursor, nameTokens: number): Expr {
  const pos = c.pos();
  const parts: string[] = [];
  for (let k = 0; k < nameTokens; k += 2) parts.push(c.peek(k).text.toLowerCase());
  c.i += nameTokens;
  c.expectPunct('(');
  const distinct = c.acceptKw('DISTINCT');
  const args: Expr[] = [];
  if (distinct || !c.isPunct(')')) {
    do args.push(parseExpression(c));
    while (c.acceptPunct(','));
  }
  c.expectPunct(')');
  return { kind: 'FunctionCall', name: parts.join('.'), distinct, args, pos };
}

function parseQuantifier(c: Cursor): Expr {
  const pos = c.pos();
  const quantifier = c.tok.text.toLowerCase() as 'all' | 'any' | 'none' | 'single';
  c.i += 2;
  const variable = c.expectVariable();
  c.expectKw('IN');
  const list = parseExpression(c);
  const where = c.acceptKw('WHERE') ? parseExpression(c) : null;
  c.expectPunct(')');
  return { kind: 'Quantifier', quantifier, variable, list, where, pos };
}

function parseReduce(c: Cursor): Expr {
  const pos = c.pos();
  c.i += 2;
  const accumulator = c.expectVariable();
  c.expectPunct('=');
  const init = parseExpression(c);
  c.expectPunct(',');
  const variable = c.expectVariable();
  c.expectKw('IN');
  const list = parseExpression(c);
  c.expectPunct('|');
  const expression = parseExpression(c);
  c.expectPunct(')');
  return { kind: 'Reduce', accumulator, init, variable, list, expression, pos };
}

function parseCase(c: Cursor): Expr {
  const pos = c.pos();
  c.i++;
  const subject = c.isKw('WHEN') ? null : parseExpression(c);
  const whens: CaseWhen[] = [];
  while (c.acceptKw('WHEN')) {
    const when = parseExpression(c);
    c.expectKw('THEN');
    whens.push({ when, then: parseExpression(c) });
  }
  if (whens.length === 0) throw c.error('WHEN');
  const otherwise = c.acceptKw('ELSE') ? parseExpression(c) : null;
  c.expectKw('END');
  return { kind: 'Case', subject, whens, otherwise, pos };
}

function parseSubquery(c: Cursor, mode: 'exists' | 'count'): Expr {
  const pos = c.pos();
  c.i += 2;
  let query: SubqueryBody;
  if (isClauseStart(c)) {
    query = { kind: 'Query', query: c.nested(() => parseQueryBody(c)) };
  } else {
    const patterns = parsePatternList(c);
    const where = c.acceptKw('WHERE') ? parseExpression(c) : null;
    query = { kind: 'Pattern', patterns, where };
  }
  c.expectPunct('}');
  return { kind: 'Subquery', mode, query, pos };
}

/** `( … )`: a pattern predicate if it reads as a relationship pattern, else a parenthesised expression. */
function parseParenthesized(c: Cursor): Expr {
  const pos = c.pos();
  const pattern = speculatePattern(c);
  if (pattern) return { kind: 'PatternPredicate', pattern, pos };
  c.expectPunct('(');
  const inner = parseExpression(c);
  c.expectPunct(')');
  return inner;
}

/** `[` starts a list literal, a list comprehension or a pattern comprehension. */
function parseBracketed(c: Cursor): Expr {
  const pos = c.pos();
  if (c.isVariable(1) && c.isKw('IN', 2)) {
    c.i++;
    const variable = c.expectVariable();
    c.i++;
    const list = parseExpression(c);
    const where = c.acceptKw('WHERE') ? parseExpression(c) : null;
    const projection = c.acceptPunct('|') ? parseExpression(c) : null;
    c.expectPunct(']');
    return { kind: 'ListComprehension', variable, list, where, projection, pos };
  }
  const comprehension = tryPatternComprehension(c, pos);
  if (comprehension) return comprehension;
  c.i++;
  const items: Expr[] = [];
  if (!c.isPunct(']')) {
    do items.push(parseExpression(c));
    while (c.acceptPunct(','));
  }
  c.expectPunct(']');
  return { kind: 'List', items, pos };
}

function tryPatternComprehension(c: Cursor, pos: Pos): Expr | null {
  const start = c.i;
  c.i++;
  let pattern: PatternPart | null;
  if (c.isVariable() && c.isPunct('=', 1)) {
    pattern = parsePatternPart(c, true);
    if (!c.isKw('WHERE') && !c.isPunct('|')) throw c.error("WHERE or '|'");
  } else {
    pattern = speculatePattern(c);
    // `[(a)-->(b)]` without WHERE or `|` is a list holding a pattern predicate.
    if (!pattern || (!c.isKw('WHERE') && !c.isPunct('|'))) {
      c.i = start;
      return null;
    }
  }
  const where = c.acceptKw('WHERE') ? parseExpression(c) : null;
  c.expectPunct('|');
  const projection = parseExpression(c);
  c.expectPunct(']');
  return { kind: 'PatternComprehension', pattern, where, projection, pos };
}

export function parseMapLiteral(c: Cursor): Expr & { kind: 'Map' } {
  const pos = c.pos();
  c.expectPunct('{');
  const entries: MapEntry[] = [];
  if (!c.isPunct('}')) {
    do {
      const key = c.expectName('a map key');
      c.expectPunct(':');
      entries.push({ key, value: parseExpression(c) });
    } while (c.acceptPunct(','));
  }
  c.expectPunct('}');
  return { kind: 'Map', entries, pos };
}

function parseMapProjection(c: Cursor, subject: string, pos: Pos): Expr {
  c.expectPunct('{');
  const items: MapProjectionItem[] = [];
  if (!c.isPunct('}')) {
    do {
      if (c.acceptPunct('.')) {
        if (c.acceptPunct('*')) items.push({ kind: 'AllProperties' });
        else items.push({ kind: 'Property', key: c.expectName('a property name or *') });
      } else if (c.isName() && c.isPunct(':', 1)) {
        const key = c.expectName();
        c.i++;
        items.push({ kind: 'Literal', key, value: parseExpression(c) });
      } else {
        items.push({ kind: 'Variable', name: c.expectVariable() });
      }
    } while (c.acceptPunct(','));
  }
  c.expectPunct('}');
  return { kind: 'MapProjection', subject, items, pos };
}
