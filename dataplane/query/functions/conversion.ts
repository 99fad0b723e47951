// Type conversion: toInteger/toFloat/toString/toBoolean, their *OrNull and *List forms,
// and valueType. Unconvertible strings give null; unconvertible types are a TypeError
// (the *OrNull forms give null instead).

import { Codes, MghaError } from '../../errors.js';
import { INT64_MAX, INT64_MIN, isTagged, typeName, type Value } from '../../values/model.js';
import { formatFloat, formatTemporal } from '../../values/temporal/format.js';
import { badArg, listArg } from './args.js';
import { unary } from './define.js';
import type { FunctionDef } from './types.js';

const INTEGER_TEXT = /^[+-]?\d+$/;
const FLOAT_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function floatToInteger(f: number): bigint {
  if (!Number.isFinite(f)) throw new MghaError(Codes.ArithmeticError, `Cannot convert ${formatFloat(f)} to an INTEGER`);
  const i = BigInt(Math.trunc(f));
  if (i > INT64_MAX || i < INT64_MIN) throw new MghaError(Codes.ArithmeticError, 'Integer overflow');
  return i;
}

function toInteger(v: Exclude<Value, null>): Value {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return floatToInteger(v);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'string') {
    const s = v.trim();
    if (INTEGER_TEXT.test(s)) {
      const i = BigInt(s);
      return i > INT64_MAX || i < INT64_MIN ? null : i;
    }
    if (!FLOAT_TEXT.test(s)) return null;
    const f = Number(s);
    return Number.isFinite(f) && Math.abs(f) < 2 ** 63 ? BigInt(Math.trunc(f)) : null;
  }
  return badArg('toInteger', v, 'a STRING, INTEGER, FLOAT or BOOLEAN');
}

function toFloat(v: Exclude<Value, null>): Value {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    const s = v.trim();
    if (FLOAT_TEXT.test(s)) return Number(s);
    return /^[+-]?(NaN|Infinity)$/.test(s) ? Number(s) : null;
  }
  return badArg('toFloat', v, 'a STRING, INTEGER or FLOAT');
}

/** toString() of a scalar; lists, maps and graph entities have no string form. */
export function scalarToString(v: Exclude<Value, null>): Value {
  switch (typeof v) {
    case 'string':
      return v;
    case 'bigint':
    case 'boolean':
      return String(v);
    case 'number':
      return formatFloat(v);
  }
  if (isTagged(v)) {
    if (v.kind === 'point') {
      const crs = v.srid === 4326 || v.srid === 4979 ? 'wgs-84' : 'cartesian';
      const coords = v.srid === 4326 || v.srid === 4979 ? ['longitude', 'latitude', 'height'] : ['x', 'y', 'z'];
      const values = v.z === null ? [v.x, v.y] : [v.x, v.y, v.z];
      const parts = values.map((c, i) => `${coords[i]}: ${formatFloat(c)}`);
      return `point({${parts.join(', ')}, crs: '${crs}${v.z === null ? '' : '-3d'}'})`;
    }
    if (v.kind !== 'node' && v.kind !== 'relationship' && v.kind !== 'path' && v.kind !== 'enum') return formatTemporal(v);
  }
  return badArg('toString', v, 'a STRING, number, BOOLEAN, temporal or POINT');
}

function toBoolean(v: Exclude<Value, null>): Value {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'string') {
    // Memgraph also accepts 't' and 'f'.
    const s = v.trim().toLowerCase();
    return s === 'true' || s === 't' ? true : s === 'false' || s === 'f' ? false : null;
  }
  return badArg('toBoolean', v, 'a STRING, INTEGER or BOOLEAN');
}

function orNull(fn: (v: Exclude<Value, null>) => Value): (v: Exclude<Value, null>) => Value {
  return (v) => {
    try {
      return fn(v);
    } catch (e) {
      if (e instanceof MghaError) return null;
      throw e;
    }
  };
}

function listOf(name: string, fn: (v: Exclude<Value, null>) => Value): FunctionDef {
  const convert = orNull(fn);
  return unary(name, (v) => listArg(name, v).map((x) => (x === null ? null : convert(x))));
}

export const conversionFunctions: FunctionDef[] = [
  unary('toInteger', toInteger),
  unary('toIntegerOrNull', orNull(toInteger)),
  unary('toFloat', toFloat),
  unary('toFloatOrNull', orNull(toFloat)),
  unary('toString', scalarToString),
  unary('toStringOrNull', orNull(scalarToString)),
  unary('toBoolean', toBoolean),
  unary('toBooleanOrNull', orNull(toBoolean)),
  listOf('toIntegerList', toInteger),
  listOf('toFloatList', toFloat),
  listOf('toStringList', scalarToString),
  listOf('toBooleanList', toBoolean),
  { name: 'valuetype', minArgs: 1, maxArgs: 1, fn: ([v]) => typeName(v) },
];
