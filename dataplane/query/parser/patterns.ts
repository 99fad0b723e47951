// Pattern grammar: `[p =] [shortestPath(] (a:L {k: v})-[r:T|U *1..3 {k: v}]->(b) [)]`.

import type { Expr, ExpansionLambda, NodePattern, PatternPart, RelationshipPattern, VarLength } from '../ast.js';
import type { Cursor } from './cursor.js';
import { notSupportedYet, parseExpression, parseLabelList, parseMapLiteral } from './expressions.js';

/**
 * At `(`: does the matching `)` continue with a relationship (`--`, `-[`, `<-`)?
 * Decides whether `(…)` in an expression is tried as a pattern (bracket table keeps it O(1)).
 */
export function isPatternStart(c: Cursor): boolean {
  if (!c.isPunct('(')) return false;
  const close = c.matching[c.i];
  if (close < 0) return false;
  const rel = close + 1 - c.i;
  return (c.isPunct('-', rel) && (c.isPunct('-', rel + 1) || c.isPunct('[', rel + 1))) || (c.isPunct('<', rel) && c.isPunct('-', rel + 1));
}

/**
 * At a pattern-looking `(`: parses a pattern part with at least one relationship, or returns
 * null and leaves the cursor unchanged. Memoised per position.
 */
export function speculatePattern(c: Cursor): PatternPart | null {
  if (!isPatternStart(c)) return null;
  const start = c.i;
  let memo = c.patternMemo.get(start);
  if (memo === undefined) {
    memo = null;
    const mark = c.chainMark();
    try {
      const part = parsePatternPart(c, false);
      if (part.relationships.length > 0) memo = { part, end: c.i };
    } catch {
      // Not a pattern after all, e.g. `(a) - -1`: the caller parses an expression instead.
      c.unlink(mark);
    }
    c.patternMemo.set(start, memo);
  }
  c.i = memo ? memo.end : start;
  return memo ? memo.part : null;
}

/** Comma-separated pattern parts (MATCH, CREATE, EXISTS { … }). */
export function parsePatternList(c: Cursor): PatternPart[] {
  const parts: PatternPart[] = [];
  do parts.push(parsePatternPart(c, true));
  while (c.acceptPunct(','));
  return parts;
}

export function parsePatternPart(c: Cursor, allowPathVariable: boolean): PatternPart {
  return c.nested(() => {
    const pos = c.pos();
    let pathVariable: string | null = null;
    if (allowPathVariable && c.isVariable() && c.isPunct('=', 1)) {
      pathVariable = c.expectVariable();
      c.i++;
    }
    let shortest: PatternPart['shortest'] = null;
    if (c.isPunct('(', 1) && (c.isKw('SHORTESTPATH') || c.isKw('ALLSHORTESTPATHS'))) {
      shortest = c.isKw('SHORTESTPATH') ? 'shortest' : 'allShortest';
      c.i += 2;
      const chain = parseChain(c);
      c.expectPunct(')');
      return { pathVariable, shortest, ...chain, pos };
    }
    // openCypher allows a parenthesised pattern element: `((a)-->(b))`.
    if (c.isPunct('(') && c.isPunct('(', 1)) {
      c.i++;
      const chain = parseChain(c);
      c.expectPunct(')');
      return { pathVariable, shortest, ...chain, pos };
    }
    return { pathVariable, shortest, ...parseChain(c), pos };
  });
}

function parseChain(c: Cursor): { nodes: NodePattern[]; relationships: RelationshipPattern[] } {
  const nodes = [parseNodePattern(c)];
  const relationships: RelationshipPattern[] = [];
  while (c.isPunct('-') || (c.isPunct('<') && c.isPunct('-', 1))) {
    relationships.push(parseRelationshipPattern(c));
    nodes.push(parseNodePattern(c));
  }
  return { nodes, relationships };
}

