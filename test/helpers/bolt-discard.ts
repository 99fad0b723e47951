// A Bolt 4.4 client on a raw socket that runs one query and discards its records (counting
// them), for heavy-query tests: neo4j-driver would spend minutes building ten million
// Integer objects, and the test would measure its own decoding instead of the server.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { chunk } from '../../dataplane/bolt/chunking.js';
import { Packer } from '../../dataplane/bolt/packstream.js';
import type { Value } from '../../dataplane/values/model.js';
import { BoltStreamCounter } from './bolt-stream-counter.js';
import { repoRoot } from './repo-root.js';

const SUCCESS = 0x70;

export interface Pulled {
  /** RECORD messages received. */
  rows: number;
  /** Length of the first record's single list value, if it was one. */
  firstListLength: number | null;
}

function message(tag: number, ...fields: Value[]): Buffer {
  const p = new Packer({ elementIds: true, utcDateTime: true });
  p.packStructHeader(fields.length, tag);
  for (const f of fields) p.pack(f);
  return chunk(p.take());
}

export interface PullOptions {
  /**
   * Records per PULL: 1000 is neo4j-driver's default fetch size (a PULL, a batch, the next
   * PULL once it arrived); -1 asks for everything at once, as mgclient does.
   */
  fetchSize?: number;
  timeoutMs?: number;
}

/** HELLO, RUN query, then PULL until the last SUCCESS (rejects on FAILURE). */
export function pullDiscarding(port: number, query: string, options: PullOptions = {}): Promise<Pulled> {
  const fetchSize = BigInt(options.fetchSize ?? 1000);
  const timeoutMs = options.timeoutMs ?? 600_000;
  const pull = message(0x3f, new Map<string, Value>([['n', fetchSize]]));
  const handshake = Buffer.from('6060b01700000404000000000000000000000000', 'hex');
  const requests = Buffer.concat([
    handshake,
    message(0x01, new Map<string, Value>([['user_agent', 'mgha-test-discard/1'], ['scheme', 'none']])),
    message(0x10, query, new Map<string, Value>(), new Map<string, Value>()),
    pull,
  ]);
  const counter = new BoltStreamCounter();
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let versionBytes = 4;
    let seen = 0;
    const fail = (e: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(e);
    };
    const timer = setTimeout(() => fail(new Error(`no end of the stream of ${query} in ${timeoutMs} ms`)), timeoutMs);
    socket.on('data', (d: Buffer) => {
      if (versionBytes > 0) {
        const skip = Math.min(versionBytes, d.length);
        versionBytes -= skip;
        d = d.subarray(skip);
      }
      counter.feed(d);
      for (; seen < counter.summaries.length; seen++) {
        const { tag, fields } = counter.summaries[seen];
        const meta = fields[0];
        if (tag !== SUCCESS) {
          const text = meta instanceof Map ? `${String(meta.get('code'))}: ${String(meta.get('message'))}` : `message 0x${tag.toString(16)}`;
          return fail(new Error(text));
        }
        // HELLO's and RUN's SUCCESS come first; then each PULL ends in one.
        if (seen < 2) continue;
        if (meta instanceof Map && meta.get('has_more') === true) socket.write(pull);
        else {
          clearTimeout(timer);
          socket.end(message(0x02));
          return resolve({ rows: counter.records, firstListLength: counter.firstListLength });
        }
      }
    });
    socket.on('error', fail);
    socket.on('connect', () => socket.write(requests));
  });
}

/**
 * pullDiscarding in a child process (dist/test/helpers/bolt-pull-process.js): the test's
 * own event loop, which times the other client, stays free of the stream's reading.
 */
export function pullDiscardingElsewhere(port: number, query: string, options: PullOptions = {}): Promise<Pulled> {
  const script = path.join(repoRoot, 'dist', 'test', 'helpers', 'bolt-pull-process.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, String(port), String(options.fetchSize ?? 1000), query], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Pulled) : reject(new Error(`the pulling client exited ${code}`))));
  });
}
