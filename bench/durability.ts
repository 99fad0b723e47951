// Durability costs (issue #3), and the server's CPU per commit (issue #14).
//
// write: single-node CREATE, 16 concurrent clients, measured with the light raw Bolt client
//   and with neo4j-driver (whose client-side CPU shares the 2 cores with the server), with
//   the WAL off, with batched flushing (Memgraph's default
//   --storage-wal-file-flush-every-n-tx=100000) and with an fsync per commit (=1), and
//   PostgreSQL INSERTs with fsync and synchronous_commit on; all servers up at once, every
//   side's trials interleaved in one run. Beside throughput and p50/p99 latency: each
//   server's CPU per operation (/proc; PostgreSQL: postmaster plus its processes), PG ÷ mgha
//   of it at fsync per commit, and fsyncs per commit on both sides (mgha: the WAL fsync
//   histogram's count; PostgreSQL: pg_stat_wal.wal_sync). Targets: batched ≥ 0.8 × WAL
//   off; fsync per commit ≥ 0.7 × PostgreSQL's throughput; server CPU PG ÷ mgha ≥ 1.0.
// recovery: in process, a graph of --nodes vertices and 2 × --nodes edges; seconds to
//   write a snapshot, to recover from it, and to recover from the WAL alone.
//
//   node --max-old-space-size=8192 dist/bench/durability.js [--part=write|recovery|all]
//        [--nodes=1000000] [--seconds=5] [--trials=3] [--clients=16] [--no-postgres]
//   (--no-postgres: only the mgha modes and the batched/WAL-off ratio, for quick iterations)

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import neo4j from 'neo4j-driver';
import pg from 'pg';
import pino from 'pino';
import { openDurability, type DurabilityConfig } from '../dataplane/durability/durability.js';
import { InMemoryStorage } from '../dataplane/storage/storage.js';
import { startServer, type TestServer } from '../test/helpers/server.js';
import { argNumber, pairedRatio, report, reportCost, runInterleaved, type LoadResult, type Operation } from './lib/harness.js';
import { connectPg, pgInsertOp, startPostgres, type PgServer } from './lib/postgres.js';
import { processCpuSeconds } from './lib/proc-cpu.js';
import { encodeRunPullWith, RawBoltConnection } from './lib/raw-bolt.js';

const part = process.argv.find((a) => a.startsWith('--part='))?.slice(7) ?? 'all';
const withPostgres = !process.argv.includes('--no-postgres');
const clients = argNumber('clients', 16);
const nodes = argNumber('nodes', 1_000_000);
const load = { clients, seconds: argNumber('seconds', 5), trials: argNumber('trials', 3), warmupSeconds: 1 };

const WAL_MODES: Record<string, string[]> = {
  wal_off: ['--storage-wal-enabled=false'],
  wal_batched: ['--storage-wal-file-flush-every-n-tx=100000'],
  wal_fsync_per_commit: ['--storage-wal-file-flush-every-n-tx=1'],
};

/** One server of a WAL mode with its clients: raw Bolt connections and driver sessions. */
interface ModeRig {
  name: string;
  raw: Operation;
  driver: Operation;
  serverCpuSeconds: () => number;
  /** Commits acknowledged so far, and WAL fsyncs the server counted. */
  commits(): number;
  fsyncs(): Promise<number>;
  close(): Promise<void>;
}

/** The count of the WAL fsync histogram, from the server's /metrics. */
async function scrapeFsyncs(server: TestServer): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('mgha_wal_fsync_duration_seconds_count'));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
}

