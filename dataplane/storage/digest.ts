// A content digest of a whole graph at one snapshot: vertices (gid, labels, properties),
// edges (gid, endpoints, type, properties), indexes and constraints, hashed in gid order.
// Two instances holding the same committed history give the same digest: this is how
// tests (and operators) check that a replica equals its MAIN.

import crypto from 'node:crypto';
import type { Value } from '../values/model.js';
import type { InMemoryStorage } from './storage.js';

/** A canonical text form of a property value (type-tagged, maps with sorted keys). */
function canonical(v: Value): string {
  if (v === null) return 'n';
  switch (typeof v) {
    case 'boolean':
      return v ? 't' : 'f';
    case 'bigint':
      return `i${v}`;
    case 'number':
      return `d${Object.is(v, -0) ? '-0' : String(v)}`;
    case 'string':
      return `s${JSON.stringify(v)}`;
  }
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v instanceof Map) {
    const keys = [...v.keys()].sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v.get(k) as Value)}`).join(',')}}`;
  }
  // Temporal and spatial values: their kind and fields (numbers and zone names).
  return `o${JSON.stringify(v)}`;
}

function props(m: ReadonlyMap<string, Value>): string {
  return [...m.keys()]
    .sort()
    .map((k) => `${JSON.stringify(k)}=${canonical(m.get(k) as Value)}`)
    .join(';');
}

export interface GraphDigest {
  /** sha256 hex of the canonical dump. */
  sha256: string;
  vertices: number;
  edges: number;
  lastCommitTimestamp: number;
}

/** Digest of the latest committed state. */
export function graphDigest(storage: InMemoryStorage): GraphDigest {
  const hash = crypto.createHash('sha256');
  const tx = storage.begin();
  let vertices = 0;
  let edges = 0;
  try {
    for (const v of tx.vertices()) {
      vertices++;
      hash.update(`v${v.gid}|${[...v.labels()].sort().join(':')}|${props(v.properties())}\n`);
      for (const e of v.outEdges()) {
        edges++;
        hash.update(`e${e.gid}|${e.startId}>${e.endId}|${e.type}|${props(e.properties())}\n`);
      }
    }
    const indexes = storage
      .indexes()
      .map((i) => `${i.type}:${i.label ?? ''}:${i.properties.map((p) => p.join('.')).join(',')}`)
      .sort();
    const constraints = storage
      .constraints()
      .map((c) => `${c.type}:${c.label}:${c.properties.join(',')}`)
      .sort();
    hash.update(`indexes|${indexes.join(';')}\nconstraints|${constraints.join(';')}\n`);
  } finally {
    tx.abort();
  }
  return { sha256: hash.digest('hex'), vertices, edges, lastCommitTimestamp: storage.lastCommitTimestamp() };
}
