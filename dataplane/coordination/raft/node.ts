// The driver around the pure core: it owns the clock (a tick timer), the storage files and the
// transport, and runs the Ready loop in the required order (persist + fsync, then send, then
// apply, then advance) synchronously, so no other event can slip between persisting and sending.
//
// The API a coordinator state machine uses:
//   propose(data)        → resolves with the entry's index once it is applied here (leader only)
//   proposeConfChange(cc) → same, for adding or removing one member
//   readIndex()          → resolves once this node's state machine may serve a linearizable read
//   transferLeadership(id), campaign(), status(), and the StateMachine callbacks (apply, snapshot, restore)

import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { Codes, MghaError } from '../../errors.js';
import { FileStorage } from './file-storage.js';
import { ProposalDroppedError, Raft, confChangeOf } from './raft.js';
import { bootstrapEntries } from './storage.js';
import type { Transport } from './transport.js';
import type { ConfChange, Entry, NodeId, Ready, Role } from './types.js';

export interface StateMachine {
  /** Applies one committed 'normal' entry (never the leader's empty no-op). */
  apply(entry: Entry): void;
  /** The whole state, for a snapshot at the last applied index. */
  snapshot(): Uint8Array;
  restore(data: Uint8Array): void;
}

export interface RaftNodeOptions {
  id: NodeId;
  /** The initial members; used only when the directory is empty and this id is among them. */
  initialMembers: NodeId[];
  dir: string;
  transport: Transport;
  stateMachine: StateMachine;
  tickMs: number;
  electionTicks: number;
  heartbeatTicks: number;
  /** Applied entries between snapshots. */
  snapshotEvery?: number;
  /** How long propose/readIndex wait before giving up (the outcome of a proposal is then unknown). */
  requestTimeoutMs?: number;
  logger?: Logger;
  random?: () => number;
}

export interface RaftStatus {
  id: NodeId;
  role: Role;
  term: number;
  lead: NodeId;
  commit: number;
  applied: number;
  voters: NodeId[];
}

function changesTermOrVote(rd: Ready, term: number, vote: NodeId): boolean {
  return rd.hardState !== undefined && (rd.hardState.term !== term || rd.hardState.vote !== vote);
}

export class NotLeaderError extends MghaError {
  constructor(readonly leader: NodeId) {
    super(Codes.NotALeader, `not the leader; leader is ${leader === 0 ? 'unknown' : leader}`);
    this.name = 'NotLeaderError';
  }
}

/** No answer in time: a proposal may still commit later. */
export class RequestTimeoutError extends MghaError {
  constructor(what: string) {
    super(Codes.DatabaseUnavailable, `${what} timed out; its outcome is unknown`);
    this.name = 'RequestTimeoutError';
  }
}

