// Index specifications: the legacy label / label+property form and the general one
// (composite, nested, edge, point), how each travels as a schema delta, and how a nested
// property path reads a value. Pure.

import type { Value } from '../values/model.js';
import type { IndexSpec, SchemaDelta } from './types.js';

/** The spec of `CREATE INDEX ON :label` / `:label(property)`. */
export function labelSpec(label: string, property: string | null): IndexSpec {
  return property === null ? { type: 'label', label, properties: [] } : { type: 'label+property', label, properties: [[property]] };
}

/** The single plain property of a label+property spec (not composite, not nested), else null. */
export function singleProperty(spec: IndexSpec): string | null {
  if (spec.type !== 'label+property' || spec.properties.length !== 1 || spec.properties[0].length !== 1) return null;
  return spec.properties[0][0];
}

/** A spec's delta: label and single-property indexes keep the form older logs hold. */
export function indexDelta(spec: IndexSpec, create: boolean): SchemaDelta {
  const single = singleProperty(spec);
  if (spec.label !== null && (spec.type === 'label' || single !== null)) {
    return { op: create ? 'createIndex' : 'dropIndex', label: spec.label, property: single };
  }
  return { op: create ? 'createIndexSpec' : 'dropIndexSpec', index: { type: spec.type, label: spec.label, properties: spec.properties.map((p) => [...p]) } };
}

/** The index spec and direction of an index delta, or null for a constraint delta. */
export function indexOfDelta(d: SchemaDelta): { spec: IndexSpec; create: boolean } | null {
  switch (d.op) {
    case 'createIndex':
    case 'dropIndex':
      return { spec: labelSpec(d.label, d.property), create: d.op === 'createIndex' };
    case 'createIndexSpec':
    case 'dropIndexSpec':
      return { spec: d.index, create: d.op === 'createIndexSpec' };
    default:
      return null;
  }
}

/** A path as Memgraph prints it: keys joined by dots. */
export function pathText(path: readonly string[]): string {
  return path.join('.');
}

/** The value at a nested path inside a property's value: null when a step is not a map. */
export function nestedValue(v: Value, keys: readonly string[], from = 1): Value {
  let cur = v;
  for (let i = from; i < keys.length; i++) {
    if (!(cur instanceof Map)) return null;
    cur = cur.get(keys[i]) ?? null;
  }
  return cur;
}
