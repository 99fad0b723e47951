// Raft against etcd, both as 3 members on loopback with the same timings (heartbeat 100 ms,
// election timeout 1000 ms randomized up to 2x, pre-vote and check-quorum on), both written to
// over HTTP from this process (mgha's demo member: POST /put; etcd: its v3 JSON gateway):
// - failover: time from SIGKILL of the leader to the next acknowledged write (20 rounds, p50/p99);
//   the killed member is restarted from its files and rejoins before the next round;
// - commit latency of one small entry (sequential puts to the leader, p50/p99).
//   npm run bench:raft [-- --rounds=20 --puts=300]
// Needs Debian's etcd-server (apt-get install -y etcd-server); runs mgha alone without it.
import { argNumber, report } from './lib/harness.js';
import { etcdInstalled, etcdSide, failoverRound, percentile, waitLeader, type Side } from './lib/etcd.js';
import { RaftCluster } from '../test/helpers/raft-cluster.js';

const HEARTBEAT_MS = 100;
const ELECTION_MS = 1000;
const TICK_MS = 10;
const rounds = argNumber('rounds', 20);
const puts = argNumber('puts', 300);

async function commitBatch(side: Side, n: number, out: number[]): Promise<void> {
  const leader = await waitLeader(side);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    if (!(await side.put(leader, 'lat', `v${i}`, 3000))) throw new Error(`${side.name}: write refused`);
    out.push(performance.now() - t0);
  }
}

async function mghaSide(): Promise<Side> {
  const c = await RaftCluster.start(3, { tickMs: TICK_MS, electionTicks: ELECTION_MS / TICK_MS, heartbeatTicks: HEARTBEAT_MS / TICK_MS });
  return {
    name: 'mgha',
    ids: () => c.ids(),
    leader: () => c.leader(),
    put: async (id, key, value, timeoutMs) => (await c.put(id, key, value, timeoutMs)) === 'ok',
    kill: (id) => c.kill(id),
    restart: async (id) => c.restart(id),
    stop: () => c.stop(),
  };
}

function reportSide(name: string, bench: string, xs: number[]): void {
  report({ bench: `raft_${bench}`, side: name, samples: xs.length, p50_ms: percentile(xs, 50), p99_ms: percentile(xs, 99), max_ms: Math.max(...xs) });
}

async function main(): Promise<void> {
  report({ bench: 'raft', heartbeat_ms: HEARTBEAT_MS, election_timeout_ms: ELECTION_MS, rounds, puts });
  const sides = [await mghaSide()];
  if (etcdInstalled()) sides.push(await etcdSide({ heartbeatMs: HEARTBEAT_MS, electionMs: ELECTION_MS }));
  else console.log('# etcd not installed (apt-get install -y etcd-server): no comparison');
  try {
    // Both clusters run throughout and take turns (order rotating every round), so the
    // machine's load drifts over both alike.
    const commit = sides.map((): number[] => []);
    const failover = sides.map((): number[] => []);
    for (const side of sides) await commitBatch(side, 200, []);
    const batches = 6;
    for (let b = 0; b < batches; b++) {
      for (let k = 0; k < sides.length; k++) {
        const i = (k + b) % sides.length;
        await commitBatch(sides[i], Math.ceil(puts / batches), commit[i]);
      }
    }
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < sides.length; k++) {
        const i = (k + r) % sides.length;
        failover[i].push(await failoverRound(sides[i], r));
      }
    }
    sides.forEach((side, i) => {
      reportSide(side.name, 'failover', failover[i]);
      reportSide(side.name, 'commit_latency', commit[i]);
    });
    if (sides.length === 2) {
      for (const [bench, a, b] of [['failover', failover[0], failover[1]], ['commit_latency', commit[0], commit[1]]] as const) {
        report({ bench: `raft_${bench}`, ratio: 'mgha_vs_etcd', p50: percentile(a, 50) / percentile(b, 50), p99: percentile(a, 99) / percentile(b, 99), target: 1.0 });
      }
    }
  } finally {
    for (const side of sides) await side.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
