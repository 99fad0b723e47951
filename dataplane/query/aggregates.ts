// Aggregate functions (implicit grouping in WITH/RETURN). Each group gets one
// accumulator per aggregate call; nulls are skipped as openCypher requires.

import { argumentError, Codes, MghaError, typeError } from '../errors.js';
import { typeName, type Value } from '../values/model.js';
import { add } from './operators.js';
import { groupKey, orderCompare } from '../values/ops.js';

/** True for the (lower-case) name of an aggregate function. */
export function isAggregateName(name: string): boolean {
  return ACCUMULATORS.has(name);
}

export interface Accumulator {
  /** `args` are the evaluated arguments (empty for count(*)). */
  add(args: Value[]): void;
  result(): Value;
  /**
   * The result built in slices, for results that may be huge: yields between slices (the
   * caller gives the event loop a turn) and returns what result() would.
   */
  finish?(): Generator<void, Value>;
}

function numeric(v: Value, fn: string): bigint | number {
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  throw typeError(`${fn}() expected a number, got ${typeName(v)}.`);
}

function toFloat(v: bigint | number): number {
  return typeof v === 'bigint' ? Number(v) : v;
}

class Count implements Accumulator {
  private n = 0n;
  constructor(private readonly star: boolean) {}
  add(args: Value[]): void {
    if (this.star || args[0] !== null) this.n++;
  }
  result(): Value {
    return this.n;
  }
}

class Sum implements Accumulator {
  private total: Value = 0n;
  private durations = false;
  add([v]: Value[]): void {
    if (v === null) return;
    if (typeof v === 'object' && !Array.isArray(v) && !(v instanceof Map) && v.kind === 'duration') {
      this.total = this.durations || this.total !== 0n ? add(this.total, v) : v;
      this.durations = true;
      return;
    }
    this.total = add(this.total, numeric(v, 'sum'));
  }
  result(): Value {
    return this.total;
  }
}

class Avg implements Accumulator {
  private sum = 0;
  private n = 0;
  add([v]: Value[]): void {
    if (v === null) return;
    this.sum += toFloat(numeric(v, 'avg'));
    this.n++;
  }
  result(): Value {
    return this.n === 0 ? null : this.sum / this.n;
  }
}

class MinMax implements Accumulator {
  private best: Value = null;
  constructor(private readonly sign: 1 | -1) {}
  add([v]: Value[]): void {
    if (v === null) return;
    if (this.best === null || this.sign * orderCompare(v, this.best) < 0) this.best = v;
  }
  result(): Value {
    return this.best;
  }
}

/** Elements per chunk of a collect() list. */
const COLLECT_CHUNK = 1 << 16;
/** Longest list allocated at its full size up front (V8 keeps it in fast mode). */
const PREALLOCATE_MAX = 32 * 1024 * 1024;

/**
 * collect() gathers into fixed-size chunks and joins them in slices at the end: one list
 * grown by push() is copied at every growth step (the last copies of a ten-million-element
 * list are long pauses, and ~100 MB of old copies for the collector).
 */
class Collect implements Accumulator {
  private chunks: Value[][] = [];
  private current: Value[] = [];
  add([v]: Value[]): void {
    if (v === null) return;
    this.current.push(v);
    if (this.current.length === COLLECT_CHUNK) {
      this.chunks.push(this.current);
      this.current = [];
    }
  }
  result(): Value {
    const it = this.finish();
    for (;;) {
      const r = it.next();
      if (r.done === true) return r.value;
    }
  }
  *finish(): Generator<void, Value> {
    if (this.chunks.length === 0) return this.current;
    const total = this.chunks.length * COLLECT_CHUNK + this.current.length;
    const out: Value[] = total <= PREALLOCATE_MAX ? new Array<Value>(total) : [];
    let k = 0;
    for (const chunk of [...this.chunks, this.current]) {
      for (let i = 0; i < chunk.length; i++) out[k++] = chunk[i];
      yield;
    }
    this.chunks = [];
    this.current = [];
    return out;
  }
}