interface Waiter {
  resolve: (index: number) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class RaftNode extends EventEmitter {
  private readonly raft: Raft;
  private readonly storage: FileStorage;
  private timer: NodeJS.Timeout | undefined;
  private applied: number;
  /** Proposals by index: the term they were proposed in tells a committed entry from a replacement. */
  private readonly proposals = new Map<number, Waiter & { term: number }>();
  private readonly reads = new Map<string, Waiter & { index: number | undefined }>();
  private readCounter = 0;
  private readonly requestTimeoutMs: number;
  private readonly snapshotEvery: number;
  private stopped = false;
  private persistedTerm: number;
  private persistedVote: NodeId;

  constructor(private readonly opts: RaftNodeOptions) {
    super();
    this.storage = FileStorage.open(opts.dir);
    if (this.storage.isEmpty() && opts.initialMembers.includes(opts.id)) {
      const boot = bootstrapEntries(opts.initialMembers);
      this.storage.save({ entries: boot.entries, hardState: boot.hardState, committedEntries: [], messages: [], readStates: [], mustSync: true });
    }
    const snap = this.storage.snapshot();
    if (snap.metadata.index > 0) opts.stateMachine.restore(snap.data);
    this.applied = snap.metadata.index;
    this.raft = new Raft({
      id: opts.id,
      storage: this.storage,
      electionTick: opts.electionTicks,
      heartbeatTick: opts.heartbeatTicks,
      random: opts.random ?? Math.random,
      applied: this.applied,
    });
    this.persistedTerm = this.raft.term;
    this.persistedVote = this.raft.vote;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? opts.tickMs * opts.electionTicks * 5;
    this.snapshotEvery = opts.snapshotEvery ?? 1000;
    opts.transport.onMessage((m) => {
      if (this.stopped || m.to !== opts.id) return;
      this.raft.step(m);
      this.processReady();
    });
  }

  start(): void {
    this.processReady();
    this.timer = setInterval(() => {
      this.raft.tick();
      this.processReady();
    }, this.opts.tickMs);
  }

  propose(data: Uint8Array): Promise<number> {
    return this.track(() => this.raft.propose(data));
  }

  proposeConfChange(cc: ConfChange): Promise<number> {
    return this.track(() => this.raft.proposeConfChange(cc));
  }

  /** Linearizable read barrier: after it resolves, reading the local state machine is linearizable. */
  readIndex(): Promise<number> {
    const ctx = `${this.opts.id}-${++this.readCounter}`;
    if (!this.raft.readIndex(ctx)) return Promise.reject(new NotLeaderError(this.raft.lead));
    const p = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.reads.delete(ctx);
        reject(new RequestTimeoutError('read'));
      }, this.requestTimeoutMs);
      this.reads.set(ctx, { resolve, reject, timer, index: undefined });
    });
    this.processReady();
    return p;
  }

  /**
   * Starts an election now instead of after an election timeout (a member that just
   * bootstrapped a one-member cluster need not wait a timeout to lead it).
   */
  campaign(): void {
    this.raft.campaign();
    this.processReady();
  }

  transferLeadership(to: NodeId): void {
    this.raft.transferLeadership(to);
    this.processReady();
  }

  status(): RaftStatus {
    const r = this.raft;
    return { id: r.id, role: r.role, term: r.term, lead: r.lead, commit: r.log.committed, applied: this.applied, voters: r.confState().voters };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    for (const w of [...this.proposals.values(), ...this.reads.values()]) {
      clearTimeout(w.timer);
      w.reject(new Error('raft node stopped'));
    }
    this.proposals.clear();
    this.reads.clear();
    await this.opts.transport.close();
    this.storage.close();
  }

  private track(append: () => { index: number; term: number }): Promise<number> {
    let at: { index: number; term: number };
    try {
      at = append();
    } catch (err) {
      if (err instanceof ProposalDroppedError && this.raft.role !== 'leader') return Promise.reject(new NotLeaderError(this.raft.lead));
      return Promise.reject(err);
    }
    const p = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.proposals.delete(at.index);
        reject(new RequestTimeoutError('proposal'));
      }, this.requestTimeoutMs);
      this.proposals.set(at.index, { resolve, reject, timer, term: at.term });
    });
    this.processReady();
    return p;
  }

  private processReady(): void {
    while (!this.stopped && this.raft.hasReady()) {
      const rd = this.raft.ready();
      // A leader may replicate while it writes its own log (thesis §10.2.1): no ack for these
      // entries can be stepped before the save below returns, so no commit can count an entry
      // the leader has not made durable. Votes and term changes are never sent early.
      const early = this.raft.role === 'leader' && !changesTermOrVote(rd, this.persistedTerm, this.persistedVote);
      if (early) this.send(rd);
      this.storage.save(rd);
      if (rd.hardState !== undefined) {
        this.persistedTerm = rd.hardState.term;
        this.persistedVote = rd.hardState.vote;
      }
      if (!early) this.send(rd);
      this.apply(rd);
      this.raft.advance(rd);
      if (rd.softState !== undefined) {
        this.opts.logger?.info({ raftRole: rd.softState.role, term: this.raft.term, lead: rd.softState.lead }, 'raft role');
        this.emit('role', rd.softState.role, this.raft.term);
      }
      this.maybeSnapshot();
    }
  }

  private send(rd: Ready): void {
    for (const m of rd.messages) this.opts.transport.send(m);
  }

  private apply(rd: Ready): void {
    if (rd.snapshot !== undefined) {
      this.opts.stateMachine.restore(rd.snapshot.data);
      this.applied = rd.snapshot.metadata.index;
    }
    for (const e of rd.committedEntries) {
      if (e.type === 'confChange') this.raft.applyConfChange(confChangeOf(e));
      else if (e.data.length > 0) this.opts.stateMachine.apply(e);
      this.applied = e.index;
      const w = this.proposals.get(e.index);
      if (w !== undefined) {
        this.proposals.delete(e.index);
        clearTimeout(w.timer);
        if (w.term === e.term) w.resolve(e.index);
        else w.reject(new ProposalDroppedError(`entry ${e.index} was replaced by a later leader`));
      }
    }
    for (const rs of rd.readStates) {
      const w = this.reads.get(rs.ctx);
      if (w !== undefined) w.index = rs.index;
    }
    for (const [ctx, w] of this.reads) {
      if (w.index === undefined || w.index > this.applied) continue;
      this.reads.delete(ctx);
      clearTimeout(w.timer);
      w.resolve(w.index);
    }
  }

  private maybeSnapshot(): void {
    if (this.applied - this.storage.snapshot().metadata.index < this.snapshotEvery) return;
    this.storage.saveSnapshot(this.applied, this.raft.confState(), this.opts.stateMachine.snapshot(), Math.floor(this.snapshotEvery / 4));
  }
}
