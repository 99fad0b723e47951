// Memgraph's edge index scans (ScanAllByEdgeType, …ByEdgeTypeProperty{Value|Range},
// …ByEdgeProperty{Value|Range}): a MATCH that starts on a relationship binds it and both of
// its end nodes from an edge index, then expands outwards from them.

import type { EdgeAccessor } from '../../storage/types.js';
import { PAUSE, Unary, tick, type ExecContext, type Operator, type Row, type Step } from './types.js';
import type { Direction } from './read-ops.js';
import type { EdgeLookups } from './edge-index-choice.js';

export interface EdgeScanSpec {
  /** The pattern's left node, relationship and right node slots. */
  leftSlot: number;
  relSlot: number;
  rightSlot: number;
  /** The relationship's direction from the left node. */
  dir: Direction;
  /** The pattern's type, checked per edge when the index holds every type (global). */
  type: string | null;
  /** The same variable at both ends: only self-loops match. */
  sameNode: boolean;
  lookups: EdgeLookups;
  /** `ScanAllByEdgeType (a)-[r:T]->(b)`. */
  text: string;
}

export class EdgeScan extends Unary {
  constructor(
    input: Operator,
    private readonly spec: EdgeScanSpec,
  ) {
    super(input);
  }

  *run(ctx: ExecContext, arg: Row): Generator<Step> {
    const s = this.spec;
    for (const row of this.input.run(ctx, arg)) {
      if (row === PAUSE) {
        yield PAUSE;
        continue;
      }
      const lookups = s.lookups(row, ctx);
      if (lookups === null) continue;
      for (const q of lookups) {
        for (const e of ctx.tx.edgesByIndex(q)) {
          if (s.type !== null && e.type !== s.type) continue;
          const loop = e.startId === e.endId;
          if (s.sameNode && !loop) continue;
          if (s.dir !== 'in') yield this.bind(row, e, false);
          // Undirected: both orientations, a self-loop once.
          if (s.dir === 'in' || (s.dir === 'both' && !loop)) yield this.bind(row, e, true);
          if (tick(ctx)) yield PAUSE;
        }
      }
    }
  }

  private bind(row: Row, e: EdgeAccessor, reversed: boolean): Row {
    const out = row.slice();
    out[this.spec.relSlot] = e;
    out[this.spec.leftSlot] = reversed ? e.to() : e.from();
    out[this.spec.rightSlot] = reversed ? e.from() : e.to();
    return out;
  }

  describe(): string {
    return this.spec.text;
  }
}
