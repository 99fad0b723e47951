// Three real Raft member processes on 127.0.0.1 with real files and real signals: SIGKILL the
// leader, SIGKILL a follower, SIGSTOP the leader and resume it. Throughout: no two leaders in one
// term (from every member's own log of its role changes), every acknowledged write is on
// every member afterwards, in one order, and what concurrent clients saw meanwhile (writes, and
// ReadIndex reads on any member) is linearizable.
import { RaftCluster } from '../helpers/raft-cluster.js';
import { checkKv, type KvOperation } from '../unit/coordination/raft/linearizability.js';

// Generous for a loaded 2-core machine: 20 ms ticks, 100 ms heartbeats, 0.5–1 s election timeouts.
// Snapshots every 8 entries, so a member that was down catches up from a snapshot sent over TCP.
const timing = { tickMs: 20, electionTicks: 25, heartbeatTicks: 5, snapshotEvery: 8 };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('raft: three processes on loopback', () => {
  let cluster: RaftCluster | undefined;

  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  test('survives SIGKILL of the leader and of a follower and SIGSTOP of the leader: one leader per term, no acknowledged write lost, clients see a linearizable history', async () => {
    const c = await RaftCluster.start(3, timing);
    cluster = c;
    const acked: string[] = [];
    let n = 0;
    const writes = async (count: number): Promise<void> => {
      for (let i = 0; i < count; i++) {
        const v = `v${n++}`;
        await c.write(`k${n % 3}`, v);
        acked.push(v);
      }
    };

    const first = await c.waitLeader();
    const history: KvOperation[] = [];
    let running = true;
    const client = async (id: number): Promise<void> => {
      for (let i = 0; running && i < 150; i++) {
        const key = `lin${i % 2}`;
        const member = c.ids()[(id + i) % 3];
        const call = performance.now();
        if (i % 3 === 0) {
          const value = `c${id}-${i}`;
          const r = await c.put(member, key, value);
          // Refused by a follower: it never happened. Anything else unclear: it may have.
          if (r !== 'not-leader') history.push({ client: id, input: { kind: 'put', key, value }, output: null, call, ret: r === 'ok' ? performance.now() : Infinity });
        } else {
          const r = await c.get(member, key);
          if (r !== 'failed') history.push({ client: id, input: { kind: 'get', key }, output: r.value, call, ret: performance.now() });
        }
        await sleep(15);
      }
    };
    const clients = Promise.all([0, 1, 2].map(client));
    await writes(10);

    // SIGKILL the leader: another member takes over; the old one restarts from its files.
    await c.kill(first);
    const second = await c.waitLeader([first]);
    expect(second).not.toBe(first);
    await writes(10);
    c.restart(first);

    // SIGKILL a follower, write without it, bring it back.
    const follower = c.ids().find((id) => id !== second && c.isRunning(id)) ?? 0;
    await c.kill(follower);
    await writes(10);
    c.restart(follower);

    // SIGSTOP the leader: the others elect a new one in a higher term; on SIGCONT the old leader
    // must step down, not lead alongside it.
    const stopped = await c.waitLeader();
    c.signal(stopped, 'SIGSTOP');
    const third = await c.waitLeader([stopped]);
    await writes(10);
    c.signal(stopped, 'SIGCONT');
    await writes(5);

    running = false;
    await clients;
    // Enough reads for the check to mean something; how many fit in depends on the machine's load.
    expect(history.filter((o) => o.input.kind === 'get').length).toBeGreaterThan(5);
    expect(checkKv(history)).toEqual({ ok: true });

    // Let everyone catch up, then compare.
    const deadline = Date.now() + 20000;
    let lists: (string[] | undefined)[] = [];
    while (Date.now() < deadline) {
      lists = await Promise.all(c.ids().map((id) => c.values(id)));
      if (lists.every((l) => l !== undefined && acked.every((v) => l.includes(v)) && l.length === lists[0]?.length)) break;
      await sleep(100);
    }
    for (const l of lists) {
      expect(l).toBeDefined();
      for (const v of acked) expect(l).toContain(v);
      expect(l).toEqual(lists[0]);
    }
    const statuses = await Promise.all(c.ids().map((id) => c.status(id)));
    expect(statuses.filter((s) => s?.role === 'leader').length).toBe(1);
    expect(third).not.toBe(stopped);

    // Election safety, from every leadership any member ever logged.
    const byTerm = new Map<number, Set<number>>();
    for (const e of c.leaders) byTerm.set(e.term, (byTerm.get(e.term) ?? new Set()).add(e.id));
    for (const [term, ids] of byTerm) expect({ term, leaders: [...ids] }).toEqual({ term, leaders: [[...ids][0]] });
    expect(byTerm.size).toBeGreaterThanOrEqual(3);
  }, 120000);
});
