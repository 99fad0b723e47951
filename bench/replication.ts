// Replication costs (issue #9): single-node CREATE per second with 8 raw-Bolt clients on a
// MAIN that is standalone, or has 2 ASYNC, 2 SYNC or 2 STRICT_SYNC replicas, and the
// equivalent single-row INSERT on PostgreSQL with two synchronous standbys
// (`synchronous_standby_names = 'FIRST 2 (s1, s2)'`). All processes on this machine,
// trials interleaved (runInterleaved) so the ratios compare setups, not minutes. Per
// setup: throughput, the ratio to standalone paired per round, p50/p99 commit latency,
// and the servers' CPU per commit (MAIN and replicas apart; PostgreSQL: the three
// postmasters and all their backends, from /proc); for ASYNC, the largest replica lag
// (transactions and seconds, from MAIN's /metrics) seen under full load.
//
// Durability, the same on both sides:
//   default     mgha: WAL records handed to the OS before a commit is acknowledged (MAIN)
//               and before a replica answers, fsync every 100000 commits (the default);
//               PostgreSQL: fsync=off, synchronous_commit=remote_apply (each commit's WAL
//               written to the OS on the primary and replayed on both standbys).
//   --durable   mgha: --storage-wal-file-flush-every-n-tx=1 on every instance (a SYNC
//               replica fsyncs before it answers); PostgreSQL: fsync=on, remote_apply.
// Targets (issue #9): ASYNC ≥ 0.85 × standalone; SYNC ≥ 0.6 × standalone and ≥ 1.0 ×
// PostgreSQL sync. PostgreSQL is skipped (one line says so) when it is not installed.
//
//   node dist/bench/replication.js [--seconds=5] [--trials=3] [--clients=8] [--durable]
//        [--modes=standalone,async,sync,strict_sync,postgresql]
//        [--before=<other build's dist/dataplane/main.js>]   (A/B: each mgha setup of that build too)
//        [--markdown=bench/results/<date>-replication.md]   (also writes the table there)

import fs from 'node:fs';
import os from 'node:os';
import type pg from 'pg';
import type { TestServer } from '../test/helpers/server.js';
import { argNumber, pairedRatio, report, runInterleaved, type LoadResult, type Operation } from './lib/harness.js';
import { connectPg, installedPgBinDir, pgInsertOp, startPostgresWithStandbys, waitForSyncStandbys } from './lib/postgres.js';
import { loadedRig, type ReplicationMode } from './lib/replication-rig.js';

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const clients = argNumber('clients', 8);
const durable = process.argv.includes('--durable');
const before = arg('before');
const load = { clients, seconds: argNumber('seconds', 5), trials: argNumber('trials', 3), warmupSeconds: 1 };
const FLAGS = ['--storage-snapshot-on-exit=false', '--log-level=WARNING', ...(durable ? ['--storage-wal-file-flush-every-n-tx=1'] : [])];
const MODES: Record<string, ReplicationMode | null> = { standalone: null, async: 'ASYNC', sync: 'SYNC', strict_sync: 'STRICT_SYNC' };
const wanted = (arg('modes') ?? 'standalone,async,sync,strict_sync,postgresql').split(',');

interface Rig {
  name: string;
  op: Operation;
  /** All the setup's server processes, for the harness's CPU per trial. */
  serverCpuSeconds(): number;
  /** mgha: CPU seconds of MAIN and of the replicas together, and operations run, since the rig started. */
  split?(): { main: number; replicas: number; ops: number };
  main?: TestServer;
  close(): Promise<void>;
}

function mghaRig(name: string, mode: ReplicationMode | null, mainJs?: string): Promise<Rig> {
  return loadedRig(name, mode, FLAGS, clients, mainJs === undefined ? {} : { startOptions: { mainJs } });
}

async function postgresRig(bin: string): Promise<Rig> {
  const server = await startPostgresWithStandbys({ bin, standbys: 2, fsync: durable, synchronousCommit: 'remote_apply' });
  const conns: pg.Client[] = [];
  try {
    for (let i = 0; i <= clients; i++) conns.push(await connectPg(server));
    await waitForSyncStandbys(conns[clients], 2);
    await conns[clients].query('CREATE TABLE m (id bigint, name text)');
  } catch (e) {
    await Promise.all(conns.map((c) => c.end()));
    server.stop();
    throw e;
  }
  return {
    name: 'postgresql_2sync',
    op: pgInsertOp(conns),
    serverCpuSeconds: () => server.serverCpuSeconds(),
    async close() {
      await Promise.all(conns.map((c) => c.end()));
      server.stop();
    },
  };
}

