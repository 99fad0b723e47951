// Cypher (openCypher + Memgraph dialect) parser: text → Statement (see ast.ts).
// Hand-written recursive descent over lexer.ts tokens; the grammar lives in parser/ by area:
//   cursor.ts       token lookahead, errors, nesting/tree-depth guards
//   expressions.ts  precedence climbing, literals, CASE, comprehensions, subquery expressions
//   patterns.ts     node/relationship patterns, var-length, shortestPath, pattern speculation
//   clauses.ts      every clause, projections (ReturnItem.name = source text), UNION
//   admin.ts        index/constraint DDL, SHOW …, admin statements (admin-ast.ts: snapshots, replication, coordinators)
// AST choices the executor relies on:
//   - `exists((a)-->())` is FunctionCall `exists` with one PatternPredicate argument;
//     `EXISTS { … }` / `COUNT { … }` are Subquery expressions.
//   - `a < b < c` becomes `a < b AND b < c`; `-<int literal>` is folded into a negative Literal.
//   - `(…)` in an expression is a PatternPredicate only if it parses as a pattern with a
//     relationship; otherwise it is a parenthesised expression.
// Compile-time semantic checks are a separate pass: semantic.ts `analyze`.

import { MghaError, syntaxError } from '../errors.js';
import type { Statement } from './ast.js';
import { parseAdminStatement } from './parser/admin.js';
import { batchSize, parseQueryBody } from './parser/clauses.js';
import { Cursor } from './parser/cursor.js';
import { Codes } from '../errors.js';

/** Parses one statement; throws MghaError (SyntaxError with line/column) on invalid input. */
export function parse(text: string): Statement {
  try {
    return parseStatement(new Cursor(text));
  } catch (e) {
    if (e instanceof MghaError) throw e;
    // Backstop: the depth guard should make this unreachable.
    throw syntaxError(`Query could not be parsed: ${e instanceof Error ? e.message : String(e)}`, 1, 1);
  }
}

/** `QUERY MEMORY LIMIT n (KB | MB)` → bytes; `QUERY MEMORY UNLIMITED` → null. */
function parseQueryMemoryLimit(c: Cursor): number | null {
  c.i += 2;
  if (c.acceptKw('UNLIMITED')) return null;
  c.expectKw('LIMIT');
  const t = c.tok;
  if (t.kind !== 'int') throw new MghaError(Codes.SemanticError, 'Memory limit must be an integer literal.');
  c.i++;
  if (c.acceptKw('KB')) return Number(t.int) * 1024;
  if (c.acceptKw('MB')) return Number(t.int) * 1024 * 1024;
  throw c.error('KB or MB');
}

function parseStatement(c: Cursor): Statement {
  let explain = false;
  let profile = false;
  if (c.acceptKw('EXPLAIN')) explain = true;
  else if (c.acceptKw('PROFILE')) profile = true;
  // Memgraph's pre-query directive `USING HOPS LIMIT n`.
  let hopsLimit: number | undefined;
  if (c.isKw('USING') && c.isKw('HOPS', 1) && c.isKw('LIMIT', 2)) {
    c.i += 3;
    const t = c.tok;
    if (t.kind !== 'int') throw c.error('an integer hops limit');
    c.i++;
    hopsLimit = Number(t.int);
  }
  // Memgraph's `USING PERIODIC COMMIT n`: commit every n rows of the first clause.
  let periodicCommit: number | undefined;
  if (c.isKw('USING') && c.isKw('PERIODIC', 1) && c.isKw('COMMIT', 2)) {
    c.i += 3;
    periodicCommit = batchSize(c, () => undefined);
  }
  const admin = explain || profile || hopsLimit !== undefined || periodicCommit !== undefined ? null : parseAdminStatement(c);
  let statement: Statement = admin ?? {
    kind: 'Query',
    body: parseQueryBody(c),
    explain,
    profile,
    ...(hopsLimit !== undefined ? { hopsLimit } : {}),
    ...(periodicCommit !== undefined ? { periodicCommit } : {}),
  };
  if (statement.kind === 'Query' && c.isKw('QUERY') && c.isKw('MEMORY', 1)) statement = { ...statement, memoryLimit: parseQueryMemoryLimit(c) };
  c.acceptPunct(';');
  if (c.tok.kind !== 'eof') throw c.error(statement.kind === 'Query' ? 'a clause or end of input' : 'end of input');
  return statement;
}
