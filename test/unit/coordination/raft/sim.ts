// Deterministic simulation of a Raft cluster: N cores on a virtual clock and a virtual network,
// every choice drawn from one seeded PRNG, so a seed replays exactly. Faults: message loss,
// duplication, reordering and delay; symmetric and one-way partitions; crashes that lose writes
// not yet fsynced (including a crash between writing a Ready and syncing it); restarts;
// membership changes and leader transfers. Clients write and read a key-value map (reads by
// ReadIndex) and the history is kept for the linearizability checker.
// After every step the Raft invariants are checked (Figure 3 of the paper): election safety,
// log matching, leader completeness, state-machine safety, and commit monotonicity.

import { Raft, ProposalDroppedError, confChangeOf, type RaftConfig } from '../../../../dataplane/coordination/raft/raft.js';
import { MemoryStorage, bootstrapEntries } from '../../../../dataplane/coordination/raft/storage.js';
import type { Entry, Message, NodeId, Ready } from '../../../../dataplane/coordination/raft/types.js';
import type { KvOperation } from './linearizability.js';

/** mulberry32: small, fast, good enough to pick faults. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class InvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvariantError';
  }
}

export interface SimOptions {
  seed: number;
  nodes: number;
  steps: number;
  /** Fault rates (per message or per step). */
  drop: number;
  duplicate: number;
  maxDelay: number;
  crashRate: number;
  partitionRate: number;
  membershipRate: number;
  transferRate: number;
  clients: number;
  keys: number;
  snapshotEvery: number;
  /** How to build a core; tests pass deliberately broken subclasses. */
  makeRaft: (config: RaftConfig) => Raft;
  /** Broken-variant hook: serve gets from the local state machine without ReadIndex. */
  staleReads: boolean;
}

export const defaultSimOptions = (seed: number): SimOptions => ({
  seed,
  nodes: 3,
  steps: 3000,
  drop: 0.05,
  duplicate: 0.02,
  maxDelay: 12,
  crashRate: 0.0015,
  partitionRate: 0.002,
  membershipRate: 0.0008,
  transferRate: 0.0008,
  clients: 3,
  keys: 3,
  snapshotEvery: 15,
  makeRaft: (c) => new Raft(c),
  staleReads: false,
});

const TICK = 10; // virtual time units per Raft tick
const ELECTION_TICK = 10;
const HEARTBEAT_TICK = 2;
const CLIENT_TIMEOUT = 400;

interface WriteCmd {
  key: string;
  value: string;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

class SimNode {
  raft!: Raft;
  /** What survives a crash. */
  readonly durable = new MemoryStorage();
  /** What was written, synced or not: the core reads this one. */
  volatile = new MemoryStorage();
  kv = new Map<string, string>();
  applied = 0;
  alive = true;
  /** Time of the next tick; nodes tick out of phase with each other. */
  nextTick: number;
  lastCommit = 0;

  constructor(
    readonly id: NodeId,
    phase: number,
  ) {
    this.nextTick = phase;
  }
}

interface InFlight {
  at: number;
  seq: number;
  msg: Message;
}

interface PendingWrite {
  op: KvOperation;
  node: NodeId;
  index: number;
  term: number;
}

interface PendingRead {
  op: KvOperation;
  node: NodeId;
  ctx: string;
  index: number | undefined;
}

interface Client {
  id: number;
  busyUntil: number;
  write: PendingWrite | undefined;
  read: PendingRead | undefined;
  guess: NodeId;
}

export interface SimResult {
  history: KvOperation[];
  committedWrites: number;
  elections: number;
  crashes: number;
  membershipChanges: number;
  snapshotsSent: number;
}

export class Simulation {
  readonly rand: () => number;
  readonly nodes = new Map<NodeId, SimNode>();
  private now = 0;
  private seq = 0;
  private net: InFlight[] = [];
  /** Directed links that drop everything: "from->to". */
  private cut = new Set<string>();
  private healAt = 0;
  /** Off while the cluster settles at the end. */
  private faults = true;
  private nextId: NodeId;
  private readonly clients: Client[] = [];
  readonly history: KvOperation[] = [];
  private opCounter = 0;
  private readonly leaders = new Map<number, NodeId>();
  /**
   * Committed entries seen anywhere, by index: term and data must never change. `in` is the term
   * of the first node seen holding it committed (the committing leader's term, or later).
   */
  private readonly committed = new Map<number, { term: number; data: string; in: number }>();
  private maxCommitted = 0;
  /** Applied entries, by index: every state machine applies the same entry there. */
  private readonly appliedAt = new Map<number, { term: number; data: string }>();
  private stats = { elections: 0, crashes: 0, membershipChanges: 0, snapshotsSent: 0, committedWrites: 0 };

