// `schema.assert(indices, unique_constraints, existence_constraints = {}, drop_existing = true)`:
// makes the indexes and constraints match the maps given, reporting one row per index or
// constraint kept, created or dropped, in Memgraph's order (indexes, existence constraints,
// unique constraints) and with its statuses (query_modules/schema.cpp). Like Memgraph's DDL
// it acts on storage directly, outside the calling transaction: each change commits on its
// own timestamp through the commit pipeline, and, as with Memgraph's query module, the rows
// are answered without waiting for those commits to be durable.

import type { Storage } from '../../storage/types.js';
import { singleProperty } from '../../storage/index-spec.js';
import type { Value } from '../../values/model.js';
import type { Procedure, ProcedureOutput } from './types.js';

/** What schema.assert may change, and whom to tell (plans depend on the indexes). */
export interface SchemaAccess {
  readonly storage: Storage;
  /** Throws when this instance may not change anything now (a REPLICA). */
  checkWritable(): void;
  changed(): void;
}

type Row = [label: string, key: string, keys: string[], unique: boolean, action: string];

const KEPT = 'Kept';
const CREATED = 'Created';
const DROPPED = 'Dropped';

function entries(m: Value): [string, Value[]][] {
  if (!(m instanceof Map)) return [];
  return [...m].filter((e): e is [string, Value[]] => Array.isArray(e[1]));
}

const strings = (l: Value[]): string[] => l.filter((x): x is string => typeof x === 'string');
const labelIndexRow = (label: string, action: string): Row => [label, '', [], false, action];
const propertyRow = (label: string, prop: string, action: string): Row => [label, prop, [prop], false, action];

function assertIndices(access: SchemaAccess, indices: Value, dropExisting: boolean): Row[] {
  const { storage } = access;
  const rows: Row[] = [];
  const asserted = new Set<string>();
  for (const [label, props] of entries(indices)) {
    if (props.length === 0) {
      // As in Memgraph: an empty list creates the label index, reporting only a creation.
      if (storage.createIndex(label, null)) {
        rows.push(labelIndexRow(label, CREATED));
        asserted.add(`${label}:`);
      }
      continue;
    }
    for (const prop of strings(props)) {
      const property = prop === '' ? null : prop;
      rows.push(property === null ? labelIndexRow(label, storage.createIndex(label, null) ? CREATED : KEPT) : propertyRow(label, prop, storage.createIndex(label, property) ? CREATED : KEPT));
      asserted.add(`${label}:${prop}`);
    }
  }
  if (dropExisting) {
    // Node label and single-property indexes, as Memgraph's module handles them.
    const existing = storage
      .indexes()
      .flatMap((i) => {
        const property = singleProperty(i);
        return i.label !== null && (i.type === 'label' || property !== null) ? [{ type: i.type, label: i.label, property }] : [];
      })
      .sort((a, b) => cmp(a.type, b.type) || cmp(a.label, b.label) || cmp(a.property ?? '', b.property ?? ''));
    for (const i of existing) {
      if (asserted.has(`${i.label}:${i.property ?? ''}`) || !storage.dropIndex(i.label, i.property)) continue;
      rows.push(i.property === null ? labelIndexRow(i.label, DROPPED) : propertyRow(i.label, i.property, DROPPED));
    }
  }
  return rows;
}

function assertExistence(storage: Storage, constraints: Value, dropExisting: boolean): Row[] {
  const rows: Row[] = [];
  const asserted = new Set<string>();
  for (const [label, props] of entries(constraints)) {
    for (const prop of strings(props).filter((p) => p !== '')) {
      rows.push(propertyRow(label, prop, storage.createConstraint('exists', label, [prop]) ? CREATED : KEPT));
      asserted.add(`${label}:${prop}`);
    }
  }
  if (dropExisting) {
    for (const c of storage.constraints().filter((x) => x.type === 'exists')) {
      const [prop] = c.properties;
      if (asserted.has(`${c.label}:${prop}`) || !storage.dropConstraint('exists', c.label, c.properties)) continue;
      rows.push(propertyRow(c.label, prop, DROPPED));
    }
  }
  return rows;
}

function assertUnique(storage: Storage, constraints: Value, dropExisting: boolean): Row[] {
  const rows: Row[] = [];
  const asserted = new Set<string>();
  const keyOf = (label: string, props: string[]): string => `${label}:${[...props].sort().join('\u0000')}`;
  const uniqueRow = (label: string, props: string[], action: string): Row => [label, `[${props.join(', ')}]`, props, true, action];
  for (const [label, lists] of entries(constraints)) {
    for (const list of lists) {
      if (!Array.isArray(list) || list.length === 0 || !list.every((p) => typeof p === 'string' && p !== '')) continue;
      const props = strings(list);
      rows.push(uniqueRow(label, props, storage.createConstraint('unique', label, props) ? CREATED : KEPT));
      asserted.add(keyOf(label, props));
    }
  }
  if (dropExisting) {
    for (const c of storage.constraints().filter((x) => x.type === 'unique')) {
      if (asserted.has(keyOf(c.label, c.properties)) || !storage.dropConstraint('unique', c.label, c.properties)) continue;
      rows.push(uniqueRow(c.label, [...c.properties].sort(), DROPPED));
    }
  }
  return rows;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function schemaAssert(access: SchemaAccess): Procedure {
  return {
    name: 'schema.assert',
    mode: 'read',
    args: [
      { name: 'indices', type: 'MAP' },
      { name: 'unique_constraints', type: 'MAP' },
      { name: 'existence_constraints', type: 'MAP', default: new Map() },
      { name: 'drop_existing', type: 'BOOLEAN', default: true },
    ],
    results: [
      { name: 'label', type: 'STRING' },
      { name: 'key', type: 'STRING' },
      { name: 'keys', type: 'LIST OF STRING' },
      { name: 'unique', type: 'BOOLEAN' },
      { name: 'action', type: 'STRING' },
    ],
    *run([indices, unique, existence, dropExisting]): ProcedureOutput {
      const drop = dropExisting === true;
      access.checkWritable();
      try {
        yield* assertIndices(access, indices, drop);
        yield* assertExistence(access.storage, existence, drop);
        yield* assertUnique(access.storage, unique, drop);
      } finally {
        access.changed();
      }
    },
  };
}
