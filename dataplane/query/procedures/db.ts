// The `db` module tools written for Neo4j call first (labels, types, property keys),
// with Neo4j's column names. Each scans what the transaction sees.

import type { StorageTransaction, VertexAccessor } from '../../storage/types.js';
import { PAUSE, WORK_PER_PAUSE } from '../executor/types.js';
import type { Procedure, ProcedureOutput } from './types.js';

/** Collects names from every vertex (and its outgoing edges), pausing every WORK_PER_PAUSE vertices. */
function* distinctNames(tx: StorageTransaction, names: (v: VertexAccessor) => Iterable<string>): Generator<typeof PAUSE, Set<string>> {
  const seen = new Set<string>();
  let n = 0;
  for (const v of tx.vertices()) {
    for (const name of names(v)) seen.add(name);
    if (++n % WORK_PER_PAUSE === 0) yield PAUSE;
  }
  return seen;
}

function single(name: string, column: string, collect: (v: VertexAccessor) => Iterable<string>): Procedure {
  return {
    name,
    mode: 'read',
    args: [],
    results: [{ name: column, type: 'STRING' }],
    *run(_args, ctx): ProcedureOutput {
      const names = yield* distinctNames(ctx.tx, collect);
      for (const s of [...names].sort()) yield [s];
    },
  };
}

export const dbLabels = single('db.labels', 'label', (v) => v.labels());

export const dbRelationshipTypes = single('db.relationshipTypes', 'relationshipType', function* (v) {
  for (const e of v.outEdges()) yield e.type;
});

export const dbPropertyKeys = single('db.propertyKeys', 'propertyKey', function* (v) {
  yield* v.properties().keys();
  for (const e of v.outEdges()) yield* e.properties().keys();
});