  constructor(readonly opts: SimOptions) {
    this.rand = prng(opts.seed);
    const peers = Array.from({ length: opts.nodes }, (_, i) => i + 1);
    const boot = bootstrapEntries(peers);
    for (const id of peers) {
      const n = new SimNode(id, Math.floor(this.rand() * TICK));
      n.durable.append(boot.entries);
      n.durable.setHardState(boot.hardState);
      n.durable.cloneInto(n.volatile);
      this.nodes.set(id, n);
      this.startNode(n);
    }
    this.nextId = opts.nodes + 1;
    for (let c = 0; c < opts.clients; c++) this.clients.push({ id: c, busyUntil: 0, write: undefined, read: undefined, guess: 1 });
  }

  run(): SimResult {
    for (let s = 0; s < this.opts.steps; s++) this.step(true);
    // Heal everything and let the cluster settle: it must elect a leader and commit again.
    this.cut.clear();
    for (const n of this.nodes.values()) if (!n.alive) this.restart(n);
    const before = this.stats.committedWrites;
    let settled = false;
    for (let s = 0; s < 4000 && !settled; s++) {
      this.step(false);
      settled = this.stats.committedWrites > before + 2;
    }
    if (!settled) this.fail(`no progress after healing: ${this.describe()}`);
    for (const c of this.clients) this.abandonClient(c);
    return { history: this.history, ...this.stats };
  }

  private step(faults: boolean): void {
    this.now++;
    this.faults = faults;
    if (faults) this.injectFaults();
    else this.cut.clear();
    // Deliver due messages in random order among those due (reordering within a window).
    const due = this.net.filter((f) => f.at <= this.now);
    if (due.length > 0) {
      this.net = this.net.filter((f) => f.at > this.now);
      due.sort((a, b) => a.seq - b.seq);
      for (let i = due.length - 1; i > 0; i--) {
        const j = Math.floor(this.rand() * (i + 1));
        [due[i], due[j]] = [due[j], due[i]];
      }
      for (const f of due) {
        const n = this.nodes.get(f.msg.to);
        if (n === undefined || !n.alive) continue;
        n.raft.step(f.msg);
        this.processReady(n);
      }
    }
    for (const n of this.nodes.values()) {
      if (!n.alive || n.nextTick > this.now) continue;
      n.nextTick = this.now + TICK;
      n.raft.tick();
      this.processReady(n);
    }
    this.driveClients();
    this.checkInvariants();
  }

  // ---- faults ---------------------------------------------------------------------------------

  private injectFaults(): void {
    const o = this.opts;
    if (this.healAt !== 0 && this.now >= this.healAt) {
      this.cut.clear();
      this.healAt = 0;
    }
    if (this.rand() < o.crashRate) {
      const alive = [...this.nodes.values()].filter((n) => n.alive);
      if (alive.length > 0) this.crash(alive[Math.floor(this.rand() * alive.length)]);
    }
    for (const n of this.nodes.values()) {
      if (!n.alive && this.rand() < 0.01) this.restart(n);
    }
    if (this.healAt === 0 && this.rand() < o.partitionRate) this.partition();
    if (this.rand() < o.membershipRate) this.changeMembership();
    if (this.rand() < o.transferRate) {
      const leader = this.leader();
      if (leader !== undefined) {
        const others = [...leader.raft.prs.keys()].filter((id) => id !== leader.id);
        if (others.length > 0) {
          leader.raft.transferLeadership(others[Math.floor(this.rand() * others.length)]);
          this.processReady(leader);
        }
      }
    }
  }

  private partition(): void {
    const ids = [...this.nodes.keys()];
    const oneWay = this.rand() < 0.4;
    if (oneWay) {
      const a = ids[Math.floor(this.rand() * ids.length)];
      const b = ids[Math.floor(this.rand() * ids.length)];
      if (a !== b) this.cut.add(`${a}->${b}`);
    } else {
      const side = new Set(ids.filter(() => this.rand() < 0.5));
      for (const a of ids) for (const b of ids) if (side.has(a) !== side.has(b)) this.cut.add(`${a}->${b}`);
    }
    this.healAt = this.now + 50 + Math.floor(this.rand() * 600);
  }

