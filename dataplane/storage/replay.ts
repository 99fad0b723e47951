// Applying transactions committed elsewhere (a replica applying its MAIN's commits, WAL
// recovery): the source's deltas with the source's gids, no commit stage. A replica applies
// a whole received batch of commits in one transaction published once (ReplayBatch).

import { Codes, MghaError } from '../errors.js';
import type { StorageCore } from './core.js';
import type { EdgeRecord, VertexRecord } from './records.js';
import type { Transaction } from './transaction.js';
import type { CommittedTransaction, Delta } from './types.js';

/**
 * A replica applies what its MAIN committed; a local write transaction still open (begun
 * before the instance became a replica) would conflict with it, so it is rolled back
 * rather than break the replay. Its client hears that the transaction is no longer active.
 */
export function rollBackLocalWriters(core: StorageCore): void {
  for (const tx of core.active) if (tx.isLocalWriter()) tx.rollBackForReplay();
}

/** Applies deltas[from, to) in `tx` with the source's gids. */
export function replayDeltas(core: StorageCore, tx: Transaction, deltas: readonly Delta[], from: number, to: number): void {
  const vertex = (gid: number): VertexRecord => {
    const rec = core.vertices[gid];
    if (rec === undefined) throw new MghaError(Codes.DatabaseError, `Replay: vertex ${gid} does not exist.`);
    return rec;
  };
  const edge = (gid: number): EdgeRecord => {
    const rec = core.edges[gid];
    if (rec === undefined) throw new MghaError(Codes.DatabaseError, `Replay: edge ${gid} does not exist.`);
    return rec;
  };
  for (let i = from; i < to; i++) {
    const d = deltas[i];
    switch (d.op) {
      case 'createVertex':
        tx.createVertexRecord(d.gid);
        break;
      case 'deleteVertex':
        // The source logged the edge deletions before this delta.
        tx.deleteVertexRecord(vertex(d.gid), false);
        break;
      case 'addLabel':
        tx.addLabel(vertex(d.gid), d.label);
        break;
      case 'removeLabel':
        tx.removeLabel(vertex(d.gid), d.label);
        break;
      case 'setVertexProperty':
        tx.setProperty(vertex(d.gid), d.key, d.value);
        break;
      case 'createEdge':
        tx.createEdgeRecord(d.gid, vertex(d.from), vertex(d.to), d.type);
        break;
      case 'deleteEdge':
        tx.deleteEdgeRecord(edge(d.gid));
        break;
      case 'setEdgeProperty':
        tx.setProperty(edge(d.gid), d.key, d.value);
        break;
      default:
        throw new MghaError(Codes.DatabaseError, `Replay: ${d.op} must be committed alone.`);
    }
  }
}

/** What a batch needs from the storage beyond its core. */
export interface ReplayBatchHost {
  readonly core: StorageCore;
  begin(): Transaction;
  /** Applies one transaction alone (schema changes: they take effect at once, not versioned). */
  applyAlone(committed: CommittedTransaction): void;
  isSchema(committed: CommittedTransaction): boolean;
}

/**
 * Consecutive commits applied in one storage transaction and published once: one
 * `lastCommitTimestamp` move, one GC pass and one undo list per batch instead of per
 * commit. MVCC holds for readers because the batch is applied and published within one
 * synchronous run: no reader can begin between two of its commits, so every reader sees
 * none of the batch (begun before) or all of it (begun after) — a consistent prefix of
 * MAIN's history, never half a transaction. A commit that fails to apply is rolled back
 * to its savepoint; the commits before it are published at their last timestamp.
 */
export class ReplayBatch {
  private tx: Transaction | null = null;
  private lastTs = 0;

  constructor(private readonly host: ReplayBatchHost) {}

  apply(committed: CommittedTransaction): void {
    if (this.host.isSchema(committed)) {
      // A schema change is not versioned: what came before it must be visible first.
      this.publish();
      this.host.applyAlone(committed);
      return;
    }
    const core = this.host.core;
    const ts = committed.commitTimestamp;
    let tx = this.tx;
    if (tx === null) {
      if (ts <= core.lastCommitTs || core.pipeline.inFlight() > 0) {
        throw new MghaError(Codes.DatabaseError, `Commit timestamp ${ts} is not after ${core.lastCommitTs}.`);
      }
      rollBackLocalWriters(core);
      tx = this.host.begin();
      this.tx = tx;
    } else if (ts <= this.lastTs) {
      throw new MghaError(Codes.DatabaseError, `Commit timestamp ${ts} is not after ${this.lastTs}.`);
    }
    const sp = tx.savepoint();
    try {
      replayDeltas(core, tx, committed.deltas, 0, committed.deltas.length);
    } catch (e) {
      tx.rollBackTo(sp);
      this.publish();
      throw e;
    }
    this.lastTs = ts;
  }

  /** Makes the commits applied so far visible at the last one's timestamp (no-op when none). */
  publish(): void {
    const tx = this.tx;
    if (tx === null) return;
    this.tx = null;
    if (this.lastTs === 0) {
      tx.abort();
      return;
    }
    tx.commitReplayed(this.lastTs, false);
    // A batch whose commits changed nothing still moves the clock to MAIN's timestamp.
    if (this.host.core.lastCommitTs < this.lastTs) this.host.core.lastCommitTs = this.lastTs;
    this.lastTs = 0;
  }
}
