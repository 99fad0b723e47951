// Memgraph's `schema` module: the node and relationship "types" (label sets and edge
// types) with the properties seen on them, as `schema.node_type_properties()` and
// `schema.rel_type_properties()` report them (query_modules/schema.cpp).

import type { Value } from '../../values/model.js';
import { PAUSE, WORK_PER_PAUSE } from '../executor/types.js';
import type { Procedure, ProcedureOutput } from './types.js';

/** Memgraph's type names in `propertyTypes` (schema.cpp's TypeOf). */
function memgraphTypeName(v: Value): string {
  if (v === null) return 'Null';
  switch (typeof v) {
    case 'boolean':
      return 'Bool';
    case 'bigint':
      return 'Int';
    case 'number':
      return 'Double';
    case 'string':
      return 'String';
  }
  if (Array.isArray(v)) return 'List[Any]';
  if (v instanceof Map) return 'Map[Any]';
  switch (v.kind) {
    case 'node':
      return 'Vertex';
    case 'relationship':
      return 'Edge';
    case 'path':
      return 'Path';
    case 'date':
      return 'Date';
    case 'localtime':
      return 'LocalTime';
    case 'localdatetime':
      return 'LocalDateTime';
    case 'duration':
      return 'Duration';
    case 'datetime':
      return 'ZonedDateTime';
    case 'time':
      return 'ZonedTime';
    case 'point':
      return 'Point';
    case 'enum':
      return 'Enum';
  }
}

/** Per type: how many entities have it, and per property the types seen and how often. */
class TypeStats {
  count = 0;
  readonly props = new Map<string, { types: Set<string>; count: number }>();
  add(properties: ReadonlyMap<string, Value>): void {
    this.count++;
    for (const [k, v] of properties) {
      const p = this.props.get(k) ?? { types: new Set<string>(), count: 0 };
      p.types.add(memgraphTypeName(v));
      p.count++;
      this.props.set(k, p);
    }
  }
  /** [propertyName, propertyTypes, mandatory] rows; one empty row for a type without properties. */
  rows(): Value[][] {
    if (this.props.size === 0) return [['', [], false]];
    return [...this.props].map(([k, p]) => [k, [...p.types], p.count === this.count]);
  }
}

function typeText(names: readonly string[]): string {
  return names.map((n) => `:\`${n}\``).join('');
}

export const nodeTypeProperties: Procedure = {
  name: 'schema.node_type_properties',
  mode: 'read',
  args: [],
  results: [
    { name: 'nodeType', type: 'STRING' },
    { name: 'nodeLabels', type: 'LIST OF STRING' },
    { name: 'propertyName', type: 'STRING' },
    { name: 'propertyTypes', type: 'ANY' },
    { name: 'mandatory', type: 'BOOLEAN' },
  ],
  *run(_args, ctx): ProcedureOutput {
    const types = new Map<string, { labels: string[]; stats: TypeStats }>();
    let n = 0;
    for (const v of ctx.tx.vertices()) {
      // Memgraph keys a node type by its label set, listed in sorted order.
      const labels = [...v.labels()].sort();
      const key = typeText(labels);
      let t = types.get(key);
      if (t === undefined) types.set(key, (t = { labels, stats: new TypeStats() }));
      t.stats.add(v.properties());
      if (++n % WORK_PER_PAUSE === 0) yield PAUSE;
    }
    for (const [key, t] of types) for (const row of t.stats.rows()) yield [key, t.labels, ...row];
  },
};

export const relTypeProperties: Procedure = {
  name: 'schema.rel_type_properties',
  mode: 'read',
  args: [],
  results: [
    { name: 'relType', type: 'STRING' },
    { name: 'propertyName', type: 'STRING' },
    { name: 'propertyTypes', type: 'ANY' },
    { name: 'mandatory', type: 'BOOLEAN' },
  ],
  *run(_args, ctx): ProcedureOutput {
    const types = new Map<string, TypeStats>();
    let n = 0;
    for (const v of ctx.tx.vertices()) {
      for (const e of v.outEdges()) {
        const key = typeText([e.type]);
        let t = types.get(key);
        if (t === undefined) types.set(key, (t = new TypeStats()));
        t.add(e.properties());
        if (++n % WORK_PER_PAUSE === 0) yield PAUSE;
      }
    }
    for (const [key, t] of types) for (const row of t.rows()) yield [key, ...row];
  },
};
