// PROFILE: runs a plan with every operator wrapped to count its pulls and time them, then
// reports Memgraph's table (OPERATOR, ACTUAL HITS, RELATIVE TIME, ABSOLUTE TIME). Times are
// exclusive: an operator's own work, without the operators it pulls from.

import type { Value } from '../../values/model.js';
import { PAUSE, type ExecContext, type Operator, type Row, type Step } from './types.js';

export const PROFILE_COLUMNS = ['OPERATOR', 'ACTUAL HITS', 'RELATIVE TIME', 'ABSOLUTE TIME'];

interface OperatorStats {
  /** Pulls answered: every row, and the final "no more" of each run. */
  hits: number;
  /** Milliseconds inside this operator's generator, its inputs included. */
  inclusiveMs: number;
}

/** Wraps `op.run` of every operator in the tree (the plan must not be shared: PROFILE plans are not cached). */
function instrument(op: Operator, stats: Map<Operator, OperatorStats>): void {
  const s: OperatorStats = { hits: 0, inclusiveMs: 0 };
  stats.set(op, s);
  const run = op.run.bind(op);
  (op as { run: Operator['run'] }).run = function* (ctx: ExecContext, arg: Row): Generator<Step> {
    const gen = run(ctx, arg);
    for (;;) {
      const t0 = performance.now();
      const next = gen.next();
      s.inclusiveMs += performance.now() - t0;
      if (next.done === true) {
        s.hits++;
        return;
      }
      if (next.value !== PAUSE) s.hits++;
      yield next.value;
    }
  };
  for (const child of op.children()) instrument(child, stats);
}

/** Memgraph formats times as `{: 10.6f} %` and `{: 10.6f} ms`. */
function fixed(n: number, unit: string): string {
  return `${n.toFixed(6).padStart(10, ' ')} ${unit}`;
}

function tableRows(op: Operator, stats: Map<Operator, OperatorStats>, totalMs: number, prefix: string, out: Value[][]): void {
  const s = stats.get(op) as OperatorStats;
  const [main, ...branches] = op.children();
  const ownMs = Math.max(0, s.inclusiveMs - op.children().reduce((sum, c) => sum + (stats.get(c)?.inclusiveMs ?? 0), 0));
  out.push([`${prefix} * ${op.describe()}`, BigInt(s.hits), fixed(totalMs > 0 ? (ownMs / totalMs) * 100 : 0, '%'), fixed(ownMs, 'ms')]);
  for (const b of branches) tableRows(b, stats, totalMs, `${prefix} |`, out);
  if (main !== undefined) tableRows(main, stats, totalMs, prefix, out);
}

/** Runs the plan to the end (its own rows are dropped, its writes happen), then yields the profile rows. */
export function* profile(root: Operator, ctx: ExecContext, arg: Row): Generator<Step> {
  const stats = new Map<Operator, OperatorStats>();
  instrument(root, stats);
  for (const step of root.run(ctx, arg)) if (step === PAUSE) yield PAUSE;
  const rows: Value[][] = [];
  tableRows(root, stats, stats.get(root)?.inclusiveMs ?? 0, '', rows);
  yield* rows;
}
