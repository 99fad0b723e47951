// The replay rules, shared by WAL recovery and (next) by replicas applying MAIN's stream:
// records come in log order; what is already applied is skipped; a commit applies only as
// `last + 1` (a jump is a gap: transactions are missing); a two-phase transaction is held
// from its PREPARE until its FINALIZE, and applied only if that commits.
//
// Aborted two-phase timestamps are reused by the source, so a new PREPARE or COMMIT of a
// held timestamp means the held one (and any held after it) was abandoned. Whatever is
// still held at the end of the log was never finalised and is never applied.

import type { CommittedTransaction } from '../storage/types.js';
import { recordTimestamp, type WalRecord } from './wal-reader.js';

/** Where the records are applied (InMemoryStorage satisfies it). */
export interface ReplayTarget {
  lastCommitTimestamp(): number;
  applyCommitted(committed: CommittedTransaction): void;
}

/** A record that cannot follow what was applied: the log is missing transactions or is broken. */
export class ReplayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayError';
  }
}

export type ReplayOutcome = 'applied' | 'skipped' | 'held' | 'dropped';

export class Replay {
  private last: number;
  /** Prepared, not yet finalised: always the run last+1, last+2, … */
  private readonly held = new Map<number, CommittedTransaction>();

  constructor(private readonly target: ReplayTarget) {
    this.last = target.lastCommitTimestamp();
  }

  /** Last applied commit timestamp. */
  lastApplied(): number {
    return this.last;
  }

  /** The lowest timestamp prepared and not finalised, or null. */
  lowestHeld(): number | null {
    return this.held.size === 0 ? null : this.last + 1;
  }

  /**
   * Feeds one record. Throws ReplayError for a gap or a finalisation of nothing, and
   * whatever `applyCommitted` throws for a transaction that does not apply.
   */
  feed(record: WalRecord): ReplayOutcome {
    const ts = recordTimestamp(record);
    if (ts <= this.last) return 'skipped';
    switch (record.kind) {
      case 'commit':
        if (ts !== this.last + 1) throw this.gap(ts);
        this.dropFrom(ts);
        this.apply(record.ct);
        return 'applied';
      case 'prepare':
        if (ts > this.last + 1 + this.held.size) throw this.gap(ts);
        this.dropFrom(ts);
        this.held.set(ts, record.ct);
        return 'held';
      case 'finalize': {
        const ct = this.held.get(ts);
        if (!record.committed) {
          this.dropFrom(ts);
          return 'dropped';
        }
        if (ct === undefined || ts !== this.last + 1) {
          throw new ReplayError(`transaction ${ts} is finalised as committed but was not prepared (expected ${this.last + 1} next)`);
        }
        this.held.delete(ts);
        this.apply(ct);
        return 'applied';
      }
    }
  }

  private apply(ct: CommittedTransaction): void {
    this.target.applyCommitted(ct);
    this.last = ct.commitTimestamp;
  }

  private gap(ts: number): ReplayError {
    return new ReplayError(`missing transactions: expected commit timestamp ${this.last + 1}, found ${ts} (a WAL file is missing or was deleted)`);
  }

  /** Held transactions from `ts` on were abandoned (their timestamps are being reused). */
  private dropFrom(ts: number): void {
    for (const held of this.held.keys()) if (held >= ts) this.held.delete(held);
  }
}
