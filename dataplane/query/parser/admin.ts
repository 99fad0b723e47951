// Memgraph's non-Cypher statements: index/constraint DDL, SHOW …, and the admin statements
// of admin-ast.ts (snapshots, the data directory lock, replication, HA coordinators), with
// Memgraph's grammar (MemgraphCypher.g4). A statement is only claimed when its leading
// keywords cannot start a Cypher query (`SET INSTANCE x TO`, not `SET instance.x = 1`).

import { Codes, MghaError, semanticError } from '../../errors.js';
import type { ConfigMap, ConfigValue, ReplicationMode, TriggerEventType } from '../admin-ast.js';
import type { Statement } from '../ast.js';
import type { IndexKind, IndexSpec } from '../../storage/types.js';
import type { Cursor } from './cursor.js';
import { parseMetadataStatement } from './metadata.js';

/**
 * Memgraph statements mgha does not implement yet, by their leading keywords: they answer
 * `<words> is not supported yet.` instead of a syntax error.
 */
const NOT_YET: readonly string[][] = [
  ['DROP', 'ENUM'],
  ['CREATE', 'TEXT', 'INDEX'], ['DROP', 'TEXT', 'INDEX'],
  ['CREATE', 'VECTOR', 'INDEX'], ['CREATE', 'VECTOR', 'EDGE', 'INDEX'], ['DROP', 'VECTOR', 'INDEX'],
  ['SET', 'DATABASE', 'SETTING'], ['CREATE', 'DATABASE'], ['DROP', 'DATABASE'], ['USE', 'DATABASE'],
  ['CREATE', 'USER'], ['DROP', 'USER'], ['CREATE', 'ROLE'], ['DROP', 'ROLE'], ['SET', 'PASSWORD'], ['SET', 'ROLE'], ['CLEAR', 'ROLE'],
  ['GRANT'], ['DENY'], ['REVOKE'],
  ['CREATE', 'KAFKA', 'STREAM'], ['CREATE', 'PULSAR', 'STREAM'], ['START', 'STREAM'], ['START', 'ALL', 'STREAMS'],
  ['STOP', 'STREAM'], ['STOP', 'ALL', 'STREAMS'], ['DROP', 'STREAM'], ['CHECK', 'STREAM'],
  ['DUMP', 'DATABASE'], ['RECOVER', 'SNAPSHOT'], ['EDGE', 'IMPORT', 'MODE'], ['ENABLE', 'TTL'], ['DISABLE', 'TTL'], ['STOP', 'TTL'],
  ['SET', 'SESSION', 'TRANSACTION'], ['SET', 'GLOBAL', 'TRANSACTION'], ['SET', 'NEXT', 'TRANSACTION'],
  ['USING', 'INDEX'],
];

function notYet(c: Cursor): string | null {
  for (const words of NOT_YET) {
    if (!words.every((w, k) => c.isKw(w, k))) continue;
    // `CREATE user = (…)` is a path variable, `SET role.x = 1` a property: Cypher, not this.
    const after = c.peek(words.length);
    if (after.kind === 'punct' && ['=', '.', ':', '+=', '('].includes(after.text)) continue;
    return words.filter((w) => w !== 'ON').join(' ');
  }
  return null;
}

