// `RETURN 1` round trips, 16 concurrent sessions: mgha through the raw Bolt client and
// through neo4j-driver, PostgreSQL's `SELECT 1` through `pg`, and the ceiling of a minimal
// Node TCP request/response loop exchanging messages of the same sizes; all four servers
// up at once and their trials interleaved, so every side gets the same minutes of this
// shared machine. Beside throughput and p50/p99 latency, each server's own CPU per
// operation (/proc; PostgreSQL: postmaster plus backends) and PG ÷ mgha of it (issue #14).
//
// A server's CPU per operation grows as its request rate falls (each request then pays a
// wake-up of its own), and neo4j-driver's client CPU holds mgha's rate far below
// PostgreSQL's on this machine. So a second interleaved run paces the light raw Bolt client
// and `pg` to the rate the driver reached: PG ÷ mgha at the same rate (`at_driver_rate`),
// beside the minimal Node TCP server paced alike (what a wake-up, a read and a write cost
// a Node process at that rate, before any Bolt or query work).
//
//   node dist/bench/roundtrip.js [--seconds=5] [--trials=3] [--clients=16]

import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import neo4j from 'neo4j-driver';
import { startServer } from '../test/helpers/server.js';
import { argNumber, report, reportCost, runInterleaved } from './lib/harness.js';
import { connectPg, startPostgres } from './lib/postgres.js';
import { processCpuSeconds } from './lib/proc-cpu.js';
import { encodeRunPull, RawBoltConnection } from './lib/raw-bolt.js';
import { PingClient, startChild } from './lib/tcp-ping.js';

const clients = argNumber('clients', 16);
const seconds = argNumber('seconds', 5);
const trials = argNumber('trials', 3);
const load = { clients, seconds, trials, warmupSeconds: 1 };

async function main(): Promise<void> {
  const server = await startServer([]);
  const postgres = await startPostgres({ durable: false });
  const request = encodeRunPull('RETURN 1');
  const conns = await Promise.all(Array.from({ length: clients }, () => RawBoltConnection.open(server.boltPort)));
  const responseSize = (await conns[0].request(request, 2)).bytes; // SUCCESS fields, RECORD, SUCCESS summary
  const baselineServer = await startChild(path.join(path.dirname(fileURLToPath(import.meta.url)), 'lib', 'tcp-ceiling-server.js'), [String(request.length), String(responseSize)]);
  const baseClients = await Promise.all(
    Array.from({ length: clients }, async () => {
      const s = net.connect({ host: '127.0.0.1', port: baselineServer.port });
      await new Promise((res) => s.once('connect', res));
      return new PingClient(s, Buffer.alloc(request.length, 2), responseSize);
    }),
  );
  const driver = neo4j.driver(server.boltUrl, neo4j.auth.basic('', ''), { maxConnectionPoolSize: clients });
  const sessions = Array.from({ length: clients }, () => driver.session());
  const pgConns = await Promise.all(Array.from({ length: clients }, () => connectPg(postgres)));
  try {
    const mghaCpu = (): number => processCpuSeconds(server.pid);
    const [raw, viaDriver, pgSide, baseline] = await runInterleaved(
      [
        { name: 'mgha_raw_bolt', op: (c) => conns[c].request(request, 2).then(() => undefined), serverCpuSeconds: mghaCpu },
        { name: 'mgha_neo4j_driver', op: async (c) => void (await sessions[c].run('RETURN 1')), serverCpuSeconds: mghaCpu },
        { name: 'postgresql', op: async (c) => void (await pgConns[c].query('SELECT 1')), serverCpuSeconds: postgres.serverCpuSeconds },
        { name: 'node_tcp_ceiling', op: (c) => baseClients[c].roundTrip(), serverCpuSeconds: () => processCpuSeconds(baselineServer.child.pid ?? -1) },
      ],
      load,
    );
    reportCost('return1', { raw, driver: viaDriver, postgresql: pgSide }, 1.0);
    report({ bench: 'return1', side: baseline.name, clients, median_ops_per_sec: baseline.medianOpsPerSec, p50_us: baseline.p50Us, p99_us: baseline.p99Us, server_cpu_us_per_op: baseline.medianCpuUsPerOp ?? -1 });
    report({ bench: 'return1', request_bytes: request.length, response_bytes: responseSize });
    report({ bench: 'return1', ratio: 'raw_throughput_vs_tcp_ceiling', value: raw.medianOpsPerSec / baseline.medianOpsPerSec, target: 0.5 });

    // Each client waits between operations so that all of them together make about the driver's rate.
    const gapMs = (clients * 1000) / viaDriver.medianOpsPerSec;
    const pause = (): Promise<void> => new Promise((res) => setTimeout(res, gapMs));
    const [rawPaced, pgPaced, basePaced] = await runInterleaved(
      [
        {
          name: 'mgha_raw_bolt_at_driver_rate',
          op: async (c) => {
            await conns[c].request(request, 2);
            await pause();
          },
          serverCpuSeconds: mghaCpu,
        },
        {
          name: 'postgresql_at_driver_rate',
          op: async (c) => {
            await pgConns[c].query('SELECT 1');
            await pause();
          },
          serverCpuSeconds: postgres.serverCpuSeconds,
        },
        // The floor of any Node server at this rate: a wake-up, a read and a write per request.
        {
          name: 'node_tcp_ceiling_at_driver_rate',
          op: async (c) => {
            await baseClients[c].roundTrip();
            await pause();
          },
          serverCpuSeconds: () => processCpuSeconds(baselineServer.child.pid ?? -1),
        },
      ],
      load,
    );
    for (const r of [rawPaced, pgPaced, basePaced]) {
      report({ bench: 'return1', side: r.name, clients, median_ops_per_sec: r.medianOpsPerSec, server_cpu_us_per_op: r.medianCpuUsPerOp ?? -1 });
    }
    const pacedCpu = (r: typeof raw): number => r.medianCpuUsPerOp ?? NaN;
    report({ bench: 'return1', ratio: 'server_cpu_pg_over_mgha', client: 'raw_bolt_at_driver_rate', mgha_us: pacedCpu(rawPaced), pg_us: pacedCpu(pgPaced), value: pacedCpu(pgPaced) / pacedCpu(rawPaced) });
  } finally {
    conns.forEach((c) => c.close());
    baseClients.forEach((c) => c.close());
    baselineServer.child.kill('SIGTERM');
    await Promise.all(sessions.map((s) => s.close()));
    await driver.close();
    await Promise.all(pgConns.map((c) => c.end()));
    postgres.stop();
    await server.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
