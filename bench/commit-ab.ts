// A/B of the commit path between two builds of mgha (issue #8: the commit pipeline must
// not cost speed): single-node CREATE per second with 16 clients (light raw Bolt client),
// with batched WAL flushing and with an fsync per commit, the two builds' trials
// interleaved in one run; beside throughput, the server's own CPU per commit.
//
//   node dist/bench/commit-ab.js --before=/path/to/other/build/dist/dataplane/main.js
//        [--seconds=5] [--trials=5] [--clients=16]
// (build the "before" side from a checkout of the earlier commit: `npx tsc -p .` there)

import { startServer } from '../test/helpers/server.js';
import { argNumber, pairedRatio, report, runInterleaved, type Operation } from './lib/harness.js';
import { processCpuSeconds } from './lib/proc-cpu.js';
import { encodeRunPullWith, RawBoltConnection } from './lib/raw-bolt.js';

const before = process.argv.find((a) => a.startsWith('--before='))?.slice(9) ?? process.env.MGHA_BEFORE_MAIN_JS;
if (before === undefined) {
  console.error('usage: commit-ab.js --before=<path to the other build main.js>');
  process.exit(2);
}
const clients = argNumber('clients', 16);
const load = { clients, seconds: argNumber('seconds', 5), trials: argNumber('trials', 5), warmupSeconds: 1 };

const MODES: Record<string, string[]> = {
  batched: ['--storage-wal-file-flush-every-n-tx=100000'],
  fsync_per_commit: ['--storage-wal-file-flush-every-n-tx=1'],
};

interface Rig {
  name: string;
  op: Operation;
  serverCpuSeconds: () => number;
  close(): Promise<void>;
}

async function rig(name: string, binary: string | undefined, flags: string[]): Promise<Rig> {
  const server = await startServer([...flags, '--storage-snapshot-on-exit=false'], binary === undefined ? {} : { mainJs: binary });
  const conns = await Promise.all(Array.from({ length: clients }, () => RawBoltConnection.open(server.boltPort)));
  let seq = 0;
  return {
    name,
    op: async (c) => {
      const i = seq++;
      await conns[c].request(encodeRunPullWith('CREATE (:M {id: $id, name: $name})', new Map<string, bigint | string>([['id', BigInt(i)], ['name', `m${i}`]])), 2);
    },
    serverCpuSeconds: () => processCpuSeconds(server.pid),
    async close() {
      conns.forEach((c) => c.close());
      await server.stop();
    },
  };
}

for (const [mode, flags] of Object.entries(MODES)) {
  const rigs = [await rig(`${mode}_before`, before, flags), await rig(`${mode}_after`, undefined, flags)];
  try {
    const [b, a] = await runInterleaved(rigs, load);
    for (const r of [b, a]) {
      report({ bench: 'commit_ab', side: r.name, clients, median_ops_per_sec: r.medianOpsPerSec, server_cpu_us_per_op: r.medianCpuUsPerOp ?? -1 });
    }
    report({ bench: 'commit_ab', mode, ratio: 'after_vs_before', value: a.medianOpsPerSec / b.medianOpsPerSec, paired_median: pairedRatio(a, b), target: 0.95 });
  } finally {
    await Promise.all(rigs.map((r) => r.close()));
  }
}
