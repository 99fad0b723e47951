// range() without blocking the event loop: `UNWIND range(…)` streams its values instead
// of building the list, and a projected `range(…)` is built in slices (PAUSE between
// them), so a ten-million-element range never holds up other sessions.

import { checkRangeLength, rangeSpec, type RangeSpec } from '../functions/lists.js';
import type { Value } from '../../values/model.js';
import { PAUSE, Unary, tick, type Eval, type ExecContext, type Operator, type Row, type Step } from './types.js';

/** An operator over the range() arguments (2 or 3) of each input row, writing into `slot`. */
abstract class RangeOperator extends Unary {
  constructor(
    input: Operator,
    private readonly args: Eval[],
    protected readonly slot: number,
  ) {
    super(input);
  }
  *run(ctx: ExecContext, arg: Row): Generator<Step> {
    for (const row of this.input.run(ctx, arg)) {
      if (row === PAUSE) {
        yield PAUSE;
        continue;
      }
      yield* this.each(ctx, row, rangeSpec(this.args.map((a) => a(row, ctx))));
    }
  }
  /** The rows for one input row; `spec` null: a null argument. */
  protected abstract each(ctx: ExecContext, row: Row, spec: RangeSpec | null): Generator<Step>;
}

/** `UNWIND range(…) AS x`, its values streamed into `slot`. */
export class UnwindRange extends RangeOperator {
  protected *each(ctx: ExecContext, row: Row, spec: RangeSpec | null): Generator<Step> {
    if (spec === null) return;
    for (let i = 0n, v = spec.start; i < spec.count; i++, v += spec.step) {
      const out = row.slice();
      out[this.slot] = v;
      yield out;
      if (tick(ctx)) yield PAUSE;
    }
  }
  describe(): string {
    return 'Unwind';
  }
}

/** Longest list built preallocated (V8's limit for fast elements from `new Array(n)`). */
const PREALLOCATE_MAX = 32 * 1024 * 1024;

/** Builds a projected `range(…)` into `slot` a slice at a time, before the projection reads it. */
export class BuildRange extends RangeOperator {
  protected *each(ctx: ExecContext, row: Row, spec: RangeSpec | null): Generator<Step> {
    let list: Value = null;
    if (spec !== null) {
      const count = checkRangeLength(spec, ctx.allocate);
      // Sized up front: growing by push() copies the list at every step (the last copy of
      // a ten-million-element list is one long pause) and leaves the old copies to the GC.
      // V8 keeps a preallocated array this long in fast mode; longer ones grow as before.
      const values: bigint[] = count <= PREALLOCATE_MAX ? new Array<bigint>(count) : [];
      for (let i = 0, v = spec.start; i < count; i++, v += spec.step) {
        values[i] = v;
        if (tick(ctx)) yield PAUSE;
      }
      list = values;
    }
    row[this.slot] = list;
    yield row;
  }
  describe(): string {
    return 'BuildRange';
  }
}