  private changeMembership(): void {
    const leader = this.leader();
    if (leader === undefined) return;
    const voters = [...leader.raft.prs.keys()];
    try {
      if (voters.length <= 3 || (voters.length < 5 && this.rand() < 0.5)) {
        const id = this.nextId++;
        const n = new SimNode(id, Math.floor(this.rand() * TICK));
        this.nodes.set(id, n);
        this.startNode(n);
        leader.raft.proposeConfChange({ type: 'addNode', nodeId: id });
      } else {
        const victim = voters[Math.floor(this.rand() * voters.length)];
        leader.raft.proposeConfChange({ type: 'removeNode', nodeId: victim });
      }
      this.stats.membershipChanges++;
    } catch (err) {
      if (!(err instanceof ProposalDroppedError)) throw err;
    }
    this.processReady(leader);
  }

  private crash(n: SimNode): void {
    n.alive = false;
    this.stats.crashes++;
    // Unsynced writes are gone.
    n.volatile = new MemoryStorage();
    n.durable.cloneInto(n.volatile);
    for (const c of this.clients) {
      if (c.read?.node === n.id) this.abandonRead(c);
      if (c.write?.node === n.id) this.abandonWrite(c);
    }
  }

  private restart(n: SimNode): void {
    n.alive = true;
    n.volatile = new MemoryStorage();
    n.durable.cloneInto(n.volatile);
    this.startNode(n);
  }

  private startNode(n: SimNode): void {
    n.kv = new Map();
    const snap = n.volatile.snapshot();
    if (snap.metadata.index > 0) n.kv = new Map(Object.entries(JSON.parse(dec.decode(snap.data)) as Record<string, string>));
    n.applied = snap.metadata.index;
    n.lastCommit = 0;
    n.raft = this.opts.makeRaft({
      id: n.id,
      storage: n.volatile,
      electionTick: ELECTION_TICK,
      heartbeatTick: HEARTBEAT_TICK,
      random: prng(Math.floor(this.rand() * 2 ** 32)),
    });
  }

  // ---- the driver loop, as a real host would run it -------------------------------------------

  private processReady(n: SimNode): void {
    for (let guard = 0; guard < 100 && n.alive && n.raft.hasReady(); guard++) {
      const rd = n.raft.ready();
      if (rd.softState?.role === 'leader') this.stats.elections++;
      // As the driver does: a leader replicates while it writes its own log (thesis §10.2.1).
      const prev = n.volatile.hardState;
      const early = n.raft.role === 'leader' && (rd.hardState === undefined || (rd.hardState.term === prev.term && rd.hardState.vote === prev.vote));
      if (early) for (const m of rd.messages) this.send(m);
      if (rd.snapshot !== undefined) n.volatile.applySnapshot(rd.snapshot);
      n.volatile.append(rd.entries);
      if (rd.hardState !== undefined) n.volatile.setHardState(rd.hardState);
      if (rd.mustSync) {
        // A crash after the write but before fsync loses the whole Ready.
        if (this.faults && this.rand() < this.opts.crashRate * 2) {
          this.crash(n);
          return;
        }
        n.volatile.cloneInto(n.durable);
      }
      if (!early) for (const m of rd.messages) this.send(m);
      this.apply(n, rd);
      n.raft.advance(rd);
    }
  }

  private send(m: Message): void {
    if (m.type === 'snap') this.stats.snapshotsSent++;
    if (this.cut.has(`${m.from}->${m.to}`) || this.rand() < this.opts.drop) return;
    const copies = this.rand() < this.opts.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      // Mostly short delays, sometimes a long one: reorders across heartbeats too.
      const delay = 1 + Math.floor(this.rand() * (this.rand() < 0.05 ? this.opts.maxDelay * 8 : this.opts.maxDelay));
      this.net.push({ at: this.now + delay, seq: this.seq++, msg: m });
    }
  }

