// A MAIN with two replicas in one mode (or none), all real `mgha` processes on 127.0.0.1,
// for the replication benchmark and its profiler: started, registered with Memgraph's
// queries, and waited for until MAIN reports every replica `ready`. With `nullReplicas`
// the replicas are bench/lib/null-replica.ts processes instead (the ceiling: replicas that
// cost nothing; bench/replication-ceiling.ts).

import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/helpers/ports.js';
import { startServer, type StartOptions, type TestServer } from '../../test/helpers/server.js';
import type { Operation } from './harness.js';
import { processCpuSeconds } from './proc-cpu.js';
import { encodeRunPullWith, RawBoltConnection } from './raw-bolt.js';

export type ReplicationMode = 'ASYNC' | 'SYNC' | 'STRICT_SYNC';

export interface ReplicatedMain {
  main: TestServer;
  /** The `mgha` replicas (none with null replicas). */
  replicas: TestServer[];
  /** Every replica process, `mgha` or null. */
  replicaPids: number[];
  close(): Promise<void>;
}

/** A null replica process on a free port, once it listens. */
async function startNullReplica(): Promise<{ port: number; pid: number; kill(): Promise<void> }> {
  const port = await freePort();
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'null-replica.js');
  const child = spawn(process.execPath, [script, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => d.includes('listening') && resolve());
    child.once('exit', (code) => reject(new Error(`null replica exited with ${code}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    port,
    pid: child.pid as number,
    kill: () => {
      child.kill('SIGKILL');
      return exited;
    },
  };
}

/** One auto-commit query through the raw Bolt client. */
export async function rawQuery(server: TestServer, text: string): Promise<void> {
  const conn = await RawBoltConnection.open(server.boltPort);
  try {
    await conn.request(encodeRunPullWith(text, new Map()), 2);
  } finally {
    conn.close();
  }
}

/** Replicas MAIN reports `ready`, from its Prometheus state gauge. */
async function readyReplicas(main: TestServer): Promise<number> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${main.metricsPort}/metrics`)).text();
    return [...text.matchAll(/^mgha_replica_state\{[^}]*state="ready"[^}]*\} 1$/gm)].length;
  } catch {
    return 0;
  }
}

export async function startReplicatedMain(
  mode: ReplicationMode | null,
  flags: string[],
  options: { replicas?: number; startOptions?: StartOptions; nullReplicas?: boolean } = {},
): Promise<ReplicatedMain> {
  const main = await startServer(flags, options.startOptions);
  const replicas: TestServer[] = [];
  const nulls: Awaited<ReturnType<typeof startNullReplica>>[] = [];
  const close = async (): Promise<void> => {
    await Promise.all([main, ...replicas, ...nulls].map((s) => s.kill()));
  };
  try {
    if (mode !== null) {
      const n = options.replicas ?? 2;
      for (let i = 0; i < n; i++) {
        let port: number;
        if (options.nullReplicas === true) {
          const r = await startNullReplica();
          nulls.push(r);
          port = r.port;
        } else {
          const r = await startServer(flags, options.startOptions);
          replicas.push(r);
          port = await freePort();
          await rawQuery(r, `SET REPLICATION ROLE TO REPLICA WITH PORT ${port}`);
        }
        await rawQuery(main, `REGISTER REPLICA r${i} ${mode} TO "127.0.0.1:${port}"`);
      }
      const deadline = Date.now() + 15_000;
      while ((await readyReplicas(main)) < n) {
        if (Date.now() > deadline) throw new Error(`replicas of the ${mode} rig not ready within 15 s`);
        await new Promise((res) => setTimeout(res, 100));
      }
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { main, replicas, replicaPids: [...replicas, ...nulls].map((r) => r.pid), close };
}

/** A replication setup under load: `clients` raw-Bolt connections to MAIN, each op one single-node CREATE. */
export interface LoadedRig {
  name: string;
  main: TestServer;
  replicaPids: number[];
  op: Operation;
  /** MAIN and the replicas together, for the harness's CPU per trial. */
  serverCpuSeconds(): number;
  /** CPU seconds of MAIN and of the replicas, and operations run, since the rig started. */
  split(): { main: number; replicas: number; ops: number };
  close(): Promise<void>;
}

export async function loadedRig(
  name: string,
  mode: ReplicationMode | null,
  flags: string[],
  clients: number,
  options: { startOptions?: StartOptions; nullReplicas?: boolean } = {},
): Promise<LoadedRig> {
  const rig = await startReplicatedMain(mode, flags, options);
  const conns = await Promise.all(Array.from({ length: clients }, () => RawBoltConnection.open(rig.main.boltPort)));
  let seq = 0;
  const mainCpu = (): number => processCpuSeconds(rig.main.pid);
  const replicaCpu = (): number => rig.replicaPids.reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
  return {
    name,
    main: rig.main,
    replicaPids: rig.replicaPids,
    serverCpuSeconds: () => mainCpu() + replicaCpu(),
    split: () => ({ main: mainCpu(), replicas: replicaCpu(), ops: seq }),
    op: async (c) => {
      const i = seq++;
      const params = new Map<string, bigint | string>([['id', BigInt(i)], ['name', `m${i}`]]);
      await conns[c].request(encodeRunPullWith('CREATE (:M {id: $id, name: $name})', params), 2);
    },
    async close() {
      conns.forEach((c) => c.close());
      await rig.close();
    },
  };
}
