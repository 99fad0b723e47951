// Structural defaulting, the way the API server does it: a default fills an absent field of
// an object that is present, then defaulting continues inside. The operator runs it too, so
// it never depends on the server having defaulted (objects written before a CRD upgrade).
import type { InType, Node, OutType } from './schema-dsl.js';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fill(node: Node<unknown, unknown>, value: unknown): unknown {
  if (node.kind === 'object' && node.fields && isObject(value)) {
    const out: Record<string, unknown> = { ...value };
    for (const [name, field] of Object.entries(node.fields)) {
      if (out[name] === undefined && field.presence === 'defaulted') out[name] = structuredClone(field.default);
      if (out[name] !== undefined) out[name] = fill(field.node, out[name]);
    }
    return out;
  }
  if (node.kind === 'array' && node.element && Array.isArray(value)) {
    const element = node.element;
    return value.map((v) => fill(element, v));
  }
  if (node.kind === 'map' && node.element && isObject(value)) {
    const element = node.element;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(element, v)]));
  }
  return value;
}

/** A defaulted copy; the input is not changed. */
export function applyDefaults<N extends Node<unknown, unknown>>(node: N, value: InType<N>): OutType<N> {
  return fill(node, value) as OutType<N>;
}