  private apply(n: SimNode, rd: Ready): void {
    if (rd.snapshot !== undefined) {
      n.kv = new Map(Object.entries(JSON.parse(dec.decode(rd.snapshot.data)) as Record<string, string>));
      n.applied = rd.snapshot.metadata.index;
    }
    for (const e of rd.committedEntries) {
      this.checkApplied(n, e);
      if (e.type === 'confChange') n.raft.applyConfChange(confChangeOf(e));
      else if (e.data.length > 0) {
        const cmd = JSON.parse(dec.decode(e.data)) as WriteCmd;
        n.kv.set(cmd.key, cmd.value);
      }
      n.applied = e.index;
      this.completeWrites(n, e);
    }
    for (const rs of rd.readStates) {
      for (const c of this.clients) if (c.read?.node === n.id && c.read.ctx === rs.ctx) c.read.index = rs.index;
    }
    this.completeReads(n);
    if (n.applied - n.volatile.snapshot().metadata.index >= this.opts.snapshotEvery) {
      // The application's snapshot file is written atomically, so both images get it.
      const data = enc.encode(JSON.stringify(Object.fromEntries(n.kv)));
      const conf = n.raft.confState();
      for (const s of [n.volatile, n.durable]) {
        if (s.lastIndex() < n.applied) continue;
        s.createSnapshot(n.applied, conf, data);
        s.compact(Math.max(s.firstIndex(), n.applied - 3));
      }
    }
  }

  // ---- clients ----------------------------------------------------------------------------------

  private driveClients(): void {
    for (const c of this.clients) {
      if (c.write !== undefined && this.now - c.write.op.call > CLIENT_TIMEOUT) this.abandonWrite(c);
      if (c.read !== undefined && this.now - c.read.op.call > CLIENT_TIMEOUT) this.abandonRead(c);
      if (c.write !== undefined || c.read !== undefined || c.busyUntil > this.now) continue;
      if (this.rand() < 0.5) continue;
      const key = `k${Math.floor(this.rand() * this.opts.keys)}`;
      let n = this.nodes.get(c.guess);
      if (n === undefined || !n.alive || this.rand() < 0.2) {
        const alive = [...this.nodes.values()].filter((x) => x.alive);
        if (alive.length === 0) continue;
        n = alive[Math.floor(this.rand() * alive.length)];
      }
      if (n.raft.lead !== 0 && n.raft.lead !== n.id) c.guess = n.raft.lead;
      if (this.rand() < 0.5) this.startWrite(c, n, key);
      else this.startRead(c, n, key);
    }
  }

  private startWrite(c: Client, n: SimNode, key: string): void {
    const value = `v${this.opCounter++}`;
    const op: KvOperation = { client: c.id, input: { kind: 'put', key, value }, output: null, call: this.now, ret: Infinity };
    try {
      const { index, term } = n.raft.propose(enc.encode(JSON.stringify({ key, value } satisfies WriteCmd)));
      c.write = { op, node: n.id, index, term };
      this.processReady(n);
    } catch (err) {
      if (!(err instanceof ProposalDroppedError)) throw err;
      // Never entered a log: it did not happen, so it is not part of the history.
      c.busyUntil = this.now + 5;
    }
  }

  private startRead(c: Client, n: SimNode, key: string): void {
    const op: KvOperation = { client: c.id, input: { kind: 'get', key }, output: null, call: this.now, ret: Infinity };
    if (this.opts.staleReads) {
      op.output = n.kv.get(key) ?? null;
      op.ret = this.now;
      this.history.push(op);
      c.busyUntil = this.now + 1;
      return;
    }
    const ctx = `r${this.opCounter++}`;
    if (!n.raft.readIndex(ctx)) {
      c.busyUntil = this.now + 5;
      return;
    }
    c.read = { op, node: n.id, ctx, index: undefined };
    this.processReady(n);
  }

  private completeWrites(n: SimNode, e: Entry): void {
    for (const c of this.clients) {
      const w = c.write;
      if (w === undefined || w.node !== n.id || w.index !== e.index) continue;
      c.write = undefined;
      c.busyUntil = this.now + 1;
      // Another entry at our index means ours was overwritten and never committed.
      if (e.term !== w.term) continue;
      w.op.ret = this.now;
      this.history.push(w.op);
      this.stats.committedWrites++;
    }
  }

  private completeReads(n: SimNode): void {
    for (const c of this.clients) {
      const r = c.read;
      if (r === undefined || r.node !== n.id || r.index === undefined || n.applied < r.index) continue;
      const key = r.op.input.key;
      r.op.output = n.kv.get(key) ?? null;
      r.op.ret = this.now;
      this.history.push(r.op);
      c.read = undefined;
      c.busyUntil = this.now + 1;
    }
  }

  /** Outcome unknown: it may have happened at any time after its call. */
  private abandonWrite(c: Client): void {
    if (c.write === undefined) return;
    this.history.push(c.write.op);
    c.write = undefined;
  }

  /** A read that got no answer observed nothing. */
  private abandonRead(c: Client): void {
    c.read = undefined;
  }

  private abandonClient(c: Client): void {
    this.abandonWrite(c);
    this.abandonRead(c);
  }

