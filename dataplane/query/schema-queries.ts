// Schema DDL (indexes, constraints) and SHOW … INFO queries, with Memgraph's column names
// and values. DDL runs outside the data transaction, as in Memgraph.

import type { Statement } from './ast.js';
import { Codes, MghaError } from '../errors.js';
import type { IndexInfo, Storage } from '../storage/types.js';
import { pathText } from '../storage/index-spec.js';
import type { Notification } from '../notifications.js';
import { indexNotification } from './index-notifications.js';
import type { Value } from '../values/model.js';

export interface SchemaResult {
  columns: string[];
  rows: Value[][];
  stats: Record<string, number>;
  /** True when the statement changed the schema (plans must be recomputed). */
  schemaChanged: boolean;
  /** Memgraph's INFO notifications (index DDL). */
  notifications?: Notification[];
  type: 'r' | 's';
}

export type SchemaStatement = Extract<Statement, { kind: 'CreateIndex' | 'DropIndex' | 'CreateConstraint' | 'DropConstraint' | 'Show' }>;

const SCHEMA_KINDS = new Set<Statement['kind']>(['CreateIndex', 'DropIndex', 'CreateConstraint', 'DropConstraint']);

/** DDL and the SHOWs answered here; everything else but Cypher goes to the admin registry. */
export function isSchemaStatement(stmt: Statement): stmt is SchemaStatement {
  return SCHEMA_KINDS.has(stmt.kind) || (stmt.kind === 'Show' && isSchemaShow(stmt.what));
}

const SHOWN_HERE = new Set(['INDEX INFO', 'INDEXES', 'CONSTRAINT INFO', 'STORAGE INFO']);

/** SHOW statements answered here; others go to the admin registry. */
export function isSchemaShow(what: string): boolean {
  return SHOWN_HERE.has(what.replace(/ ON CURRENT DATABASE$/, ''));
}

/** Memgraph refuses DDL inside explicit (multi-statement) transactions. */
export function checkAllowedInTransaction(stmt: SchemaStatement): void {
  if (stmt.kind === 'CreateIndex' || stmt.kind === 'DropIndex') {
    throw new MghaError(Codes.MemgraphClientError, 'Index manipulation not allowed in multicommand transactions.');
  }
  if (stmt.kind === 'CreateConstraint' || stmt.kind === 'DropConstraint') {
    throw new MghaError(Codes.MemgraphClientError, 'Constraint manipulation not allowed in multicommand transactions.');
  }
}

function ddl(changed: boolean, stat: string): SchemaResult {
  return { columns: [], rows: [], stats: changed ? { [stat]: 1 } : {}, schemaChanged: changed, type: 's' };
}

function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(2)}${units[i]}`;
}

let peakRss = 0;

function storageInfo(storage: Storage): Value[][] {
  const c = storage.counts();
  const rss = process.memoryUsage().rss;
  peakRss = Math.max(peakRss, rss);
  const heap = process.memoryUsage().heapUsed;
  const rows: [string, Value][] = [
    ['name', 'memgraph'],
    ['vertex_count', BigInt(c.vertexCount)],
    ['edge_count', BigInt(c.edgeCount)],
    ['average_degree', c.vertexCount === 0 ? 0 : (2 * c.edgeCount) / c.vertexCount],
    ['vm_max_map_count', -1n],
    ['memory_res', formatBytes(rss)],
    ['peak_memory_res', formatBytes(peakRss)],
    ['unreleased_delta_objects', BigInt(c.pendingVersions)],
    ['disk_usage', formatBytes(0)],
    ['memory_tracked', formatBytes(heap)],
    ['allocation_limit', formatBytes(0)],
    ['global_isolation_level', 'SNAPSHOT_ISOLATION'],
    ['session_isolation_level', ''],
    ['next_session_isolation_level', ''],
    ['storage_mode', 'IN_MEMORY_TRANSACTIONAL'],
  ];
  return rows.map(([k, v]) => [k, v]);
}

export function runSchemaStatement(stmt: SchemaStatement, storage: Storage): SchemaResult {
  switch (stmt.kind) {
    case 'CreateIndex':
    case 'DropIndex': {
      const create = stmt.kind === 'CreateIndex';
      const changed = create ? storage.createIndexOf(stmt.index) : storage.dropIndexOf(stmt.index);
      return { ...ddl(changed, create ? 'indexes-added' : 'indexes-removed'), notifications: [indexNotification(stmt.index, create, changed)] };
    }
    case 'CreateConstraint':
      return ddl(storage.createConstraint(stmt.constraint, stmt.label, stmt.properties), 'constraints-added');
    case 'DropConstraint':
      return ddl(storage.dropConstraint(stmt.constraint, stmt.label, stmt.properties), 'constraints-removed');
    case 'Show':
      return show(stmt.what, storage);
  }
}

/**
 * Memgraph's `SHOW INDEX INFO` rows, ordered by index type, label and property: a
 * label+property index lists its properties (nested ones dotted: `a.b`), edge-type+property,
 * edge-property and point indexes name theirs, label and edge-type indexes have null.
 */
export function indexRows(indexes: readonly IndexInfo[]): Value[][] {
  const property = (i: IndexInfo): Value => {
    if (i.type === 'label+property') return i.properties.map(pathText);
    return i.properties.length === 0 ? null : pathText(i.properties[0]);
  };
  const text = (v: Value): string => (v === null ? '' : Array.isArray(v) ? v.join(',') : String(v));
  const rows = indexes.map((i): Value[] => [i.type, i.label, property(i), BigInt(i.count)]);
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return rows.sort((a, b) => cmp(text(a[0]), text(b[0])) || cmp(text(a[1]), text(b[1])) || cmp(text(a[2]), text(b[2])));
}

function show(what: string, storage: Storage): SchemaResult {
  const base = { stats: {}, schemaChanged: false, type: 'r' as const };
  switch (what.replace(/ ON CURRENT DATABASE$/, '')) {
    case 'INDEX INFO':
    case 'INDEXES':
      return { ...base, columns: ['index type', 'label', 'property', 'count'], rows: indexRows(storage.indexes()) };
    case 'CONSTRAINT INFO':
      return {
        ...base,
        columns: ['constraint type', 'label', 'properties'],
        rows: storage
          .constraints()
          .map((c) => [c.type, c.label, c.type === 'unique' ? [...c.properties] : c.properties.length === 1 ? c.properties[0] : [...c.properties]]),
      };
    case 'STORAGE INFO':
      return { ...base, columns: ['storage info', 'value'], rows: storageInfo(storage) };
    default:
      throw new MghaError(Codes.MemgraphClientError, `SHOW ${what} is not supported yet.`);
  }
}
