// Runs a ClusterPlan as real `mgha` processes on this machine: one child per member, its
// output appended to `<base>/<name>.log`, started, stopped, killed, paused and restarted by
// name; bootstrapped with the plan's queries through neo4j-driver, as a user would.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import neo4j, { type Driver } from 'neo4j-driver';
import type { ClusterPlan, MemberPlan } from './plan.js';

/** dist/dataplane/main.js beside this module's build. */
export const defaultMainJs = fileURLToPath(new URL('../main.js', import.meta.url));

export interface InstanceRow {
  name: string;
  bolt_server: string;
  coordinator_server: string;
  management_server: string;
  health: string;
  role: string;
  last_succ_resp_ms: number;
}

function connectable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    sock.once('connect', () => (sock.destroy(), resolve(true)));
    sock.once('error', () => (sock.destroy(), resolve(false)));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface LocalClusterOptions {
  mainJs?: string;
  /** Ms to wait for a member's Bolt port. */
  startTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export class LocalCluster {
  private readonly children = new Map<string, ChildProcess>();
  private readonly drivers = new Map<string, Driver>();
  private readonly mainJs: string;

  constructor(
    readonly plan: ClusterPlan,
    private readonly options: LocalClusterOptions = {},
  ) {
    this.mainJs = options.mainJs ?? defaultMainJs;
  }

  get members(): MemberPlan[] {
    return [...this.plan.coordinators, ...this.plan.data];
  }

  member(name: string): MemberPlan {
    const m = this.members.find((x) => x.name === name);
    if (m === undefined) throw new Error(`no member ${name} in this cluster`);
    return m;
  }

  pid(name: string): number | null {
    return this.children.get(name)?.pid ?? null;
  }

  isRunning(name: string): boolean {
    const c = this.children.get(name);
    return c !== undefined && c.exitCode === null && c.signalCode === null;
  }

  /**
   * Starts every member not running and waits for their Bolt ports. A member whose Bolt port
   * already answers (left running by an earlier `--no-watch` run) is not started twice; its
   * name is returned so the caller can say so.
   */
  async startAll(): Promise<string[]> {
    const foreign: string[] = [];
    await Promise.all(
      this.members
        .filter((m) => !this.isRunning(m.name))
        .map(async (m) => {
          if (await connectable(m.ports.bolt, m.host)) foreign.push(m.name);
          else await this.start(m.name);
        }),
    );
    return foreign;
  }

  async start(name: string): Promise<void> {
    if (this.isRunning(name)) return;
    const m = this.member(name);
    fs.mkdirSync(m.dataDirectory, { recursive: true });
    const log = fs.openSync(path.join(path.dirname(m.dataDirectory), `${m.name}.log`), 'a');
    const child = spawn(process.execPath, [this.mainJs, ...m.args], {
      stdio: ['ignore', log, log],
      env: { ...process.env, ...this.options.env },
    });
    fs.closeSync(log);
    this.children.set(name, child);
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 20_000);
    while (!(await connectable(m.ports.bolt, m.host))) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) during startup; see ${path.dirname(m.dataDirectory)}/${m.name}.log`);
      }
      if (Date.now() > deadline) throw new Error(`${name} did not open Bolt on ${m.host}:${m.ports.bolt} in time`);
      await sleep(50);
    }
  }

  /** Sends `signal` (SIGKILL by default) and, unless it pauses, waits for the exit. */
  async signal(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.children.get(name);
    if (child === undefined || !this.isRunning(name)) return;
    if (signal === 'SIGSTOP' || signal === 'SIGCONT') {
      child.kill(signal);
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
    await this.closeDriver(name);
  }

  async restart(name: string): Promise<void> {
    await this.signal(name, 'SIGKILL');
    await this.start(name);
  }

  /** SIGTERM to everyone (SIGKILL after `graceMs`), paused ones resumed first. */
  async stopAll(graceMs = 10_000): Promise<void> {
    await Promise.all([...this.drivers.keys()].map((n) => this.closeDriver(n)));
    await Promise.all(
      [...this.children.entries()].map(async ([name, child]) => {
        if (!this.isRunning(name)) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGCONT');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  /** A bolt:// driver for one member (cached). */
  driver(name: string): Driver {
    let d = this.drivers.get(name);
    if (d === undefined) {
      const m = this.member(name);
      d = neo4j.driver(`bolt://${m.host}:${m.ports.bolt}`, neo4j.auth.basic('', ''), { connectionTimeout: 3000, maxConnectionPoolSize: 4 });
      this.drivers.set(name, d);
    }
    return d;
  }

  private async closeDriver(name: string): Promise<void> {
    const d = this.drivers.get(name);
    this.drivers.delete(name);
    await d?.close().catch(() => undefined);
  }

  /** One auto-commit query on a member; returns rows as objects and the notifications. */
  async run(name: string, query: string): Promise<{ rows: Record<string, unknown>[]; notifications: { code: string; title: string }[] }> {
    const session = this.driver(name).session();
    try {
      const r = await session.run(query);
      return {
        rows: r.records.map((rec) => rec.toObject() as Record<string, unknown>),
        notifications: r.summary.notifications.map((n) => ({ code: n.code, title: n.title })),
      };
    } finally {
      await session.close();
    }
  }

  async showInstances(coordinator = this.plan.coordinators[0].name): Promise<InstanceRow[] | null> {
    const { rows, notifications } = await this.run(coordinator, 'SHOW INSTANCES');
    if (rows.length === 0 && notifications.some((n) => n.code === 'LeaderNotReachable')) return null;
    return rows.map((r) => ({ ...(r as unknown as InstanceRow), last_succ_resp_ms: Number(r.last_succ_resp_ms) }));
  }

  /**
   * Runs the plan's bootstrap queries on coordinator 1 unless SHOW INSTANCES already lists
   * data instances (a restarted cluster keeps its Raft state). Each query is retried while
   * the coordinators are still electing a leader.
   */
  async bootstrap(timeoutMs = 30_000): Promise<'bootstrapped' | 'already'> {
    const first = this.plan.coordinators[0].name;
    const deadline = Date.now() + timeoutMs;
    const existing = await this.retry(() => this.showInstances(first), deadline).catch(() => null);
    if (existing !== null && existing.some((r) => !r.name.startsWith('coordinator_'))) return 'already';
    for (const query of this.plan.bootstrap) {
      await this.retry(async () => {
        try {
          await this.run(first, query);
        } catch (e) {
          // A statement that already took effect (a retried ADD COORDINATOR after a lost answer) is fine.
          const message = e instanceof Error ? e.message : String(e);
          if (/already exists|already a main|already registered/i.test(message)) return;
          throw e;
        }
      }, deadline);
    }
    return 'bootstrapped';
  }

  /** Waits until SHOW INSTANCES names a MAIN that is up; returns its name. */
  async waitForMain(timeoutMs = 30_000, except?: string): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const c of this.plan.coordinators) {
        if (!this.isRunning(c.name)) continue;
        const rows = await this.showInstances(c.name).catch(() => null);
        const main = rows?.find((r) => r.role === 'main' && r.health === 'up' && r.name !== except);
        if (main !== undefined) return main.name;
      }
      if (Date.now() > deadline) throw new Error(`no healthy MAIN${except === undefined ? '' : ` other than ${except}`} within ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  private async retry<T>(fn: () => Promise<T>, deadline: number): Promise<T> {
    for (;;) {
      try {
        return await fn();
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await sleep(200);
      }
    }
  }
}
