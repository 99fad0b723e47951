// A small, deterministic YAML writer for JSON-shaped data (the generated CRD). Strings that
// could read as anything else are written as JSON strings, which YAML accepts as
// double-quoted scalars, so `load(dump(x))` always equals `x`.
type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

const PLAIN = /^[A-Za-z_/][A-Za-z0-9_ ./-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|y|n|null|~)$/i;

function scalar(v: string | number | boolean | null): string {
  if (typeof v !== 'string') return JSON.stringify(v);
  return PLAIN.test(v) && !RESERVED.test(v) && !v.endsWith(' ') ? v : JSON.stringify(v);
}

function isScalar(v: Json): v is string | number | boolean | null {
  return v === null || typeof v !== 'object';
}

function emit(v: Json, indent: string, out: string[]): void {
  if (Array.isArray(v)) {
    for (const item of v) {
      if (isScalar(item)) out.push(`${indent}- ${scalar(item)}`);
      else if (Array.isArray(item) ? item.length === 0 : Object.keys(item).length === 0) out.push(`${indent}- ${Array.isArray(item) ? '[]' : '{}'}`);
      else {
        const lines: string[] = [];
        emit(item, `${indent}  `, lines);
        out.push(`${indent}- ${lines[0].slice(indent.length + 2)}`, ...lines.slice(1));
      }
    }
    return;
  }
  if (isScalar(v)) {
    out.push(`${indent}${scalar(v)}`);
    return;
  }
  for (const [k, child] of Object.entries(v)) {
    const key = scalar(k);
    if (isScalar(child)) out.push(`${indent}${key}: ${scalar(child)}`);
    else if (Array.isArray(child) ? child.length === 0 : Object.keys(child).length === 0) out.push(`${indent}${key}: ${Array.isArray(child) ? '[]' : '{}'}`);
    else {
      out.push(`${indent}${key}:`);
      emit(child, Array.isArray(child) ? indent : `${indent}  `, out);
    }
  }
}

/** YAML text of a JSON-shaped value (undefined fields are dropped, as JSON.stringify does). */
export function toYaml(value: unknown): string {
  const out: string[] = [];
  emit(JSON.parse(JSON.stringify(value)) as Json, '', out);
  return out.join('\n') + '\n';
}
