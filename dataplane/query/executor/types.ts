// Executor building blocks: rows are slot arrays (slots resolved at plan time), operators
// are synchronous generators that may yield PAUSE so the driver can give the event loop a
// turn during long queries (DESIGN §3), and an ExecContext carries per-execution state.

import type { MetadataView, StorageTransaction } from '../../storage/types.js';
import type { AllocationCheck } from '../memory-limit.js';
import type { Value } from '../../values/model.js';

/**
 * One binding of the query's variables. An operator hands each row it yields to its
 * consumer for good (it never yields the same array twice or keeps changing it), so a
 * consumer may fill further slots in place.
 */
export type Row = Value[];

/** Yielded instead of a row to say "I did a batch of work; the driver may yield now". */
export const PAUSE: unique symbol = Symbol('pause');
export type Step = Row | typeof PAUSE;

/** Units of work (rows scanned/expanded/sorted) between two PAUSE markers. */
export const WORK_PER_PAUSE = 2048;

export interface ExecContext {
  readonly tx: StorageTransaction;
  readonly params: ReadonlyMap<string, Value>;
  /** Epoch ms, fixed for the statement (Cypher's statement clock). */
  readonly statementTime: number;
  /** Work counter; `tick()` returns true when a PAUSE is due. */
  work: number;
  /** Number of slots every row of this plan has. */
  readonly slotCount: number;
  /** Relationships expanded so far and Memgraph's `USING HOPS LIMIT` (Infinity: none). */
  hops?: HopsCounter;
  /** The server metadata (enum values); absent where no storage backs the statement. */
  meta?: MetadataView;
  /** The statement's memory limits for an up-front allocation (memory-limit.ts); absent: the heap's. */
  allocate?: AllocationCheck;
  /** Commits the transaction so far and goes on in a fresh one; absent in explicit transactions. */
  periodicCommit?: () => void | Promise<void>;
  /** Write clauses apply row by row instead of after all their input (USING PERIODIC COMMIT). */
  streamWrites?: boolean;
  /** A periodic commit still running: the result stream awaits it at the next PAUSE. */
  pending?: Promise<void> | null;
}

export interface HopsCounter {
  count: number;
  limit: number;
}

export function tick(ctx: ExecContext): boolean {
  return ++ctx.work % WORK_PER_PAUSE === 0;
}

/** A compiled expression. */
export type Eval = (row: Row, ctx: ExecContext) => Value;

export interface Operator {
  /** Runs for one argument row (the outer row for subplans; an empty row at top level). */
  run(ctx: ExecContext, arg: Row): Generator<Step>;
  /** One EXPLAIN line (without the ` * ` prefix). */
  describe(): string;
  /** Inputs, main input first. */
  children(): Operator[];
}

/** An operator with one (main) input. */
export abstract class Unary implements Operator {
  constructor(readonly input: Operator) {}
  abstract run(ctx: ExecContext, arg: Row): Generator<Step>;
  abstract describe(): string;
  children(): Operator[] {
    return [this.input];
  }
}

/** Turns each input row into at most one output row; the input's PAUSE markers pass through. */
export abstract class RowMapper extends Unary {
  *run(ctx: ExecContext, arg: Row): Generator<Step> {
    for (const row of this.input.run(ctx, arg)) {
      if (row === PAUSE) {
        yield PAUSE;
        continue;
      }
      const out = this.map(row, ctx);
      if (out !== null) yield out;
    }
  }
  /** The output row for one input row, or null to drop it. */
  protected abstract map(row: Row, ctx: ExecContext): Row | null;
}

/** Runs a subplan to completion for one argument row, ignoring PAUSE markers. */
export function* rowsOf(op: Operator, ctx: ExecContext, arg: Row): Generator<Row> {
  for (const step of op.run(ctx, arg)) if (step !== PAUSE) yield step;
}
