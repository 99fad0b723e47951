// What the index kinds buy, in process (QueryEngine on InMemoryStorage, no Bolt): mean
// latency of one lookup without and with a composite label+property index, an
// edge-type+property index and a point index, on `--nodes` pattern rows
// (:C {a, b})-[:T {w}]->(:D {loc}). Answers are compared, so a wrong index fails loudly.
//
//   node dist/bench/indexes.js [--nodes=200000] [--runs=50]

import { QueryEngine } from '../dataplane/query/engine.js';
import { InMemoryStorage } from '../dataplane/storage/storage.js';
import type { Value } from '../dataplane/values/model.js';
import { argNumber } from './lib/harness.js';

const nodes = argNumber('nodes', 200_000);
const runs = argNumber('runs', 50);
const engine = new QueryEngine(new InMemoryStorage());

async function query(text: string): Promise<Value[][]> {
  const tx = await engine.begin({ bookmarks: [], timeoutMs: null, metadata: new Map(), mode: 'w', database: null, implicit: true });
  const stream = await tx.run(text, new Map());
  const batch = await stream.pull(-1);
  await tx.commit();
  return batch.records;
}

async function meanMs(text: string, n: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await query(text);
  return (performance.now() - t0) / n;
}

const cases: [string, string, string][] = [
  ['composite :C(a, b), a = x AND b = y', 'MATCH (n:C) WHERE n.a = 7 AND n.b = 7 RETURN count(n)', 'CREATE INDEX ON :C(a, b)'],
  ['edge-type+property :T(w), r.w = x', 'MATCH ()-[r:T]->() WHERE r.w = 12345 RETURN count(r)', 'CREATE EDGE INDEX ON :T(w)'],
  ['point :D(loc), point.distance(p, d.loc) < 2', 'WITH point({x: 10, y: 10}) AS p MATCH (d:D) WHERE point.distance(p, d.loc) < 2 RETURN count(d)', 'CREATE POINT INDEX ON :D(loc)'],
];

await query(`UNWIND range(0, ${nodes - 1}) AS i CREATE (:C {a: i % 1000, b: i % 997})-[:T {w: i}]->(:D {loc: point({x: i % 500, y: i / 500})})`);
console.log(`${nodes} (:C)-[:T]->(:D) rows; mean of ${runs} lookups with the index, ${Math.ceil(runs / 10)} without`);
for (const [name, q, create] of cases) {
  const without = await meanMs(q, Math.ceil(runs / 10));
  const expected = JSON.stringify(await query(q), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  await query(create);
  const withIndex = await meanMs(q, runs);
  const got = JSON.stringify(await query(q), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  if (got !== expected) throw new Error(`${name}: ${got} with the index, ${expected} without`);
  console.log(`${name.padEnd(48)} without ${without.toFixed(2).padStart(9)} ms   with ${withIndex.toFixed(3).padStart(8)} ms   ×${(without / withIndex).toFixed(0)}`);
}
