// WITH/RETURN operators: projection, aggregation, DISTINCT, ORDER BY, SKIP/LIMIT, UNION.
// The eager ones (aggregate, sort, distinct-union) keep passing PAUSE markers upward while
// they consume their input, so a big sort still lets the event loop breathe.

import { createAccumulator, type Accumulator } from '../aggregates.js';
import { groupKey, orderCompare } from '../../values/ops.js';
import type { Value } from '../../values/model.js';
import { nonNegativeInt } from './expressions.js';
import { PAUSE, RowMapper, Unary, tick, type Eval, type ExecContext, type Operator, type Row, type Step } from './types.js';

/** Writes each item into its slot. Items are evaluated against the input row. */
export class Projection extends RowMapper {
  constructor(
    input: Operator,
    private readonly items: [number, Eval][],
    private readonly label = 'Produce',
  ) {
    super(input);
  }
  protected map(row: Row, ctx: ExecContext): Row {
    // Every operator yields a row it no longer uses, so the projection can fill it in
    // place; all items are evaluated first because they read the pre-projection slots.
    if (this.items.length === 1) {
      // One item (`RETURN n.name AS name`): nothing else can read its slot first, so no array of values per row.
      const [slot, f] = this.items[0];
      row[slot] = f(row, ctx);
      return row;
    }
    const vals = this.items.map(([, f]) => f(row, ctx));
    for (let i = 0; i < vals.length; i++) row[this.items[i][0]] = vals[i];
    return row;
  }
  describe(): string {
    return this.label;
  }
}

export interface AggregateSpec {
  slot: number;
  /** null = count(*) */
  name: string | null;
  distinct: boolean;
  args: Eval[];
}

/** Implicit grouping: groups by the key items, one accumulator per aggregate per group. */
export class Aggregate extends Unary {
  constructor(
    input: Operator,
    private readonly keys: [number, Eval][],
    private readonly aggs: AggregateSpec[],
  ) {
    super(input);
  }
  *run(ctx: ExecContext, arg: Row): Generator<Step> {
    const groups = new Map<string, { row: Row; accs: Accumulator[] }>();
    for (const row of this.input.run(ctx, arg)) {
      if (row === PAUSE) {
        yield PAUSE;
        continue;
      }
      const keyVals = this.keys.map(([, f]) => f(row, ctx));
      const k = keyVals.map(groupKey).join('\u0000');
      let g = groups.get(k);
      if (g === undefined) {
        const out = row.slice();
        for (let i = 0; i < keyVals.length; i++) out[this.keys[i][0]] = keyVals[i];
        g = { row: out, accs: this.aggs.map((a) => createAccumulator(a.name, a.distinct, a.args.length)) };
        groups.set(k, g);
      }
      for (let i = 0; i < this.aggs.length; i++) g.accs[i].add(this.aggs[i].args.map((f) => f(row, ctx)));
      if (tick(ctx)) yield PAUSE;
    }
    // No input rows and no grouping keys: one row of "empty" aggregates (count = 0 …).
    if (groups.size === 0 && this.keys.length === 0) {
      groups.set('', { row: arg.slice(), accs: this.aggs.map((a) => createAccumulator(a.name, a.distinct, a.args.length)) });
    }
    for (const g of groups.values()) {
      for (let i = 0; i < this.aggs.length; i++) {
        const acc = g.accs[i];
        if (acc.finish === undefined) {
          g.row[this.aggs[i].slot] = acc.result();
          continue;
        }
        // A huge collect() is joined in slices, with the event loop free between them.
        const it = acc.finish();
        for (let r = it.next(); ; r = it.next()) {
          if (r.done === true) {
            g.row[this.aggs[i].slot] = r.value;
            break;
          }
          yield PAUSE; // after each chunk of tens of thousands of elements
        }
      }
      yield g.row;
    }
  }
  describe(): string {
    return 'Aggregate';
  }
}

export class Distinct extends Unary {
  constructor(
    input: Operator,
    private readonly slots: number[],
  ) {
    super(input);
  }
  *run(ctx: ExecContext, arg: Row): Generator<Step> {
    const seen = new Set<string>();
    for (const row of this.input.run(ctx, arg)) {
      if (row === PAUSE) {
        yield PAUSE;
        continue;
      }
      const k = this.slots.map((s) => groupKey(row[s])).join('\u0000');
      if (seen.has(k)) continue;
      seen.add(k);
      yield row;
    }
  }
  describe(): string {
    return 'Distinct';
  }
}

export class Sort extends Unary {
  constructor(
    input: Operator,
    private readonly keys: { f: Eval; descending: boolean }[],
  ) {
    super(input);
  }
  *run(ctx: ExecContext, arg: Row): Generator<Step> {
    const entries: { key: Value[]; row: Row }[] = [];
    for (const row of this.input.run(ctx, arg)) {
      if (row === PAUSE) {
        yield PAUSE;
        continue;
      }
      entries.push({ key: this.keys.map((k) => k.f(row, ctx)), row });
      if (tick(ctx)) yield PAUSE;
    }
    const keys = this.keys;
    entries.sort((a, b) => {
      for (let i = 0; i < keys.length; i++) {
        const c = orderCompare(a.key[i], b.key[i]);
        if (c !== 0) return keys[i].descending ? -c : c;
      }
      return 0;
    });
    yield PAUSE;
    for (const e of entries) {
      yield e.row;
      if (tick(ctx)) yield PAUSE;
    }
  }
  describe(): string {
    return 'OrderBy';
  }
}

export class Skip extends Unary {
  constructor(
    input: Operator,
    private readonly count: Eval,
  ) {
    super(input);
  }
  *run(ctx: ExecContext, arg: Row): Generator<Step> {
    let toSkip = nonNegativeInt(this.count(arg, ctx), 'SKIP');
    for (const row of this.input.run(ctx, arg)) {
      if (row !== PAUSE && toSkip > 0) {
        toSkip--;
        continue;
      }
      yield row;
    }
  }
  describe(): string {
    return 'Skip';
  }
}

export class Limit extends Unary {
  constructor(
    input: Operator,
    private readonly count: Eval,
  ) {
    super(input);
  }
  *run(ctx: ExecContext, arg: Row): Generator<Step> {
    let left = nonNegativeInt(this.count(arg, ctx), 'LIMIT');
    const input = this.input.run(ctx, arg);
    if (left === 0) {
      // Pull once anyway: an updating clause below runs all its writes on the first pull.
      input.next();
      input.return(undefined);
      return;
    }
    for (const row of input) {
      yield row;
      if (row !== PAUSE && --left === 0) return;
    }
  }
  describe(): string {
    return 'Limit';
  }
}

/** UNION [ALL]: both branches write the same result slots. */
export class Union implements Operator {
  constructor(
    private readonly left: Operator,
    private readonly right: Operator,
    private readonly distinctSlots: number[] | null,
  ) {}
  *run(ctx: ExecContext, arg: Row): Generator<Step> {
    const seen = this.distinctSlots === null ? null : new Set<string>();
    for (const branch of [this.left, this.right]) {
      for (const row of branch.run(ctx, arg)) {
        if (row !== PAUSE && seen !== null) {
          const k = (this.distinctSlots as number[]).map((s) => groupKey(row[s])).join('\u0000');
          if (seen.has(k)) continue;
          seen.add(k);
        }
        yield row;
      }
    }
  }
  describe(): string {
    return this.distinctSlots === null ? 'UnionAll' : 'Union';
  }
  children(): Operator[] {
    return [this.left, this.right];
  }
}