/** Largest ASYNC lag MAIN reports while the load runs. */
function sampleLag(main: TestServer): { stop(): Promise<{ transactions: number; seconds: number }> } {
  let transactions = 0;
  let seconds = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const text = await (await fetch(`http://127.0.0.1:${main.metricsPort}/metrics`)).text();
        for (const m of text.matchAll(/^mgha_replica_lag_transactions\{[^}]*\} (\S+)$/gm)) transactions = Math.max(transactions, Number(m[1]));
        for (const m of text.matchAll(/^mgha_replica_lag_seconds\{[^}]*\} (\S+)$/gm)) seconds = Math.max(seconds, Number(m[1]));
      } catch {
        // A scrape that fails is skipped.
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { transactions, seconds };
    },
  };
}

async function main(): Promise<void> {
  const started = { at: new Date(), load: os.loadavg()[0] };
  const rigs: Rig[] = [];
  try {
    for (const [name, mode] of Object.entries(MODES)) {
      if (!wanted.includes(name)) continue;
      rigs.push(await mghaRig(name, mode));
      if (before !== undefined) rigs.push(await mghaRig(`${name}@before`, mode, before));
    }
    if (wanted.includes('postgresql')) {
      const bin = installedPgBinDir();
      if (bin === null) console.log('BENCH bench=replication_create side=postgresql_2sync skipped=not_installed (apt-get install postgresql-15)');
      else rigs.push(await postgresRig(bin));
    }
    const split0 = rigs.map((r) => r.split?.());
    const results = await runInterleaved(rigs, load);
    const split1 = rigs.map((r) => r.split?.());
    // The lag under full load: one more trial of the ASYNC setup, scraping MAIN's /metrics
    // meanwhile (apart from the rounds, so the scrapes do not cost the ASYNC side throughput).
    const asyncRig = rigs.find((r) => r.name === 'async');
    let lagSeen: { transactions: number; seconds: number } | undefined;
    if (asyncRig?.main !== undefined) {
      const lag = sampleLag(asyncRig.main);
      await runInterleaved([asyncRig], { ...load, trials: 1, warmupSeconds: 0 });
      lagSeen = await lag.stop();
    }
    const byName = new Map(results.map((r) => [r.name, r]));
    const table: Row[] = [];
    const standalone = byName.get('standalone');
    const pgSync = byName.get('postgresql_2sync');
    for (const [i, r] of results.entries()) {
      // MAIN and replicas apart, over the whole interleaved run (warm-up included).
      const s0 = split0[i];
      const s1 = split1[i];
      const split: Record<string, number> =
        s0 !== undefined && s1 !== undefined
          ? { main_cpu_us_per_commit: ((s1.main - s0.main) * 1e6) / (s1.ops - s0.ops), replicas_cpu_us_per_commit: ((s1.replicas - s0.replicas) * 1e6) / (s1.ops - s0.ops) }
          : {};
      const peer = r.name.endsWith('@before') ? byName.get('standalone@before') : standalone;
      table.push({ r, split, vsStandalone: peer === undefined ? null : pairedRatio(r, peer), vsPg: pgSync === undefined ? null : pairedRatio(r, pgSync) });
      report({
        bench: 'replication_create',
        side: r.name,
        durability: durable ? 'fsync_per_commit' : 'os_write_per_commit',
        clients,
        median_ops_per_sec: r.medianOpsPerSec,
        ...ratio('vs_standalone', r, peer),
        ...ratio('vs_postgresql_2sync', r, pgSync),
        p50_ms: r.p50Us / 1000,
        p99_ms: r.p99Us / 1000,
        server_cpu_us_per_commit: r.medianCpuUsPerOp ?? -1,
        ...split,
      });
    }
    if (before !== undefined) {
      for (const r of results.filter((x) => !x.name.includes('@') && byName.has(`${x.name}@before`))) {
        report({ bench: 'replication_create_ab', side: r.name, after_over_before: pairedRatio(r, byName.get(`${r.name}@before`) as LoadResult) });
      }
    }
    if (lagSeen !== undefined) report({ bench: 'replication_async_lag', max_lag_transactions: lagSeen.transactions, max_lag_seconds: lagSeen.seconds });
    const markdown = arg('markdown');
    if (markdown !== undefined) fs.writeFileSync(markdown, markdownTable(table, lagSeen, started));
  } finally {
    await Promise.all(rigs.map((r) => r.close()));
  }
}

