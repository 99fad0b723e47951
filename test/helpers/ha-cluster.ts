// A local HA cluster of real `mgha` processes on 127.0.0.1 (dist/dataplane/main.js; build
// first): N coordinators and M data instances on free ports, each with its own data
// directory kept across kill/restart, bootstrapped with the queries a Memgraph user types
// (reference §3.13). Used by the HA tests, and meant for `npm run cluster`, the chaos test
// and the RTO benchmark. Every wait polls with a deadline.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import neo4j, { type Driver, type Record as NeoRecord } from 'neo4j-driver';
import { canConnect, freePort } from './ports.js';
import { mainJs, repoRoot } from './server.js';

export interface HaNode {
  kind: 'coordinator' | 'data';
  /** `coordinator_<id>` or `instance_<n>` (the name registered in the cluster). */
  name: string;
  /** Coordinator id (0 for data instances). */
  id: number;
  boltPort: number;
  metricsPort: number;
  managementPort: number;
  /** Raft port (coordinators). */
  coordinatorPort: number;
  /** Replication server port (data instances). */
  replicationPort: number;
  dir: string;
  child: ChildProcess | undefined;
  /** Everything every incarnation wrote (stdout and stderr). */
  log: string;
}

export interface HaClusterOptions {
  coordinators: number;
  data: number;
  /** Run ADD COORDINATOR / REGISTER INSTANCE / SET INSTANCE instance_1 TO MAIN on coordinator 1. */
  bootstrap?: boolean;
  /** SET COORDINATOR SETTING pairs, run (after bootstrap) on coordinator 1. */
  settings?: Record<string, string>;
  /** --coordinator-election-timeout-ms (default 1000). */
  electionTimeoutMs?: number;
  /** Replication mode of data instances after the first (default SYNC). */
  mode?: 'SYNC' | 'ASYNC' | 'STRICT_SYNC';
  extraCoordinatorArgs?: string[];
  extraDataArgs?: string[];
  env?: NodeJS.ProcessEnv;
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

const live = new Set<ChildProcess>();
const handedOut = new Set<number>();

/** A free port never handed out before in this process (freePort alone may repeat one). */
async function uniquePort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export class HaCluster {
  private readonly drivers = new Map<string, Driver>();

  private constructor(
    readonly nodes: HaNode[],
    private readonly root: string,
    private readonly opts: HaClusterOptions,
  ) {}

  static async start(opts: HaClusterOptions): Promise<HaCluster> {
    if (!fs.existsSync(mainJs)) throw new Error(`${mainJs} is missing: run \`npx tsc -p .\` first`);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-ha-'));
    const nodes: HaNode[] = [];
    const node = async (kind: HaNode['kind'], name: string, id: number): Promise<HaNode> => ({
      kind,
      name,
      id,
      boltPort: await uniquePort(),
      metricsPort: await uniquePort(),
      managementPort: await uniquePort(),
      coordinatorPort: kind === 'coordinator' ? await uniquePort() : 0,
      replicationPort: kind === 'data' ? await uniquePort() : 0,
      dir: path.join(root, name),
      child: undefined,
      log: '',
    });
    for (let i = 1; i <= opts.coordinators; i++) nodes.push(await node('coordinator', `coordinator_${i}`, i));
    for (let i = 1; i <= opts.data; i++) nodes.push(await node('data', `instance_${i}`, 0));
    const c = new HaCluster(nodes, root, opts);
    try {
      await Promise.all(nodes.map((n) => c.spawn(n)));
      if (opts.bootstrap ?? true) await c.bootstrap();
      for (const [name, value] of Object.entries(opts.settings ?? {})) await c.run('coordinator_1', `SET COORDINATOR SETTING '${name}' TO '${value}'`);
    } catch (e) {
      await c.close();
      throw e;
    }
    return c;
  }

  get coordinators(): HaNode[] {
    return this.nodes.filter((n) => n.kind === 'coordinator');
  }

  get dataInstances(): HaNode[] {
    return this.nodes.filter((n) => n.kind === 'data');
  }

  node(name: string): HaNode {
    const n = this.nodes.find((x) => x.name === name);
    if (n === undefined) throw new Error(`no node ${name}`);
    return n;
  }

  isRunning(name: string): boolean {
    const c = this.node(name).child;
    return c !== undefined && c.exitCode === null && c.signalCode === null;
  }

  /** neo4j:// through every coordinator the driver may start from (the first one). */
  routingUrl(): string {
    return `neo4j://127.0.0.1:${this.coordinators[0].boltPort}`;
  }

  boltUrl(name: string): string {
    return `bolt://127.0.0.1:${this.node(name).boltPort}`;
  }

  addCoordinatorQuery(n: HaNode): string {
    return `ADD COORDINATOR ${n.id} WITH CONFIG {'bolt_server': '127.0.0.1:${n.boltPort}', 'coordinator_server': '127.0.0.1:${n.coordinatorPort}', 'management_server': '127.0.0.1:${n.managementPort}'}`;
  }

  registerQuery(n: HaNode, mode: 'SYNC' | 'ASYNC' | 'STRICT_SYNC' = 'SYNC'): string {
    const as = mode === 'SYNC' ? '' : ` AS ${mode}`;
    return `REGISTER INSTANCE ${n.name}${as} WITH CONFIG {'bolt_server': '127.0.0.1:${n.boltPort}', 'management_server': '127.0.0.1:${n.managementPort}', 'replication_server': '127.0.0.1:${n.replicationPort}'}`;
  }

  /** Memgraph's bootstrap (reference §3.13), run on coordinator 1. */
  bootstrapQueries(): string[] {
    const data = this.dataInstances;
    return [
      ...this.coordinators.map((n) => this.addCoordinatorQuery(n)),
      ...data.map((n, i) => this.registerQuery(n, i === 0 ? 'SYNC' : (this.opts.mode ?? 'SYNC'))),
      ...(data.length > 0 ? [`SET INSTANCE ${data[0].name} TO MAIN`] : []),
    ];
  }

  async bootstrap(): Promise<void> {
    for (const q of this.bootstrapQueries()) await this.run('coordinator_1', q);
    await this.waitVoters(this.coordinators.length);
  }

  /** Waits until the leader counts `n` Raft voters (every ADD COORDINATOR took effect). */
  async waitVoters(n: number): Promise<void> {
    await waitFor(`${n} raft voters`, async () => {
      for (const c of this.coordinators) {
        if (!this.isRunning(c.name)) continue;
        const text = await (await fetch(`http://127.0.0.1:${c.metricsPort}/metrics`)).text();
        const leader = /^mgha_raft_is_leader 1$/m.test(text);
        const voters = Number(/^mgha_raft_voters (\d+)$/m.exec(text)?.[1] ?? '0');
        if (leader && voters >= n) return true;
      }
      return undefined;
    });
  }

  /** Runs one query over bolt:// on a node (auto-commit). */
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

  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const n = this.node(name);
    const child = n.child;
    await this.dropDriver(name);
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }

