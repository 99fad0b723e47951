// In-process cost of a query through QueryEngine alone (issue #14): no sockets, no Bolt
// session, so what is left is planning-cache lookup, parameters, begin/commit bookkeeping,
// the operators, storage reads and materialising the records. Run it under `--cpu-prof`
// to see where a point lookup's or 1-hop's microseconds go.
//
//   node [--cpu-prof] dist/bench/engine-loop.js [--workload=point_lookup|one_hop|return1] [--nodes=10000] [--ops=200000]
// Prints µs per query (wall, and this process's CPU: steadier on a shared machine). Bytes allocated per query: add `--trace-gc-nvp` and sum
// the scavenges' `allocated=` over the timed loop, divided by --ops.

import { QueryEngine } from '../dataplane/query/engine.js';
import type { EngineTransaction, TransactionOptions } from '../dataplane/query/engine-types.js';
import { InMemoryStorage } from '../dataplane/storage/storage.js';
import type { Value } from '../dataplane/values/model.js';
import { argNumber, report } from './lib/harness.js';

const arg = (name: string, fallback: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const workload = arg('workload', 'point_lookup');
const nodes = argNumber('nodes', 10_000);
const ops = argNumber('ops', 200_000);

const QUERIES: Record<string, { text: string; rows: number }> = {
  return1: { text: 'RETURN 1', rows: 1 },
  point_lookup: { text: 'MATCH (n:N {id: $id}) RETURN n.name AS name', rows: 1 },
  one_hop: { text: 'MATCH (:N {id: $id})-[:E]->(b) RETURN b.id AS id', rows: 4 },
};

const options = (implicit: boolean): TransactionOptions => ({ bookmarks: [], timeoutMs: null, metadata: new Map(), mode: 'w', database: null, implicit });

async function runAll(e: QueryEngine, text: string, params: Map<string, Value>): Promise<number> {
  const tx = (await e.begin(options(true))) as EngineTransaction;
  const stream = await tx.run(text, params);
  const batch = await stream.pull(1000);
  await tx.commit();
  return batch.records.length;
}

/** The same calls without awaiting values that are not promises, as the Bolt session does. */
function runSync(e: QueryEngine, text: string, params: Map<string, Value>): number {
  const tx = e.begin(options(true));
  if (tx instanceof Promise) throw new Error('begin went asynchronous');
  const stream = tx.run(text, params);
  if (stream instanceof Promise) throw new Error('run went asynchronous');
  const batch = stream.pull(1000);
  if (batch instanceof Promise) throw new Error('pull went asynchronous');
  const c = tx.commit();
  if (c instanceof Promise) throw new Error('commit went asynchronous');
  return batch.records.length;
}

const q = QUERIES[workload];
if (q === undefined) throw new Error(`unknown --workload=${workload}`);
const engine = new QueryEngine(new InMemoryStorage());
await runAll(engine, 'CREATE INDEX ON :N(id)', new Map());
await runAll(engine, 'UNWIND range(0, $n - 1) AS i CREATE (:N {id: i, name: "n" + toString(i)})', new Map([['n', BigInt(nodes)]]));
for (let k = 0; k < 4; k++) {
  await runAll(engine, 'UNWIND range(0, $n - 1) AS i MATCH (a:N {id: i}), (b:N {id: (i * 7919 + $k * 104729 + 1) % $n}) CREATE (a)-[:E]->(b)', new Map([['n', BigInt(nodes)], ['k', BigInt(k)]]));
}
const paramsFor = (i: number): Map<string, Value> => new Map<string, Value>(workload === 'return1' ? [] : [['id', BigInt((i * 2654435761) % nodes)]]);
for (let i = 0; i < Math.min(ops, 20_000); i++) runSync(engine, q.text, paramsFor(i)); // warm-up: JIT
console.error('--- timed loop');
const t0 = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
let rows = 0;
for (let i = 0; i < ops; i++) rows += runSync(engine, q.text, paramsFor(i));
const ns = Number(process.hrtime.bigint() - t0);
const cpu = process.cpuUsage(cpu0);
console.error('--- end');
if (rows !== q.rows * ops) throw new Error(`${workload}: ${rows} rows for ${ops} queries`);
report({ bench: 'engine_loop', workload, nodes, ops, us_per_query: ns / 1000 / ops, cpu_us_per_query: (cpu.user + cpu.system) / ops });
engine.stop();
