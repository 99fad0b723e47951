// A/B of the server's CPU per query between two builds of mgha (issue #14): both servers up
// with the same small graph, one workload driven by 16 neo4j-driver (or raw Bolt) clients,
// the builds' trials interleaved in one run; server CPU per operation from /proc beside
// throughput and p50/p99. Each optimisation of the per-query path is shown with it.
//
//   node dist/bench/cost-ab.js --before=/path/to/other/build/dist/dataplane/main.js
//        [--workload=return1|create|point_lookup|one_hop] [--client=driver|driver_tx|raw]
//        [--flags="--storage-wal-file-flush-every-n-tx=1"] [--seconds=4] [--trials=5] [--nodes=10000]
//        [--node-args-before="…"] [--node-args-after="…"]   (V8 flags of one side, e.g. heap sizes)
// Raw clients send a bookmark with every RUN, as neo4j-driver does, but cost the machine far
// less CPU: the servers run near saturation, where their CPU per query is steadiest.
// `driver` is session.run (auto-commit: RUN + PULL); `driver_tx` is driver.executeQuery
// (BEGIN + RUN + PULL, then COMMIT, with the driver's shared bookmark manager).
// (a "before" build: `npx tsc -p .` at the earlier commit, then copy its dist/ under dist/ab/)

import neo4j, { type Driver, type Session } from 'neo4j-driver';
import { startServer } from '../test/helpers/server.js';
import { argNumber, pairedRatio, report, runInterleaved, type Operation } from './lib/harness.js';
import { processCpuSeconds } from './lib/proc-cpu.js';
import { encodeRunPullWith, RawBoltConnection } from './lib/raw-bolt.js';
import type { Value } from '../dataplane/values/model.js';

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const before = arg('before');
if (before === undefined) {
  console.error('usage: cost-ab.js --before=<path to the other build main.js> [--workload=…] [--client=driver|raw]');
  process.exit(2);
}
const workload = arg('workload') ?? 'return1';
const client = arg('client') ?? 'driver';
const words = (s: string | undefined): string[] => (s ?? '').split(' ').filter((f) => f !== '');
const flags = words(arg('flags'));
const clients = argNumber('clients', 16);
const nodes = argNumber('nodes', 10_000);
const load = { clients, seconds: argNumber('seconds', 4), trials: argNumber('trials', 5), warmupSeconds: 1 };

/** A workload's query and its parameters for the i-th operation. */
const QUERIES: Record<string, { text: string; params: (i: number) => [string, number | string][]; rows: number }> = {
  return1: { text: 'RETURN 1', params: () => [], rows: 1 },
  create: { text: 'CREATE (:M {id: $id, name: $name})', params: (i) => [['id', i], ['name', `m${i}`]], rows: 0 },
  point_lookup: { text: 'MATCH (n:N {id: $id}) RETURN n.name AS name', params: () => [['id', Math.floor(Math.random() * nodes)]], rows: 1 },
  one_hop: { text: 'MATCH (:N {id: $id})-[:E]->(b) RETURN b.id AS id', params: () => [['id', Math.floor(Math.random() * nodes)]], rows: 4 },
};

/** A bookmark of a commit made while loading the graph (so never waited for). */
const DRIVER_LIKE_EXTRA = new Map<string, Value>([['bookmarks', ['mgha:1']]]);

async function loadGraph(driver: Driver): Promise<void> {
  const admin = driver.session(); // DDL needs an auto-commit query
  await admin.run('CREATE INDEX ON :N(id)');
  await admin.run('UNWIND range(0, $n - 1) AS i CREATE (:N {id: i, name: "n" + toString(i)})', { n: neo4j.int(nodes) });
  for (let k = 0; k < 4; k++) {
    await admin.run('UNWIND range(0, $n - 1) AS i MATCH (a:N {id: i}), (b:N {id: (i * 7919 + $k * 104729 + 1) % $n}) CREATE (a)-[:E]->(b)', { n: neo4j.int(nodes), k: neo4j.int(k) });
  }
  await admin.close();
}

interface Rig {
  name: string;
  op: Operation;
  serverCpuSeconds: () => number;
  close(): Promise<void>;
}

async function rig(name: string, binary: string | undefined, nodeArgs: string[]): Promise<Rig> {
  const q = QUERIES[workload];
  if (q === undefined) throw new Error(`unknown --workload=${workload}`);
  const server = await startServer([...flags, '--storage-snapshot-on-exit=false'], { nodeArgs, ...(binary === undefined ? {} : { mainJs: binary }) });
  const driver = neo4j.driver(server.boltUrl, neo4j.auth.basic('', ''), { maxConnectionPoolSize: clients + 2 });
  await loadGraph(driver);
  const sessions: Session[] = Array.from({ length: clients }, () => driver.session());
  const conns = client === 'raw' ? await Promise.all(Array.from({ length: clients }, () => RawBoltConnection.open(server.boltPort))) : [];
  let seq = 0;
  const check = (rows: number): void => {
    if (rows !== q.rows) throw new Error(`${workload} returned ${rows} rows`);
  };
  const op: Operation =
    client === 'raw'
      ? async (c) => {
          const p = new Map<string, Value>(q.params(seq++).map(([k, v]) => [k, typeof v === 'number' ? BigInt(v) : v]));
          check((await conns[c].request(encodeRunPullWith(q.text, p, DRIVER_LIKE_EXTRA), 2)).records);
        }
      : client === 'driver_tx'
        ? async () => {
            const p = Object.fromEntries(q.params(seq++).map(([k, v]) => [k, typeof v === 'number' ? neo4j.int(v) : v]));
            check((await driver.executeQuery(q.text, p)).records.length);
          }
        : async (c) => {
            const p = Object.fromEntries(q.params(seq++).map(([k, v]) => [k, typeof v === 'number' ? neo4j.int(v) : v]));
            check((await sessions[c].run(q.text, p)).records.length);
          };
  return {
    name,
    op,
    serverCpuSeconds: () => processCpuSeconds(server.pid),
    async close() {
      conns.forEach((c) => c.close());
      await Promise.all(sessions.map((s) => s.close()));
      await driver.close();
      await server.stop();
    },
  };
}

const rigs = [await rig('before', before, words(arg('node-args-before'))), await rig('after', undefined, words(arg('node-args-after')))];
try {
  const [b, a] = await runInterleaved(rigs, load);
  for (const r of [b, a]) {
    report({ bench: 'cost_ab', workload, client, side: r.name, clients, median_ops_per_sec: r.medianOpsPerSec, p50_us: r.p50Us, p99_us: r.p99Us, server_cpu_us_per_op: r.medianCpuUsPerOp ?? -1 });
  }
  const cpu = (r: typeof a): number => r.medianCpuUsPerOp ?? NaN;
  const pairedCpu = b.trials.map((t, i) => (t.cpuUsPerOp ?? NaN) / (a.trials[i].cpuUsPerOp ?? NaN)).sort((x, y) => x - y);
  report({
    bench: 'cost_ab',
    workload,
    client,
    cpu_saved_us_per_op: cpu(b) - cpu(a),
    cpu_before_over_after: cpu(b) / cpu(a),
    paired_cpu_median: pairedCpu[pairedCpu.length >> 1],
    throughput_after_vs_before: pairedRatio(a, b),
  });
} finally {
  await Promise.all(rigs.map((r) => r.close()));
}
