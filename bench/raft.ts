// Raft against etcd, both as 3 members on loopback with the same timings (heartbeat 100 ms,
// election timeout 1000 ms randomized up to 2x, pre-vote and check-quorum on), both written to
// over HTTP from this process (mgha's demo member: POST /put; etcd: its v3 JSON gateway):
// - failover: time from SIGKILL of the leader to the next acknowledged write (20 rounds, p50/p99);
//   the killed member is restarted from its files and rejoins before the next round;
// - commit latency of one small entry (sequential puts to the leader, p50/p99).
//   npm run bench:raft [-- --rounds=20 --puts=300]
// Needs Debian's etcd-server (apt-get install -y etcd-server); runs mgha alone without it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { argNumber, report } from './lib/harness.js';
import { freePort } from '../test/helpers/ports.js';
import { RaftCluster } from '../test/helpers/raft-cluster.js';

const HEARTBEAT_MS = 100;
const ELECTION_MS = 1000;
const TICK_MS = 10;
const rounds = argNumber('rounds', 20);
const puts = argNumber('puts', 300);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

/** What both sides offer the measurement loops. */
interface Side {
  name: string;
  ids(): number[];
  leader(): Promise<number | undefined>;
  /** One write to member `id`, true once acknowledged. */
  put(id: number, key: string, value: string, timeoutMs: number): Promise<boolean>;
  kill(id: number): Promise<void>;
  restart(id: number): Promise<void>;
  stop(): Promise<void>;
}

async function waitLeader(side: Side, timeoutMs = 30000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const l = await side.leader();
    if (l !== undefined) return l;
    await sleep(20);
  }
  throw new Error(`${side.name}: no leader within ${timeoutMs} ms`);
}

/** One round: SIGKILL the leader, time the next acknowledged write, restart the old leader. */
async function failoverRound(side: Side, r: number): Promise<number> {
  const leader = await waitLeader(side);
  if (!(await side.put(leader, 'warm', `r${r}`, 3000))) throw new Error(`${side.name}: leader ${leader} refused a write`);
  // Let heartbeats settle so every round starts from a steady state.
  await sleep(300);
  const others = side.ids().filter((id) => id !== leader);
  await side.kill(leader);
  const t0 = performance.now();
  for (let attempt = 0; performance.now() - t0 < 30000; attempt++) {
    for (const id of others) {
      if (await side.put(id, 'failover', `r${r}-${attempt}`, 250)) {
        const elapsed = performance.now() - t0;
        await side.restart(leader);
        // The restarted member rejoins before the next round.
        await sleep(1500);
        return elapsed;
      }
    }
    await sleep(5);
  }
  throw new Error(`${side.name}: no write within 30 s of killing the leader`);
}

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

interface EtcdMember {
  id: number;
  name: string;
  clientPort: number;
  peerPort: number;
  child: ChildProcess | undefined;
}

async function etcdSide(): Promise<Side> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-bench-etcd-'));
  const members: EtcdMember[] = [];
  for (let id = 1; id <= 3; id++) members.push({ id, name: `m${id}`, clientPort: await freePort(), peerPort: await freePort(), child: undefined });
  const cluster = members.map((m) => `${m.name}=http://127.0.0.1:${m.peerPort}`).join(',');
  const start = (m: EtcdMember): void => {
    // prettier-ignore
    m.child = spawn('etcd', [
      '--name', m.name, '--data-dir', path.join(root, m.name),
      '--listen-client-urls', `http://127.0.0.1:${m.clientPort}`, '--advertise-client-urls', `http://127.0.0.1:${m.clientPort}`,
      '--listen-peer-urls', `http://127.0.0.1:${m.peerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${m.peerPort}`,
      '--initial-cluster', cluster, '--initial-cluster-state', 'new', '--initial-cluster-token', 'mgha-bench',
      '--heartbeat-interval', String(HEARTBEAT_MS), '--election-timeout', String(ELECTION_MS), '--pre-vote=true',
      '--logger', 'zap', '--log-level', 'error',
    ], { stdio: ['ignore', 'ignore', 'inherit'] });
  };
  for (const m of members) start(m);
  const member = (id: number): EtcdMember => {
    const m = members.find((x) => x.id === id);
    if (m === undefined) throw new Error(`no etcd member ${id}`);
    return m;
  };
  const post = async (m: EtcdMember, api: string, body: unknown, timeoutMs: number): Promise<Record<string, unknown> | undefined> => {
    try {
      const res = await fetch(`http://127.0.0.1:${m.clientPort}${api}`, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
      const json = (await res.json()) as Record<string, unknown>;
      return res.ok && json.error === undefined ? json : undefined;
    } catch {
      return undefined;
    }
  };
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  return {
    name: 'etcd',
    ids: () => members.map((m) => m.id),
    leader: async () => {
      for (const m of members) {
        if (m.child === undefined) continue;
        const s = await post(m, '/v3/maintenance/status', {}, 500);
        const header = s?.header as { member_id?: string } | undefined;
        if (s !== undefined && header?.member_id !== undefined && header.member_id === s.leader) return m.id;
      }
      return undefined;
    },
    put: async (id, key, value, timeoutMs) => (await post(member(id), '/v3/kv/put', { key: b64(key), value: b64(value) }, timeoutMs)) !== undefined,
    kill: async (id) => {
      const child = member(id).child;
      if (child === undefined) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGKILL');
      await exited;
      member(id).child = undefined;
    },
    restart: async (id) => start(member(id)),
    stop: async () => {
      for (const m of members) {
        const child = m.child;
        if (child === undefined) continue;
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGKILL');
        await exited;
      }
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

function reportSide(name: string, bench: string, xs: number[]): void {
  report({ bench: `raft_${bench}`, side: name, samples: xs.length, p50_ms: percentile(xs, 50), p99_ms: percentile(xs, 99), max_ms: Math.max(...xs) });
}

async function main(): Promise<void> {
  report({ bench: 'raft', heartbeat_ms: HEARTBEAT_MS, election_timeout_ms: ELECTION_MS, rounds, puts });
  const sides = [await mghaSide()];
  if (spawnSync('etcd', ['--version']).status === 0) sides.push(await etcdSide());
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
