// RPC round trips per second of a small request (Echo "ping"), 16 concurrent callers,
// against the ceiling of a minimal Node TCP request/response loop exchanging messages of
// the same sizes (bench/lib/tcp-ceiling-server, one connection per caller); then file
// transfer throughput. Servers run in their own processes. Prints BENCH lines.
//
//   node dist/bench/rpc.js [--seconds=5] [--trials=3] [--clients=16] [--file-mb=256]

import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RpcClient } from '../dataplane/rpc/client.js';
import { encodeFrame } from '../dataplane/rpc/frame.js';
import { FrameKind } from '../dataplane/rpc/types.js';
import { Echo, Upload } from '../test/helpers/rpc-fixtures.js';
import { argNumber, pairedRatio, report, runInterleaved } from './lib/harness.js';
import { PingClient, startChild } from './lib/tcp-ping.js';

const clients = argNumber('clients', 16);
const seconds = argNumber('seconds', 5);
const trials = argNumber('trials', 3);
const fileMb = argNumber('file-mb', 256);
const here = path.dirname(fileURLToPath(import.meta.url));

async function roundTrips(): Promise<void> {
  const ping = { text: 'ping' };
  const requestBytes = encodeFrame(FrameKind.Request, 1, Echo.type, (w) => Echo.request.write(w, ping)).length;
  const responseBytes = encodeFrame(FrameKind.Response, 1, Echo.type, (w) => Echo.response.write(w, ping)).length;

  const rpcServer = await startChild(path.join(here, '..', 'test', 'helpers', 'rpc-server-process.js'), ['0']);
  const ceiling = await startChild(path.join(here, 'lib', 'tcp-ceiling-server.js'), [String(requestBytes), String(responseBytes)]);
  const shared = new RpcClient({ host: '127.0.0.1', port: rpcServer.port });
  const perCaller = Array.from({ length: clients }, () => new RpcClient({ host: '127.0.0.1', port: rpcServer.port }));
  const pings = await Promise.all(
    Array.from({ length: clients }, async () => {
      const s = net.connect({ host: '127.0.0.1', port: ceiling.port });
      await new Promise((res) => s.once('connect', res));
      return new PingClient(s, Buffer.alloc(requestBytes, 2), responseBytes);
    }),
  );
  try {
    const [rpcShared, rpcPerCaller, raw] = await runInterleaved(
      [
        { name: 'rpc_one_connection', op: () => shared.call(Echo, ping).then(() => undefined) },
        { name: 'rpc_connection_per_caller', op: (c) => perCaller[c].call(Echo, ping).then(() => undefined) },
        { name: 'node_tcp_ceiling', op: (c) => pings[c].roundTrip() },
      ],
      { clients, seconds, trials, warmupSeconds: 1 },
    );
    for (const r of [rpcShared, rpcPerCaller, raw]) {
      report({ bench: 'rpc_roundtrip', side: r.name, clients, median_ops_per_sec: r.medianOpsPerSec, trials: r.trials.map((t) => t.opsPerSec.toFixed(0)).join(',') });
    }
    report({ bench: 'rpc_roundtrip', request_bytes: requestBytes, response_bytes: responseBytes });
    report({ bench: 'rpc_roundtrip', ratio_vs_ceiling: pairedRatio(rpcShared, raw), ratio_per_caller_vs_ceiling: pairedRatio(rpcPerCaller, raw) });
  } finally {
    await Promise.all([shared.close(), ...perCaller.map((c) => c.close())]);
    pings.forEach((p) => p.close());
    rpcServer.child.kill('SIGTERM');
    ceiling.child.kill('SIGTERM');
  }
}

/** Writes `mb` MiB of incompressible bytes without holding them in memory at once. */
function writeFile(file: string, mb: number): void {
  const block = Buffer.alloc(1 << 20);
  for (let i = 0; i < block.length; i++) block[i] = (i * 2654435761) >>> 24;
  const fd = fs.openSync(file, 'w');
  for (let i = 0; i < mb; i++) {
    block.writeUInt32LE(i, 0);
    fs.writeSync(fd, block);
  }
  fs.closeSync(fd);
}

async function fileStream(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-bench-rpc-'));
  const inbox = path.join(dir, 'inbox');
  fs.mkdirSync(inbox);
  const source = path.join(dir, 'source');
  writeFile(source, fileMb);
  const server = await startChild(path.join(here, '..', 'test', 'helpers', 'rpc-server-process.js'), ['0', inbox]);
  const client = new RpcClient({ host: '127.0.0.1', port: server.port });
  try {
    const rates: number[] = [];
    for (let t = 0; t < trials; t++) {
      const started = performance.now();
      await client.sendFile(Upload, { name: `copy-${t}` }, source, { timeoutMs: 60_000 });
      rates.push(fileMb / ((performance.now() - started) / 1000));
      fs.rmSync(path.join(inbox, `copy-${t}`));
    }
    // Context: the same bytes copied (and fsynced, as a transfer is) on this disk, no network.
    const copyStarted = performance.now();
    fs.copyFileSync(source, path.join(inbox, 'fs-copy'));
    const fd = fs.openSync(path.join(inbox, 'fs-copy'), 'r+');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    const copyRate = fileMb / ((performance.now() - copyStarted) / 1000);
    const sorted = [...rates].sort((a, b) => a - b);
    report({ bench: 'rpc_file_stream', file_mb: fileMb, median_mb_per_sec: sorted[sorted.length >> 1], trials: rates.map((r) => r.toFixed(0)).join(','), fs_copy_mb_per_sec: copyRate });
  } finally {
    await client.close();
    server.child.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  await roundTrips();
  await fileStream();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
