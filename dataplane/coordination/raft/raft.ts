// The Raft core: a deterministic state machine in etcd-io/raft's shape. Messages and ticks go
// in (step, tick, propose, readIndex, ...); a Ready comes out (what to persist, send, apply);
// advance() after the caller acted on it. No I/O, no timers, no clock; the only randomness
// (the election timeout) comes from the injected `random`.
//
// Safety settings, each with a public bug behind it (reference §3):
// - pre-vote, so a rejoining partitioned node cannot bump everyone's term;
// - check-quorum, so a leader cut off from a quorum steps down within an election timeout,
//   and followers that heard from a leader within that time ignore (pre-)votes;
// - a no-op entry at the start of each term; commit by counting only current-term entries;
// - membership changes only one at a time and only after the no-op committed;
// - linearizable reads by ReadIndex (a heartbeat round confirmed by a quorum). We chose ReadIndex
//   over leader leases: a lease is only safe if clocks drift within bounds and the process is
//   never paused longer than the lease (SIGSTOP, GC, a 10 s fsync all break that), whereas
//   ReadIndex costs one heartbeat round and relies on nothing but the protocol.

import { Codes, MghaError } from '../../errors.js';
import { Progress } from './progress.js';
import { RaftLog } from './raft-log.js';
import { CompactedError, type Storage } from './storage.js';
import {
  EMPTY_DATA,
  NONE,
  decodeConfChange,
  encodeConfChange,
  hardStateEqual,
  message,
  type ConfChange,
  type ConfState,
  type Entry,
  type EntryType,
  type HardState,
  type Message,
  type NodeId,
  type ReadState,
  type Ready,
  type Role,
  type SoftState,
} from './types.js';

export interface RaftConfig {
  id: NodeId;
  storage: Storage;
  /** Ticks without hearing from a leader before an election (randomized in [n, 2n)). */
  electionTick: number;
  /** Ticks between a leader's heartbeats; well below electionTick (etcd suggests 1/10). */
  heartbeatTick: number;
  /** Uniform in [0, 1); seeded in tests. */
  random: () => number;
  preVote?: boolean;
  checkQuorum?: boolean;
  /** Last index the state machine already holds (defaults to the snapshot's). */
  applied?: number;
  maxEntriesPerMsg?: number;
  maxInflight?: number;
}

/** The entry was not appended (or was replaced): it did not happen, so it is safe to retry. */
export class ProposalDroppedError extends MghaError {
  constructor(reason: string) {
    super(Codes.DatabaseUnavailable, `proposal dropped: ${reason}`);
    this.name = 'ProposalDroppedError';
  }
}

type VoteResult = 'won' | 'lost' | 'pending';

interface ReadRequest {
  index: number;
  from: NodeId;
  ctx: string;
  acks: Set<NodeId>;
}

const TRANSFER_CONTEXT = 'transfer';

export class Raft {
  readonly id: NodeId;
  term = 0;
  vote: NodeId = NONE;
  lead: NodeId = NONE;
  role: Role = 'follower';
  readonly log: RaftLog;
  /** Voters (including this node, if it is one) and the leader's view of each. */
  readonly prs = new Map<NodeId, Progress>();
  leadTransferee: NodeId = NONE;
  /** Index of the latest conf change this leader appended; no other until it is applied. */
  private pendingConfIndex = 0;
  private votes = new Map<NodeId, boolean>();
  private msgs: Message[] = [];
  private readStates: ReadState[] = [];
  /** ReadIndex requests waiting for a quorum of heartbeat acks, in arrival order. */
  private readQueue: ReadRequest[] = [];
  /** ReadIndex requests that arrived before this leader committed an entry of its own term. */
  private pendingReads: { from: NodeId; ctx: string }[] = [];
  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTimeout = 0;
  private readonly electionTimeout: number;
  private readonly heartbeatTimeout: number;
  private readonly random: () => number;
  private readonly preVote: boolean;
  private readonly checkQuorum: boolean;
  private readonly maxEntriesPerMsg: number;
  private readonly maxInflight: number;
  private prevSoft: SoftState = { lead: NONE, role: 'follower' };
  private prevHard: HardState;

