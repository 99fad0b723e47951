// A replica's apply cost in one process (issue #9), without sockets or the WAL: MAIN's
// single-node CREATE commits (`CREATE (:M {id, name})`) applied one by one
// (`applyCommitted`, the path before batches) or in batches of B published once
// (`beginReplayBatch`, B = 4 ≈ a SYNC call with 8 clients, B = 100 ≈ a 10 ms ASYNC batch),
// with and without an index on :M(id). Rounds interleave the variants; CPU µs per commit.
//
//   node dist/bench/replica-apply.js [--commits=50000] [--rounds=5]

import { InMemoryStorage } from '../dataplane/storage/storage.js';
import type { CommittedTransaction } from '../dataplane/storage/types.js';
import { argNumber } from './lib/harness.js';

const commits = argNumber('commits', 50_000);
const rounds = argNumber('rounds', 5);

function history(): CommittedTransaction[] {
  const out: CommittedTransaction[] = [];
  for (let i = 0; i < commits; i++) {
    out.push({
      commitTimestamp: i + 2,
      deltas: [
        { op: 'createVertex', gid: i },
        { op: 'addLabel', gid: i, label: 'M' },
        { op: 'setVertexProperty', gid: i, key: 'id', value: BigInt(i) },
        { op: 'setVertexProperty', gid: i, key: 'name', value: `m${i}` },
      ],
    });
  }
  return out;
}

function run(log: CommittedTransaction[], batch: number, indexed: boolean): number {
  const store = new InMemoryStorage();
  // Timestamp 1 either way, so the history's timestamps follow.
  if (indexed) store.createIndex('M', 'id');
  else store.createIndex('Unused', null);
  const t0 = process.cpuUsage();
  if (batch === 1) for (const c of log) store.applyCommitted(c);
  else {
    for (let i = 0; i < log.length; i += batch) {
      const b = store.beginReplayBatch();
      for (let j = i; j < Math.min(log.length, i + batch); j++) b.apply(log[j]);
      b.publish();
    }
  }
  const t = process.cpuUsage(t0);
  if (store.counts().vertexCount !== log.length) throw new Error('not all applied');
  return (t.user + t.system) / log.length;
}

const log = history();
const variants: [string, number, boolean][] = [
  ['one_by_one', 1, false],
  ['batch_4', 4, false],
  ['batch_100', 100, false],
  ['one_by_one_indexed', 1, true],
  ['batch_4_indexed', 4, true],
  ['batch_100_indexed', 100, true],
];
const samples = new Map<string, number[]>(variants.map(([n]) => [n, []]));
for (const [, b, ix] of variants) run(log, b, ix); // warm-up
for (let r = 0; r < rounds; r++) for (const [name, b, ix] of variants) samples.get(name)!.push(run(log, b, ix));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [name] of variants) {
  console.log(`BENCH bench=replica_apply variant=${name} commits=${commits} rounds=${rounds} cpu_us_per_commit=${median(samples.get(name)!).toFixed(2)}`);
}
