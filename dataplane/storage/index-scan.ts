// Range scans over an ordered label+property index: which buckets can hold values
// within the bounds. Cypher ranges only match values comparable with the bounds, and
// comparable values (one type family) sit next to each other in index order.

import { CypherPoint, type Value } from '../values/model.js';
import { compare, orderCompare } from '../values/ops.js';
import type { PointRegion, PropertyBound, PropertyFilter } from './types.js';
import type { Bucket } from './value-buckets.js';

/** Values of one type family sort next to each other; a range never leaves its family. */
function family(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'bigint' || typeof v === 'number') return 'number';
  if (typeof v !== 'object') return typeof v;
  if (Array.isArray(v)) return 'list';
  if (v instanceof Map) return 'map';
  return v.kind;
}

export function inRange(v: Value, lower: PropertyBound | null, upper: PropertyBound | null): boolean {
  if (lower !== null) {
    const c = compare(v, lower.value);
    if (c === null || c < 0 || (c === 0 && !lower.inclusive)) return false;
  }
  if (upper !== null) {
    const c = compare(v, upper.value);
    if (c === null || c > 0 || (c === 0 && !upper.inclusive)) return false;
  }
  return true;
}

/** First index whose bucket value is ≥ `value` in index order. */
export function lowerBound<T>(buckets: readonly Bucket<T>[], value: Value): number {
  let lo = 0;
  let hi = buckets.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (orderCompare(buckets[mid].value, value) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The buckets whose value satisfies both bounds, in index order. */
export function* bucketsInRange<T>(
  buckets: readonly Bucket<T>[],
  lower: PropertyBound | null,
  upper: PropertyBound | null,
): Generator<Bucket<T>> {
  let i = 0;
  if (lower !== null) i = lowerBound(buckets, lower.value);
  else if (upper !== null) {
    // Start at the first value of the upper bound's family.
    i = lowerBound(buckets, upper.value);
    const fam = family(upper.value);
    while (i > 0 && family(buckets[i - 1].value) === fam) i--;
  }
  const fam = lower !== null ? family(lower.value) : upper !== null ? family(upper.value) : null;
  for (; i < buckets.length; i++) {
    const b = buckets[i];
    if (fam !== null && family(b.value) !== fam) return;
    if (upper !== null && orderCompare(b.value, upper.value) > 0) return;
    if (inRange(b.value, lower, upper)) yield b;
  }
}

/**
 * Buckets of a composite index (keys are lists, in lexicographic order) whose first value
 * may satisfy `first`: a prefix scan. Readers re-check every value.
 */
export function* prefixBuckets<T>(buckets: readonly Bucket<T>[], first: PropertyFilter): Generator<Bucket<T>> {
  const head = (b: Bucket<T>): Value => (b.value as Value[])[0];
  if (first.kind === 'equal') {
    for (let i = lowerBound(buckets, [first.value]); i < buckets.length; i++) {
      const c = orderCompare(head(buckets[i]), first.value);
      if (c > 0) return;
      if (c === 0) yield buckets[i];
    }
    return;
  }
  const { lower, upper } = first;
  const probe = lower ?? upper;
  if (probe === null) return;
  const fam = family(probe.value);
  let i = lower !== null ? lowerBound(buckets, [lower.value]) : 0;
  for (; i < buckets.length; i++) {
    const v = head(buckets[i]);
    if (family(v) !== fam) {
      if (lower !== null) return;
      continue;
    }
    if (upper !== null && orderCompare(v, upper.value) > 0) return;
    if (inRange(v, lower, upper)) yield buckets[i];
  }
}

/** Buckets of a point index (keys are points, ordered by CRS, then x) that may lie in the region. */
export function* pointBuckets<T>(buckets: readonly Bucket<T>[], region: PointRegion | null): Generator<Bucket<T>> {
  if (region === null) {
    yield* buckets;
    return;
  }
  for (let i = lowerBound(buckets, new CypherPoint(region.srid, region.xMin, -Infinity, -Infinity)); i < buckets.length; i++) {
    const p = buckets[i].value as CypherPoint;
    if (p.srid !== region.srid || p.x > region.xMax) return;
    yield buckets[i];
  }
}