  constructor(config: RaftConfig) {
    if (config.id === NONE) throw new Error('raft: id must not be 0');
    if (config.heartbeatTick <= 0 || config.electionTick <= config.heartbeatTick) {
      throw new Error('raft: need 0 < heartbeatTick < electionTick');
    }
    this.id = config.id;
    this.electionTimeout = config.electionTick;
    this.heartbeatTimeout = config.heartbeatTick;
    this.random = config.random;
    this.preVote = config.preVote ?? true;
    this.checkQuorum = config.checkQuorum ?? true;
    this.maxEntriesPerMsg = config.maxEntriesPerMsg ?? 64;
    this.maxInflight = config.maxInflight ?? 256;
    this.log = new RaftLog(config.storage, config.applied);
    const { hardState, conf } = config.storage.initialState();
    for (const id of conf.voters) this.prs.set(id, new Progress(1, this.maxInflight));
    this.term = hardState.term;
    this.vote = hardState.vote;
    this.prevHard = { ...hardState };
    this.becomeFollower(this.term, NONE);
  }

  // ---- inputs ---------------------------------------------------------------------------

  /** One unit of logical time. */
  tick(): void {
    if (this.role === 'leader') this.tickHeartbeat();
    else this.tickElection();
  }

  /** Start an election now (as an election timeout would). */
  campaign(): void {
    this.step(message({ type: 'hup', from: this.id }));
  }

  /**
   * Leader only: appends an entry; it is committed once it shows up in Ready.committedEntries
   * with this index and term (a different term at that index means it was lost).
   */
  propose(data: Uint8Array, type: EntryType = 'normal'): { index: number; term: number } {
    if (this.role !== 'leader') throw new ProposalDroppedError(`not the leader (leader is ${this.lead})`);
    if (this.leadTransferee !== NONE) throw new ProposalDroppedError(`leadership moving to ${this.leadTransferee}`);
    if (!this.prs.has(this.id)) throw new ProposalDroppedError('removed from the cluster');
    if (type === 'confChange') {
      // Also covers "no change before this term's no-op is applied": becomeLeader sets it.
      if (this.pendingConfIndex > this.log.applied) throw new ProposalDroppedError('a membership change is in progress');
    }
    const index = this.log.lastIndex() + 1;
    this.appendEntries([{ term: this.term, index, type, data }]);
    if (type === 'confChange') this.pendingConfIndex = index;
    this.bcastAppend();
    return { index, term: this.term };
  }

  proposeConfChange(cc: ConfChange): { index: number; term: number } {
    return this.propose(encodeConfChange(cc), 'confChange');
  }

  /**
   * Asks for a read index; the answer arrives as a Ready.readStates entry with this ctx (on the
   * leader, or on a follower that forwarded the request). Returns false when no leader is known.
   */
  readIndex(ctx: string): boolean {
    if (this.role === 'leader') {
      this.leaderReadIndex(this.id, ctx);
      return true;
    }
    if (this.role === 'follower' && this.lead !== NONE) {
      this.send(message({ type: 'readIndex', to: this.lead, context: ctx }));
      return true;
    }
    return false;
  }

  /** Leader: hand leadership to `to` once its log is current (thesis §3.10). */
  transferLeadership(to: NodeId): void {
    if (this.role !== 'leader' || to === this.id || !this.prs.has(to) || this.leadTransferee === to) return;
    this.leadTransferee = to;
    // The transfer must finish within one election timeout or it is abandoned.
    this.electionElapsed = 0;
    const pr = this.prs.get(to);
    if (pr !== undefined && pr.match === this.log.lastIndex()) this.send(message({ type: 'timeoutNow', to }));
    else this.sendAppend(to);
  }

