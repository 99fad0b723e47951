// Where the server's CPU goes per query (issue #14): starts mgha under `node --cpu-prof`,
// drives one workload with 16 neo4j-driver (or raw Bolt) clients, stops the server and
// prints the functions with the most self time, and the server CPU per operation.
//
//   node dist/bench/profile.js --workload=return1|create|point_lookup|one_hop
//        [--client=driver|raw] [--seconds=5] [--nodes=10000] [--top=40] [--flags="--storage-wal-file-flush-every-n-tx=1"]
// The .cpuprofile stays in the printed directory (open it in Chrome DevTools).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import neo4j from 'neo4j-driver';
import { startServer } from '../test/helpers/server.js';
import { argNumber, runLoad, type Operation } from './lib/harness.js';
import { profileIn, topSelfTime } from './lib/cpu-profile.js';
import { processCpuSeconds } from './lib/proc-cpu.js';
import { encodeRunPullWith, RawBoltConnection } from './lib/raw-bolt.js';
import type { Value } from '../dataplane/values/model.js';

const arg = (name: string, fallback: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const workload = arg('workload', 'return1');
const client = arg('client', 'driver');
const flags = arg('flags', '').split(' ').filter((f) => f !== '');
const clients = argNumber('clients', 16);
const nodes = argNumber('nodes', 10_000);
const top = argNumber('top', 40);

const QUERIES: Record<string, { text: string; params: (i: number) => Record<string, number | string> }> = {
  return1: { text: 'RETURN 1', params: () => ({}) },
  create: { text: 'CREATE (:M {id: $id, name: $name})', params: (i) => ({ id: i, name: `m${i}` }) },
  point_lookup: { text: 'MATCH (n:N {id: $id}) RETURN n.name AS name', params: () => ({ id: Math.floor(Math.random() * nodes) }) },
  one_hop: { text: 'MATCH (:N {id: $id})-[:E]->(b) RETURN b.id AS id', params: () => ({ id: Math.floor(Math.random() * nodes) }) },
};

async function main(): Promise<void> {
  const q = QUERIES[workload];
  if (q === undefined) throw new Error(`unknown --workload=${workload}`);
  const profDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-prof-'));
  const server = await startServer(flags, { nodeArgs: ['--cpu-prof', '--cpu-prof-interval=100', `--cpu-prof-dir=${profDir}`] });
  let loadStart = 0;
  let loadEnd = 0;
  const driver = neo4j.driver(server.boltUrl, neo4j.auth.basic('', ''), { maxConnectionPoolSize: clients + 2 });
  try {
    const admin = driver.session(); // DDL needs an auto-commit query
    await admin.run('CREATE INDEX ON :N(id)');
    await admin.run('UNWIND range(0, $n - 1) AS i CREATE (:N {id: i})', { n: neo4j.int(nodes) });
    await admin.run('UNWIND range(0, $n - 1) AS i MATCH (a:N {id: i}), (b:N {id: (i * 7919 + 1) % $n}) CREATE (a)-[:E]->(b)', { n: neo4j.int(nodes) });
    await admin.close();
    let op: Operation;
    const sessions = Array.from({ length: clients }, () => driver.session());
    const conns = client === 'raw' ? await Promise.all(Array.from({ length: clients }, () => RawBoltConnection.open(server.boltPort))) : [];
    let seq = 0;
    const toValue = (v: number | string): Value => (typeof v === 'number' ? BigInt(v) : v);
    if (client === 'raw') {
      op = async (c) => {
        const p = q.params(seq++);
        await conns[c].request(encodeRunPullWith(q.text, new Map(Object.entries(p).map(([k, v]) => [k, toValue(v)]))), 2);
      };
    } else {
      op = async (c) => {
        const p = q.params(seq++);
        await sessions[c].run(q.text, Object.fromEntries(Object.entries(p).map(([k, v]) => [k, typeof v === 'number' ? neo4j.int(v) : v])));
      };
    }
    await runLoad(workload, op, { clients, seconds: 1, trials: 1 }); // warm-up, outside the window
    const before = processCpuSeconds(server.pid);
    loadStart = performance.now();
    const r = await runLoad(workload, op, { clients, seconds: argNumber('seconds', 5), trials: 1 });
    loadEnd = performance.now();
    const cpu = processCpuSeconds(server.pid) - before;
    console.log(`${workload} ${client}: ${r.medianOpsPerSec.toFixed(0)} ops/s, server ${((cpu * 1e6) / r.trials[0].ops).toFixed(1)} µs/op, p50 ${r.p50Us.toFixed(0)} µs p99 ${r.p99Us.toFixed(0)} µs`);
    conns.forEach((c) => c.close());
    await Promise.all(sessions.map((s) => s.close()));
  } finally {
    await driver.close();
    await server.stop();
  }
  const exited = performance.now();
  const file = profileIn(profDir);
  // Only the samples of the measured load.
  for (const { share, fn } of topSelfTime(file, { from: exited - loadStart, to: exited - loadEnd }, top)) console.log(`${share.toFixed(1).padStart(5)}%  ${fn}`);
  console.log(`profile: ${file}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
