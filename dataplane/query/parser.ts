// Cypher (openCypher + Memgraph dialect) parser: text → Statement (see ast.ts).
// Hand-written recursive descent; the grammar lives in parser/*.ts by area.

import { MghaError, syntaxError } from '../errors.js';
import type { Statement } from './ast.js';
import { parseAdminStatement } from './parser/admin.js';
import { parseQueryBody } from './parser/clauses.js';
import { Cursor } from './parser/cursor.js';

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

function parseStatement(c: Cursor): Statement {
  let explain = false;
  let profile = false;
  if (c.acceptKw('EXPLAIN')) explain = true;
  else if (c.acceptKw('PROFILE')) profile = true;
  const admin = explain || profile ? null : parseAdminStatement(c);
  const statement: Statement = admin ?? { kind: 'Query', body: parseQueryBody(c), explain, profile };
  c.acceptPunct(';');
  if (c.tok.kind !== 'eof') throw c.error(statement.kind === 'Query' ? 'a clause or end of input' : 'end of input');
  return statement;
}