  /** Applies a committed conf change (call while applying Ready.committedEntries). */
  applyConfChange(cc: ConfChange): ConfState {
    if (cc.type === 'addNode') {
      if (!this.prs.has(cc.nodeId)) {
        const pr = new Progress(this.log.lastIndex() + 1, this.maxInflight);
        if (cc.nodeId === this.id) pr.match = this.log.lastIndex();
        this.prs.set(cc.nodeId, pr);
      }
    } else {
      this.prs.delete(cc.nodeId);
      if (cc.nodeId === this.leadTransferee) this.leadTransferee = NONE;
      if (cc.nodeId === this.id && this.role === 'leader') this.becomeFollower(this.term, NONE);
    }
    if (this.role === 'leader' && this.prs.size > 0) {
      // The quorum changed: something may now be committed, and new members need entries.
      if (this.maybeCommit()) this.onCommitAdvanced();
      this.bcastAppend();
    }
    return this.confState();
  }

  confState(): ConfState {
    return { voters: [...this.prs.keys()].sort((a, b) => a - b) };
  }

  step(m: Message): void {
    if (m.term === 0) {
      // local message
    } else if (m.term > this.term) {
      if (m.type === 'vote' || m.type === 'preVote') {
        const force = m.context === TRANSFER_CONTEXT;
        const inLease = this.checkQuorum && this.lead !== NONE && this.electionElapsed < this.electionTimeout;
        // Heard from a live leader recently: a (pre-)candidate is disruptive, not needed (thesis §4.2.3).
        if (!force && inLease) return;
      }
      if (m.type === 'preVote') {
        // Never change our term in response to a pre-vote.
      } else if (m.type === 'preVoteResp' && !m.reject) {
        // The term rises when the pre-candidate wins and campaigns for real.
      } else if (m.type === 'app' || m.type === 'heartbeat' || m.type === 'snap') {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, NONE);
      }
    } else if (m.term < this.term) {
      if ((this.checkQuorum || this.preVote) && (m.type === 'heartbeat' || m.type === 'app')) {
        // A stale leader (e.g. back from a partition) learns our term and steps down; without
        // this, pre-vote would keep us from ever raising its term.
        this.send(message({ type: 'appResp', to: m.from }));
      } else if (m.type === 'preVote') {
        this.send(message({ type: 'preVoteResp', to: m.from, term: this.term, reject: true }));
      }
      return;
    }

