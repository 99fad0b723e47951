// Syscalls per commit and per SYNC call on MAIN and on one replica (issue #9), for one or
// two builds: a MAIN with 2 SYNC replicas under 8 raw-Bolt clients; `strace -f -c` attaches
// to MAIN and to the first replica for a window of the load. Calls are counted from MAIN's
// RPC histogram (mgha_replication_rpc_duration_seconds count of AppendRecords, both replicas).
//
//   node dist/bench/sync-syscalls.js [--before=<other build's main.js>] [--seconds=4] [--mode=SYNC]

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestServer } from '../test/helpers/server.js';
import { argNumber, runLoad } from './lib/harness.js';
import { processCpuSeconds } from './lib/proc-cpu.js';
import { encodeRunPullWith, RawBoltConnection } from './lib/raw-bolt.js';
import { startReplicatedMain, type ReplicationMode } from './lib/replication-rig.js';

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const seconds = argNumber('seconds', 4);
const mode = (arg('mode') ?? 'SYNC') as ReplicationMode;
const FLAGS = ['--storage-snapshot-on-exit=false', '--log-level=WARNING'];

async function appendCalls(main: TestServer): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${main.metricsPort}/metrics`)).text();
  let n = 0;
  for (const m of text.matchAll(/^mgha_\w*rpc\w*_count\{([^}]*)\} (\d+)$/gm)) if (m[1].includes('AppendRecords')) n += Number(m[2]);
  return n;
}

/** strace -c of `pid` until `stop` settles; resolves to syscall name → calls. */
function straceCounts(pid: number, stop: Promise<void>): Promise<Map<string, number>> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-strace-')), 'c.txt');
  const child = spawn('strace', ['-f', '-c', '-o', out, '-p', String(pid)], { stdio: 'ignore' });
  void stop.then(() => child.kill('SIGINT'));
  return new Promise((resolve) => {
    child.on('exit', () => {
      const counts = new Map<string, number>();
      for (const line of fs.readFileSync(out, 'utf8').split('\n')) {
        const f = line.trim().split(/\s+/);
        // % time, seconds, usecs/call, calls, [errors], syscall
        if (f.length >= 5 && /^\d+$/.test(f[3]) && f[f.length - 1] !== 'total') counts.set(f[f.length - 1], Number(f[3]));
      }
      resolve(counts);
    });
  });
}

async function measure(label: string, mainJs: string | undefined): Promise<void> {
  const rig = await startReplicatedMain(mode, FLAGS, { startOptions: mainJs === undefined ? {} : { mainJs } });
  try {
    const conns = await Promise.all(Array.from({ length: 8 }, () => RawBoltConnection.open(rig.main.boltPort)));
    let seq = 0;
    let commits = 0;
    const op = async (c: number): Promise<void> => {
      const i = seq++;
      await conns[c].request(encodeRunPullWith('CREATE (:M {id: $id, name: $name})', new Map<string, bigint | string>([['id', BigInt(i)], ['name', `m${i}`]])), 2);
      commits++;
    };
    await runLoad('warmup', op, { clients: 8, seconds: 1, trials: 1 });
    let stopped!: () => void;
    const stop = new Promise<void>((res) => (stopped = res));
    const procs: [string, TestServer][] = [['main', rig.main], ['replica', rig.replicas[0]]];
    const traces = procs.map(([, s]) => straceCounts(s.pid, stop));
    await new Promise((res) => setTimeout(res, 300)); // strace attached
    const calls0 = await appendCalls(rig.main);
    const commits0 = commits;
    const cpu0 = procs.map(([, s]) => processCpuSeconds(s.pid));
    const load = runLoad(label, op, { clients: 8, seconds, trials: 1 });
    await new Promise((res) => setTimeout(res, seconds * 1000 - 200));
    const calls = ((await appendCalls(rig.main)) - calls0) / 2;
    const n = commits - commits0;
    const cpu = procs.map(([, s], i) => ((processCpuSeconds(s.pid) - cpu0[i]) * 1e6) / n);
    stopped();
    const counts = await Promise.all(traces);
    await load;
    conns.forEach((c) => c.close());
    const top = (m: Map<string, number>): string =>
      [...m.entries()]
        .filter(([k]) => !['futex', 'rt_sigprocmask', 'getpid', 'tgkill', 'rt_sigreturn', 'madvise', 'mprotect', 'munmap', 'mmap', 'brk'].includes(k))
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([k, v]) => `${k}=${(v / calls).toFixed(2)}`)
        .join(' ');
    console.log(`${label}: ${n} commits, ${calls.toFixed(0)} ${mode} calls per replica (${(n / calls).toFixed(2)} commits per call); CPU µs per call: main ${((cpu[0] * n) / calls).toFixed(0)}, replica ${((cpu[1] * n) / calls).toFixed(0)} (strace attached)`);
    counts.forEach((m, i) => console.log(`  ${procs[i][0]} syscalls per call: ${top(m)}; futex ${((m.get('futex') ?? 0) / calls).toFixed(2)}`));
  } finally {
    await rig.close();
  }
}

await measure('after', undefined);
const before = arg('before');
if (before !== undefined) await measure('before', before);
