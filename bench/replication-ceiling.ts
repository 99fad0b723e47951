// The replication ceiling on this machine (issue #9): how close to standalone can MAIN get
// with replicas that do no work at all? Setups, interleaved (runInterleaved), 8 raw-Bolt
// clients doing single-node CREATEs against a real MAIN:
//   standalone        no replicas
//   async, sync       two real `mgha` replicas (as bench/replication.ts)
//   async_null,       two null replicas (bench/lib/null-replica.ts, separate processes):
//   sync_null         they answer AppendRecords at once, with no decode, apply or WAL write
// Per setup: commits/s, × standalone paired per round, p50/p99, server CPU per commit (MAIN
// and replicas apart). The null setups bound
// what any replica could reach with this MAIN, these clients and this kernel on 2 cores.
//
//   node dist/bench/replication-ceiling.js [--seconds=5] [--trials=5] [--clients=8]

import { execFileSync } from 'node:child_process';
import { argNumber, pairedRatio, report, runInterleaved, type Operation } from './lib/harness.js';
import { processCpuSeconds } from './lib/proc-cpu.js';
import { encodeRunPullWith, RawBoltConnection } from './lib/raw-bolt.js';
import { startReplicatedMain, type ReplicationMode } from './lib/replication-rig.js';

const clients = argNumber('clients', 8);
const load = { clients, seconds: argNumber('seconds', 5), trials: argNumber('trials', 5), warmupSeconds: 1 };
const FLAGS = ['--storage-snapshot-on-exit=false', '--log-level=WARNING'];
const pin = process.argv.includes('--pin');

/** --pin: MAIN alone on CPU 0; replicas and this load generator on CPU 1 (every thread). */
function pinTo(pid: number, cpu: number): void {
  if (pin) execFileSync('taskset', ['-a', '-pc', String(cpu), String(pid)], { stdio: 'ignore' });
}

interface Rig {
  name: string;
  op: Operation;
  serverCpuSeconds(): number;
  split(): { main: number; replicas: number; ops: number };
  close(): Promise<void>;
}

async function rig(name: string, mode: ReplicationMode | null, nullReplicas: boolean): Promise<Rig> {
  const { main, replicaPids, close: stop } = await startReplicatedMain(mode, FLAGS, { nullReplicas });
  pinTo(main.pid, 0);
  replicaPids.forEach((pid) => pinTo(pid, 1));
  const conns = await Promise.all(Array.from({ length: clients }, () => RawBoltConnection.open(main.boltPort)));
  let seq = 0;
  const mainCpu = (): number => processCpuSeconds(main.pid);
  const replicaCpu = (): number => replicaPids.reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
  return {
    name,
    serverCpuSeconds: () => mainCpu() + replicaCpu(),
    split: () => ({ main: mainCpu(), replicas: replicaCpu(), ops: seq }),
    op: async (c) => {
      const i = seq++;
      const params = new Map<string, bigint | string>([['id', BigInt(i)], ['name', `m${i}`]]);
      await conns[c].request(encodeRunPullWith('CREATE (:M {id: $id, name: $name})', params), 2);
    },
    async close() {
      conns.forEach((c) => c.close());
      await stop();
    },
  };
}

async function main(): Promise<void> {
  const rigs: Rig[] = [];
  pinTo(process.pid, 1);
  try {
    rigs.push(await rig('standalone', null, false));
    rigs.push(await rig('async', 'ASYNC', false));
    rigs.push(await rig('async_null', 'ASYNC', true));
    rigs.push(await rig('sync', 'SYNC', false));
    rigs.push(await rig('sync_null', 'SYNC', true));
    const s0 = rigs.map((r) => r.split());
    const results = await runInterleaved(rigs, load);
    const s1 = rigs.map((r) => r.split());
    const standalone = results[0];
    for (const [i, r] of results.entries()) {
      const ops = s1[i].ops - s0[i].ops;
      report({
        bench: 'replication_ceiling',
        side: r.name,
        clients,
        median_ops_per_sec: r.medianOpsPerSec,
        vs_standalone: pairedRatio(r, standalone),
        p50_ms: r.p50Us / 1000,
        p99_ms: r.p99Us / 1000,
        main_cpu_us_per_commit: ((s1[i].main - s0[i].main) * 1e6) / ops,
        replicas_cpu_us_per_commit: ((s1[i].replicas - s0[i].replicas) * 1e6) / ops,
      });
    }
  } finally {
    await Promise.all(rigs.map((r) => r.close()));
  }
}

void main();
