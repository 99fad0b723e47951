// Real Raft member processes (dist/dataplane/coordination/raft/demo-node.js) on loopback, with
// their own data directories, for the integration test and the benchmark. Members keep their
// ports and directories across kill/restart; every role change they log is collected.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports.js';
import { repoRoot } from './server.js';

export const demoNodeJs = path.join(repoRoot, 'dist', 'dataplane', 'coordination', 'raft', 'demo-node.js');

export interface MemberStatus {
  id: number;
  role: string;
  term: number;
  lead: number;
  commit: number;
  applied: number;
}

export interface Timing {
  tickMs: number;
  electionTicks: number;
  heartbeatTicks: number;
  /** Applied entries between snapshots (the demo member's default when absent). */
  snapshotEvery?: number;
}

interface Member {
  id: number;
  raftPort: number;
  httpPort: number;
  dir: string;
  child: ChildProcess | undefined;
}

/** A leader observed in a term, from the members' logs. */
export interface LeaderEvent {
  id: number;
  term: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class RaftCluster {
  readonly leaders: LeaderEvent[] = [];
  private constructor(
    private readonly members: Member[],
    private readonly timing: Timing,
    private readonly root: string,
  ) {}

  static async start(n: number, timing: Timing): Promise<RaftCluster> {
    if (!fs.existsSync(demoNodeJs)) throw new Error(`${demoNodeJs} is missing: run \`npx tsc -p .\` first`);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-raft-'));
    const members: Member[] = [];
    for (let id = 1; id <= n; id++) members.push({ id, raftPort: await freePort(), httpPort: await freePort(), dir: path.join(root, `m${id}`), child: undefined });
    const c = new RaftCluster(members, timing, root);
    for (const m of members) c.spawn(m);
    return c;
  }

  ids(): number[] {
    return this.members.map((m) => m.id);
  }

  private member(id: number): Member {
    const m = this.members.find((x) => x.id === id);
    if (m === undefined) throw new Error(`no member ${id}`);
    return m;
  }

  private spawn(m: Member): void {
    const peers = this.members.map((x) => `${x.id}=127.0.0.1:${x.raftPort}`).join(',');
    const t = this.timing;
    const child = spawn(
      process.execPath,
      [demoNodeJs, '--id', String(m.id), '--dir', m.dir, '--peers', peers, '--http-port', String(m.httpPort), '--tick-ms', String(t.tickMs), '--election-ticks', String(t.electionTicks), '--heartbeat-ticks', String(t.heartbeatTicks), ...(t.snapshotEvery === undefined ? [] : ['--snapshot-every', String(t.snapshotEvery)])],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    m.child = child;
    let buf = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          const ev = JSON.parse(line) as { msg?: string; raftRole?: string; term?: number };
          if (ev.msg === 'raft role' && ev.raftRole === 'leader' && typeof ev.term === 'number') this.leaders.push({ id: m.id, term: ev.term });
        } catch {
          // not a log line
        }
      }
    });
    child.once('exit', () => {
      if (m.child === child) m.child = undefined;
    });
  }

  isRunning(id: number): boolean {
    return this.member(id).child !== undefined;
  }

  async kill(id: number): Promise<void> {
    const child = this.member(id).child;
    if (child === undefined) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGKILL');
    await exited;
  }

  signal(id: number, sig: 'SIGSTOP' | 'SIGCONT'): void {
    this.member(id).child?.kill(sig);
  }

  restart(id: number): void {
    const m = this.member(id);
    if (m.child === undefined) this.spawn(m);
  }

  async status(id: number): Promise<MemberStatus | undefined> {
    return this.getJson<MemberStatus>(id, '/status', 500);
  }

  async values(id: number): Promise<string[] | undefined> {
    return this.getJson<string[]>(id, '/values', 2000);
  }

  private async getJson<T>(id: number, pathname: string, timeoutMs: number): Promise<T | undefined> {
    try {
      const res = await fetch(`http://127.0.0.1:${this.member(id).httpPort}${pathname}`, { signal: AbortSignal.timeout(timeoutMs) });
      return res.ok ? ((await res.json()) as T) : undefined;
    } catch {
      return undefined;
    }
  }

  /** POST /put to member `id`; 'ok' only once committed and applied there. */
  async put(id: number, key: string, value: string, timeoutMs = 3000): Promise<'ok' | 'not-leader' | 'unknown'> {
    try {
      const res = await fetch(`http://127.0.0.1:${this.member(id).httpPort}/put?key=${encodeURIComponent(key)}&value=${encodeURIComponent(value)}`, { method: 'POST', signal: AbortSignal.timeout(timeoutMs) });
      await res.arrayBuffer();
      if (res.status === 200) return 'ok';
      return res.status === 421 ? 'not-leader' : 'unknown';
    } catch {
      return 'unknown';
    }
  }

  /** GET /get (a ReadIndex read) from member `id`. */
  async get(id: number, key: string, timeoutMs = 3000): Promise<{ value: string | null } | 'failed'> {
    try {
      const res = await fetch(`http://127.0.0.1:${this.member(id).httpPort}/get?key=${encodeURIComponent(key)}`, { signal: AbortSignal.timeout(timeoutMs) });
      const body = (await res.json()) as { value?: string | null };
      return res.status === 200 && body.value !== undefined ? { value: body.value } : 'failed';
    } catch {
      return 'failed';
    }
  }

  /** The member that answers as leader with the highest term, among those running and not in `except`. */
  async leader(except: number[] = []): Promise<number | undefined> {
    let best: MemberStatus | undefined;
    for (const m of this.members) {
      if (m.child === undefined || except.includes(m.id)) continue;
      const s = await this.status(m.id);
      if (s?.role === 'leader' && (best === undefined || s.term > best.term)) best = s;
    }
    return best?.id;
  }

  async waitLeader(except: number[] = [], timeoutMs = 20000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const l = await this.leader(except);
      if (l !== undefined) return l;
      await sleep(10);
    }
    throw new Error(`no leader within ${timeoutMs} ms`);
  }

  /** Writes through whichever member leads, retrying until acknowledged or out of time. */
  async write(key: string, value: string, timeoutMs = 20000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const l = await this.leader();
      if (l !== undefined && (await this.put(l, key, value)) === 'ok') return;
      await sleep(20);
    }
    throw new Error(`write ${key}=${value} not acknowledged within ${timeoutMs} ms`);
  }

  async stop(): Promise<void> {
    for (const m of this.members) {
      if (m.child === undefined) continue;
      m.child.kill('SIGCONT');
      await this.kill(m.id);
    }
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