interface Row {
  r: LoadResult;
  split: Record<string, number>;
  vsStandalone: number | null;
  vsPg: number | null;
}

/** The run as a markdown file: date, command, machine, durability, one row per setup, the targets. */
function markdownTable(rows: Row[], lag: { transactions: number; seconds: number } | undefined, started: { at: Date; load: number }): string {
  const f = (v: number | null | undefined, digits = 2): string => (v === null || v === undefined ? '–' : v.toFixed(digits));
  const byName = new Map(rows.map((x) => [x.r.name, x]));
  const target = (name: string, key: 'vsStandalone' | 'vsPg', min: number): string => {
    const v = byName.get(name)?.[key];
    return v === null || v === undefined ? 'not measured' : `${v.toFixed(2)} (${v >= min ? 'met' : 'not met'})`;
  };
  const lines = [
    `# Replication throughput — ${started.at.toISOString()}`,
    '',
    `Command: \`node dist/bench/replication.js ${process.argv.slice(2).join(' ')}\``,
    '',
    `Machine: ${os.cpus().length} cores shared with other engineers' builds and tests (load average ${started.load.toFixed(1)} at the start, ` +
      `${os.loadavg()[0].toFixed(1)} at the end); all servers and the ${clients} raw-Bolt / pg clients on it. ` +
      `${load.trials} interleaved rounds of ${load.seconds} s; medians; ratios paired per round.`,
    '',
    `Durability: ${
      durable
        ? 'mgha `--storage-wal-file-flush-every-n-tx=1` everywhere (a SYNC replica fsyncs before it answers); PostgreSQL fsync=on, synchronous_commit=remote_apply'
        : 'mgha default (WAL handed to the OS before a commit is acknowledged and before a replica answers, fsync every 100 000 commits); PostgreSQL fsync=off, synchronous_commit=remote_apply (standbys replayed the commit)'
    }. PostgreSQL 15: primary + 2 standbys from pg_basebackup, \`synchronous_standby_names = 'FIRST 2 (s1, s2)'\`.`,
    '',
    '| setup | commits/s | × standalone | × PostgreSQL 2 sync | p50 ms | p99 ms | server CPU µs/commit | of which MAIN / replicas |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      ({ r, split, vsStandalone, vsPg }) =>
        `| ${r.name} | ${r.medianOpsPerSec.toFixed(0)} | ${f(vsStandalone)} | ${f(vsPg)} | ${f(r.p50Us / 1000)} | ${f(r.p99Us / 1000)} | ${f(r.medianCpuUsPerOp, 0)} | ${
          split.main_cpu_us_per_commit === undefined ? '–' : `${split.main_cpu_us_per_commit.toFixed(0)} / ${split.replicas_cpu_us_per_commit.toFixed(0)}`
        } |`,
    ),
    '',
    lag === undefined ? '' : `ASYNC lag under full load (largest seen, MAIN's /metrics every 200 ms): ${lag.transactions} transactions, ${lag.seconds.toFixed(3)} s.`,
    '',
    `Targets (issue #9): ASYNC ≥ 0.85 × standalone: ${target('async', 'vsStandalone', 0.85)}; SYNC ≥ 0.6 × standalone: ${target('sync', 'vsStandalone', 0.6)}; ` +
      `SYNC ≥ 1.0 × PostgreSQL sync: ${target('sync', 'vsPg', 1.0)}.`,
    '',
  ];
  return lines.join('\n');
}

function ratio(key: string, r: LoadResult, peer: LoadResult | undefined): Record<string, number> {
  return peer === undefined ? {} : { [key]: pairedRatio(r, peer) };
}

await main();
