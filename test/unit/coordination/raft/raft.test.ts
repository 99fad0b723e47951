// Scenario tests of the pure core, in the spirit of etcd-io/raft's paper and interaction
// tests: a synchronous in-memory network, messages delivered until quiet, no real time.
import { Raft, ProposalDroppedError, confChangeOf, type RaftConfig } from '../../../../dataplane/coordination/raft/raft.js';
import { MemoryStorage, bootstrapEntries } from '../../../../dataplane/coordination/raft/storage.js';
import { message, type Message, type NodeId, type ReadState } from '../../../../dataplane/coordination/raft/types.js';
import { prng } from './sim.js';

interface NetNode {
  raft: Raft;
  storage: MemoryStorage;
  applied: string[];
  /** Index → term of every entry this node's state machine applied. */
  appliedTerms: Map<number, number>;
  reads: ReadState[];
}

type Make = (c: RaftConfig) => Raft;

class Net {
  readonly nodes = new Map<NodeId, NetNode>();
  /** Messages matching this are dropped. */
  drop: (m: Message) => boolean = () => false;
  private queue: Message[] = [];
  private readonly rand: () => number;

  constructor(
    ids: NodeId[],
    private readonly make: Make = (c) => new Raft(c),
    private readonly maxEntriesPerMsg = 64,
  ) {
    const boot = bootstrapEntries(ids);
    this.rand = prng(1);
    for (const id of ids) {
      const storage = new MemoryStorage();
      storage.append(boot.entries);
      storage.setHardState(boot.hardState);
      this.nodes.set(id, { raft: this.newRaft(id, storage), storage, applied: [], appliedTerms: new Map(), reads: [] });
    }
    this.settle();
  }

  private newRaft(id: NodeId, storage: MemoryStorage): Raft {
    return this.make({ id, storage, electionTick: 10, heartbeatTick: 1, random: this.rand, maxEntriesPerMsg: this.maxEntriesPerMsg });
  }

  /** A crash and restart: everything here was persisted, so only volatile state is lost. */
  restart(id: NodeId): void {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`no node ${id}`);
    n.raft = this.newRaft(id, n.storage);
    this.settle();
  }

  get(id: NodeId): Raft {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`no node ${id}`);
    return n.raft;
  }

  /** Processes every node's Ready and delivers messages until nothing moves. */
  settle(): void {
    for (let round = 0; round < 1000; round++) {
      for (const n of this.nodes.values()) {
        while (n.raft.hasReady()) {
          const rd = n.raft.ready();
          if (rd.snapshot !== undefined) n.storage.applySnapshot(rd.snapshot);
          n.storage.append(rd.entries);
          if (rd.hardState !== undefined) n.storage.setHardState(rd.hardState);
          this.queue.push(...rd.messages);
          n.reads.push(...rd.readStates);
          for (const e of rd.committedEntries) {
            n.appliedTerms.set(e.index, e.term);
            if (e.type === 'confChange') n.raft.applyConfChange(confChangeOf(e));
            else if (e.data.length > 0) n.applied.push(new TextDecoder().decode(e.data));
          }
          n.raft.advance(rd);
        }
      }
      if (this.queue.length === 0) return;
      const batch = this.queue;
      this.queue = [];
      for (const m of batch) if (!this.drop(m)) this.nodes.get(m.to)?.raft.step(m);
    }
    throw new Error('network did not settle');
  }

  tick(id: NodeId, n: number): void {
    for (let i = 0; i < n; i++) {
      this.get(id).tick();
      this.settle();
    }
  }

  /** As leader transfer does: a forced campaign that followers in a lease still answer. */
  elect(id: NodeId): void {
    const r = this.get(id);
    r.step(message({ type: 'timeoutNow', from: r.lead, to: id, term: r.term }));
    this.settle();
  }

  tickAll(n: number): void {
    for (let i = 0; i < n; i++) {
      for (const node of this.nodes.values()) node.raft.tick();
      this.settle();
    }
  }

  isolate(id: NodeId): void {
    this.drop = (m) => m.from === id || m.to === id;
  }

  heal(): void {
    this.drop = () => false;
  }
}

