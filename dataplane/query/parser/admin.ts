// Memgraph's non-Cypher statements: index/constraint DDL, SHOW …, and system queries
// (snapshots, the data directory lock, replication) that later subsystems implement.

import type { Value } from '../../values.js';
import type { Statement } from '../ast.js';
import type { Cursor } from './cursor.js';

/** Parses an admin statement at the cursor, or returns null if it is not one. */
export function parseAdminStatement(c: Cursor): Statement | null {
  if (c.isKw('SHOW')) return parseShow(c);
  if ((c.isKw('CREATE') || c.isKw('DROP')) && c.isKw('INDEX', 1) && c.isKw('ON', 2)) return parseIndex(c);
  if ((c.isKw('CREATE') || c.isKw('DROP')) && c.isKw('CONSTRAINT', 1)) return parseConstraint(c);
  if (c.isKw('CREATE') && c.isKw('SNAPSHOT', 1)) {
    c.i += 2;
    return system(c, ['CREATE', 'SNAPSHOT']);
  }
  if ((c.isKw('LOCK') || c.isKw('UNLOCK')) && c.isKw('DATA', 1) && c.isKw('DIRECTORY', 2)) {
    const verb = c.isKw('LOCK') ? 'LOCK' : 'UNLOCK';
    c.i += 3;
    return system(c, [verb, 'DATA', 'DIRECTORY']);
  }
  if (c.isKw('DATA') && c.isKw('DIRECTORY', 1) && c.isKw('LOCK', 2) && c.isKw('STATUS', 3)) {
    c.i += 4;
    return system(c, ['DATA', 'DIRECTORY', 'LOCK', 'STATUS']);
  }
  if (c.isKw('SET') && c.isKw('REPLICATION', 1)) return parseSetReplicationRole(c);
  if (c.isKw('REGISTER') && c.isKw('REPLICA', 1)) return parseRegisterReplica(c);
  if (c.isKw('DROP') && c.isKw('REPLICA', 1)) {
    c.i += 2;
    return system(c, ['DROP', 'REPLICA'], [c.expectName('a replica name')]);
  }
  return null;
}

function system(c: Cursor, words: string[], args: Value[] = []): Statement {
  return { kind: 'System', words, args, text: c.text.trim().replace(/;$/, '').trimEnd() };
}

function parseShow(c: Cursor): Statement {
  c.i++;
  const words: string[] = [];
  while (c.tok.kind === 'ident') words.push(c.tokens[c.i++].text.toUpperCase());
  if (words.length === 0) throw c.error('what to show (e.g. INDEX INFO)');
  return { kind: 'Show', what: words.join(' ') };
}

function parseIndex(c: Cursor): Statement {
  const create = c.isKw('CREATE');
  c.i += 3;
  c.expectPunct(':');
  const label = c.expectName('a label');
  let property: string | null = null;
  if (c.acceptPunct('(')) {
    property = c.expectName('a property name');
    c.expectPunct(')');
  }
  return { kind: create ? 'CreateIndex' : 'DropIndex', label, property };
}

function parseConstraint(c: Cursor): Statement {
  const create = c.isKw('CREATE');
  c.i += 2;
  c.expectKw('ON');
  c.expectPunct('(');
  const variable = c.expectName('a variable');
  c.expectPunct(':');
  const label = c.expectName('a label');
  c.expectPunct(')');
  c.expectKw('ASSERT');
  const property = (): string => {
    const t = c.tok;
    if (c.expectName('a variable') !== variable) throw c.errorAt(`Expected the constraint variable '${variable}'`, t);
    c.expectPunct('.');
    return c.expectName('a property name');
  };
  const kind = create ? 'CreateConstraint' : 'DropConstraint';
  if (c.acceptKw('EXISTS')) {
    c.expectPunct('(');
    const properties = [property()];
    c.expectPunct(')');
    return { kind, constraint: 'exists', label, properties };
  }
  const properties = [property()];
  while (c.acceptPunct(',')) properties.push(property());
  c.expectKw('IS');
  c.expectKw('UNIQUE');
  return { kind, constraint: 'unique', label, properties };
}

function parseSetReplicationRole(c: Cursor): Statement {
  const words: string[] = [];
  for (const w of ['SET', 'REPLICATION', 'ROLE', 'TO']) words.push(c.expectKw(w).text.toUpperCase());
  if (!c.isKw('MAIN') && !c.isKw('REPLICA')) throw c.error('MAIN or REPLICA');
  words.push(c.tokens[c.i++].text.toUpperCase());
  const args: Value[] = [];
  if (c.acceptKw('WITH')) {
    c.expectKw('PORT');
    words.push('WITH', 'PORT');
    if (c.tok.kind !== 'int') throw c.error('a port number');
    args.push(c.tokens[c.i++].int);
  }
  return system(c, words, args);
}

function parseRegisterReplica(c: Cursor): Statement {
  c.i += 2;
  const name = c.expectName('a replica name');
  if (!c.isKw('SYNC') && !c.isKw('ASYNC') && !c.isKw('STRICT_SYNC')) throw c.error('SYNC, ASYNC or STRICT_SYNC');
  const mode = c.tokens[c.i++].text.toUpperCase();
  c.expectKw('TO');
  if (c.tok.kind !== 'string') throw c.error('the replica address as a string');
  const address = c.tokens[c.i++].text;
  return system(c, ['REGISTER', 'REPLICA', mode, 'TO'], [name, address]);
}
