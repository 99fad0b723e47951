// `RETURN 1` round trips per second, 16 concurrent sessions, against the ceiling of a
// minimal Node TCP request/response loop exchanging messages of the same sizes.
// Prints BENCH lines; the ratio uses the raw Bolt client (same client shape as the
// baseline); the neo4j-driver figure shows what an application sees.
//
//   node dist/bench/roundtrip.js [--seconds=5] [--trials=3] [--clients=16]

import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import neo4j from 'neo4j-driver';
import { startServer } from '../test/helpers/server.js';
import { argNumber, report, runLoad } from './lib/harness.js';
import { encodeRunPull, RawBoltConnection } from './lib/raw-bolt.js';

const clients = argNumber('clients', 16);
const seconds = argNumber('seconds', 5);
const trials = argNumber('trials', 3);
const load = { clients, seconds, trials, warmupSeconds: 1 };

/** Starts the minimal TCP request/response server in a child process; resolves with its port. */
async function startBaseline(requestSize: number, responseSize: number): Promise<{ port: number; child: ChildProcess }> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lib', 'tcp-ceiling-server.js');
  const child = spawn(process.execPath, [script, String(requestSize), String(responseSize)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((res, rej) => {
    child.stdout?.once('data', (d: Buffer) => res(Number(d.toString().trim())));
    child.once('exit', (code) => rej(new Error(`baseline server exited with ${code}`)));
  });
  return { port, child };
}

class BaselineClient {
  private got = 0;
  private resolve: (() => void) | null = null;
  constructor(
    private readonly socket: net.Socket,
    private readonly request: Buffer,
    private readonly responseSize: number,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (d) => {
      this.got += d.length;
      if (this.got >= this.responseSize) {
        this.got -= this.responseSize;
        const r = this.resolve;
        this.resolve = null;
        r?.();
      }
    });
  }
  close(): void {
    this.socket.destroy();
  }
  roundTrip(): Promise<void> {
    return new Promise((res) => {
      this.resolve = res;
      this.socket.write(this.request);
    });
  }
}

async function main(): Promise<void> {
  const server = await startServer([]);
  try {
    const request = encodeRunPull('RETURN 1');
    const conns = await Promise.all(Array.from({ length: clients }, () => RawBoltConnection.open(server.boltPort)));
    const responseSize = (await conns[0].request(request, 2)).bytes; // SUCCESS fields, RECORD, SUCCESS summary

    const mgha = await runLoad('mgha_raw_bolt', (c) => conns[c].request(request, 2).then(() => undefined), load);
    conns.forEach((c) => c.close());

    const baselineServer = await startBaseline(request.length, responseSize);
    const port = baselineServer.port;
    const baseClients = await Promise.all(
      Array.from({ length: clients }, async () => {
        const s = net.connect({ host: '127.0.0.1', port });
        await new Promise((res) => s.once('connect', res));
        return new BaselineClient(s, Buffer.alloc(request.length, 2), responseSize);
      }),
    );
    const baseline = await runLoad('node_tcp_ceiling', (c) => baseClients[c].roundTrip(), load);
    baselineServer.child.kill('SIGTERM');
    baseClients.forEach((c) => c.close());

    const driver = neo4j.driver(server.boltUrl, neo4j.auth.basic('', ''), { maxConnectionPoolSize: clients });
    const sessions = Array.from({ length: clients }, () => driver.session());
    const viaDriver = await runLoad('mgha_neo4j_driver', async (c) => {
      await sessions[c].run('RETURN 1');
    }, load);
    await Promise.all(sessions.map((s) => s.close()));
    await driver.close();

    for (const r of [mgha, baseline, viaDriver]) {
      report({ bench: 'return1_roundtrip', side: r.name, clients, median_ops_per_sec: r.medianOpsPerSec, trials: r.trials.map((t) => t.opsPerSec.toFixed(0)).join(',') });
    }
    report({ bench: 'return1_roundtrip', request_bytes: request.length, response_bytes: responseSize });
    report({ bench: 'return1_roundtrip', ratio_vs_ceiling: mgha.medianOpsPerSec / baseline.medianOpsPerSec, target: 0.5 });
  } finally {
    await server.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