async function modeRig(name: string, flags: string[]): Promise<ModeRig> {
  const server = await startServer([...flags, '--storage-snapshot-on-exit=false']);
  const driver = neo4j.driver(server.boltUrl, neo4j.auth.basic('', ''), { maxConnectionPoolSize: clients + 2 });
  const sessions = Array.from({ length: clients }, () => driver.session());
  const conns = await Promise.all(Array.from({ length: clients }, () => RawBoltConnection.open(server.boltPort)));
  let seq = 0;
  let done = 0;
  return {
    name,
    raw: async (c) => {
      const i = seq++;
      const params = new Map<string, bigint | string>([['id', BigInt(i)], ['name', `m${i}`]]);
      await conns[c].request(encodeRunPullWith('CREATE (:M {id: $id, name: $name})', params), 2);
      done++;
    },
    driver: async (c) => {
      const i = seq++;
      await sessions[c].run('CREATE (:M {id: $id, name: $name})', { id: neo4j.int(i), name: `m${i}` });
      done++;
    },
    serverCpuSeconds: () => processCpuSeconds(server.pid),
    commits: () => done,
    fsyncs: () => scrapeFsyncs(server),
    async close() {
      conns.forEach((c) => c.close());
      await Promise.all(sessions.map((s) => s.close()));
      await driver.close();
      await server.stop();
    },
  };
}

/** PostgreSQL at full durability with its clients; INSERTs counted for fsyncs per commit. */
interface PgRig {
  op: Operation;
  serverCpuSeconds: () => number;
  commits(): number;
  fsyncs(): Promise<number>;
  close(): Promise<void>;
}

async function pgRig(): Promise<PgRig> {
  const server: PgServer = await startPostgres({ durable: true });
  const conns: pg.Client[] = await Promise.all(Array.from({ length: clients + 1 }, () => connectPg(server)));
  const admin = conns[clients];
  await admin.query('CREATE TABLE m (id bigint, name text)');
  const insert = pgInsertOp(conns);
  let done = 0;
  return {
    op: async (c) => {
      await insert(c, 0);
      done++;
    },
    serverCpuSeconds: server.serverCpuSeconds,
    commits: () => done,
    fsyncs: () => server.walSyncs(admin),
    async close() {
      await Promise.all(conns.map((c) => c.end()));
      server.stop();
    },
  };
}

async function benchWrites(): Promise<void> {
  const rigs: ModeRig[] = [];
  let postgres: PgRig | null = null;
  try {
    for (const [mode, flags] of Object.entries(WAL_MODES)) rigs.push(await modeRig(mode, flags));
    if (withPostgres) postgres = await pgRig();
    const fsyncRig = rigs[2];
    const before = { mgha: await fsyncRig.fsyncs(), pg: (await postgres?.fsyncs()) ?? 0 };
    const loads = [
      ...rigs.map((r) => ({ name: `mgha_${r.name}_raw_bolt`, op: r.raw, serverCpuSeconds: r.serverCpuSeconds })),
      ...rigs.map((r) => ({ name: `mgha_${r.name}_neo4j_driver`, op: r.driver, serverCpuSeconds: r.serverCpuSeconds })),
      ...(postgres === null ? [] : [{ name: 'postgresql_fsync_on', op: postgres.op, serverCpuSeconds: postgres.serverCpuSeconds }]),
    ];
    const results = await runInterleaved(loads, load);
    const raw = (mode: number): LoadResult => results[mode];
    const viaDriver = (mode: number): LoadResult => results[rigs.length + mode];
    rigs.forEach((r, i) => {
      for (const x of [raw(i), viaDriver(i)]) {
        report({ bench: 'create', side: x.name, clients, median_ops_per_sec: x.medianOpsPerSec, p50_us: x.p50Us, p99_us: x.p99Us, server_cpu_us_per_op: x.medianCpuUsPerOp ?? -1 });
      }
    });
    const ops = (r: LoadResult): number => r.medianOpsPerSec;
    report({
      bench: 'create',
      ratio: 'batched_vs_wal_off',
      value: ops(raw(1)) / ops(raw(0)),
      paired_median: pairedRatio(raw(1), raw(0)),
      driver_value: ops(viaDriver(1)) / ops(viaDriver(0)),
      target: 0.8,
    });
    report({ bench: 'create', fsyncs_per_commit: 'mgha_wal_fsync_per_commit', value: ((await fsyncRig.fsyncs()) - before.mgha) / fsyncRig.commits(), clients });
    if (postgres === null) return;
    const pgResult = results[results.length - 1];
    report({ bench: 'create', fsyncs_per_commit: 'postgresql_fsync_on', value: ((await postgres.fsyncs()) - before.pg) / postgres.commits(), clients });
    report({ bench: 'create', ratio: 'fsync_per_commit_vs_postgresql', value: ops(raw(2)) / ops(pgResult), driver_value: ops(viaDriver(2)) / ops(pgResult), target: 0.7 });
    reportCost('create_fsync_per_commit', { raw: raw(2), driver: viaDriver(2), postgresql: pgResult }, 1.0);
  } finally {
    await Promise.all(rigs.map((r) => r.close()));
    await postgres?.close();
  }
}

