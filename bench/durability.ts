// Durability costs (issue #3).
//
// write: single-node CREATE per second, 16 concurrent clients, measured with the light raw
//   Bolt client (the ratios use it, as in graph-ops.ts) and with neo4j-driver (whose
//   client-side CPU shares the 2 cores with the server), with the WAL off, with batched flushing (Memgraph's default
//   --storage-wal-file-flush-every-n-tx=100000) and with an fsync per commit (=1), in the
//   same run, their trials interleaved; and PostgreSQL INSERTs with fsync and synchronous_commit on. Targets:
//   batched ≥ 0.8 × WAL off; fsync per commit ≥ 0.7 × PostgreSQL.
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
import { startServer } from '../test/helpers/server.js';
import { argNumber, pairedRatio, report, runInterleaved, type LoadResult, type Operation } from './lib/harness.js';
import { connectPg, pgInsertLoad, startPostgres } from './lib/postgres.js';
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

interface ModeResult {
  raw: LoadResult;
  driver: LoadResult;
}

/** One server of a WAL mode with its clients: raw Bolt connections and driver sessions. */
interface ModeRig {
  name: string;
  raw: Operation;
  driver: Operation;
  close(): Promise<void>;
}

async function modeRig(name: string, flags: string[]): Promise<ModeRig> {
  const server = await startServer([...flags, '--storage-snapshot-on-exit=false']);
  const driver = neo4j.driver(server.boltUrl, neo4j.auth.basic('', ''), { maxConnectionPoolSize: clients + 2 });
  const sessions = Array.from({ length: clients }, () => driver.session());
  const conns = await Promise.all(Array.from({ length: clients }, () => RawBoltConnection.open(server.boltPort)));
  let seq = 0;
  return {
    name,
    raw: async (c) => {
      const i = seq++;
      const params = new Map<string, bigint | string>([['id', BigInt(i)], ['name', `m${i}`]]);
      await conns[c].request(encodeRunPullWith('CREATE (:M {id: $id, name: $name})', params), 2);
    },
    driver: async (c) => {
      const i = seq++;
      await sessions[c].run('CREATE (:M {id: $id, name: $name})', { id: neo4j.int(i), name: `m${i}` });
    },
    async close() {
      conns.forEach((c) => c.close());
      await Promise.all(sessions.map((s) => s.close()));
      await driver.close();
      await server.stop();
    },
  };
}

/**
 * The three WAL modes run side by side (one server each, idle while another is measured)
 * and their trials interleave, so the ratios compare the modes, not the minutes they ran in.
 */
async function mghaCreates(): Promise<Record<string, ModeResult>> {
  const rigs: ModeRig[] = [];
  try {
    for (const [mode, flags] of Object.entries(WAL_MODES)) rigs.push(await modeRig(mode, flags));
    const raw = await runInterleaved(rigs.map((r) => ({ name: `${r.name}_raw_bolt`, op: r.raw })), load);
    const viaDriver = await runInterleaved(rigs.map((r) => ({ name: `${r.name}_neo4j_driver`, op: r.driver })), load);
    return Object.fromEntries(rigs.map((r, i) => [r.name, { raw: raw[i], driver: viaDriver[i] }]));
  } finally {
    await Promise.all(rigs.map((r) => r.close()));
  }
}

async function postgresInserts(): Promise<LoadResult> {
  const server = await startPostgres({ durable: true });
  const connect = (): Promise<pg.Client> => connectPg(server);
  const admin = await connect();
  try {
    await admin.query('CREATE TABLE m (id bigint, name text)');
    const conns = await Promise.all(Array.from({ length: clients }, connect));
    const result = await pgInsertLoad('postgresql_durable', conns, load);
    await Promise.all(conns.map((c) => c.end()));
    return result;
  } finally {
    await admin.end();
    server.stop();
  }
}

async function benchWrites(): Promise<void> {
  const results = await mghaCreates();
  const postgres = withPostgres ? await postgresInserts() : null;
  for (const [mode, r] of Object.entries(results)) {
    report({ bench: 'create', side: `mgha_${mode}_raw_bolt`, clients, median_ops_per_sec: r.raw.medianOpsPerSec });
    report({ bench: 'create', side: `mgha_${mode}_neo4j_driver`, clients, median_ops_per_sec: r.driver.medianOpsPerSec });
  }
  const ops = (r: LoadResult): number => r.medianOpsPerSec;
  report({
    bench: 'create',
    ratio: 'batched_vs_wal_off',
    value: ops(results.wal_batched.raw) / ops(results.wal_off.raw),
    paired_median: pairedRatio(results.wal_batched.raw, results.wal_off.raw),
    driver_value: ops(results.wal_batched.driver) / ops(results.wal_off.driver),
    target: 0.8,
  });
  if (postgres === null) return;
  report({ bench: 'create', side: 'postgresql_fsync_on', clients, median_ops_per_sec: postgres.medianOpsPerSec });
  report({ bench: 'create', ratio: 'fsync_per_commit_vs_postgresql', value: ops(results.wal_fsync_per_commit.raw) / ops(postgres), driver_value: ops(results.wal_fsync_per_commit.driver) / ops(postgres), target: 0.7 });
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
