// A Raft-replicated store measured from outside: the Side interface both Raft benchmarks
// drive, the leader-failover round (SIGKILL the leader, time the next acknowledged write),
// and etcd (Debian's etcd-server) as 3 members on loopback with given timings, the baseline
// the Raft core and the HA failover are compared with.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../test/helpers/ports.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

export function etcdInstalled(): boolean {
  return spawnSync('etcd', ['--version']).status === 0;
}

/** What both sides offer the measurement loops. */
export interface Side {
  name: string;
  ids(): number[];
  leader(): Promise<number | undefined>;
  /** One write to member `id`, true once acknowledged. */
  put(id: number, key: string, value: string, timeoutMs: number): Promise<boolean>;
  kill(id: number): Promise<void>;
  restart(id: number): Promise<void>;
  stop(): Promise<void>;
}

export async function waitLeader(side: Side, timeoutMs = 30000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const l = await side.leader();
    if (l !== undefined) return l;
    await sleep(20);
  }
  throw new Error(`${side.name}: no leader within ${timeoutMs} ms`);
}

/** One round: SIGKILL the leader, time the next acknowledged write, restart the old leader. */
export async function failoverRound(side: Side, r: number): Promise<number> {
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

interface EtcdMember {
  id: number;
  name: string;
  clientPort: number;
  peerPort: number;
  child: ChildProcess | undefined;
}

export async function etcdSide(timing: { heartbeatMs: number; electionMs: number }): Promise<Side> {
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
      '--heartbeat-interval', String(timing.heartbeatMs), '--election-timeout', String(timing.electionMs), '--pre-vote=true',
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