const data = (s: string): Uint8Array => new TextEncoder().encode(s);
const msg = (m: Partial<Message> & Pick<Message, 'type'>): Message => message(m);

/** Node 1 of three, leader of term 3, holding entry 4 from term 2 and its own no-op at 5. */
export function figure8Leader(make: (c: RaftConfig) => Raft): Raft {
  const storage = new MemoryStorage();
  const boot = bootstrapEntries([1, 2, 3]);
  storage.append([...boot.entries, { term: 2, index: 4, type: 'normal', data: data('old') }]);
  storage.setHardState({ term: 2, vote: 0, commit: 3 });
  const r = make({ id: 1, storage, electionTick: 10, heartbeatTick: 1, random: prng(1), applied: 3 });
  for (let i = 1; i <= 3; i++) r.applyConfChange({ type: 'addNode', nodeId: i });
  r.campaign();
  r.step(msg({ type: 'preVoteResp', from: 2, to: 1, term: 3 }));
  r.step(msg({ type: 'voteResp', from: 2, to: 1, term: 3 }));
  if (r.role !== 'leader' || r.term !== 3 || r.log.lastIndex() !== 5) throw new Error('setup failed');
  return r;
}

/** Deliberately broken: commits an entry of an earlier term by counting replicas. */
class PreviousTermCommitRaft extends Raft {
  protected override commitAt(index: number): boolean {
    if (index <= this.log.committed) return false;
    this.log.commitTo(index);
    return true;
  }
}

/**
 * The schedule of the paper's Figure 8, on a log whose bootstrap entries fill indexes 1–5:
 * (a) S1 leads term 2; its entry 6 reaches only S2. (b) S5 leads term 3 with S3 and S4; its
 * entry 6 (term 3) reaches nobody. (c) S5 is cut off, S1 restarts and leads term 4; entry 6 (term 2)
 * reaches S3 and S4, S1's own entry 7 reaches nobody. (d) S1 is cut off; S5 restarts, leads term 5 and
 * overwrites index 6 everywhere it can. Returns the indexes where S1 applied a different entry
 * than the others.
 */
function figure8Schedule(make: Make): { conflicts: number[]; s1Committed: number } {
  const net = new Net([1, 2, 3, 4, 5], make, 1);
  const lead = (id: NodeId): void => {
    for (let i = 0; i < 5 && net.get(id).role !== 'leader'; i++) {
      net.get(id).campaign();
      net.settle();
    }
    if (net.get(id).role !== 'leader') throw new Error(`S${id} did not win`);
  };
  net.drop = (m) => m.type === 'app' && m.to !== 2;
  lead(1);
  net.drop = (m) => m.from === 1 || m.to === 1 || (m.from === 5 && m.type === 'app');
  net.elect(5);
  if (net.get(5).role !== 'leader' || net.get(5).term !== 3) throw new Error('S5 did not win term 3');
  net.restart(1);
  // Entry 7 may be offered (and refused by a follower lacking 6) but never accepted.
  net.drop = (m) => m.from === 5 || m.to === 5 || (m.type === 'app' && m.entries.some((e) => e.index === 7) && net.get(m.to).log.lastIndex() >= 6);
  lead(1);
  const s1Committed = net.get(1).log.committed;
  net.drop = (m) => m.from === 1 || m.to === 1;
  net.restart(5);
  for (let i = 0; i < 3 && net.get(5).role !== 'leader'; i++) net.elect(5);
  if (net.get(5).term !== 5) throw new Error('S5 did not win term 5');
  net.tick(5, 2);
  const s1 = net.nodes.get(1)?.appliedTerms ?? new Map<number, number>();
  const conflicts: number[] = [];
  for (const [index, term] of s1) {
    if ([2, 3, 4, 5].some((id) => { const t = net.nodes.get(id)?.appliedTerms.get(index); return t !== undefined && t !== term; })) conflicts.push(index);
  }
  return { conflicts, s1Committed };
}