/**
 * Memgraph's two-argument `collect(key, value)`: a map. As in Memgraph, rows with a null
 * value are skipped, any other key than a string (null too) is an error, and the first
 * value for a key stays.
 */
class CollectMap implements Accumulator {
  private readonly entries = new Map<string, Value>();
  add([k, v]: Value[]): void {
    if (v === null) return;
    if (typeof k !== 'string') throw new MghaError(Codes.MemgraphClientError, 'Map key must be a string.');
    if (!this.entries.has(k)) this.entries.set(k, v);
  }
  result(): Value {
    return this.entries;
  }
}

class StDev implements Accumulator {
  private readonly xs: number[] = [];
  constructor(private readonly population: boolean) {}
  add([v]: Value[]): void {
    if (v !== null) this.xs.push(toFloat(numeric(v, this.population ? 'stDevP' : 'stDev')));
  }
  result(): Value {
    const n = this.xs.length;
    const d = this.population ? n : n - 1;
    if (d <= 0) return 0;
    const mean = this.xs.reduce((a, b) => a + b, 0) / n;
    return Math.sqrt(this.xs.reduce((a, x) => a + (x - mean) ** 2, 0) / d);
  }
}

class Percentile implements Accumulator {
  private readonly xs: (bigint | number)[] = [];
  private p: number | null = null;
  constructor(private readonly continuous: boolean) {}
  add([v, p]: Value[]): void {
    if (this.p === null) {
      const pv = toFloat(numeric(p ?? null, 'percentile'));
      if (!(pv >= 0 && pv <= 1)) throw argumentError(`Percentile must be between 0.0 and 1.0, got ${pv}.`);
      this.p = pv;
    }
    if (v !== null) this.xs.push(numeric(v, 'percentile'));
  }
  result(): Value {
    if (this.xs.length === 0 || this.p === null) return null;
    const sorted = [...this.xs].sort(orderCompare);
    const p = this.p;
    if (!this.continuous) {
      const idx = p === 0 ? 0 : Math.ceil(p * sorted.length) - 1;
      return sorted[Math.max(0, idx)];
    }
    const pos = p * (sorted.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    const a = toFloat(sorted[lo]);
    const b = toFloat(sorted[hi]);
    return a + (b - a) * (pos - lo);
  }
}

class Distinct implements Accumulator {
  private readonly seen = new Set<string>();
  constructor(private readonly inner: Accumulator) {}
  add(args: Value[]): void {
    if (args[0] === null) return;
    const k = groupKey(args[0]);
    if (this.seen.has(k)) return;
    this.seen.add(k);
    this.inner.add(args);
  }
  result(): Value {
    return this.inner.result();
  }
  *finish(): Generator<void, Value> {
    return this.inner.finish === undefined ? this.inner.result() : yield* this.inner.finish();
  }
}

/** Every aggregate function by lower-case name, with how to start a group's accumulator. */
const ACCUMULATORS: ReadonlyMap<string, () => Accumulator> = new Map<string, () => Accumulator>([
  ['count', () => new Count(false)],
  ['sum', () => new Sum()],
  ['avg', () => new Avg()],
  ['min', () => new MinMax(1)],
  ['max', () => new MinMax(-1)],
  ['collect', () => new Collect()],
  ['stdev', () => new StDev(false)],
  ['stdevp', () => new StDev(true)],
  ['percentilecont', () => new Percentile(true)],
  ['percentiledisc', () => new Percentile(false)],
]);

/** `name` null means count(*); `arity` is the number of arguments written. */
export function createAccumulator(name: string | null, distinct: boolean, arity = 1): Accumulator {
  if (name === null) return new Count(true);
  if (name === 'collect' && arity === 2) return distinct ? new Distinct(new CollectMap()) : new CollectMap();
  const start = ACCUMULATORS.get(name);
  if (start === undefined) throw argumentError(`Unknown aggregate function ${name}().`);
  const acc = start();
  return distinct ? new Distinct(acc) : acc;
}
