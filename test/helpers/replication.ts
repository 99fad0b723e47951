// Helpers for replication tests with real `mgha` processes on 127.0.0.1: drivers per
// server, Memgraph's replication queries, SHOW REPLICAS as objects, bounded waits and the
// content digest each instance serves on /v1/digest.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import neo4j, { type Driver, type Notification, type Record as Neo4jRecord } from 'neo4j-driver';
import { freePort } from './ports.js';
import { startServer, type TestServer } from './server.js';

export interface ReplicaRow {
  name: string;
  socketAddress: string;
  syncMode: string;
  systemInfo: unknown;
  ts: number;
  behind: number;
  status: string;
}

export interface Digest {
  sha256: string;
  vertices: number;
  edges: number;
  lastCommitTimestamp: number;
}

/** Fast heartbeats so state changes show within a test's patience. */
export const FAST_CHECKS = ['--replication-replica-check-frequency-sec=1', '--storage-snapshot-on-exit=false', '--log-level=WARNING'];

const drivers = new Map<number, Driver>();

export function driverFor(s: TestServer): Driver {
  let d = drivers.get(s.boltPort);
  if (d === undefined) {
    d = neo4j.driver(s.boltUrl, neo4j.auth.basic('', ''), { maxConnectionPoolSize: 16 });
    drivers.set(s.boltPort, d);
  }
  return d;
}

export async function closeDrivers(): Promise<void> {
  const all = [...drivers.values()];
  drivers.clear();
  await Promise.all(all.map((d) => d.close()));
}

/** One auto-commit query (session.run: DDL and replication queries refuse explicit transactions). */
export async function run(s: TestServer, query: string, params: Record<string, unknown> = {}): Promise<{ records: Neo4jRecord[]; notifications: Notification[] }> {
  const session = driverFor(s).session();
  try {
    const result = await session.run(query, params);
    return { records: result.records, notifications: result.summary.notifications };
  } finally {
    await session.close();
  }
}

export async function count(s: TestServer, query = 'MATCH (n) RETURN count(n) AS c'): Promise<number> {
  const { records } = await run(s, query);
  return neo4j.integer.toNumber(records[0].get(0));
}

function num(v: unknown): number {
  return neo4j.isInt(v) ? (v as { toNumber(): number }).toNumber() : Number(v);
}

export async function showReplicas(main: TestServer): Promise<ReplicaRow[]> {
  const { records } = await run(main, 'SHOW REPLICAS');
  return records.map((r) => {
    const info = (r.get('data_info') as Record<string, Record<string, unknown>>).memgraph;
    return {
      name: r.get('name') as string,
      socketAddress: r.get('socket_address') as string,
      syncMode: r.get('sync_mode') as string,
      systemInfo: r.get('system_info'),
      ts: num(info.ts),
      behind: num(info.behind),
      status: info.status as string,
    };
  });
}

/** Polls `check` every 100 ms until it returns true; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last === null ? '' : ` (last error: ${String(last)})`}`);
}

export async function waitForStatus(main: TestServer, name: string, status: string, timeoutMs = 15000): Promise<void> {
  await waitFor(`${name} to be ${status}`, async () => (await showReplicas(main)).find((r) => r.name === name)?.status === status, timeoutMs);
}

/** Every registered replica ready and at MAIN's timestamp. */
export async function waitCaughtUp(main: TestServer, timeoutMs = 15000): Promise<void> {
  let rows: ReplicaRow[] = [];
  try {
    await waitFor('replicas to catch up', async () => (rows = await showReplicas(main)).every((r) => r.status === 'ready' && r.behind === 0), timeoutMs);
  } catch (e) {
    const log = main.stdout().split('\n').filter((l) => l.includes('replica')).slice(-10).join('\n');
    throw new Error(`${(e as Error).message}; SHOW REPLICAS: ${JSON.stringify(rows)}\n${log}`);
  }
}

export async function digest(s: TestServer): Promise<Digest> {
  const res = await fetch(`http://127.0.0.1:${s.metricsPort}/v1/digest`);
  return (await res.json()) as Digest;
}

export async function metricsText(s: TestServer): Promise<string> {
  return (await fetch(`http://127.0.0.1:${s.metricsPort}/metrics`)).text();
}

export interface Replica {
  server: TestServer;
  port: number;
  /** "127.0.0.1:<port>" as REGISTER REPLICA takes it. */
  address: string;
}

/** Starts an instance and makes it a REPLICA on a free port (or `port`). */
export async function startReplica(extraArgs: string[] = [], port?: number): Promise<Replica> {
  const server = await startServer([...FAST_CHECKS, ...extraArgs]);
  const p = port ?? (await freePort());
  await run(server, `SET REPLICATION ROLE TO REPLICA WITH PORT ${p}`);
  return { server, port: p, address: `127.0.0.1:${p}` };
}

export async function startMain(extraArgs: string[] = []): Promise<TestServer> {
  return startServer([...FAST_CHECKS, ...extraArgs]);
}

/** A MAIN with one SYNC replica `r1` registered and ready. */
export async function startMainWithSyncReplica(): Promise<{ main: TestServer; replica: Replica }> {
  const main = await startMain();
  let replica: Replica | null = null;
  try {
    replica = await startReplica();
    await run(main, `REGISTER REPLICA r1 SYNC TO "${replica.address}"`);
    await waitForStatus(main, 'r1', 'ready');
    return { main, replica };
  } catch (e) {
    await Promise.all([main.kill(), replica?.server.kill()]);
    throw e;
  }
}

const dirs: string[] = [];

/** A data directory that outlives its process (restarts on the same data); see removeDataDirs. */
export function dataDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-repl-'));
  dirs.push(d);
  return d;
}

export function removeDataDirs(): void {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** Starts (or restarts) an instance on `dir`: the persisted role and registrations come back. */
export async function startOn(dir: string, extraArgs: string[] = []): Promise<TestServer> {
  return startServer([...FAST_CHECKS, `--data-directory=${dir}`, ...extraArgs], { timeoutMs: 30000 });
}

/**
 * Servers a test file starts and must not outlive its tests: `track` records one, `kill`
 * ends one early, `forget` drops one the test stops itself, and an afterEach hook
 * (installed by this call) kills the rest, closes the drivers and removes the data
 * directories.
 */
export function trackServers(): {
  track(p: TestServer | Promise<TestServer>): Promise<TestServer>;
  kill(s: TestServer): Promise<void>;
  forget(s: TestServer): void;
} {
  const live = new Set<TestServer>();
  afterEach(async () => {
    await closeDrivers();
    await Promise.all([...live].map((s) => s.kill()));
    live.clear();
    removeDataDirs();
  });
  return {
    async track(p) {
      const s = await p;
      live.add(s);
      return s;
    },
    async kill(s) {
      live.delete(s);
      await closeDrivers();
      await s.kill();
    },
    forget(s) {
      live.delete(s);
    },
  };
}
