// HA test conveniences over the shared LocalCluster (test/helpers/local-cluster.ts, the
// runner behind `npm run cluster`, the chaos test and the RTO benchmark): real `mgha`
// processes on 127.0.0.1 bootstrapped with Memgraph's queries, plus what the HA tests ask
// of them — plain-valued rows, exact errors, the leader, a MAIN matching a condition.
// Every wait polls with a deadline.
import fs from 'node:fs';
import path from 'node:path';
import neo4j, { type Driver, type Record as NeoRecord } from 'neo4j-driver';
import type { MemberPlan } from '../../dataplane/local-cluster/plan.js';
import type { LocalCluster } from '../../dataplane/local-cluster/processes.js';
import { startTestCluster } from './local-cluster.js';

export interface HaClusterOptions {
  coordinators: number;
  data: number;
  /** SET COORDINATOR SETTING pairs, run on coordinator 1 after the bootstrap. */
  settings?: Record<string, string>;
  mode?: 'sync' | 'async' | 'strict_sync';
  /** Flags added to every member. */
  extraArgs?: string[];
}

export interface QueryResult {
  records: NeoRecord[];
  rows: unknown[][];
  notifications: { code: string; title: string; severity: string }[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await sleep(everyMs);
  }
}

function plain(v: unknown): unknown {
  if (neo4j.isInt(v)) return (v as { toNumber(): number }).toNumber();
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object' && v.constructor === Object) {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

export class HaCluster {
  private constructor(
    readonly local: LocalCluster,
    private readonly dir: string,
  ) {}

  static async start(opts: HaClusterOptions): Promise<HaCluster> {
    const { cluster, dir } = await startTestCluster({ coordinators: opts.coordinators, dataInstances: opts.data, mode: opts.mode, extraArgs: opts.extraArgs });
    const c = new HaCluster(cluster, dir);
    try {
      await cluster.bootstrap();
      await c.waitVoters(opts.coordinators);
      for (const [name, value] of Object.entries(opts.settings ?? {})) await c.run('coordinator_1', `SET COORDINATOR SETTING '${name}' TO '${value}'`);
    } catch (e) {
      await c.close();
      throw e;
    }
    return c;
  }

  get coordinators(): MemberPlan[] {
    return this.local.plan.coordinators;
  }

  get dataInstances(): MemberPlan[] {
    return this.local.plan.data;
  }

  node(name: string): MemberPlan {
    return this.local.member(name);
  }

  isRunning(name: string): boolean {
    return this.local.isRunning(name);
  }

  routingUrl(): string {
    return this.local.plan.routingUri;
  }

  addCoordinatorQuery(n: MemberPlan): string {
    const q = this.local.plan.bootstrap.find((x) => x.startsWith(`ADD COORDINATOR ${n.id} `));
    if (q === undefined) throw new Error(`no ADD COORDINATOR for ${n.name}`);
    return q;
  }

  /** Waits until the leader counts `n` Raft voters (every ADD COORDINATOR took effect). */
  async waitVoters(n: number): Promise<void> {
    await waitFor(`${n} raft voters`, async () => {
      for (const c of this.coordinators) {
        if (!this.isRunning(c.name)) continue;
        const text = await (await fetch(`http://127.0.0.1:${c.ports.metrics}/metrics`)).text();
        const leader = /^mgha_raft_is_leader 1$/m.test(text);
        const voters = Number(/^mgha_raft_voters (\d+)$/m.exec(text)?.[1] ?? '0');
        if (leader && voters >= n) return true;
      }
      return undefined;
    });
  }

  /** Runs one query over bolt:// on a member (auto-commit); values plain (integers as numbers). */
  async run(name: string, query: string, params: Record<string, unknown> = {}): Promise<QueryResult> {
    const session = this.driver(name).session();
    try {
      const r = await session.run(query, params);
      return {
        records: r.records,
        rows: r.records.map((rec) => rec.keys.map((k) => plain(rec.get(k)))),
        notifications: r.summary.notifications.map((n) => ({ code: n.code, title: n.title, severity: String(n.rawSeverityLevel) })),
      };
    } finally {
      await session.close();
    }
  }

  /** The error a query fails with (throws if it succeeds). */
  async error(name: string, query: string): Promise<{ code: string; message: string }> {
    try {
      await this.run(name, query);
    } catch (e) {
      const err = e as { code?: string; message?: string };
      return { code: err.code ?? '', message: err.message ?? '' };
    }
    throw new Error(`expected ${query} to fail on ${name}`);
  }

  /** SHOW INSTANCES on a coordinator as objects keyed by column. */
  async showInstances(name: string): Promise<{ rows: Record<string, unknown>[]; notifications: QueryResult['notifications'] }> {
    const r = await this.run(name, 'SHOW INSTANCES');
    return { rows: r.records.map((rec) => Object.fromEntries(rec.keys.map((k) => [k, plain(rec.get(k))]))), notifications: r.notifications };
  }

  /** The coordinator that says it leads (SHOW INSTANCE), among the running ones not excluded. */
  async waitLeader(exclude: string[] = [], timeoutMs = 20_000): Promise<string> {
    return waitFor(
      'a coordinator leader',
      async () => {
        for (const c of this.coordinators) {
          if (exclude.includes(c.name) || !this.isRunning(c.name)) continue;
          try {
            const r = await this.run(c.name, 'SHOW INSTANCE');
            if (r.rows[0]?.[4] === 'leader') return c.name;
          } catch {
            // Starting or stopping.
          }
        }
        return undefined;
      },
      timeoutMs,
    );
  }

  /**
   * Waits until the ready leader's SHOW INSTANCES shows a MAIN that is up (other than
   * `not`, if given) and every row satisfies `also` (when given); returns the MAIN's name.
   */
  async waitMain(opts: { not?: string; timeoutMs?: number; also?: (rows: Record<string, unknown>[]) => boolean } = {}): Promise<string> {
    return waitFor(
      'an up MAIN',
      async () => {
        const leader = await this.waitLeader([], 5000);
        const { rows } = await this.showInstances(leader);
        const main = rows.find((r) => r.role === 'main' && r.health === 'up' && r.name !== opts.not);
        if (main === undefined || (opts.also !== undefined && !opts.also(rows))) return undefined;
        return main.name as string;
      },
      opts.timeoutMs ?? 30_000,
      200,
    );
  }

  /** SIGKILL (or another signal; SIGSTOP/SIGCONT return at once). */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.local.signal(name, signal);
  }

  async restart(name: string): Promise<void> {
    await this.local.restart(name);
  }

  async close(): Promise<void> {
    await this.local.stopAll(2000);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** The last `lines` log lines of every member (for failing tests). */
  logs(lines = 30): string {
    return this.local.members
      .map((m) => {
        const file = path.join(path.dirname(m.dataDirectory), `${m.name}.log`);
        const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
        return `--- ${m.name}\n${text.split('\n').slice(-lines).join('\n')}`;
      })
      .join('\n');
  }

  private driver(name: string): Driver {
    return this.local.driver(name);
  }
}
