// Where MAIN's and a replica's CPU goes under the replication benchmark's load (issue #9):
// MAIN and two replicas in one mode run under `node --cpu-prof`; 8 raw-Bolt clients send
// single-node CREATEs; then every process is stopped and the functions with the most self
// time during the load are printed per process, with CPU per commit.
//
//   node dist/bench/profile-replication.js [--mode=SYNC|ASYNC|STRICT_SYNC|standalone] [--seconds=5] [--clients=8] [--top=30]
//        [--flags="--storage-wal-file-flush-every-n-tx=1"] [--null]
// --null: the replicas are null replicas (bench/lib/null-replica.ts); only MAIN is profiled.
// The .cpuprofile files stay in the printed directories (open them in Chrome DevTools).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestServer } from '../test/helpers/server.js';
import { argNumber, runLoad } from './lib/harness.js';
import { profileIn, topSelfTime } from './lib/cpu-profile.js';
import { processCpuSeconds } from './lib/proc-cpu.js';
import { encodeRunPullWith, RawBoltConnection } from './lib/raw-bolt.js';
import { startReplicatedMain, type ReplicationMode } from './lib/replication-rig.js';

const arg = (name: string, fallback: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const modeArg = arg('mode', 'SYNC');
const mode = modeArg === 'standalone' ? null : (modeArg as ReplicationMode);
const clients = argNumber('clients', 8);
const top = argNumber('top', 30);
const flags = ['--storage-snapshot-on-exit=false', '--log-level=WARNING', ...arg('flags', '').split(' ').filter((f) => f !== '')];

async function main(): Promise<void> {
  const profRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-replprof-'));
  let n = 0;
  // Each process profiles into its own directory, so its file is found by where it is.
  const dirs = new Map<number, string>();
  const rig = await startReplicatedMain(mode, flags, {
    nullReplicas: process.argv.includes('--null'),
    startOptions: {
      get nodeArgs() {
        const dir = path.join(profRoot, `p${n++}`);
        fs.mkdirSync(dir);
        return ['--cpu-prof', '--cpu-prof-interval=250', `--cpu-prof-dir=${dir}`];
      },
    },
  });
  const servers: [string, TestServer][] = [['main', rig.main], ...rig.replicas.map((r, i): [string, TestServer] => [`replica${i}`, r])];
  // startServer reads nodeArgs once per process, in start order: main, replica0, replica1.
  servers.forEach(([, s], i) => dirs.set(s.pid, path.join(profRoot, `p${i}`)));
  const conns = await Promise.all(Array.from({ length: clients }, () => RawBoltConnection.open(rig.main.boltPort)));
  let seq = 0;
  const op = async (c: number): Promise<void> => {
    const i = seq++;
    await conns[c].request(encodeRunPullWith('CREATE (:M {id: $id, name: $name})', new Map<string, bigint | string>([['id', BigInt(i)], ['name', `m${i}`]])), 2);
  };
  await runLoad('warmup', op, { clients, seconds: 1, trials: 1 });
  const cpu0 = servers.map(([, s]) => processCpuSeconds(s.pid));
  const loadStart = performance.now();
  const r = await runLoad(modeArg, op, { clients, seconds: argNumber('seconds', 5), trials: 1 });
  const loadEnd = performance.now();
  const commits = r.trials[0].ops;
  const cpu = servers.map(([, s], i) => ((processCpuSeconds(s.pid) - cpu0[i]) * 1e6) / commits);
  conns.forEach((c) => c.close());
  console.log(`${modeArg}: ${r.medianOpsPerSec.toFixed(0)} commits/s, p50 ${r.p50Us.toFixed(0)} µs p99 ${r.p99Us.toFixed(0)} µs`);
  // SIGTERM one by one (the profile is written on a clean exit), each window from its own exit.
  for (const [i, [name, s]] of servers.entries()) {
    await s.stop();
    const exited = performance.now();
    const file = profileIn(dirs.get(s.pid) as string);
    console.log(`\n== ${name}: ${cpu[i].toFixed(1)} µs CPU per commit — ${file}`);
    // Self time as a share of the process's CPU, and as µs per commit (comparable across modes).
    for (const { share, fn } of topSelfTime(file, { from: exited - loadStart, to: exited - loadEnd }, top)) {
      console.log(`${share.toFixed(1).padStart(5)}% ${((share / 100) * cpu[i]).toFixed(1).padStart(6)} µs  ${fn}`);
    }
  }
  // What is left: null replicas (the servers above exited already).
  await rig.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
