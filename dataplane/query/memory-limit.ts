// Memory limits as Memgraph states them: `--memory-limit` (MiB, the whole process) and
// `QUERY MEMORY LIMIT n KB|MB` (one query). JavaScript cannot meter a query's own
// allocations, so the process limit is checked against the resident set size and a query's
// against the growth of the JS heap since it started; both at every yield point of a
// running query (every few thousand rows), failing it with Memgraph's out-of-memory error.

import v8 from 'node:v8';
import { Codes, MghaError } from '../errors.js';

/** Memgraph's GetReadableSize: two decimals, binary units. */
export function readableSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(2)}${units[i]}`;
}

/** Memgraph's OutOfMemoryException text; a transient error, as in Memgraph. */
export function outOfMemory(current: number, limit: number): MghaError {
  return new MghaError(
    Codes.Conflict,
    `Memory limit exceeded! Current use is ${readableSize(current)}, while the maximum allowed size for allocation is set to ${readableSize(limit)}.`,
  );
}

export function heapUsed(): number {
  return v8.getHeapStatistics().used_heap_size;
}

/**
 * A check for one query, or null when no limit applies. `processBytes` 0 = none;
 * `queryBytes` null = none.
 */
export function memoryCheck(processBytes: number, queryBytes: number | null): (() => MghaError | null) | null {
  if (processBytes <= 0 && queryBytes === null) return null;
  const baseline = queryBytes === null ? 0 : heapUsed();
  return () => {
    if (processBytes > 0) {
      const rss = process.memoryUsage.rss();
      if (rss > processBytes) return outOfMemory(rss, processBytes);
    }
    if (queryBytes !== null) {
      const grown = heapUsed() - baseline;
      if (grown > queryBytes) return outOfMemory(grown, queryBytes);
    }
    return null;
  };
}

/**
 * Heap bytes one element of a built range() list takes: a heap bigint (about 24 bytes on a
 * 64-bit V8 without pointer compression) and its 8-byte array slot.
 */
export const RANGE_ELEMENT_BYTES = 32;

/** Throws Memgraph's out-of-memory error if allocating `bytes` more would pass a limit. */
export type AllocationCheck = (bytes: number) => void;

/**
 * The limits a query's up-front allocations (a range() list) are checked against before
 * they are made: the query's limit (heap growth since the query started), the process
 * limit (resident set size), and always the JS heap's own limit, which without any
 * configured limit is the sane default (the process would die of it).
 */
export function allocationCheck(processBytes: number, queryBytes: number | null): AllocationCheck {
  const baseline = queryBytes === null ? 0 : heapUsed();
  return (bytes) => {
    if (queryBytes !== null) {
      const use = heapUsed() - baseline + bytes;
      if (use > queryBytes) throw outOfMemory(use, queryBytes);
    }
    if (processBytes > 0) {
      const use = process.memoryUsage.rss() + bytes;
      if (use > processBytes) throw outOfMemory(use, processBytes);
    }
    heapCheck(bytes);
  };
}

/** The JS heap's limit alone (where no query limits are known, e.g. a trigger's statement). */
export function heapCheck(bytes: number): void {
  const h = v8.getHeapStatistics();
  const use = h.used_heap_size + bytes;
  if (use > h.heap_size_limit) throw outOfMemory(use, h.heap_size_limit);
}
