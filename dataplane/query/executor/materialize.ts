// Detaches result values from the transaction: storage accessors become Materialized*
// copies so the Bolt layer can encode records after commit/rollback.

import { Codes, MghaError } from '../../errors.js';
import {
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

function node(n: NodeValue): NodeValue {
  if (n instanceof MaterializedNode) return n;
  if (deleted(n)) throw new MghaError(Codes.EntityNotFound, 'Trying to return a deleted node.');
  return new MaterializedNode(n.id, [...n.labels()], new Map(n.properties()));
}

function rel(r: RelationshipValue): RelationshipValue {
  if (r instanceof MaterializedRelationship) return r;
  if (deleted(r)) throw new MghaError(Codes.EntityNotFound, 'Trying to return a deleted relationship.');
  return new MaterializedRelationship(r.id, r.startId, r.endId, r.type, new Map(r.properties()));
}

export function materialize(v: Value): Value {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return materializeList(v);
  if (v instanceof Map) {
    const out = new Map<string, Value>();
    for (const [k, x] of v) out.set(k, materialize(x));
    return out;
  }
  if (!isTagged(v)) return v;
  switch (v.kind) {
    case 'node':
      return node(v);
    case 'relationship':
      return rel(v);
    case 'path':
      return new PathValue(v.nodes.map(node), v.rels.map(rel));
    default:
      return v;
  }
}

/**
 * A list of plain values (numbers, strings …) is already detached and is returned as is:
 * a ten-million-element list is scanned once instead of copied element by element.
 */
function materializeList(list: Value[]): Value[] {
  let i = 0;
  while (i < list.length) {
    const x = list[i];
    if (x !== null && typeof x === 'object') break;
    i++;
  }
  if (i === list.length) return list;
  const out = list.slice(0, i);
  for (; i < list.length; i++) out.push(materialize(list[i]));
  return out;
}
