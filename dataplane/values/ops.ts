// Cypher equality, comparison and ordering over `Value` (pure).
//
// Three different relations, as openCypher defines them:
// - equals():       `=` with ternary logic (null when either side holds a null that matters)
// - compare():      `<` `>` … ; null when the values are not comparable
// - orderCompare(): the total order used by ORDER BY, indexes and min/max
// - groupKey():     equivalence for DISTINCT / grouping (null ≡ null, NaN ≡ NaN, 1 ≡ 1.0)

import { isTagged, type PathValue, type Value } from './model.js';

type Tagged = Exclude<Value, null | boolean | bigint | number | string | Value[] | Map<string, Value>>;

function isNumber(v: Value): v is bigint | number {
  return typeof v === 'bigint' || typeof v === 'number';
}

/** Exact comparison of an integer with a float (no precision loss for |i| > 2^53). */
function compareIntFloat(i: bigint, f: number): number {
  if (Number.isNaN(f)) return NaN;
  if (f === Infinity) return -1;
  if (f === -Infinity) return 1;
  const fl = Math.floor(f);
  const bi = BigInt(fl);
  if (i < bi) return -1;
  if (i > bi) return 1;
  return fl === f ? 0 : -1;
}

function compareNumbers(a: bigint | number, b: bigint | number): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : a === b ? 0 : NaN;
  if (typeof a === 'bigint') return compareIntFloat(a, b as number);
  return -compareIntFloat(b as bigint, a);
}

function compareStrings(a: string, b: string): number {
  // Code-point order, like Neo4j/Memgraph (not locale collation).
  return a < b ? -1 : a > b ? 1 : 0;
}

function temporalKey(v: Tagged): [number, number] | null {
  switch (v.kind) {
    case 'date':
      return [v.epochDay, 0];
    case 'localtime':
      return [v.nanoOfDay, 0];
    case 'time':
      return [v.nanoOfDay - v.offsetSeconds * 1e9, 0];
    case 'localdatetime':
      return [v.epochSecond, v.nano];
    case 'datetime':
      return [v.epochSecond, v.nano];
    default:
      return null;
  }
}

/** `=` : true, false, or null (unknown). */
export function equals(a: Value, b: Value): boolean | null {
  if (a === null || b === null) return null;
  if (isNumber(a) && isNumber(b)) {
    const c = compareNumbers(a, b);
    return c === 0;
  }
  if (typeof a !== typeof b) return false;
  if (typeof a !== 'object') return a === b;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    let unknown = false;
    for (let i = 0; i < a.length; i++) {
      const e = equals(a[i], b[i]);
      if (e === false) return false;
      if (e === null) unknown = true;
    }
    return unknown ? null : true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    let unknown = false;
    for (const [k, av] of a) {
      if (!b.has(k)) return false;
      const e = equals(av, b.get(k) as Value);
      if (e === false) return false;
      if (e === null) unknown = true;
    }
    return unknown ? null : true;
  }
  if (Array.isArray(b) || b instanceof Map || b === null || typeof b !== 'object') return false;
  return taggedEquals(a as Tagged, b as Tagged);
}

function taggedEquals(a: Tagged, b: Tagged): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'node':
    case 'relationship':
      return a.id === (b as typeof a).id;
    case 'path': {
      const p = b as PathValue;
      if (a.nodes.length !== p.nodes.length || a.rels.length !== p.rels.length) return false;
      return a.nodes.every((n, i) => n.id === p.nodes[i].id) && a.rels.every((r, i) => r.id === p.rels[i].id);
    }
    case 'duration': {
      const d = b as typeof a;
      return a.months === d.months && a.days === d.days && a.seconds === d.seconds && a.nanos === d.nanos;
    }
    case 'point': {
      const p = b as typeof a;
      return a.srid === p.srid && a.x === p.x && a.y === p.y && a.z === p.z;
    }
    case 'datetime': {
      const d = b as typeof a;
      return a.epochSecond === d.epochSecond && a.nano === d.nano;
    }
    case 'time': {
      const t = b as typeof a;
      return a.nanoOfDay === t.nanoOfDay && a.offsetSeconds === t.offsetSeconds;
    }
    case 'enum': {
      const e = b as typeof a;
      return a.typeName === e.typeName && a.ordinal === e.ordinal;
    }
    default: {
      const ka = temporalKey(a);
      const kb = temporalKey(b);
      return ka !== null && kb !== null && ka[0] === kb[0] && ka[1] === kb[1];
    }
  }
}

/** `<`-style comparison: negative, 0, positive, or null when not comparable. */
export function compare(a: Value, b: Value): number | null {
  if (a === null || b === null) return null;
  if (isNumber(a) && isNumber(b)) {
    const c = compareNumbers(a, b);
    return Number.isNaN(c) ? null : c;
  }
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const c = compare(a[i], b[i]);
      if (c === null) return null;
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  if (isTagged(a) && isTagged(b) && a.kind === b.kind) {
    const ka = temporalKey(a);
    const kb = temporalKey(b);
    if (ka !== null && kb !== null) return ka[0] - kb[0] || ka[1] - kb[1];
  }
  return null;
}