function durabilityConfig(dataDirectory: string): DurabilityConfig {
  return {
    dataDirectory,
    walEnabled: true,
    walFileSizeKib: 20480,
    walFileFlushEveryNTx: 100000,
    snapshotIntervalSec: 3600,
    snapshotOnExit: false,
    snapshotRetentionCount: 3,
    recoveryOnStartup: true,
  };
}

async function benchRecovery(): Promise<void> {
  const log = pino({ level: 'silent' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-bench-durability-'));
  try {
    let storage: InMemoryStorage | null = new InMemoryStorage();
    const d = await openDurability(durabilityConfig(dir), storage, log);
    const batch = 10_000;
    const started = performance.now();
    for (let from = 0; from < nodes; from += batch) {
      const tx = storage.begin();
      for (let i = from; i < Math.min(nodes, from + batch); i++) {
        const v = tx.createVertex();
        v.addLabel('N');
        v.setProperty('id', BigInt(i));
      }
      tx.commit();
    }
    for (let from = 0; from < nodes; from += batch / 2) {
      const tx = storage.begin();
      for (let i = from; i < Math.min(nodes, from + batch / 2); i++) {
        const a = tx.vertex(i);
        for (let k = 1; k <= 2; k++) {
          const b = tx.vertex((i * 7919 + k * 104729) % nodes);
          if (a !== null && b !== null) tx.createEdge(a, b, 'E');
        }
      }
      tx.commit();
    }
    const loadSeconds = (performance.now() - started) / 1000;
    const counts = storage.counts();
    await d.close();
    storage = null;
    const walBytes = fs.readdirSync(path.join(dir, 'wal')).reduce((n, f) => n + fs.statSync(path.join(dir, 'wal', f)).size, 0);
    const same = (s: InMemoryStorage, what: string): void => {
      const c = s.counts();
      if (c.vertexCount !== counts.vertexCount || c.edgeCount !== counts.edgeCount) throw new Error(`${what} lost objects`);
    };

    // Each phase in its own function, so the previous graph can be collected.
    const walPhase = async (): Promise<{ walRecovery: number; snapshotSeconds: number; snapshotBytes: number }> => {
      const fromWal = new InMemoryStorage();
      const d2 = await openDurability(durabilityConfig(dir), fromWal, log);
      same(fromWal, 'WAL recovery');
      const snapStart = performance.now();
      const snap = await d2.createSnapshot();
      const snapshotSeconds = (performance.now() - snapStart) / 1000;
      await d2.close();
      return { walRecovery: d2.recovery?.seconds ?? NaN, snapshotSeconds, snapshotBytes: snap.size };
    };
    const snapshotPhase = async (): Promise<number> => {
      const fromSnapshot = new InMemoryStorage();
      const d3 = await openDurability(durabilityConfig(dir), fromSnapshot, log);
      if (d3.recovery?.walTransactions !== 0) throw new Error('expected a recovery from the snapshot alone');
      same(fromSnapshot, 'snapshot recovery');
      await d3.close();
      return d3.recovery?.seconds ?? NaN;
    };
    const { walRecovery, snapshotSeconds, snapshotBytes } = await walPhase();
    const snapshotRecovery = await snapshotPhase();

    const common = { vertices: counts.vertexCount, edges: counts.edgeCount };
    report({ bench: 'graph_build_with_wal', ...common, seconds: loadSeconds, wal_bytes: walBytes });
    report({ bench: 'snapshot_create', ...common, seconds: snapshotSeconds, bytes: snapshotBytes });
    report({ bench: 'recovery_from_snapshot', ...common, seconds: snapshotRecovery });
    report({ bench: 'recovery_from_wal_only', ...common, seconds: walRecovery });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (part === 'write' || part === 'all') await benchWrites();
  if (part === 'recovery' || part === 'all') await benchRecovery();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
