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
import { argNumber, pairedRatio, report, runInterleaved } from './lib/harness.js';
import { loadedRig, type LoadedRig, type ReplicationMode } from './lib/replication-rig.js';

const clients = argNumber('clients', 8);
const load = { clients, seconds: argNumber('seconds', 5), trials: argNumber('trials', 5), warmupSeconds: 1 };
const FLAGS = ['--storage-snapshot-on-exit=false', '--log-level=WARNING'];
const pin = process.argv.includes('--pin');

/** --pin: MAIN alone on CPU 0; replicas and this load generator on CPU 1 (every thread). */
function pinTo(pid: number, cpu: number): void {
  if (pin) execFileSync('taskset', ['-a', '-pc', String(cpu), String(pid)], { stdio: 'ignore' });
}

async function rig(name: string, mode: ReplicationMode | null, nullReplicas: boolean): Promise<LoadedRig> {
  const r = await loadedRig(name, mode, FLAGS, clients, { nullReplicas });
  pinTo(r.main.pid, 0);
  r.replicaPids.forEach((pid) => pinTo(pid, 1));
  return r;
}

async function main(): Promise<void> {
  const rigs: LoadedRig[] = [];
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
