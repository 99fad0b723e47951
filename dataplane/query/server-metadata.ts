// Memgraph's enums, server-side parameters and descriptions over the storage's metadata
// keys (storage/metadata.ts): the key layout, lookups the executor needs (`Status::Good`,
// `$x` without a client value) and the rows SHOW ENUMS / PARAMETERS / DESCRIPTIONS print.
// Pure: the admin handlers (metadata-statements.ts) do the committing.

import { Codes, MghaError } from '../errors.js';
import type { MetadataView } from '../storage/types.js';
import { CypherEnum, isTagged, type Value } from '../values/model.js';

const ENUM = 'enum:';
export const enumKey = (name: string): string => `${ENUM}${name}`;

export function hasEnums(meta: MetadataView): boolean {
  return meta.withPrefix(ENUM).length > 0;
}

/** The values of an enum, in order, or null when there is no such enum. */
export function enumValues(meta: MetadataView, name: string): string[] | null {
  const v = meta.get(enumKey(name));
  return Array.isArray(v) ? (v as string[]) : null;
}

/** `Status::Good` / ToEnum('Status', 'Good'), with Memgraph's error for an unknown one. */
export function enumValue(meta: MetadataView, name: string, value: string): CypherEnum {
  const ordinal = enumValues(meta, name)?.indexOf(value) ?? -1;
  if (ordinal < 0) throw new MghaError(Codes.MemgraphClientError, `Enum value '${value}' in enum '${name}' not found.`);
  return new CypherEnum(name, ordinal);
}

/** Memgraph's text form `Status::Good`, or null if the enum or value no longer exists. */
export function enumText(meta: MetadataView, v: CypherEnum): string | null {
  const name = enumValues(meta, v.typeName)?.[v.ordinal];
  return name === undefined ? null : `${v.typeName}::${name}`;
}

/** SHOW ENUMS rows: `Enum Name`, `Enum Values`. */
export function showEnums(meta: MetadataView): Value[][] {
  return meta.withPrefix(ENUM).map(([k, v]) => [k.slice(ENUM.length), v]);
}

export type ParameterScope = 'global' | 'database';
const PARAM = 'param:';
export const parameterKey = (scope: ParameterScope, name: string): string => `${PARAM}${scope}:${name}`;

/**
 * The query's parameters with the server-side ones it does not send filled in: the
 * client's value first, then the database scope, then the global one (Memgraph's order).
 */
export function withServerParameters(meta: MetadataView, params: ReadonlyMap<string, Value>): ReadonlyMap<string, Value> {
  const server = meta.withPrefix(PARAM);
  if (server.length === 0) return params;
  const out = new Map<string, Value>();
  for (const scope of ['global', 'database'] as const) {
    for (const [k, v] of server) if (k.startsWith(`${PARAM}${scope}:`)) out.set(k.slice(PARAM.length + scope.length + 1), v);
  }
  for (const [k, v] of params) out.set(k, v);
  return out;
}

/** SHOW PARAMETERS rows: `name`, `value` (JSON text), `scope`. */
export function showParameters(meta: MetadataView): Value[][] {
  return meta.withPrefix(PARAM).map(([k, v]) => {
    const rest = k.slice(PARAM.length);
    const at = rest.indexOf(':');
    return [rest.slice(at + 1), toJson(v), rest.slice(0, at)];
  });
}

/** A parameter value as JSON text (Memgraph's `value` column): strings quoted, maps as objects. */
export function toJson(v: Value): string {
  return JSON.stringify(jsonOf(v));
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function jsonOf(v: Value): Json {
  if (v === null || typeof v === 'boolean' || typeof v === 'string' || typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(jsonOf);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, jsonOf(x)]));
  if (isTagged(v)) throw new MghaError(Codes.MemgraphClientError, 'Server-side parameter values must be literals, lists or maps.');
  return null;
}

/** What SET / DELETE DESCRIPTION ON names; the fields are SHOW DESCRIPTIONS' columns. */
export interface DescriptionTarget {
  type: 'label' | 'edge type' | 'label property' | 'edge type property' | 'property' | 'database';
  /** Label or label combination (`Person:Student`); for edge types, the type. */
  label: string | null;
  startNodeLabels: string[] | null;
  endNodeLabels: string[] | null;
  property: string | null;
}

const DESC = 'desc:';
export const descriptionKey = (t: DescriptionTarget): string =>
  `${DESC}${JSON.stringify([t.type, t.label, t.startNodeLabels, t.endNodeLabels, t.property])}`;

/** The stored value of a description: the target's fields and the text. */
export function descriptionValue(t: DescriptionTarget, text: string): Map<string, Value> {
  return new Map<string, Value>([
    ['type', t.type],
    ['label', t.label],
    ['start_node_labels', t.startNodeLabels],
    ['end_node_labels', t.endNodeLabels],
    ['property', t.property],
    ['description', text],
  ]);
}

export const DESCRIPTION_COLUMNS = ['type', 'label', 'start_node_labels', 'end_node_labels', 'property', 'description'];

/** SHOW DESCRIPTIONS rows; columns that do not apply are null. */
export function showDescriptions(meta: MetadataView): Value[][] {
  return meta.withPrefix(DESC).map(([, v]) => {
    const m = v instanceof Map ? v : new Map<string, Value>();
    return DESCRIPTION_COLUMNS.map((c) => m.get(c) ?? null);
  });
}
