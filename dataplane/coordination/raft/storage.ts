// The log store as the core sees it (read-only; etcd-io/raft's Storage), and an in-memory
// implementation the driver's file store and the simulation build on. The caller writes to it
// while handling a Ready; the core only reads what was already persisted.

import { encodeConfChange, type ConfState, type Entry, type HardState, type NodeId, type Snapshot } from './types.js';

export class CompactedError extends Error {
  constructor(index: number) {
    super(`log compacted up to and past ${index}`);
    this.name = 'CompactedError';
  }
}

export interface Storage {
  initialState(): { hardState: HardState; conf: ConfState };
  /** Entries in [lo, hi); throws CompactedError below firstIndex(). */
  entries(lo: number, hi: number): Entry[];
  /** Term of entry i, valid for [firstIndex()-1, lastIndex()]. */
  term(i: number): number;
  firstIndex(): number;
  lastIndex(): number;
  snapshot(): Snapshot;
}

export class MemoryStorage implements Storage {
  hardState: HardState = { term: 0, vote: 0, commit: 0 };
  protected snap: Snapshot = { metadata: { index: 0, term: 0, conf: { voters: [] } }, data: new Uint8Array(0) };
  /** ents[0] is a dummy carrying the snapshot's index and term. */
  protected ents: Entry[] = [{ term: 0, index: 0, type: 'normal', data: new Uint8Array(0) }];

  initialState(): { hardState: HardState; conf: ConfState } {
    return { hardState: { ...this.hardState }, conf: { voters: [...this.snap.metadata.conf.voters] } };
  }

  firstIndex(): number {
    return this.ents[0].index + 1;
  }

  lastIndex(): number {
    return this.ents[0].index + this.ents.length - 1;
  }

  term(i: number): number {
    const offset = this.ents[0].index;
    if (i < offset) throw new CompactedError(i);
    if (i - offset >= this.ents.length) throw new RangeError(`term(${i}) past last index ${this.lastIndex()}`);
    return this.ents[i - offset].term;
  }

  entries(lo: number, hi: number): Entry[] {
    const offset = this.ents[0].index;
    if (lo <= offset) throw new CompactedError(lo);
    if (hi > this.lastIndex() + 1) throw new RangeError(`entries(${lo}, ${hi}) past last index ${this.lastIndex()}`);
    return this.ents.slice(lo - offset, hi - offset);
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  setHardState(hs: HardState): void {
    this.hardState = { ...hs };
  }

  /** Appends, first dropping every stored entry at or after entries[0].index. */
  append(entries: Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = entries[0].index + entries.length - 1;
    if (last < first) return;
    const fresh = first > entries[0].index ? entries.slice(first - entries[0].index) : entries;
    const offset = fresh[0].index - this.ents[0].index;
    if (offset > this.ents.length) throw new RangeError(`missing log entries [${this.lastIndex() + 1}, ${fresh[0].index})`);
    this.ents = this.ents.slice(0, offset).concat(fresh);
  }

  /** Replaces the whole log with a snapshot received from the leader. */
  applySnapshot(snap: Snapshot): void {
    if (snap.metadata.index <= this.snap.metadata.index) return;
    this.snap = snap;
    this.ents = [{ term: snap.metadata.term, index: snap.metadata.index, type: 'normal', data: new Uint8Array(0) }];
  }

  /** Records the application's snapshot at `index` (≤ applied) so the log before it can go. */
  createSnapshot(index: number, conf: ConfState, data: Uint8Array): Snapshot {
    if (index <= this.snap.metadata.index) return this.snap;
    if (index > this.lastIndex()) throw new RangeError(`snapshot ${index} past last index ${this.lastIndex()}`);
    this.snap = { metadata: { index, term: this.term(index), conf: { voters: [...conf.voters] } }, data };
    return this.snap;
  }

  /** Drops entries before `index`; entry `index` becomes the dummy. */
  compact(index: number): void {
    const offset = this.ents[0].index;
    if (index <= offset) return;
    if (index > this.lastIndex()) throw new RangeError(`compact(${index}) past last index ${this.lastIndex()}`);
    this.ents = this.ents.slice(index - offset);
    this.ents[0] = { term: this.ents[0].term, index, type: 'normal', data: new Uint8Array(0) };
  }

  /** Deep-enough copy for the simulation's "durable" image. */
  cloneInto(target: MemoryStorage): void {
    target.hardState = { ...this.hardState };
    target.snap = this.snap;
    target.ents = [...this.ents];
  }
}

/**
 * A fresh cluster's first entries, as etcd bootstraps: one committed 'addNode' entry per initial
 * member at term 1. Every member, including ones added later, learns the membership by
 * applying the log, never from outside it.
 */
export function bootstrapEntries(peers: NodeId[]): { entries: Entry[]; hardState: HardState } {
  const entries = peers.map((nodeId, i): Entry => ({ term: 1, index: i + 1, type: 'confChange', data: encodeConfChange({ type: 'addNode', nodeId }) }));
  return { entries, hardState: { term: 1, vote: 0, commit: entries.length } };
}
