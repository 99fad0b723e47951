// Detaches result values from the transaction: storage accessors become Materialized*
// copies so the Bolt layer can encode records after commit/rollback.

import { Codes, MghaError } from '../../errors.js';
import {
  type CypherEnum,
  MaterializedNode,
  MaterializedRelationship,
  PathValue,
  isTagged,
  type NodeValue,
  type RelationshipValue,
  type Value,
} from '../../values/model.js';

function deleted(v: NodeValue | RelationshipValue): boolean {
  const acc = v as { isDeleted?: () => boolean };
  return typeof acc.isDeleted === 'function' && acc.isDeleted();
}

/**
 * How enum values go out: Memgraph sends `{__type: 'mg_enum', __value: 'Status::Good'}`
 * (Bolt has no enum type). Null when no enum exists (nothing to convert).
 */
export type EnumOut = ((v: CypherEnum) => Value) | null;

function props(p: ReadonlyMap<string, Value>, enums: EnumOut): Map<string, Value> {
  if (enums === null) return new Map(p);
  const out = new Map<string, Value>();
  for (const [k, x] of p) out.set(k, materialize(x, enums));
  return out;
}

function node(n: NodeValue, enums: EnumOut): NodeValue {
  if (n instanceof MaterializedNode && enums === null) return n;
  if (deleted(n)) throw new MghaError(Codes.EntityNotFound, 'Trying to return a deleted node.');
  return new MaterializedNode(n.id, [...n.labels()], props(n.properties(), enums));
}

function rel(r: RelationshipValue, enums: EnumOut): RelationshipValue {
  if (r instanceof MaterializedRelationship && enums === null) return r;
  if (deleted(r)) throw new MghaError(Codes.EntityNotFound, 'Trying to return a deleted relationship.');
  return new MaterializedRelationship(r.id, r.startId, r.endId, r.type, props(r.properties(), enums));
}

export function materialize(v: Value, enums: EnumOut = null): Value {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return materializeList(v, enums);
  if (v instanceof Map) {
    const out = new Map<string, Value>();
    for (const [k, x] of v) out.set(k, materialize(x, enums));
    return out;
  }
  if (!isTagged(v)) return v;
  switch (v.kind) {
    case 'node':
      return node(v, enums);
    case 'relationship':
      return rel(v, enums);
    case 'path':
      return new PathValue(
        v.nodes.map((n) => node(n, enums)),
        v.rels.map((r) => rel(r, enums)),
      );
    case 'enum':
      return enums === null ? v : enums(v);
    default:
      return v;
  }
}

/**
 * A list of plain values (numbers, strings …) is already detached and is returned as is:
 * a ten-million-element list is scanned once instead of copied element by element.
 */
function materializeList(list: Value[], enums: EnumOut): Value[] {
  let i = 0;
  while (i < list.length) {
    const x = list[i];
    if (x !== null && typeof x === 'object') break;
    i++;
  }
  if (i === list.length) return list;
  const out = list.slice(0, i);
  for (; i < list.length; i++) out.push(materialize(list[i], enums));
  return out;
}
