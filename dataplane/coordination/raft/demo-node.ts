// A standalone Raft member with a key-value state machine and a small HTTP API on loopback,
// for the multi-process tests and the benchmark:
//   node dist/dataplane/coordination/raft/demo-node.js --id 1 --dir /tmp/r1 \
//     --peers 1=127.0.0.1:7001,2=127.0.0.1:7002,3=127.0.0.1:7003 --http-port 8001 \
//     [--tick-ms 10] [--election-ticks 10] [--heartbeat-ticks 1]
// HTTP: GET /status, POST /put?key=K&value=V (leader), GET /get?key=K (ReadIndex), GET /values
// (every applied value, in order). Role changes are logged as JSON lines: {"msg":"raft role","raftRole":...,"term":...}.

import http from 'node:http';
import { createLogger } from '../../log.js';
import { NotLeaderError, RaftNode, type StateMachine } from './node.js';
import { TcpTransport, type PeerAddress } from './transport.js';
import type { Entry, NodeId } from './types.js';

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : fallback;
  if (v === undefined) throw new Error(`missing --${name}`);
  return v;
}

class KvMachine implements StateMachine {
  kv = new Map<string, string>();
  values: string[] = [];

  apply(entry: Entry): void {
    const { key, value } = JSON.parse(Buffer.from(entry.data).toString('utf8')) as { key: string; value: string };
    this.kv.set(key, value);
    this.values.push(value);
  }

  snapshot(): Uint8Array {
    return Buffer.from(JSON.stringify({ kv: Object.fromEntries(this.kv), values: this.values }));
  }

  restore(data: Uint8Array): void {
    const s = JSON.parse(Buffer.from(data).toString('utf8')) as { kv: Record<string, string>; values: string[] };
    this.kv = new Map(Object.entries(s.kv));
    this.values = s.values;
  }
}

async function main(): Promise<void> {
  const id: NodeId = Number(arg('id'));
  const peers = new Map<NodeId, PeerAddress>();
  for (const part of arg('peers').split(',')) {
    const [pid, addr] = part.split('=');
    const [host, port] = addr.split(':');
    peers.set(Number(pid), { host, port: Number(port) });
  }
  const self = peers.get(id);
  if (self === undefined) throw new Error(`--peers lacks ${id}`);
  const logger = createLogger({ level: 'info', instance: `raft-${id}`, role: 'coordinator', alsoToStderr: false });
  const transport = new TcpTransport(peers);
  await transport.listen(self);
  transport.connectAll(id);
  const sm = new KvMachine();
  const node = new RaftNode({
    id,
    initialMembers: [...peers.keys()],
    dir: arg('dir'),
    transport,
    stateMachine: sm,
    tickMs: Number(arg('tick-ms', '10')),
    electionTicks: Number(arg('election-ticks', '10')),
    heartbeatTicks: Number(arg('heartbeat-ticks', '1')),
    snapshotEvery: Number(arg('snapshot-every', '200')),
    logger,
  });
  node.start();

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const failed = (err: unknown): void => {
      if (err instanceof NotLeaderError) reply(421, { error: 'not leader', leader: err.leader });
      else reply(503, { error: err instanceof Error ? err.message : String(err) });
    };
    if (url.pathname === '/status') return reply(200, node.status());
    if (url.pathname === '/values') return reply(200, sm.values);
    if (url.pathname === '/put' && req.method === 'POST') {
      const key = url.searchParams.get('key') ?? '';
      const value = url.searchParams.get('value') ?? '';
      node.propose(Buffer.from(JSON.stringify({ key, value }))).then((index) => reply(200, { index }), failed);
      return;
    }
    if (url.pathname === '/get') {
      const key = url.searchParams.get('key') ?? '';
      node.readIndex().then(() => reply(200, { value: sm.kv.get(key) ?? null }), failed);
      return;
    }
    reply(404, { error: 'not found' });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(Number(arg('http-port')), '127.0.0.1', () => logger.info({ id }, 'raft demo node ready'));
  const shutdown = (): void => {
    server.close();
    void node.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
