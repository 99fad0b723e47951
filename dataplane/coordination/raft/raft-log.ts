// The core's view of the log: what storage already holds, plus entries (and at most one
// snapshot) not yet persisted. Mirrors etcd-io/raft's raftLog + unstable.

import { CompactedError, type Storage } from './storage.js';
import type { Entry, Snapshot } from './types.js';

export class RaftLog {
  committed: number;
  applied: number;
  /** Entries from `offset` on that the caller has not yet persisted; they win over storage's. */
  private unstable: Entry[] = [];
  private offset: number;
  private pendingSnapshot: Snapshot | undefined;

  constructor(
    readonly storage: Storage,
    applied: number | undefined,
  ) {
    this.offset = storage.lastIndex() + 1;
    this.applied = applied ?? storage.snapshot().metadata.index;
    // A snapshot holds applied, hence committed, entries, even if the commit index it outran was not synced.
    this.committed = Math.max(storage.initialState().hardState.commit, this.applied, storage.firstIndex() - 1);
  }

  firstIndex(): number {
    return this.pendingSnapshot !== undefined ? this.pendingSnapshot.metadata.index + 1 : this.storage.firstIndex();
  }

  lastIndex(): number {
    if (this.unstable.length > 0) return this.offset + this.unstable.length - 1;
    if (this.pendingSnapshot !== undefined) return this.pendingSnapshot.metadata.index;
    return this.storage.lastIndex();
  }

  /** Term of entry i, or undefined when i is compacted away or past the end. */
  term(i: number): number | undefined {
    if (this.pendingSnapshot !== undefined && i === this.pendingSnapshot.metadata.index) return this.pendingSnapshot.metadata.term;
    if (i >= this.offset) return i - this.offset < this.unstable.length ? this.unstable[i - this.offset].term : undefined;
    if (this.pendingSnapshot !== undefined) return undefined;
    if (i < this.storage.firstIndex() - 1 || i > this.storage.lastIndex()) return undefined;
    return this.storage.term(i);
  }

  lastTerm(): number {
    const t = this.term(this.lastIndex());
    if (t === undefined) throw new Error(`no term for last index ${this.lastIndex()}`);
    return t;
  }

  matchTerm(i: number, term: number): boolean {
    return this.term(i) === term;
  }

  /** The candidate's log (last index, last term) is at least as up to date as ours (§5.4.1). */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const ours = this.lastTerm();
    return lastTerm > ours || (lastTerm === ours && lastIndex >= this.lastIndex());
  }

  /** Entries [lo, hi); throws CompactedError when lo is no longer in the log. */
  slice(lo: number, hi: number): Entry[] {
    if (lo >= hi) return [];
    if (lo < this.firstIndex()) throw new CompactedError(lo);
    if (hi > this.lastIndex() + 1) throw new RangeError(`slice(${lo}, ${hi}) past last index ${this.lastIndex()}`);
    const out: Entry[] = [];
    if (lo < this.offset) out.push(...this.storage.entries(lo, Math.min(hi, this.offset)));
    if (hi > this.offset) out.push(...this.unstable.slice(Math.max(lo, this.offset) - this.offset, hi - this.offset));
    return out;
  }

  /** Index of the first entry whose term disagrees with ours (or that we lack); 0 if none. */
  findConflict(entries: Entry[]): number {
    for (const e of entries) if (!this.matchTerm(e.index, e.term)) return e.index;
    return 0;
  }

  /**
   * Fast back-off: the largest index ≤ `index` whose term is ≤ `term`, with that term (0 when
   * compacted). Everything after it cannot match an entry of term `term`, so one round trip
   * skips a whole term instead of one entry.
   */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    for (let i = Math.min(index, this.lastIndex()); i > 0; i--) {
      const t = this.term(i);
      if (t === undefined) return { index: i, term: 0 };
      if (t <= term) return { index: i, term: t };
    }
    return { index: 0, term: 0 };
  }

  /** Follower side of AppendEntries; the new last index, or undefined if (index, logTerm) does not match. */
  maybeAppend(index: number, logTerm: number, committed: number, entries: Entry[]): number | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined;
    const lastNew = index + entries.length;
    const conflict = this.findConflict(entries);
    if (conflict !== 0) {
      if (conflict <= this.committed) throw new Error(`entry ${conflict} conflicts with committed entry (committed ${this.committed})`);
      this.append(entries.slice(conflict - (index + 1)));
    }
    this.commitTo(Math.min(committed, lastNew));
    return lastNew;
  }

  append(entries: Entry[]): void {
    if (entries.length === 0) return;
    const after = entries[0].index;
    if (after - 1 < this.committed) throw new Error(`append at ${after} would overwrite committed ${this.committed}`);
    if (after === this.offset + this.unstable.length) {
      this.unstable.push(...entries);
    } else if (after <= this.offset) {
      // Replaces part of what storage holds: the caller truncates storage when persisting.
      this.offset = after;
      this.unstable = [...entries];
    } else {
      this.unstable = this.unstable.slice(0, after - this.offset).concat(entries);
    }
  }

  commitTo(index: number): void {
    if (index <= this.committed) return;
    if (index > this.lastIndex()) throw new Error(`commit ${index} is past last index ${this.lastIndex()}`);
    this.committed = index;
  }

  /** Leader: commit by counting only entries of the current term (§5.4.2, Figure 8). */
  maybeCommit(index: number, term: number): boolean {
    if (index > this.committed && this.term(index) === term) {
      this.commitTo(index);
      return true;
    }
    return false;
  }

  restore(snap: Snapshot): void {
    this.committed = snap.metadata.index;
    this.pendingSnapshot = snap;
    this.unstable = [];
    this.offset = snap.metadata.index + 1;
  }

  unstableEntries(): Entry[] {
    return [...this.unstable];
  }

  unstableSnapshot(): Snapshot | undefined {
    return this.pendingSnapshot;
  }

  /** Committed, not yet applied; none while a received snapshot still awaits the caller. */
  nextCommittedEntries(): Entry[] {
    if (this.pendingSnapshot !== undefined) return [];
    const lo = Math.max(this.applied + 1, this.firstIndex());
    return this.committed + 1 > lo ? this.slice(lo, this.committed + 1) : [];
  }

  hasNextCommittedEntries(): boolean {
    return this.pendingSnapshot === undefined && this.committed > Math.max(this.applied, this.firstIndex() - 1);
  }

  stableTo(index: number, term: number): void {
    if (index < this.offset || index >= this.offset + this.unstable.length) return;
    if (this.unstable[index - this.offset].term !== term) return;
    this.unstable = this.unstable.slice(index + 1 - this.offset);
    this.offset = index + 1;
  }

  stableSnapshotTo(index: number): void {
    if (this.pendingSnapshot?.metadata.index === index) this.pendingSnapshot = undefined;
  }

  appliedTo(index: number): void {
    if (index <= this.applied) return;
    if (index > this.committed) throw new Error(`applied ${index} is past committed ${this.committed}`);
    this.applied = index;
  }

  /** The snapshot to send a follower that is behind the log's start. */
  snapshot(): Snapshot {
    return this.pendingSnapshot ?? this.storage.snapshot();
  }
}