  /** SIGSTOP / SIGCONT and the like, without waiting. */
  signal(name: string, signal: NodeJS.Signals): void {
    this.node(name).child?.kill(signal);
  }

  async restart(name: string): Promise<void> {
    await this.kill(name);
    await this.spawn(this.node(name));
  }

  async close(): Promise<void> {
    for (const name of [...this.drivers.keys()]) await this.dropDriver(name);
    await Promise.all(this.nodes.map((n) => this.kill(n.name)));
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  /** The last `lines` log lines of every node (for failing tests). */
  logs(lines = 30): string {
    return this.nodes.map((n) => `--- ${n.name}\n${n.log.split('\n').slice(-lines).join('\n')}`).join('\n');
  }

  private driver(name: string): Driver {
    let d = this.drivers.get(name);
    if (d === undefined) {
      d = neo4j.driver(this.boltUrl(name), neo4j.auth.basic('', ''), { connectionTimeout: 3000, maxConnectionPoolSize: 4 });
      this.drivers.set(name, d);
    }
    return d;
  }

  private async dropDriver(name: string): Promise<void> {
    const d = this.drivers.get(name);
    this.drivers.delete(name);
    await d?.close().catch(() => undefined);
  }

  private args(n: HaNode): string[] {
    const common = [
      '--bolt-address=127.0.0.1',
      `--bolt-port=${n.boltPort}`,
      '--metrics-address=127.0.0.1',
      `--metrics-port=${n.metricsPort}`,
      `--data-directory=${n.dir}`,
      `--instance-name=${n.name}`,
      '--management-address=127.0.0.1',
      `--management-port=${n.managementPort}`,
    ];
    if (n.kind === 'coordinator') {
      return [
        ...common,
        `--coordinator-id=${n.id}`,
        `--coordinator-port=${n.coordinatorPort}`,
        '--coordinator-hostname=127.0.0.1',
        '--coordinator-address=127.0.0.1',
        `--coordinator-election-timeout-ms=${this.opts.electionTimeoutMs ?? 1000}`,
        ...(this.opts.extraCoordinatorArgs ?? []),
      ];
    }
    return [...common, '--replication-address=127.0.0.1', ...(this.opts.extraDataArgs ?? [])];
  }

  private async spawn(n: HaNode): Promise<void> {
    fs.mkdirSync(n.dir, { recursive: true });
    const child = spawn(process.execPath, [mainJs, ...this.args(n)], { cwd: repoRoot, env: this.opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    child.once('exit', () => live.delete(child));
    n.child = child;
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (n.log += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (n.log += d));
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${n.name} exited (${child.exitCode ?? child.signalCode}) before Bolt listened:\n${n.log}`);
      if (await canConnect(n.boltPort)) return;
      if (Date.now() > deadline) throw new Error(`${n.name} did not listen on Bolt in time:\n${n.log}`);
      await sleep(50);
    }
  }
}