/** Parses an admin statement at the cursor, or returns null if it is not one. */
export function parseAdminStatement(c: Cursor): Statement | null {
  const missing = notYet(c);
  if (missing !== null) throw new MghaError(Codes.MemgraphClientError, `${missing} is not supported yet.`);
  const metadata = parseMetadataStatement(c);
  if (metadata !== null) return metadata;
  if (c.isKw('SHOW')) return parseShow(c);
  const index = parseIndex(c);
  if (index !== null) return index;
  if ((c.isKw('CREATE') || c.isKw('DROP')) && c.isKw('CONSTRAINT', 1)) return parseConstraint(c);
  if (keywords(c, 'CREATE', 'SNAPSHOT')) return { kind: 'CreateSnapshot' };
  if (keywords(c, 'LOCK', 'DATA', 'DIRECTORY')) return { kind: 'LockDataDirectory' };
  if (keywords(c, 'UNLOCK', 'DATA', 'DIRECTORY')) return { kind: 'UnlockDataDirectory' };
  if (keywords(c, 'DATA', 'DIRECTORY', 'LOCK', 'STATUS')) return { kind: 'DataDirectoryLockStatus' };
  if (keywords(c, 'SET', 'REPLICATION', 'ROLE')) return parseSetReplicationRole(c);
  if (keywords(c, 'REGISTER', 'REPLICA')) return parseRegisterReplica(c);
  if (keywords(c, 'DROP', 'REPLICA')) return { kind: 'DropReplica', name: c.expectName('a replica name') };
  if (keywords(c, 'TERMINATE', 'TRANSACTIONS')) return parseTerminateTransactions(c);
  if (keywords(c, 'FREE', 'MEMORY')) return { kind: 'FreeMemory' };
  if (keywords(c, 'ANALYZE', 'GRAPH')) return parseAnalyzeGraph(c);
  if (keywords(c, 'STORAGE', 'MODE')) {
    const mode = c.tok.text.toUpperCase();
    if (!['IN_MEMORY_TRANSACTIONAL', 'IN_MEMORY_ANALYTICAL', 'ON_DISK_TRANSACTIONAL'].includes(mode) || c.tok.kind !== 'ident') {
      throw c.error('IN_MEMORY_TRANSACTIONAL, IN_MEMORY_ANALYTICAL or ON_DISK_TRANSACTIONAL');
    }
    c.i++;
    return { kind: 'StorageMode', mode };
  }
  if (keywords(c, 'CREATE', 'TRIGGER')) return parseCreateTrigger(c);
  if (keywords(c, 'DROP', 'TRIGGER')) return { kind: 'DropTrigger', name: c.expectName('a trigger name') };
  return parseCoordinatorStatement(c);
}

/** Consumes the keywords if they all come next; otherwise consumes nothing. */
function keywords(c: Cursor, ...words: string[]): boolean {
  if (!words.every((w, k) => c.isKw(w, k))) return false;
  c.i += words.length;
  return true;
}

/** True if the token after `n` leading keywords is a name, not `.`/`:`/`=` of a Cypher clause. */
function nameFollows(c: Cursor, n: number): boolean {
  const t = c.peek(n);
  return t.kind === 'ident' || t.kind === 'quoted' || t.kind === 'int';
}

function parseCoordinatorStatement(c: Cursor): Statement | null {
  if (keywords(c, 'ADD', 'COORDINATOR')) {
    const id = coordinatorId(c);
    c.expectKw('WITH');
    c.expectKw('CONFIG');
    return { kind: 'AddCoordinator', id, config: parseConfigMap(c) };
  }
  if (c.isKw('REMOVE') && c.isKw('COORDINATOR', 1) && nameFollows(c, 2)) {
    c.i += 2;
    return { kind: 'RemoveCoordinator', id: coordinatorId(c) };
  }
  if (keywords(c, 'REGISTER', 'INSTANCE')) return parseRegisterInstance(c);
  if (keywords(c, 'UNREGISTER', 'INSTANCE')) return { kind: 'UnregisterInstance', name: c.expectName('an instance name') };
  if (c.isKw('SET') && c.isKw('INSTANCE', 1) && nameFollows(c, 2) && c.isKw('TO', 3)) {
    c.i += 2;
    const name = c.expectName('an instance name');
    c.expectKw('TO');
    c.expectKw('MAIN');
    return { kind: 'SetInstanceToMain', name };
  }
  if (keywords(c, 'DEMOTE', 'INSTANCE')) return { kind: 'DemoteInstance', name: c.expectName('an instance name') };
  if (keywords(c, 'UPDATE', 'CONFIG', 'FOR')) {
    if (c.acceptKw('INSTANCE')) {
      const name = c.expectName('an instance name');
      return { kind: 'UpdateInstanceConfig', name, config: parseConfigMap(c) };
    }
    if (c.acceptKw('COORDINATOR')) {
      const id = coordinatorId(c);
      return { kind: 'UpdateCoordinatorConfig', id, config: parseConfigMap(c) };
    }
    throw c.error('INSTANCE or COORDINATOR');
  }
  if (keywords(c, 'SET', 'COORDINATOR', 'SETTING')) {
    const name = stringLiteral(c, 'Setting name should be a string literal');
    c.expectKw('TO');
    return { kind: 'SetCoordinatorSetting', name, value: stringLiteral(c, 'Setting value should be a string literal') };
  }
  if (keywords(c, 'FORCE', 'RESET', 'CLUSTER', 'STATE')) return { kind: 'ForceResetClusterState' };
  if (keywords(c, 'YIELD', 'LEADERSHIP')) return { kind: 'YieldLeadership' };
  return null;
}

