// A throwaway PostgreSQL server for baselines: Debian's package (installed on demand),
// a fresh cluster in a temp directory, listening on 127.0.0.1 only.

import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Operation } from './harness.js';
import { processTreeCpuSeconds } from './proc-cpu.js';

export interface PgServer {
  port: number;
  /** CPU seconds of the postmaster and every process it forked (backends, WAL writer, checkpointer …). */
  serverCpuSeconds(): number;
  /** WAL fsyncs since start (pg_stat_wal.wal_sync; 0 with fsync off). */
  walSyncs(client: pg.Client): Promise<number>;
  stop(): void;
}

function pgBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0], 'bin') : null;
}

function ensureInstalled(): string {
  let bin = pgBinDir();
  if (bin) return bin;
  console.error('bench: installing PostgreSQL from Debian packages …');
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', 'postgresql'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  bin = pgBinDir();
  if (!bin) throw new Error('PostgreSQL install did not provide initdb');
  return bin;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((res) => s.listen(0, '127.0.0.1', res));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((res) => s.close(res));
  return port;
}

/** initdb refuses to run as root, so the cluster belongs to the `postgres` user when we are root. */
function asPostgres(cmd: string[]): string[] {
  return process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', ...cmd] : cmd;
}

function runAsPostgres(cmd: string[]): void {
  const [exe, ...args] = asPostgres(cmd);
  const r = spawnSync(exe, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed: ${r.stderr || r.stdout}`);
}

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-bench-pg-'));
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres', dir]);
  return dir;
}

/** PostgreSQL's binaries if installed (nothing is installed here), else null: for benches that skip it. */
export function installedPgBinDir(): string | null {
  return pgBinDir();
}

export async function startPostgres(options: { durable: boolean }): Promise<PgServer> {
  const bin = ensureInstalled();
  const dir = tempDir();
  const run = runAsPostgres;
  run([path.join(bin, 'initdb'), '-D', path.join(dir, 'data'), '-U', 'bench', '--auth=trust', '-E', 'UTF8']);
  const port = await freePort();
  const durability = options.durable ? "-c fsync=on -c synchronous_commit=on" : "-c fsync=off -c synchronous_commit=off -c full_page_writes=off";
  const opts = `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${dir} -c max_connections=100 -c shared_buffers=512MB ${durability}`;
  run([path.join(bin, 'pg_ctl'), '-D', path.join(dir, 'data'), '-o', opts, '-l', path.join(dir, 'log'), '-w', 'start']);
  // postmaster.pid: the postmaster's pid is its first line.
  const postmaster = Number(fs.readFileSync(path.join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  return {
    port,
    serverCpuSeconds: () => processTreeCpuSeconds(postmaster),
    async walSyncs(client) {
      const r = await client.query<{ wal_sync: string }>('SELECT wal_sync FROM pg_stat_wal');
      return Number(r.rows[0].wal_sync);
    },
    stop() {
      try {
        run([path.join(bin, 'pg_ctl'), '-D', path.join(dir, 'data'), '-m', 'immediate', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export async function connectPg(server: PgServer): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'bench', database: 'postgres' });
  await c.connect();
  return c;
}

/** Single-row INSERTs into `m (id bigint, name text)`, one per operation, like mgha's CREATE benchmark. */
export function pgInsertOp(conns: pg.Client[]): Operation {
  let seq = 0;
  return async (c) => {
    const i = seq++;
    await conns[c].query({ name: 'ins', text: 'INSERT INTO m (id, name) VALUES ($1, $2)', values: [i, `m${i}`] });
  };
}

/**
 * A primary with synchronous physical standbys, all on 127.0.0.1 under one temp dir: initdb,
 * then `pg_basebackup -R` per standby (application_name s1, s2, …), and
 * `synchronous_standby_names = 'FIRST n (s1, …)'` on the primary. `synchronousCommit`:
 * what a commit waits for on the standbys (`remote_apply`: replayed, visible there, as an
 * mgha SYNC replica's applied-and-logged; `on`: flushed; `remote_write`: written to the OS).
 * `fsync` on every server as given. CPU: the three postmasters and everything they forked.
 */
export async function startPostgresWithStandbys(options: {
  bin: string;
  standbys: number;
  fsync: boolean;
  synchronousCommit: 'remote_apply' | 'on' | 'remote_write';
}): Promise<PgServer & { standbyPorts: number[] }> {
  const { bin } = options;
  const dir = tempDir();
  const names = Array.from({ length: options.standbys }, (_, i) => `s${i + 1}`);
  const postmasters: { data: string }[] = [];
  const common = `-c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c max_connections=100 -c shared_buffers=256MB -c fsync=${options.fsync ? 'on' : 'off'}`;
  const start = (data: string, port: number, extra: string): void => {
    runAsPostgres([path.join(bin, 'pg_ctl'), '-D', data, '-o', `${common} -p ${port} ${extra}`, '-l', `${data}.log`, '-w', 'start']);
    postmasters.push({ data });
  };
  const stopAll = (): void => {
    for (const { data } of postmasters.reverse()) {
      try {
        runAsPostgres([path.join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', 'stop']);
      } catch {
        // Already gone: the directory goes anyway.
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const primary = path.join(dir, 'primary');
    runAsPostgres([path.join(bin, 'initdb'), '-D', primary, '-U', 'bench', '--auth=trust', '-E', 'UTF8']);
    const port = await freePort();
    const sync = `-c wal_level=replica -c max_wal_senders=10 -c synchronous_commit=${options.synchronousCommit} -c "synchronous_standby_names=FIRST ${names.length} (${names.join(', ')})"`;
    start(primary, port, sync);
    const standbyPorts: number[] = [];
    for (const name of names) {
      const data = path.join(dir, name);
      // -R writes standby.signal and primary_conninfo (with our application_name) into the copy.
      runAsPostgres([path.join(bin, 'pg_basebackup'), '-D', data, '-R', '-X', 'stream', '-c', 'fast', '-d', `host=127.0.0.1 port=${port} user=bench application_name=${name}`]);
      const standbyPort = await freePort();
      start(data, standbyPort, '-c hot_standby=on');
      standbyPorts.push(standbyPort);
    }
    const pids = postmasters.map(({ data }) => Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]));
    return {
      port,
      standbyPorts,
      serverCpuSeconds: () => pids.reduce((sum, pid) => sum + processTreeCpuSeconds(pid), 0),
      async walSyncs(client) {
        const r = await client.query<{ wal_sync: string }>('SELECT wal_sync FROM pg_stat_wal');
        return Number(r.rows[0].wal_sync);
      },
      stop: stopAll,
    };
  } catch (e) {
    stopAll();
    throw e;
  }
}

/** Waits until the primary streams to `n` standbys in state sync (bounded). */
export async function waitForSyncStandbys(client: pg.Client, n: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await client.query<{ c: string }>("SELECT count(*) AS c FROM pg_stat_replication WHERE sync_state = 'sync' AND state = 'streaming'");
    if (Number(r.rows[0].c) >= n) return;
    if (Date.now() > deadline) throw new Error(`PostgreSQL: ${r.rows[0].c} of ${n} standbys synchronous after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 100));
  }
}
