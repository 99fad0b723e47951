// Memgraph's SHOW SCHEMA INFO: one row, column `schema`, a JSON string with the node kinds
// (by label set), the edge kinds (by type and the label sets of their ends), each with its
// count and its properties' counts, filling factors and value types, plus the indexes,
// constraints and enums. Memgraph tracks this at run time behind --schema-info-enabled;
// an in-memory engine can scan the graph when asked, so mgha answers without the flag.

import type { ConstraintInfo, IndexInfo, StorageTransaction } from '../storage/types.js';
import { pathText } from '../storage/index-spec.js';
import {
  CypherDate,
  CypherDateTime,
  CypherDuration,
  CypherEnum,
  CypherLocalDateTime,
  CypherLocalTime,
  CypherPoint,
  CypherTime,
  type Value,
} from '../values/model.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Memgraph's property type names (storage/v2/schema_info.cpp). */
export function schemaTypeName(v: Value): string {
  if (typeof v === 'boolean') return 'Boolean';
  if (typeof v === 'bigint') return 'Integer';
  if (typeof v === 'number') return 'Float';
  if (typeof v === 'string') return 'String';
  if (Array.isArray(v)) return 'List';
  if (v instanceof Map) return 'Map';
  if (v instanceof CypherDuration) return 'Duration';
  if (v instanceof CypherDate) return 'Date';
  if (v instanceof CypherLocalTime) return 'LocalTime';
  if (v instanceof CypherLocalDateTime) return 'LocalDateTime';
  if (v instanceof CypherDateTime) return 'ZonedDateTime';
  // Memgraph stores no zoned time; mgha's is named by its Cypher type.
  if (v instanceof CypherTime) return 'ZonedTime';
  if (v instanceof CypherEnum) return `Enum::${v.typeName}`;
  if (v instanceof CypherPoint) return v.z === null ? 'Point2D' : 'Point3D';
  return 'Null';
}

class Tracking {
  count = 0;
  /** Property key → (count, type → count), in first-seen order. */
  readonly props = new Map<string, { count: number; types: Map<string, number> }>();

  add(props: ReadonlyMap<string, Value>): void {
    this.count++;
    for (const [k, v] of props) {
      if (v === null) continue;
      let p = this.props.get(k);
      if (p === undefined) this.props.set(k, (p = { count: 0, types: new Map() }));
      p.count++;
      const t = schemaTypeName(v);
      p.types.set(t, (p.types.get(t) ?? 0) + 1);
    }
  }

  json(): { count: number; properties: Json[] } {
    const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
    const properties = [...this.props.entries()]
      .sort(([a], [b]) => cmp(a, b))
      .map(([key, p]): Json => ({
        key,
        count: p.count,
        filling_factor: (100 * p.count) / Math.max(this.count, 1),
        types: [...p.types.entries()].sort(([a], [b]) => cmp(a, b)).map(([type, count]) => ({ type, count })),
      }));
    return { count: this.count, properties };
  }
}

const sorted = (labels: readonly string[]): string[] => [...labels].sort();

function nodeIndexJson(i: IndexInfo): Json {
  const type = i.type === 'point' ? 'label+property_point' : i.type;
  return { labels: [i.label], properties: i.properties.map(pathText), count: i.count, type };
}

function edgeIndexJson(i: IndexInfo): Json {
  const type = i.type === 'edge-type' ? 'edge_type' : i.type === 'edge-type+property' ? 'edge_type+property' : 'edge_property';
  return { edge_type: i.label ?? '', properties: i.properties.map(pathText), count: i.count, type };
}

function constraintJson(c: ConstraintInfo): Json {
  return { type: c.type === 'exists' ? 'existence' : c.type, labels: [c.label], properties: [...c.properties] };
}

/** The `schema` JSON text of SHOW SCHEMA INFO, from what `tx` sees. */
export function schemaInfo(
  tx: StorageTransaction,
  indexes: readonly IndexInfo[],
  constraints: readonly ConstraintInfo[],
  enums: readonly [string, Value][],
): string {
  const nodes = new Map<string, { labels: string[]; t: Tracking }>();
  const edges = new Map<string, { type: string; from: string[]; to: string[]; t: Tracking }>();
  for (const v of tx.vertices()) {
    const labels = sorted(v.labels());
    const key = JSON.stringify(labels);
    let n = nodes.get(key);
    if (n === undefined) nodes.set(key, (n = { labels, t: new Tracking() }));
    n.t.add(v.properties());
    for (const e of v.outEdges()) {
      const from = labels;
      const to = sorted(e.to().labels());
      const ek = JSON.stringify([e.type, from, to]);
      let x = edges.get(ek);
      if (x === undefined) edges.set(ek, (x = { type: e.type, from, to, t: new Tracking() }));
      x.t.add(e.properties());
    }
  }
  const edgeKinds = new Set(['edge-type', 'edge-type+property', 'edge-property']);
  const json: { [k: string]: Json } = {
    nodes: [...nodes.values()].map(({ labels, t }) => ({ labels, ...t.json() })),
    edges: [...edges.values()].map(({ type, from, to, t }) => ({ type, start_node_labels: from, end_node_labels: to, ...t.json() })),
    node_indexes: indexes.filter((i) => !edgeKinds.has(i.type)).map(nodeIndexJson),
    edge_indexes: indexes.filter((i) => edgeKinds.has(i.type)).map(edgeIndexJson),
    node_constraints: constraints.map(constraintJson),
    enums: enums.map(([name, values]) => ({ name, values: Array.isArray(values) ? (values as string[]) : [] })),
  };
  return JSON.stringify(json);
}
