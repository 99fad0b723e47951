// Aggregate functions (implicit grouping in WITH/RETURN). Each group gets one
// accumulator per aggregate call; nulls are skipped as openCypher requires.

import { argumentError, typeError } from '../errors.js';
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

class Collect implements Accumulator {
  private readonly items: Value[] = [];
  add([v]: Value[]): void {
    if (v !== null) this.items.push(v);
  }
  result(): Value {
    return this.items;
  }
}

/** Memgraph's two-argument `collect(key, value)`: a map (rows with a null key or value skipped). */
class CollectMap implements Accumulator {
  private readonly entries = new Map<string, Value>();
  add([k, v]: Value[]): void {
    if (k === null || v === null) return;
    if (typeof k !== 'string') throw typeError(`collect() map keys must be STRINGs, got ${typeName(k)}.`);
    this.entries.set(k, v);
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
