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

export async function startPostgres(options: { durable: boolean }): Promise<PgServer> {
  const bin = ensureInstalled();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-bench-pg-'));
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres', dir]);
  const run = (cmd: string[]): void => {
    const [exe, ...args] = asPostgres(cmd);
    const r = spawnSync(exe, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed: ${r.stderr || r.stdout}`);
  };
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
