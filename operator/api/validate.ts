// Validation that names the bad field, from the same schema the CRD is generated from: types,
// bounds, enums, patterns, required fields, list-map keys, and every CEL rule's TypeScript
// twin. The operator runs it on every reconcile, so servers without CEL (Kubernetes < 1.25)
// get the same answers, reported in a condition instead of at admission.
import type { Node } from './schema-dsl.js';

export interface FieldError {
  /** Path in kubectl's notation, e.g. `spec.coordinators.replicas`. */
  field: string;
  message: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
}

function child(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

// Type and bound checks of one node; false when the value has the wrong type, in which case
// neither its children nor its rules are checked (the API server stops there too).
function checkShape(node: Node<unknown, unknown>, value: unknown, path: string, errors: FieldError[]): boolean {
  const j = node.json;
  const bad = (message: string): false => {
    errors.push({ field: path, message });
    return false;
  };
  switch (node.kind) {
    case 'string':
      if (typeof value !== 'string') return bad(`must be a string, not ${describe(value)}`);
      break;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return bad(`must be an integer, not ${JSON.stringify(value)}`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return bad(`must be true or false, not ${describe(value)}`);
      break;
    case 'intOrString':
      if (typeof value !== 'string' && !(typeof value === 'number' && Number.isInteger(value))) {
        return bad(`must be an integer or a string, not ${describe(value)}`);
      }
      break;
    case 'array':
      if (!Array.isArray(value)) return bad(`must be a list, not ${describe(value)}`);
      if (j.minItems !== undefined && value.length < j.minItems) return bad(`must have at least ${j.minItems} item(s)`);
      if (j.maxItems !== undefined && value.length > j.maxItems) return bad(`must have at most ${j.maxItems} items`);
      break;
    case 'object':
    case 'map':
    case 'opaque':
      if (!isObject(value)) return bad(`must be an object, not ${describe(value)}`);
      break;
  }
  if (typeof value === 'string') {
    if (j.enum && !j.enum.includes(value)) return bad(`must be one of ${j.enum.join(', ')}, not '${value}'`);
    if (j.minLength !== undefined && value.length < j.minLength) return bad(`must be at least ${j.minLength} character(s) long`);
    if (j.maxLength !== undefined && value.length > j.maxLength) return bad(`must be at most ${j.maxLength} characters long`);
    if (j.pattern !== undefined && !new RegExp(j.pattern).test(value)) return bad(`'${value}' must match ${j.pattern}`);
  }
  if (typeof value === 'number') {
    if (j.minimum !== undefined && value < j.minimum) return bad(`must be at least ${j.minimum}, not ${value}`);
    if (j.maximum !== undefined && value > j.maximum) return bad(`must be at most ${j.maximum}, not ${value}`);
  }
  return true;
}

function walk(node: Node<unknown, unknown>, value: unknown, old: unknown, path: string, errors: FieldError[]): void {
  if (!checkShape(node, value, path, errors)) return;
  const before = errors.length;
  if (node.kind === 'object' && node.fields && isObject(value)) {
    const oldObj = isObject(old) ? old : undefined;
    for (const [name, field] of Object.entries(node.fields)) {
      const v = value[name];
      if (v === undefined) {
        if (field.presence === 'required') errors.push({ field: child(path, name), message: 'is required' });
        continue;
      }
      walk(field.node, v, oldObj?.[name], child(path, name), errors);
    }
  } else if (node.kind === 'array' && node.element && Array.isArray(value)) {
    const keys = node.json['x-kubernetes-list-map-keys'];
    const seen = new Set<string>();
    value.forEach((v, i) => {
      const at = `${path}[${i}]`;
      if (keys && isObject(v)) {
        const id = JSON.stringify(keys.map((k) => v[k]));
        if (seen.has(id)) errors.push({ field: at, message: `duplicate entry for ${keys.join(', ')} ${keys.map((k) => String(v[k])).join(', ')}` });
        seen.add(id);
      }
      // Old items are not correlated: the schema has no transition rule inside a list.
      walk(node.element as Node<unknown, unknown>, v, undefined, at, errors);
    });
  } else if (node.kind === 'map' && node.element && isObject(value)) {
    const oldObj = isObject(old) ? old : undefined;
    for (const [k, v] of Object.entries(value)) walk(node.element, v, oldObj?.[k], `${path}[${k}]`, errors);
  }
  // A rule reads its children; with a malformed child its verdict would mean nothing.
  if (errors.length > before) return;
  for (const rule of node.rules as readonly { message: string; transition?: boolean; check(s: unknown, o?: unknown): boolean }[]) {
    if (rule.transition && old === undefined) continue;
    if (!rule.check(value, old)) errors.push({ field: path, message: rule.message });
  }
}

/** Errors in `value` (already defaulted); `old` is the previous version on an update. */
export function validateAgainst(node: Node<unknown, unknown>, value: unknown, old: unknown, path: string): FieldError[] {
  const errors: FieldError[] = [];
  walk(node, value, old, path, errors);
  return errors;
}