function parseNodePattern(c: Cursor): NodePattern {
  const pos = c.pos();
  c.expectPunct('(');
  const variable = c.isName() ? c.expectName() : null;
  const { labels, dynamic } = c.isPunct(':') ? parseLabelList(c) : { labels: [], dynamic: [] };
  if (dynamic.length > 0) {
    const properties = parseProperties(c);
    c.expectPunct(')');
    return { variable, labels, dynamicLabels: dynamic, properties, pos };
  }
  // `(n:A|B)`: the last label and the ones joined to it by `|` are alternatives.
  if (labels.length > 0 && c.isPunct('|')) {
    const anyLabel = [labels.pop() as string];
    while (c.acceptPunct('|')) {
      c.acceptPunct(':');
      anyLabel.push(c.expectName('a label name'));
    }
    const properties = parseProperties(c);
    c.expectPunct(')');
    return { variable, labels, anyLabel, properties, pos };
  }
  const properties = parseProperties(c);
  c.expectPunct(')');
  return { variable, labels, properties, pos };
}

function parseProperties(c: Cursor): Expr | null {
  if (c.isPunct('{')) return parseMapLiteral(c);
  if (c.tok.kind === 'param') {
    const t = c.tok;
    c.i++;
    return { kind: 'Parameter', name: t.text, pos: c.pos(t) };
  }
  return null;
}

function parseRelationshipPattern(c: Cursor): RelationshipPattern {
  const pos = c.pos();
  const incoming = c.acceptPunct('<');
  c.expectPunct('-');
  let variable: string | null = null;
  const types: string[] = [];
  let varLength: VarLength | null = null;
  let properties: Expr | null = null;
  if (c.acceptPunct('[')) {
    variable = c.isName() ? c.expectName() : null;
    if (c.acceptPunct(':')) {
      types.push(c.expectName('a relationship type'));
      while (c.acceptPunct('|')) {
        c.acceptPunct(':');
        types.push(c.expectName('a relationship type'));
      }
    }
    if (c.acceptPunct('*')) varLength = parseVarLength(c);
    properties = parseProperties(c);
    c.expectPunct(']');
  }
  c.expectPunct('-');
  const outgoing = c.acceptPunct('>');
  const direction = incoming === outgoing ? 'both' : incoming ? 'in' : 'out';
  return { variable, types, direction, properties, varLength, pos };
}

/** After `*`: `[BFS|WSHORTEST|ALLSHORTEST] [bounds] [lambdas]` (Memgraph's expansion syntax). */
function parseVarLength(c: Cursor): VarLength {
  const bound = (): number | null => {
    if (c.tok.kind !== 'int') return null;
    const t = c.tok;
    c.i++;
    if (t.int > BigInt(Number.MAX_SAFE_INTEGER)) throw c.errorAt(`Path length bound is too large: '${t.text}'`, t);
    return Number(t.int);
  };
  if (c.isKw('KSHORTEST')) throw notSupportedYet('*KSHORTEST');
  const algorithm = c.acceptKw('BFS') ? 'bfs' : c.acceptKw('WSHORTEST') ? 'wshortest' : c.acceptKw('ALLSHORTEST') ? 'allshortest' : 'dfs';
  if (algorithm === 'wshortest' || algorithm === 'allshortest') {
    // Only an upper bound: `*WSHORTEST 4 (r, n | r.w) total (r, n | filter)`.
    const max = bound();
    if (!c.isPunct('(')) throw c.error('a weight lambda such as (r, n | r.weight)');
    const weight = parseLambda(c, true);
    const totalWeight = c.isName() && !c.isPunct('(') ? c.expectName() : null;
    const filter = c.isPunct('(') ? parseLambda(c, true) : null;
    return { min: null, max, algorithm, filter, weight, totalWeight };
  }
  const min = bound();
  const max = c.acceptPunct('..') ? bound() : min;
  const filter = c.isPunct('(') ? parseLambda(c, false) : null;
  return { min, max, algorithm, filter, weight: null, totalWeight: null };
}

/** `(edge, node [, path [, weight]] | expression)`; the weight parameter only on weighted kinds. */
function parseLambda(c: Cursor, weighted: boolean): ExpansionLambda {
  c.expectPunct('(');
  const edge = c.expectVariable();
  c.expectPunct(',');
  const node = c.expectVariable();
  const path = c.acceptPunct(',') ? c.expectVariable() : null;
  const weight = path !== null && weighted && c.acceptPunct(',') ? c.expectVariable() : null;
  c.expectPunct('|');
  const body = parseExpression(c);
  c.expectPunct(')');
  return { edge, node, path, weight, body };
}
