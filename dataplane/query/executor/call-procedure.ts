// `CALL proc(args) YIELD …`: runs a registered procedure once per input row and binds the
// yielded fields to slots. The procedure's own PAUSE markers pass through.

import { bindArguments } from '../procedures/registry.js';
import type { Procedure, ProcedureLookup } from '../procedures/types.js';
import { PAUSE, Unary, tick, type Eval, type ExecContext, type Operator, type Row, type Step } from './types.js';

/** Result field `index` (in the procedure's declared order) goes to `slot`. */
export interface YieldBinding {
  index: number;
  slot: number;
}

export class CallProcedure extends Unary {
  constructor(
    input: Operator,
    private readonly proc: Procedure,
    private readonly args: Eval[],
    private readonly yields: YieldBinding[],
    private readonly registry: ProcedureLookup,
  ) {
    super(input);
  }
  *run(ctx: ExecContext, arg: Row): Generator<Step> {
    for (const row of this.input.run(ctx, arg)) {
      if (row === PAUSE) {
        yield PAUSE;
        continue;
      }
      const values = bindArguments(this.proc, this.args.map((a) => a(row, ctx)));
      const records = this.proc.run(values, { tx: ctx.tx, registry: this.registry });
      // A procedure without result fields leaves each row as it was (openCypher's void procedures).
      if (this.proc.results.length === 0) {
        for (const step of records) if (step === PAUSE) yield PAUSE;
        yield row;
        continue;
      }
      for (const record of records) {
        if (record === PAUSE) {
          yield PAUSE;
          continue;
        }
        const out = row.slice();
        for (const y of this.yields) out[y.slot] = record[y.index];
        yield out;
        if (tick(ctx)) yield PAUSE;
      }
    }
  }
  describe(): string {
    return `CallProcedure {${this.proc.name}}`;
  }
}