/** SHOW words with a typed statement; any other SHOW keeps its words. */
const SHOWS = new Map<string, Statement>([
  ['SNAPSHOTS', { kind: 'ShowSnapshots' }],
  ['REPLICATION ROLE', { kind: 'ShowReplicationRole' }],
  ['REPLICAS', { kind: 'ShowReplicas' }],
  ['INSTANCES', { kind: 'ShowInstances' }],
  ['INSTANCE', { kind: 'ShowInstance' }],
  ['ROUTING TABLE', { kind: 'ShowRoutingTable' }],
  ['REPLICATION LAG', { kind: 'ShowReplicationLag' }],
  ['COORDINATOR SETTINGS', { kind: 'ShowCoordinatorSettings' }],
  ['CONFIG', { kind: 'ShowConfig' }],
  ['VERSION', { kind: 'ShowVersion' }],
  ['DATABASE', { kind: 'ShowDatabase' }],
  ['CURRENT DATABASE', { kind: 'ShowDatabase' }],
  ['DATABASES', { kind: 'ShowDatabases' }],
  ['TRANSACTIONS', { kind: 'ShowTransactions' }],
  ['TRIGGERS', { kind: 'ShowTriggers' }],
  ['ENUMS', { kind: 'ShowEnums' }],
  ['PARAMETERS', { kind: 'ShowParameters' }],
  ['DESCRIPTIONS', { kind: 'ShowDescriptions' }],
  ['SCHEMA INFO', { kind: 'ShowSchemaInfo' }],
]);

function parseShow(c: Cursor): Statement {
  c.i++;
  const words: string[] = [];
  while (c.tok.kind === 'ident') words.push(c.tokens[c.i++].text.toUpperCase());
  if (words.length === 0) throw c.error('what to show (e.g. INDEX INFO)');
  const what = words.join(' ');
  const typed = SHOWS.get(what);
  return typed === undefined ? { kind: 'Show', what } : { ...typed };
}

/** Leading keywords of the index statements (after CREATE / DROP), by index kind. */
const INDEX_WORDS: readonly [string[], IndexKind][] = [
  [['INDEX', 'ON'], 'label'],
  [['EDGE', 'INDEX', 'ON'], 'edge-type'],
  [['GLOBAL', 'EDGE', 'INDEX', 'ON'], 'edge-property'],
  [['POINT', 'INDEX', 'ON'], 'point'],
];

/**
 * Memgraph's index DDL: `INDEX ON :L[(p[.q…][, …])]` (label, label+property, composite,
 * nested), `EDGE INDEX ON :T[(p)]`, `GLOBAL EDGE INDEX ON :(p)`, `POINT INDEX ON :L(p)`.
 */
