// List functions (and size/length/reverse, which also take strings, maps and paths).

import { argumentError } from '../../errors.js';
import { isTagged, typeName, type Value } from '../../values/model.js';
import { groupKey } from '../../values/ops.js';
import { badArg, intArg, listArg } from './args.js';
import { def, unary } from './define.js';
import type { FunctionDef } from './types.js';
import { heapCheck, outOfMemory, RANGE_ELEMENT_BYTES, type AllocationCheck } from '../memory-limit.js';

// uniformSample() materialises its list; refuse sizes that would exhaust the process's memory.
const MAX_SAMPLE_LENGTH = 10_000_000n;
/** JavaScript's longest array. */
const MAX_ARRAY_LENGTH = 2 ** 32 - 1;

// openCypher classifies a non-integer range() bound as an ArgumentError (InvalidArgumentType).
function rangeArg(v: Value): bigint {
  if (typeof v !== 'bigint') throw argumentError(`range() expects INTEGER arguments, got ${typeName(v)}`);
  return v;
}

/** A validated `range(start, end[, step])`: `count` values from `start` in steps of `step`. */
export interface RangeSpec {
  start: bigint;
  step: bigint;
  count: bigint;
}

/** range()'s argument checks; null when an argument is null (range() is then null). */
export function rangeSpec(args: Value[]): RangeSpec | null {
  if (args.some((a) => a === null)) return null;
  const [startArg, endArg, stepArg] = args;
  const start = rangeArg(startArg);
  const end = rangeArg(endArg);
  const step = stepArg === undefined ? 1n : rangeArg(stepArg);
  if (step === 0n) throw argumentError('range() step must not be zero');
  if ((step > 0n && start > end) || (step < 0n && start < end)) return { start, step, count: 0n };
  return { start, step, count: (end - start) / step + 1n };
}

/**
 * Refuses a list that would pass the memory limits (the query's, the process's, the JS
 * heap's) with Memgraph's out-of-memory error before building it; UNWIND range(…)
 * streams instead and needs no check.
 */
export function checkRangeLength(spec: RangeSpec, allocate: AllocationCheck = heapCheck): number {
  const count = Number(spec.count);
  allocate(count * RANGE_ELEMENT_BYTES);
  if (count > MAX_ARRAY_LENGTH) throw outOfMemory(count * RANGE_ELEMENT_BYTES, MAX_ARRAY_LENGTH * RANGE_ELEMENT_BYTES);
  return count;
}

function range(spec: RangeSpec, allocate: AllocationCheck | undefined): bigint[] {
  const count = checkRangeLength(spec, allocate);
  const out: bigint[] = [];
  for (let i = 0, v = spec.start; i < count; i++, v += spec.step) out.push(v);
  return out;
}

function size(fn: string, v: Value): bigint {
  if (Array.isArray(v)) return BigInt(v.length);
  if (typeof v === 'string') return BigInt([...v].length);
  if (v instanceof Map) return BigInt(v.size);
  if (isTagged(v) && v.kind === 'path') return BigInt(v.rels.length);
  return badArg(fn, v, 'a LIST, STRING, MAP or PATH');
}

/** Distinct elements in first-seen order (DISTINCT equivalence: 1 ≡ 1.0). */
function toSet(list: Value[]): Value[] {
  const seen = new Set<string>();
  return list.filter((v) => {
    const key = groupKey(v);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `size` elements drawn uniformly with replacement (Memgraph's uniformSample). */
function uniformSample(list: Value[], size: bigint): Value[] {
  if (size < 0n) throw argumentError('uniformSample() size must not be negative');
  if (list.length === 0) return [];
  if (size > MAX_SAMPLE_LENGTH) throw argumentError(`uniformSample() would produce ${size} elements`);
  return Array.from({ length: Number(size) }, () => list[Math.floor(Math.random() * list.length)]);
}

export const listFunctions: FunctionDef[] = [
  unary('size', (v) => size('size', v)),
  // Memgraph's length() is size() under another name.
  unary('length', (v) => size('length', v)),
  unary('isEmpty', (v) => {
    if (Array.isArray(v) || typeof v === 'string') return v.length === 0;
    if (v instanceof Map) return v.size === 0;
    return badArg('isEmpty', v, 'a LIST, STRING or MAP');
  }),
  unary('head', (v) => listArg('head', v)[0] ?? null),
  unary('last', (v) => {
    const l = listArg('last', v);
    return l.length === 0 ? null : l[l.length - 1];
  }),
  unary('tail', (v) => listArg('tail', v).slice(1)),
  unary('reverse', (v) => {
    if (typeof v === 'string') return [...v].reverse().join('');
    return [...listArg('reverse', v)].reverse();
  }),
  def('range', 2, 3, (args, ctx) => {
    const spec = rangeSpec(args);
    return spec === null ? null : range(spec, ctx.allocate);
  }),
  def('coalesce', 1, Infinity, (args) => args.find((a) => a !== null) ?? null),
  unary('toSet', (v) => toSet(listArg('toSet', v))),
  def('uniformSample', 2, 2, ([list, n]) =>
    list === null || n === null ? null : uniformSample(listArg('uniformSample', list), intArg('uniformSample', n)),
  ),
];