  // ---- invariants ----------------------------------------------------------------------------------

  leader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const n of this.nodes.values()) {
      if (n.alive && n.raft.role === 'leader' && (best === undefined || n.raft.term > best.raft.term)) best = n;
    }
    return best;
  }

  describe(): string {
    return [...this.nodes.values()]
      .map((n) => `${n.id}:${n.alive ? n.raft.role : 'down'} t${n.raft.term} lead${n.raft.lead} voters[${n.raft.confState().voters.join(',')}] commit${n.raft.log.committed} last${n.raft.log.lastIndex()}/${n.raft.log.lastTerm()} applied${n.applied}`)
      .join('; ');
  }

  private fail(what: string): never {
    throw new InvariantError(`${what} (seed ${this.opts.seed}, time ${this.now}; replay with RAFT_SEED=${this.opts.seed})`);
  }

  private checkApplied(n: SimNode, e: Entry): void {
    const seen = this.appliedAt.get(e.index);
    const data = dec.decode(e.data);
    if (seen === undefined) this.appliedAt.set(e.index, { term: e.term, data });
    else if (seen.term !== e.term || seen.data !== data) {
      this.fail(`state-machine safety: node ${n.id} applied term ${e.term} at ${e.index}, another applied term ${seen.term}`);
    }
    if (e.index !== n.applied + 1) this.fail(`node ${n.id} applied ${e.index} after ${n.applied}`);
  }

  private checkInvariants(): void {
    const alive = [...this.nodes.values()].filter((n) => n.alive);
    for (const n of alive) {
      const r = n.raft;
      // Election safety: at most one leader per term, ever.
      if (r.role === 'leader') {
        const other = this.leaders.get(r.term);
        if (other !== undefined && other !== n.id) this.fail(`election safety: ${other} and ${n.id} both led term ${r.term}`);
        this.leaders.set(r.term, n.id);
      }
      // Commit index never goes back within one life of a node.
      if (r.log.committed < n.lastCommit) this.fail(`node ${n.id} commit went back from ${n.lastCommit} to ${r.log.committed}`);
      // Record what is committed; committed entries never change.
      for (let i = Math.max(n.lastCommit + 1, r.log.firstIndex()); i <= r.log.committed; i++) {
        const e = r.log.slice(i, i + 1)[0];
        const data = dec.decode(e.data);
        const seen = this.committed.get(i);
        if (seen === undefined) {
          this.committed.set(i, { term: e.term, data, in: r.term });
          this.maxCommitted = Math.max(this.maxCommitted, i);
        }
        else if (seen.term !== e.term || seen.data !== data) this.fail(`committed entry ${i} changed on node ${n.id}: term ${seen.term} → ${e.term}`);
      }
      n.lastCommit = r.log.committed;
    }
    // Leader completeness: a leader of a later term holds every committed entry (above its snapshot).
    for (const leader of alive) {
      if (leader.raft.role !== 'leader') continue;
      const log = leader.raft.log;
      for (let i = log.firstIndex(); i <= this.maxCommitted; i++) {
        const c = this.committed.get(i);
        if (c === undefined || c.in >= leader.raft.term) continue;
        const t = log.term(i);
        if (t !== c.term) this.fail(`leader completeness: leader ${leader.id} (term ${leader.raft.term}) has term ${t} at committed ${i} (term ${c.term})`);
      }
    }
    // Log matching: same index and term ⇒ same entries up to there.
    for (let a = 0; a < alive.length; a++) {
      for (let b = a + 1; b < alive.length; b++) this.checkLogMatching(alive[a], alive[b]);
    }
  }

  private checkLogMatching(x: SimNode, y: SimNode): void {
    const lx = x.raft.log;
    const ly = y.raft.log;
    const lo = Math.max(lx.firstIndex(), ly.firstIndex());
    const hi = Math.min(lx.lastIndex(), ly.lastIndex());
    let matching = false;
    for (let i = hi; i >= lo; i--) {
      const tx = lx.term(i);
      const ty = ly.term(i);
      if (!matching) {
        matching = tx === ty;
        if (!matching) continue;
      }
      const ex = lx.slice(i, i + 1)[0];
      const ey = ly.slice(i, i + 1)[0];
      if (ex.term !== ey.term || dec.decode(ex.data) !== dec.decode(ey.data)) {
        this.fail(`log matching: nodes ${x.id} and ${y.id} agree at a later index but differ at ${i}`);
      }
    }
  }
}
