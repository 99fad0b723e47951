// Replication costs (issue #9): single-node CREATE per second with 8 raw-Bolt clients on a
// MAIN that is standalone, or has 2 ASYNC, 2 SYNC or 2 STRICT_SYNC replicas; all
// processes on this machine, trials interleaved (runInterleaved) so the ratios compare
// setups, not minutes. Also p50/p99 commit latency per setup and, for ASYNC, the largest
// replica lag (transactions and seconds, from MAIN's /metrics) seen under full load, and
// the CPU time MAIN and the replicas spend per commit (independent of other load on the
// machine, which moves the throughput figures).
// Targets (issue #9): ASYNC ≥ 0.85 × standalone; SYNC ≥ 0.6 × standalone. PostgreSQL with
// synchronous standbys is not part of this run.
//
//   node dist/bench/replication.js [--seconds=5] [--trials=3] [--clients=8]

import { freePort } from '../test/helpers/ports.js';
import { startServer, type TestServer } from '../test/helpers/server.js';
import { argNumber, pairedRatio, report, runInterleaved, type Operation } from './lib/harness.js';
import { processCpuSeconds } from './lib/proc-cpu.js';
import { encodeRunPullWith, RawBoltConnection } from './lib/raw-bolt.js';

const clients = argNumber('clients', 8);
const load = { clients, seconds: argNumber('seconds', 5), trials: argNumber('trials', 3), warmupSeconds: 1 };
const FLAGS = ['--storage-snapshot-on-exit=false', '--log-level=WARNING'];
const SETUPS: Record<string, string | null> = { standalone: null, async: 'ASYNC', sync: 'SYNC', strict_sync: 'STRICT_SYNC' };

interface Rig {
  name: string;
  op: Operation;
  latencies: number[];
  main: TestServer;
  /** CPU seconds (MAIN, replicas together) since the load started, for the cost per commit. */
  cpu(): { main: number; replicas: number };
  close(): Promise<void>;
}

async function query(server: TestServer, text: string): Promise<void> {
  const conn = await RawBoltConnection.open(server.boltPort);
  try {
    await conn.request(encodeRunPullWith(text, new Map()), 2);
  } finally {
    conn.close();
  }
}

async function rig(name: string, mode: string | null): Promise<Rig> {
  const main = await startServer(FLAGS);
  const replicas: TestServer[] = [];
  if (mode !== null) {
    for (let i = 0; i < 2; i++) {
      const r = await startServer(FLAGS);
      const port = await freePort();
      await query(r, `SET REPLICATION ROLE TO REPLICA WITH PORT ${port}`);
      await query(main, `REGISTER REPLICA r${i} ${mode} TO "127.0.0.1:${port}"`);
      replicas.push(r);
    }
    await new Promise((res) => setTimeout(res, 1500));
  }
  const conns = await Promise.all(Array.from({ length: clients }, () => RawBoltConnection.open(main.boltPort)));
  const latencies: number[] = [];
  let seq = 0;
  const replicaCpu = (): number => replicas.reduce((sum, r) => sum + processCpuSeconds(r.pid), 0);
  const cpu0 = { main: processCpuSeconds(main.pid), replicas: replicaCpu() };
  return {
    name,
    main,
    latencies,
    cpu: () => ({ main: processCpuSeconds(main.pid) - cpu0.main, replicas: replicaCpu() - cpu0.replicas }),
    op: async (c) => {
      const i = seq++;
      const params = new Map<string, bigint | string>([['id', BigInt(i)], ['name', `m${i}`]]);
      const t0 = performance.now();
      await conns[c].request(encodeRunPullWith('CREATE (:M {id: $id, name: $name})', params), 2);
      latencies.push(performance.now() - t0);
    },
    async close() {
      conns.forEach((c) => c.close());
      await Promise.all([main, ...replicas].map((s) => s.kill()));
    },
  };
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
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
  const rigs: Rig[] = [];
  try {
    for (const [name, mode] of Object.entries(SETUPS)) rigs.push(await rig(name, mode));
    const asyncRig = rigs.find((r) => r.name === 'async');
    const lag = asyncRig === undefined ? null : sampleLag(asyncRig.main);
    const results = await runInterleaved(rigs.map((r) => ({ name: r.name, op: r.op })), load);
    const lagSeen = await lag?.stop();
    const standalone = results[0];
    for (const [i, r] of results.entries()) {
      const cpu = rigs[i].cpu();
      const commits = rigs[i].latencies.length;
      report({
        bench: 'replication_create',
        side: r.name,
        clients,
        median_ops_per_sec: r.medianOpsPerSec,
        vs_standalone: pairedRatio(r, standalone),
        p50_ms: percentile(rigs[i].latencies, 50),
        p99_ms: percentile(rigs[i].latencies, 99),
        main_cpu_us_per_commit: (cpu.main / commits) * 1e6,
        replicas_cpu_us_per_commit: (cpu.replicas / commits) * 1e6,
      });
    }
    if (lagSeen !== undefined) report({ bench: 'replication_async_lag', max_lag_transactions: lagSeen.transactions, max_lag_seconds: lagSeen.seconds });
  } finally {
    await Promise.all(rigs.map((r) => r.close()));
  }
}

await main();
