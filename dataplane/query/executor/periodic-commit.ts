// Memgraph's periodic commits: `USING PERIODIC COMMIT n` commits after every n rows of the
// query's first clause, `CALL { … } IN TRANSACTIONS OF n ROWS` after every n input rows
// of the subquery. A commit point commits the transaction so far and goes on in a fresh
// one (StorageTransaction.commitBatch), so a large LOAD CSV or UNWIND holds at most one
// batch of uncommitted changes. A commit that waits for its stages (the WAL's fsync, a
// SYNC replica) is awaited by the result stream at the PAUSE yielded here.

import { Codes, MghaError } from '../../errors.js';
import { PAUSE, Unary, type ExecContext, type Operator, type Row, type Step } from './types.js';

function* commitPoint(ctx: ExecContext): Generator<Step> {
  const commit = ctx.periodicCommit;
  if (commit === undefined) throw new MghaError(Codes.MemgraphClientError, 'Periodic commit is only possible in an implicit transaction.');
  const done = commit();
  if (done instanceof Promise) {
    ctx.pending = done;
    yield PAUSE;
    // The stream awaits (and clears) it at the PAUSE; an operator that swallowed the PAUSE
    // would let the query go on before its transaction is usable again.
    if (ctx.pending !== null && ctx.pending !== undefined) throw new MghaError(Codes.DatabaseError, 'A periodic commit was not awaited.');
  }
}

/** Passes its input through, committing before the row after every `batch` rows. */
export class PeriodicCommit extends Unary {
  constructor(
    input: Operator,
    private readonly batch: number,
  ) {
    super(input);
  }
  *run(ctx: ExecContext, arg: Row): Generator<Step> {
    let n = 0;
    for (const row of this.input.run(ctx, arg)) {
      if (row === PAUSE) {
        yield PAUSE;
        continue;
      }
      // Pulled only once the rows before it were processed downstream: a commit here
      // holds every change they made.
      if (n > 0 && n % this.batch === 0) yield* commitPoint(ctx);
      n++;
      yield row;
    }
  }
  describe(): string {
    return `PeriodicCommit {${this.batch}}`;
  }
}

/** `CALL { … } IN TRANSACTIONS OF n ROWS`: Apply that commits after every `batch` input rows. */
export class ApplyInTransactions extends Unary {
  constructor(
    input: Operator,
    private readonly sub: Operator,
    /** The subquery returns nothing: each input row passes through once. */
    private readonly unit: boolean,
    private readonly batch: number,
  ) {
    super(input);
  }
  *run(ctx: ExecContext, arg: Row): Generator<Step> {
    let n = 0;
    for (const row of this.input.run(ctx, arg)) {
      if (row === PAUSE) {
        yield PAUSE;
        continue;
      }
      if (this.unit) {
        for (const step of this.sub.run(ctx, row)) if (step === PAUSE) yield PAUSE;
        yield row;
      } else {
        yield* this.sub.run(ctx, row);
      }
      if (++n % this.batch === 0) yield* commitPoint(ctx);
    }
  }
  describe(): string {
    return `PeriodicSubquery {${this.batch}}`;
  }
  override children(): Operator[] {
    return [this.input, this.sub];
  }
}
