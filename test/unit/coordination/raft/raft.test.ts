// Scenario tests of the pure core, in the spirit of etcd-io/raft's paper and interaction
// tests: a synchronous in-memory network, messages delivered until quiet, no real time.
import { Raft, ProposalDroppedError, confChangeOf, type RaftConfig } from '../../../../dataplane/coordination/raft/raft.js';
import { MemoryStorage, bootstrapEntries } from '../../../../dataplane/coordination/raft/storage.js';
import { message, type Message, type NodeId, type ReadState } from '../../../../dataplane/coordination/raft/types.js';
import { prng } from './sim.js';

class Net {
  readonly nodes = new Map<NodeId, { raft: Raft; storage: MemoryStorage; applied: string[]; reads: ReadState[] }>();
  /** Messages matching this are dropped. */
  drop: (m: Message) => boolean = () => false;
  private queue: Message[] = [];

  constructor(ids: NodeId[], seed = 1) {
    const boot = bootstrapEntries(ids);
    const rand = prng(seed);
    for (const id of ids) {
      const storage = new MemoryStorage();
      storage.append(boot.entries);
      storage.setHardState(boot.hardState);
      const raft = new Raft({ id, storage, electionTick: 10, heartbeatTick: 1, random: rand });
      this.nodes.set(id, { raft, storage, applied: [], reads: [] });
    }
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
    class PreviousTermCommitRaft extends Raft {
      protected override commitAt(index: number): boolean {
        if (index <= this.log.committed) return false;
        this.log.commitTo(index);
        return true;
      }
    }
    const r = figure8Leader((c) => new PreviousTermCommitRaft(c));
    r.step(msg({ type: 'appResp', from: 2, to: 1, term: 3, index: 4 }));
    expect(r.log.committed).toBe(4);
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
    net.nodes.set(4, { raft: new Raft({ id: 4, storage: s4, electionTick: 10, heartbeatTick: 1, random: prng(4) }), storage: s4, applied: [], reads: [] });
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