describe('raft core', () => {
  test('a single node elects itself and commits its no-op and a proposal', () => {
    const net = new Net([1]);
    net.elect(1);
    expect(net.get(1).role).toBe('leader');
    net.get(1).propose(data('x'));
    net.settle();
    expect(net.nodes.get(1)?.applied).toEqual(['x']);
  });

  test('three nodes: one leader, and a proposal is applied everywhere', () => {
    const net = new Net([1, 2, 3]);
    net.elect(1);
    expect([1, 2, 3].map((id) => net.get(id).role)).toEqual(['leader', 'follower', 'follower']);
    expect(net.get(2).lead).toBe(1);
    net.get(1).propose(data('a'));
    net.settle();
    for (const id of [1, 2, 3]) expect(net.nodes.get(id)?.applied).toEqual(['a']);
  });

  test('a follower refuses to propose', () => {
    const net = new Net([1, 2, 3]);
    net.elect(1);
    expect(() => net.get(2).propose(data('no'))).toThrow(ProposalDroppedError);
  });

  test('pre-vote: a rejoining partitioned node does not raise the cluster term', () => {
    const net = new Net([1, 2, 3]);
    net.elect(1);
    const term = net.get(1).term;
    net.isolate(3);
    net.tick(3, 100); // many election timeouts alone: pre-votes only, term unchanged
    expect(net.get(3).term).toBe(term);
    net.heal();
    net.tick(1, 2); // heartbeats reach 3 again
    expect(net.get(1).role).toBe('leader');
    expect(net.get(1).term).toBe(term);
    expect(net.get(3).lead).toBe(1);
  });

  test('check-quorum: a leader cut off from its quorum steps down within two election timeouts', () => {
    const net = new Net([1, 2, 3]);
    net.elect(1);
    net.isolate(1);
    net.tick(1, 20);
    expect(net.get(1).role).toBe('follower');
  });

  test('a follower that heard from its leader recently ignores a vote request (lease)', () => {
    const net = new Net([1, 2, 3]);
    net.elect(1);
    const term = net.get(1).term;
    net.get(3).step(msg({ type: 'vote', from: 2, to: 3, term: term + 1, logTerm: 99, index: 99 }));
    expect(net.get(3).term).toBe(term);
    expect(net.get(3).vote).not.toBe(2);
  });

  test('Figure 8: a leader does not commit a previous-term entry by counting replicas', () => {
    const r = figure8Leader((c) => new Raft(c));
    r.step(msg({ type: 'appResp', from: 2, to: 1, term: 3, index: 4 }));
    expect(r.log.committed).toBe(3); // entry 4 (term 2) is on a majority but not of this term
    r.step(msg({ type: 'appResp', from: 2, to: 1, term: 3, index: 5 }));
    expect(r.log.committed).toBe(5); // the no-op of term 3 commits, and entry 4 with it
  });

  test('Figure 8, broken on purpose: without the current-term rule the same leader commits entry 4', () => {
    const r = figure8Leader((c) => new PreviousTermCommitRaft(c));
    r.step(msg({ type: 'appResp', from: 2, to: 1, term: 3, index: 4 }));
    expect(r.log.committed).toBe(4);
  });

  test('Figure 8 replayed on five nodes: the correct core never applies an entry a later leader overwrites', () => {
    const { conflicts, s1Committed } = figure8Schedule((c) => new Raft(c));
    expect(s1Committed).toBe(5);
    expect(conflicts).toEqual([]);
  });

  test('Figure 8 replayed on five nodes: the broken core applies index 6 on S1 while the others apply another entry there', () => {
    const { conflicts, s1Committed } = figure8Schedule((c) => new PreviousTermCommitRaft(c));
    expect(s1Committed).toBe(6);
    expect(conflicts).toEqual([6]);
  });

  test('fast back-off: a follower with a long divergent tail is repaired', () => {
    const net = new Net([1, 2, 3]);
    net.elect(1);
    net.isolate(1);
    for (let i = 0; i < 50; i++) net.get(1).propose(data(`lost${i}`));
    net.settle();
    net.heal();
    net.isolate(1);
    net.elect(2);
    net.get(2).propose(data('kept'));
    net.settle();
    net.heal();
    let appends = 0;
    net.drop = (m) => {
      if (m.type === 'app' && m.to === 1) appends++;
      return false;
    };
    net.tick(2, 2);
    expect(net.get(1).lead).toBe(2);
    expect(net.nodes.get(1)?.applied).toEqual(['kept']);
    expect(appends).toBeLessThan(8);
  });

  test('ReadIndex: answered only once a quorum confirms leadership', () => {
    const net = new Net([1, 2, 3]);
    net.elect(1);
    net.get(1).propose(data('w'));
    net.settle();
    net.isolate(1);
    net.get(1).readIndex('ctx1');
    net.settle();
    expect(net.nodes.get(1)?.reads).toEqual([]);
    net.heal();
    net.tick(1, 1); // the next heartbeat carries ctx1
    expect(net.nodes.get(1)?.reads).toEqual([{ index: net.get(1).log.committed, ctx: 'ctx1' }]);
  });

  test('ReadIndex: a new leader holds reads until its no-op commits', () => {
    const net = new Net([1, 2, 3]);
    net.drop = (m) => m.type === 'appResp';
    net.elect(1);
    net.get(1).readIndex('early');
    net.tick(1, 3);
    expect(net.nodes.get(1)?.reads).toEqual([]);
    net.heal();
    net.tick(1, 2);
    const r = net.get(1);
    expect(net.nodes.get(1)?.reads).toEqual([{ index: r.log.committed, ctx: 'early' }]);
    expect(r.log.term(r.log.committed)).toBe(r.term);
  });

  test('a follower forwards ReadIndex to the leader and gets the commit index back', () => {
    const net = new Net([1, 2, 3]);
    net.elect(1);
    net.get(1).propose(data('w'));
    net.settle();
    expect(net.get(2).readIndex('f1')).toBe(true);
    net.settle();
    expect(net.nodes.get(2)?.reads).toEqual([{ index: net.get(1).log.committed, ctx: 'f1' }]);
  });

  test('leader transfer: the named follower takes over', () => {
    const net = new Net([1, 2, 3]);
    net.elect(1);
    net.get(1).transferLeadership(3);
    net.settle();
    expect(net.get(3).role).toBe('leader');
    expect(net.get(1).role).toBe('follower');
  });

  test('membership: a node added later catches up, and a second change waits for the first', () => {
    const net = new Net([1, 2, 3]);
    net.elect(1);
    const s4 = new MemoryStorage();
    net.nodes.set(4, { raft: new Raft({ id: 4, storage: s4, electionTick: 10, heartbeatTick: 1, random: prng(4) }), storage: s4, applied: [], appliedTerms: new Map(), reads: [] });
    net.get(1).proposeConfChange({ type: 'addNode', nodeId: 4 });
    expect(() => net.get(1).proposeConfChange({ type: 'removeNode', nodeId: 2 })).toThrow(ProposalDroppedError);
    net.settle();
    net.tick(1, 2);
    expect(net.get(1).confState().voters).toEqual([1, 2, 3, 4]);
    expect(net.get(4).confState().voters).toEqual([1, 2, 3, 4]);
    net.get(1).proposeConfChange({ type: 'removeNode', nodeId: 1 });
    net.settle();
    expect(net.get(1).role).toBe('follower');
    net.tickAll(30);
    const leaders = [2, 3, 4].filter((id) => net.get(id).role === 'leader');
    expect(leaders.length).toBe(1);
  });

  test('a follower behind the compacted log is sent a snapshot', () => {
    const net = new Net([1, 2, 3]);
    net.elect(1);
    net.isolate(3);
    for (let i = 0; i < 10; i++) net.get(1).propose(data(`e${i}`));
    net.settle();
    const leader = net.nodes.get(1);
    if (leader === undefined) throw new Error('no leader');
    const applied = leader.raft.log.applied;
    leader.storage.createSnapshot(applied, leader.raft.confState(), data('state'));
    leader.storage.compact(applied);
    net.heal();
    let snaps = 0;
    net.drop = (m) => {
      if (m.type === 'snap') snaps++;
      return false;
    };
    net.tick(1, 2);
    expect(snaps).toBe(1);
    expect(net.nodes.get(3)?.storage.snapshot().metadata.index).toBe(applied);
    expect(net.get(3).log.committed).toBe(net.get(1).log.committed);
  });
});