    switch (m.type) {
      case 'hup':
        this.hup(false);
        return;
      case 'vote':
      case 'preVote': {
        const canVote =
          this.vote === m.from ||
          (this.vote === NONE && this.lead === NONE) ||
          (m.type === 'preVote' && m.term > this.term);
        const respType = m.type === 'vote' ? 'voteResp' : 'preVoteResp';
        if (canVote && this.log.isUpToDate(m.index, m.logTerm)) {
          // A granted pre-vote answers with the term it was asked about, so the pre-candidate counts it.
          this.send(message({ type: respType, to: m.from, term: m.term }));
          if (m.type === 'vote') {
            this.electionElapsed = 0;
            this.vote = m.from;
          }
        } else {
          this.send(message({ type: respType, to: m.from, term: this.term, reject: true }));
        }
        return;
      }
      default:
        break;
    }
    switch (this.role) {
      case 'leader':
        this.stepLeader(m);
        return;
      case 'candidate':
      case 'preCandidate':
        this.stepCandidate(m);
        return;
      case 'follower':
        this.stepFollower(m);
        return;
    }
  }

  // ---- Ready / advance --------------------------------------------------------------------

  hasReady(): boolean {
    return (
      this.msgs.length > 0 ||
      this.readStates.length > 0 ||
      this.log.unstableEntries().length > 0 ||
      this.log.unstableSnapshot() !== undefined ||
      this.log.hasNextCommittedEntries() ||
      !hardStateEqual(this.hardState(), this.prevHard) ||
      this.prevSoft.lead !== this.lead ||
      this.prevSoft.role !== this.role
    );
  }

  /** Hands out what to persist, send and apply; messages and read states pass to the caller. */
  ready(): Ready {
    const entries = this.log.unstableEntries();
    const snapshot = this.log.unstableSnapshot();
    const hs = this.hardState();
    const rd: Ready = {
      entries,
      committedEntries: this.log.nextCommittedEntries(),
      messages: this.msgs,
      readStates: this.readStates,
      mustSync: entries.length > 0 || snapshot !== undefined || hs.term !== this.prevHard.term || hs.vote !== this.prevHard.vote,
    };
    if (this.prevSoft.lead !== this.lead || this.prevSoft.role !== this.role) rd.softState = { lead: this.lead, role: this.role };
    if (!hardStateEqual(hs, this.prevHard)) rd.hardState = hs;
    if (snapshot !== undefined) rd.snapshot = snapshot;
    this.msgs = [];
    this.readStates = [];
    return rd;
  }

  advance(rd: Ready): void {
    if (rd.softState !== undefined) this.prevSoft = rd.softState;
    if (rd.hardState !== undefined) this.prevHard = rd.hardState;
    if (rd.snapshot !== undefined) {
      this.log.stableSnapshotTo(rd.snapshot.metadata.index);
      this.log.appliedTo(rd.snapshot.metadata.index);
    }
    const last = rd.entries[rd.entries.length - 1];
    if (last !== undefined) this.log.stableTo(last.index, last.term);
    const applied = rd.committedEntries[rd.committedEntries.length - 1];
    if (applied !== undefined) this.log.appliedTo(applied.index);
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  // ---- role transitions --------------------------------------------------------------------

  private reset(term: number): void {
    if (term !== this.term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout = this.electionTimeout + Math.floor(this.random() * this.electionTimeout);
    this.leadTransferee = NONE;
    this.votes.clear();
    const last = this.log.lastIndex();
    for (const id of [...this.prs.keys()]) {
      const fresh = new Progress(last + 1, this.maxInflight);
      if (id === this.id) fresh.match = last;
      this.prs.set(id, fresh);
    }
    this.pendingConfIndex = 0;
    this.readQueue = [];
    this.pendingReads = [];
  }

  private becomeFollower(term: number, lead: NodeId): void {
    this.reset(term);
    this.lead = lead;
    this.role = 'follower';
  }

  private becomePreCandidate(): void {
    // Neither term nor vote change: a pre-election must leave no trace if it fails.
    this.role = 'preCandidate';
    this.votes.clear();
    this.lead = NONE;
  }

  private becomeCandidate(): void {
    this.reset(this.term + 1);
    this.vote = this.id;
    this.role = 'candidate';
  }

  private becomeLeader(): void {
    this.reset(this.term);
    this.lead = this.id;
    this.role = 'leader';
    this.prs.get(this.id)?.becomeReplicate();
    // No membership change until this term's no-op is applied (the single-server change bug).
    this.pendingConfIndex = this.log.lastIndex();
    // The no-op commits everything before it and tells the leader its commit index (§5.4.2, §8).
    this.appendEntries([{ term: this.term, index: this.log.lastIndex() + 1, type: 'normal', data: EMPTY_DATA }]);
  }

  private hup(transfer: boolean): void {
    if (this.role === 'leader') return;
    if (!this.prs.has(this.id)) return;
    // A conf change committed but not applied may change who votes: wait for it.
    const unapplied = this.log.hasNextCommittedEntries() ? this.log.nextCommittedEntries() : [];
    if (unapplied.some((e) => e.type === 'confChange')) return;
    if (this.preVote && !transfer) this.campaignPre();
    else this.campaignReal(transfer);
  }

  private campaignPre(): void {
    this.becomePreCandidate();
    this.requestVotes('preVote', this.term + 1, false);
  }

  private campaignReal(transfer: boolean): void {
    this.becomeCandidate();
    this.requestVotes('vote', this.term, transfer);
  }

  private requestVotes(type: 'vote' | 'preVote', term: number, transfer: boolean): void {
    if (this.poll(this.id, true) === 'won') {
      if (type === 'preVote') this.campaignReal(transfer);
      else this.becomeLeader();
      return;
    }
    const index = this.log.lastIndex();
    const logTerm = this.log.lastTerm();
    for (const id of this.prs.keys()) {
      if (id === this.id) continue;
      this.send(message({ type, to: id, term, index, logTerm, context: transfer ? TRANSFER_CONTEXT : '' }));
    }
  }

  private poll(id: NodeId, granted: boolean): VoteResult {
    if (!this.votes.has(id)) this.votes.set(id, granted);
    let yes = 0;
    let no = 0;
    for (const voter of this.prs.keys()) {
      const v = this.votes.get(voter);
      if (v === true) yes++;
      else if (v === false) no++;
    }
    const q = this.quorum();
    if (yes >= q) return 'won';
    if (no > this.prs.size - q) return 'lost';
    return 'pending';
  }

  private quorum(): number {
    return Math.floor(this.prs.size / 2) + 1;
  }

  // ---- ticks -----------------------------------------------------------------------------

  private tickElection(): void {
    this.electionElapsed++;
    if (this.prs.has(this.id) && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.hup(false);
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTimeout) {
      this.electionElapsed = 0;
      if (this.checkQuorum) {
        this.stepLeader(message({ type: 'checkQuorum', from: this.id }));
        if (this.role !== 'leader') return;
      }
      this.leadTransferee = NONE;
    }
    for (const [id, pr] of this.prs) {
      // A lost snapshot (or its lost answer) would otherwise pause this follower for good.
      if (id !== this.id && pr.state === 'snapshot' && ++pr.snapshotTicks >= this.electionTimeout) pr.becomeProbe();
    }
    if (this.heartbeatElapsed >= this.heartbeatTimeout) {
      this.heartbeatElapsed = 0;
      this.bcastHeartbeat();
    }
  }

  // ---- per-role message handling ------------------------------------------------------------

  private stepLeader(m: Message): void {
    switch (m.type) {
      case 'checkQuorum': {
        let active = 0;
        for (const [id, pr] of this.prs) {
          if (id === this.id || pr.recentActive) active++;
          if (id !== this.id) pr.recentActive = false;
        }
        if (active < this.quorum()) this.becomeFollower(this.term, NONE);
        return;
      }
      case 'readIndex':
        this.leaderReadIndex(m.from, m.context);
        return;
      default:
        break;
    }
    const pr = this.prs.get(m.from);
    if (pr === undefined) return;
    switch (m.type) {
      case 'appResp': {
        pr.recentActive = true;
        if (m.reject) {
          let hint = m.rejectHint;
          if (m.hintTerm > 0) hint = this.log.findConflictByTerm(m.rejectHint, m.hintTerm).index;
          if (pr.maybeDecrTo(m.index, hint)) {
            if (pr.state === 'replicate') pr.becomeProbe();
            this.sendAppend(m.from);
          }
          return;
        }
        const wasPaused = pr.isPaused();
        if (!pr.maybeUpdate(m.index)) return;
        if (pr.state === 'probe') pr.becomeReplicate();
        else if (pr.state === 'snapshot' && pr.match >= pr.pendingSnapshot) {
          pr.becomeProbe();
          pr.becomeReplicate();
        } else if (pr.state === 'replicate') pr.freeTo(m.index);
        if (this.maybeCommit()) {
          this.onCommitAdvanced();
          this.bcastAppend();
        } else if (wasPaused) {
          this.sendAppend(m.from);
        }
        // Keep the pipe full while there is more to send (bounded by the inflight cap).
        while (this.sendAppend(m.from, false));
        if (m.from === this.leadTransferee && pr.match === this.log.lastIndex()) {
          this.send(message({ type: 'timeoutNow', to: m.from }));
        }
        return;
      }
      case 'heartbeatResp': {
        pr.recentActive = true;
        pr.probeSent = false;
        if (pr.state === 'replicate' && pr.isPaused()) pr.freeFirst();
        if (pr.match < this.log.lastIndex()) this.sendAppend(m.from);
        if (m.context !== '') this.ackRead(m.from, m.context);
        return;
      }
      default:
        return;
    }
  }

  private stepCandidate(m: Message): void {
    const myResp = this.role === 'preCandidate' ? 'preVoteResp' : 'voteResp';
    switch (m.type) {
      case 'app':
      case 'heartbeat':
      case 'snap':
        this.becomeFollower(m.term, m.from);
        this.stepFollower(m);
        return;
      default:
        break;
    }
    if (m.type !== myResp) return;
    const result = this.poll(m.from, !m.reject);
    if (result === 'won') {
      if (this.role === 'preCandidate') this.campaignReal(false);
      else {
        this.becomeLeader();
        this.bcastAppend();
      }
    } else if (result === 'lost') {
      this.becomeFollower(this.term, NONE);
    }
  }

  private stepFollower(m: Message): void {
    switch (m.type) {
      case 'app':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleAppend(m);
        return;
      case 'heartbeat':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.log.commitTo(m.commit);
        this.send(message({ type: 'heartbeatResp', to: m.from, context: m.context }));
        return;
      case 'snap':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleSnapshot(m);
        return;
      case 'timeoutNow':
        this.hup(true);
        return;
      case 'readIndexResp':
        this.readStates.push({ index: m.index, ctx: m.context });
        return;
      default:
        return;
    }
  }

  private handleAppend(m: Message): void {
    if (m.index < this.log.committed) {
      this.send(message({ type: 'appResp', to: m.from, index: this.log.committed }));
      return;
    }
    const lastNew = this.log.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (lastNew !== undefined) {
      this.send(message({ type: 'appResp', to: m.from, index: lastNew }));
      return;
    }
    // Fast back-off: tell the leader where our log might match, skipping whole terms.
    const hint = this.log.findConflictByTerm(Math.min(m.index, this.log.lastIndex()), m.logTerm);
    this.send(message({ type: 'appResp', to: m.from, index: m.index, reject: true, rejectHint: hint.index, hintTerm: hint.term }));
  }

  private handleSnapshot(m: Message): void {
    const snap = m.snapshot;
    if (snap === undefined) return;
    const { index, term, conf } = snap.metadata;
    if (index <= this.log.committed) {
      this.send(message({ type: 'appResp', to: m.from, index: this.log.committed }));
      return;
    }
    if (this.log.matchTerm(index, term)) {
      // We already have the snapshot's last entry: just fast-forward the commit index.
      this.log.commitTo(index);
      this.send(message({ type: 'appResp', to: m.from, index: this.log.committed }));
      return;
    }
    this.log.restore(snap);
    this.prs.clear();
    for (const id of conf.voters) this.prs.set(id, new Progress(index + 1, this.maxInflight));
    this.send(message({ type: 'appResp', to: m.from, index: this.log.lastIndex() }));
  }

  // ---- replication ---------------------------------------------------------------------------

  private appendEntries(entries: Entry[]): void {
    this.log.append(entries);
    // The leader counts its own copy before it is durable: it persists it before sending
    // anything that reveals the commit (thesis §10.2.1).
    this.prs.get(this.id)?.maybeUpdate(this.log.lastIndex());
    if (this.maybeCommit()) this.onCommitAdvanced();
  }

  /** The highest index held by a quorum; committed if it is of the current term. */
  protected maybeCommit(): boolean {
    const matches = [...this.prs.values()].map((p) => p.match).sort((a, b) => b - a);
    if (matches.length === 0) return false;
    return this.commitAt(matches[this.quorum() - 1]);
  }

  /** Commit rule (§5.4.2): only an entry of the current term commits by counting replicas. */
  protected commitAt(index: number): boolean {
    return this.log.maybeCommit(index, this.term);
  }

  private onCommitAdvanced(): void {
    if (this.role !== 'leader' || this.pendingReads.length === 0 || !this.committedInCurrentTerm()) return;
    const pending = this.pendingReads;
    this.pendingReads = [];
    for (const r of pending) this.leaderReadIndex(r.from, r.ctx);
  }

  private committedInCurrentTerm(): boolean {
    return this.log.term(this.log.committed) === this.term;
  }

  private bcastAppend(): void {
    for (const id of this.prs.keys()) if (id !== this.id) this.sendAppend(id);
  }

  /** Sends the next entries (or a snapshot) to `to`; false when nothing was sent. */
  private sendAppend(to: NodeId, sendIfEmpty = true): boolean {
    const pr = this.prs.get(to);
    if (pr === undefined || pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.log.term(prevIndex);
    let entries: Entry[] | undefined;
    if (prevTerm !== undefined) {
      try {
        entries = this.log.slice(pr.next, Math.min(this.log.lastIndex() + 1, pr.next + this.maxEntriesPerMsg));
      } catch (err) {
        if (!(err instanceof CompactedError)) throw err;
      }
    }
    if (prevTerm === undefined || entries === undefined) {
      const snapshot = this.log.snapshot();
      this.send(message({ type: 'snap', to, snapshot }));
      pr.becomeSnapshot(snapshot.metadata.index);
      return true;
    }
    if (entries.length === 0 && !sendIfEmpty) return false;
    this.send(message({ type: 'app', to, index: prevIndex, logTerm: prevTerm, entries, commit: this.log.committed }));
    pr.sentEntries(prevIndex + entries.length, entries.length);
    return true;
  }

  private bcastHeartbeat(): void {
    const last = this.readQueue[this.readQueue.length - 1];
    this.bcastHeartbeatWith(last?.ctx ?? '');
  }

  private bcastHeartbeatWith(ctx: string): void {
    for (const [id, pr] of this.prs) {
      if (id === this.id) continue;
      // Never tell a follower to commit past what it is known to hold.
      const commit = Math.min(pr.match, this.log.committed);
      this.send(message({ type: 'heartbeat', to: id, commit, context: ctx }));
    }
  }

  // ---- ReadIndex (thesis §6.4) ----------------------------------------------------------------

  private leaderReadIndex(from: NodeId, ctx: string): void {
    if (!this.committedInCurrentTerm()) {
      // Our commit index may lag the cluster's until this term's no-op commits (etcd#7331).
      this.pendingReads.push({ from, ctx });
      return;
    }
    if (this.prs.size === 1 && this.prs.has(this.id)) {
      this.answerRead(from, this.log.committed, ctx);
      return;
    }
    if (this.readQueue.some((r) => r.ctx === ctx)) return;
    this.readQueue.push({ index: this.log.committed, from, ctx, acks: new Set([this.id]) });
    this.bcastHeartbeatWith(ctx);
  }

  private ackRead(from: NodeId, ctx: string): void {
    const at = this.readQueue.findIndex((r) => r.ctx === ctx);
    if (at < 0) return;
    const req = this.readQueue[at];
    req.acks.add(from);
    let votes = 0;
    for (const id of req.acks) if (this.prs.has(id)) votes++;
    if (votes < this.quorum()) return;
    // A quorum confirmed leadership after every earlier request arrived: release them all.
    const released = this.readQueue.splice(0, at + 1);
    for (const r of released) this.answerRead(r.from, r.index, r.ctx);
  }

  private answerRead(from: NodeId, index: number, ctx: string): void {
    if (from === this.id) this.readStates.push({ index, ctx });
    else this.send(message({ type: 'readIndexResp', to: from, index, context: ctx }));
  }

  private send(m: Message): void {
    m.from = this.id;
    const explicitTerm = m.type === 'vote' || m.type === 'preVote' || m.type === 'voteResp' || m.type === 'preVoteResp';
    if (!explicitTerm) m.term = this.term;
    this.msgs.push(m);
  }
}

/** Decodes a committed 'confChange' entry for applyConfChange. */
export function confChangeOf(entry: Entry): ConfChange {
  return decodeConfChange(entry.data);
}