// ORDER BY rank of each type (ascending), per the openCypher ordering rules.
function orderRank(v: Value): number {
  if (v === null) return 100;
  switch (typeof v) {
    case 'bigint':
      return 90;
    case 'number':
      return Number.isNaN(v) ? 91 : 90;
    case 'boolean':
      return 80;
    case 'string':
      return 70;
  }
  if (Array.isArray(v)) return 30;
  if (v instanceof Map) return 0;
  switch (v.kind) {
    case 'node':
      return 10;
    case 'relationship':
      return 20;
    case 'path':
      return 40;
    case 'point':
      return 45;
    case 'datetime':
      return 50;
    case 'localdatetime':
      return 51;
    case 'date':
      return 52;
    case 'time':
      return 53;
    case 'localtime':
      return 54;
    case 'duration':
      return 60;
    case 'enum':
      return 65;
  }
}

/** Total order for ORDER BY, index keys and min()/max(): never null. */
/** Approximate length in seconds (months as 30.436875 days), for ordering only. */
function durationLength(d: { months: number; days: number; seconds: number; nanos: number }): number {
  return (d.months * 30.436875 + d.days) * 86_400 + d.seconds + d.nanos / 1e9;
}

export function orderCompare(a: Value, b: Value): number {
  const ra = orderRank(a);
  const rb = orderRank(b);
  if (ra !== rb) return ra - rb;
  if (a === null || b === null) return 0;
  if (isNumber(a) && isNumber(b)) {
    const c = compareNumbers(a, b);
    return Number.isNaN(c) ? 0 : c;
  }
  if (typeof a === 'string') return compareStrings(a, b as string);
  if (typeof a === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (Array.isArray(a)) {
    const bl = b as Value[];
    const n = Math.min(a.length, bl.length);
    for (let i = 0; i < n; i++) {
      const c = orderCompare(a[i], bl[i]);
      if (c !== 0) return c;
    }
    return a.length - bl.length;
  }
  if (a instanceof Map) {
    const bm = b as Map<string, Value>;
    const ka = [...a.keys()].sort();
    const kb = [...bm.keys()].sort();
    const c = orderCompare(ka, kb);
    if (c !== 0) return c;
    for (const k of ka) {
      const d = orderCompare(a.get(k) as Value, bm.get(k) as Value);
      if (d !== 0) return d;
    }
    return 0;
  }
  const ta = a as Tagged;
  const tb = b as Tagged;
  switch (ta.kind) {
    case 'node':
    case 'relationship':
      return ta.id - (tb as typeof ta).id;
    case 'path': {
      const pb = tb as PathValue;
      const c = orderCompare(
        ta.nodes.map((n) => BigInt(n.id)),
        pb.nodes.map((n) => BigInt(n.id)),
      );
      return c !== 0 ? c : orderCompare(
        ta.rels.map((r) => BigInt(r.id)),
        pb.rels.map((r) => BigInt(r.id)),
      );
    }
    case 'duration': {
      // Memgraph keeps one length per duration, so ORDER BY sorts by length: P11DT60H
      // after P12DT3M. Months count as the average month; the components break ties so
      // that only equal durations compare equal (openCypher keeps them apart: the TCK
      // asserts P13DT40H <> P14DT16H).
      const d = tb as typeof ta;
      return (
        durationLength(ta) - durationLength(d) || ta.months - d.months || ta.days - d.days || ta.seconds - d.seconds || ta.nanos - d.nanos
      );
    }
    case 'point': {
      const p = tb as typeof ta;
      return ta.srid - p.srid || ta.x - p.x || ta.y - p.y || (ta.z ?? 0) - (p.z ?? 0);
    }
    case 'time': {
      const c = compare(ta, tb) ?? 0;
      return c !== 0 ? c : ta.offsetSeconds - (tb as typeof ta).offsetSeconds;
    }
    case 'enum': {
      const e = tb as typeof ta;
      return compareStrings(ta.typeName, e.typeName) || ta.ordinal - e.ordinal;
    }
    default:
      return compare(ta, tb) ?? 0;
  }
}

/**
 * A string that is equal for equivalent values (DISTINCT, grouping keys, UNION):
 * null ≡ null, NaN ≡ NaN, and an integer ≡ a float of the same value.
 */
export function groupKey(v: Value): string {
  if (v === null) return 'n';
  switch (typeof v) {
    case 'boolean':
      return v ? 'T' : 'F';
    case 'bigint':
      return `#${v}`;
    case 'number':
      if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) return `#${BigInt(v)}`;
      return `#${Number.isNaN(v) ? 'NaN' : v}`;
    case 'string':
      return `s${JSON.stringify(v)}`;
  }
  if (Array.isArray(v)) return `[${v.map(groupKey).join(',')}]`;
  if (v instanceof Map) {
    const keys = [...v.keys()].sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${groupKey(v.get(k) as Value)}`).join(',')}}`;
  }
  switch (v.kind) {
    case 'node':
      return `N${v.id}`;
    case 'relationship':
      return `R${v.id}`;
    case 'path':
      return `P${v.nodes.map((n) => n.id).join('.')}/${v.rels.map((r) => r.id).join('.')}`;
    case 'date':
      return `D${v.epochDay}`;
    case 'localtime':
      return `t${v.nanoOfDay}`;
    case 'time':
      return `T${v.nanoOfDay}/${v.offsetSeconds}`;
    case 'localdatetime':
      return `d${v.epochSecond}.${v.nano}`;
    case 'datetime':
      return `I${v.epochSecond}.${v.nano}`;
    case 'duration':
      return `E${v.months}/${v.days}/${v.seconds}/${v.nanos}`;
    case 'point':
      return `X${v.srid}/${v.x}/${v.y}/${v.z}`;
    case 'enum':
      return `U${JSON.stringify(v.typeName)}/${v.ordinal}`;
  }
}