function parseIndex(c: Cursor): Statement | null {
  if (!c.isKw('CREATE') && !c.isKw('DROP')) return null;
  const found = INDEX_WORDS.find(([words]) => words.every((w, k) => c.isKw(w, k + 1)));
  if (found === undefined) return null;
  const create = c.isKw('CREATE');
  c.i += 1 + found[0].length;
  const kind = found[1];
  c.expectPunct(':');
  const label = kind === 'edge-property' ? null : c.expectName(kind === 'edge-type' ? 'an edge type' : 'a label');
  const properties: string[][] = [];
  if (kind === 'edge-property' || kind === 'point' || c.isPunct('(')) {
    c.expectPunct('(');
    do {
      const path = [c.expectName('a property name')];
      while (c.acceptPunct('.')) path.push(c.expectName('a property name'));
      if (path.length > 1 && kind !== 'label') {
        throw new MghaError(Codes.MemgraphClientError, 'Nested property paths (a.b) are supported in label+property indexes only.');
      }
      properties.push(path);
    } while (kind === 'label' && c.acceptPunct(','));
    c.expectPunct(')');
  }
  let type: IndexKind = kind;
  if (properties.length > 0 && kind === 'label') type = 'label+property';
  else if (properties.length > 0 && kind === 'edge-type') type = 'edge-type+property';
  const index: IndexSpec = { type, label, properties };
  return { kind: create ? 'CreateIndex' : 'DropIndex', index };
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

const MAX_PORT = 65535;

/** After `SET REPLICATION ROLE`: `TO (MAIN | REPLICA) [WITH PORT <literal>]`. */
function parseSetReplicationRole(c: Cursor): Statement {
  c.expectKw('TO');
  if (!c.isKw('MAIN') && !c.isKw('REPLICA')) throw c.error('MAIN or REPLICA');
  const role = c.tokens[c.i++].text.toLowerCase() === 'main' ? 'main' : 'replica';
  let port: number | null = null;
  if (c.acceptKw('WITH')) {
    c.expectKw('PORT');
    // Memgraph's grammar takes any literal here and refuses a bad one at run time.
    const t = c.tok;
    if (t.kind === 'int' && t.int <= BigInt(MAX_PORT)) port = Number(c.tokens[c.i++].int);
    else if (t.kind === 'eof') throw c.error('a port number');
    else throw new MghaError(Codes.MemgraphClientError, 'Port number invalid!');
  }
  return { kind: 'SetReplicationRole', role, port };
}

function replicationMode(c: Cursor): ReplicationMode {
  if (c.acceptKw('SYNC')) return 'sync';
  if (c.acceptKw('ASYNC')) return 'async';
  if (c.acceptKw('STRICT_SYNC')) return 'strict_sync';
  throw c.error('SYNC, ASYNC or STRICT_SYNC');
}

/** After `REGISTER REPLICA`: `name (SYNC | ASYNC | STRICT_SYNC) TO "host[:port]"`. */
function parseRegisterReplica(c: Cursor): Statement {
  const name = c.expectName('a replica name');
  const mode = replicationMode(c);
  c.expectKw('TO');
  return { kind: 'RegisterReplica', name, mode, address: stringLiteral(c, 'Socket address should be a string literal!') };
}

/** After `REGISTER INSTANCE`: `name [AS ASYNC | AS STRICT_SYNC] WITH CONFIG {…}`. */
function parseRegisterInstance(c: Cursor): Statement {
  const name = c.expectName('an instance name');
  let mode: ReplicationMode = 'sync';
  if (c.acceptKw('AS')) {
    if (c.acceptKw('ASYNC')) mode = 'async';
    else if (c.acceptKw('STRICT_SYNC')) mode = 'strict_sync';
    else throw c.error('ASYNC or STRICT_SYNC');
  }
  c.expectKw('WITH');
  c.expectKw('CONFIG');
  return { kind: 'RegisterInstance', name, mode, config: parseConfigMap(c) };
}

/** After `CREATE TRIGGER`: Memgraph's grammar; the statement is the rest of the text. */
function parseCreateTrigger(c: Cursor): Statement {
  const name = c.expectName('a trigger name');
  let event: TriggerEventType = 'ANY';
  if (c.acceptKw('ON')) {
    let object = '';
    if (c.isPunct('(') && c.isPunct(')', 1)) {
      c.i += 2;
      object = '() ';
    } else if (c.isPunct('-') && c.isPunct('-', 1) && c.isPunct('>', 2)) {
      c.i += 3;
      object = '--> ';
    }
    const what = ['CREATE', 'UPDATE', 'DELETE'].find((w) => c.acceptKw(w));
    if (what === undefined) throw c.error('CREATE, UPDATE or DELETE');
    event = (object === '' ? what : `${object}${what}`) as TriggerEventType;
  }
  let phase: 'BEFORE COMMIT' | 'AFTER COMMIT';
  if (c.acceptKw('BEFORE')) phase = 'BEFORE COMMIT';
  else if (c.acceptKw('AFTER')) phase = 'AFTER COMMIT';
  else throw c.error('BEFORE COMMIT or AFTER COMMIT');
  c.expectKw('COMMIT');
  c.expectKw('EXECUTE');
  if (c.tok.kind === 'eof') throw c.error('a trigger statement');
  const statement = c.text.slice(c.tok.offset).trim().replace(/;$/, '').trimEnd();
  c.i = c.tokens.length - 1;
  return { kind: 'CreateTrigger', name, event, phase, statement };
}

/** After `ANALYZE GRAPH`: `[ON LABELS (* | :L [, :L]…)] [DELETE STATISTICS]` (MemgraphCypher.g4). */
function parseAnalyzeGraph(c: Cursor): Statement {
  let labels: string[] | null = null;
  if (c.acceptKw('ON')) {
    c.expectKw('LABELS');
    if (!c.acceptPunct('*')) {
      labels = [];
      do {
        c.expectPunct(':');
        labels.push(c.expectName('a label'));
      } while (c.acceptPunct(','));
    }
  }
  let del = false;
  if (c.acceptKw('DELETE')) {
    c.expectKw('STATISTICS');
    del = true;
  }
  return { kind: 'AnalyzeGraph', labels, delete: del };
}

/** After `TERMINATE TRANSACTIONS`: one or more ids, string literals or parameters. */
function parseTerminateTransactions(c: Cursor): Statement {
  const ids: ConfigValue[] = [];
  do ids.push(configValue(c));
  while (c.acceptPunct(','));
  return { kind: 'TerminateTransactions', ids };
}

function coordinatorId(c: Cursor): number {
  const t = c.tok;
  if (t.kind !== 'int') throw c.error('a coordinator id (an integer)');
  c.i++;
  if (t.int > BigInt(Number.MAX_SAFE_INTEGER)) throw c.errorAt('Coordinator id is too large', t);
  return Number(t.int);
}

/**
 * A literal that must be a string: anything else is a syntax error where no literal
 * follows, and Memgraph's semantic error where another literal does.
 */
function stringLiteral(c: Cursor, notString: string): string {
  const t = c.tok;
  if (t.kind === 'string') {
    c.i++;
    return t.text;
  }
  if (t.kind === 'int' || t.kind === 'float' || c.isKw('TRUE') || c.isKw('FALSE') || c.isKw('NULL')) throw semanticError(notString);
  throw c.error('a string literal');
}

/**
 * Memgraph's `configMap`: `{ 'key': value, … }` with string-literal keys (unlike Cypher map
 * literals, whose keys are names) and values that are string literals or parameters.
 */
function parseConfigMap(c: Cursor): ConfigMap {
  c.expectPunct('{');
  const entries: ConfigMap = [];
  if (!c.isPunct('}')) {
    do {
      if (c.tok.kind !== 'string') throw c.error("a quoted config key (e.g. 'bolt_server')");
      const key = c.tokens[c.i++].text;
      c.expectPunct(':');
      entries.push({ key, value: configValue(c) });
    } while (c.acceptPunct(','));
  }
  c.expectPunct('}');
  return entries;
}

function configValue(c: Cursor): ConfigValue {
  const t = c.tok;
  if (t.kind === 'string' || t.kind === 'param') {
    c.i++;
    return t.kind === 'string' ? { kind: 'string', value: t.text } : { kind: 'param', name: t.text };
  }
  throw c.error('a string literal or a parameter');
}
