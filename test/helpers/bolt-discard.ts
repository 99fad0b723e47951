// A Bolt 4.4 client on a raw socket that runs one query and discards its records (counting
// them), for heavy-query tests: neo4j-driver would spend minutes building ten million
// Integer objects, and the test would measure its own decoding instead of the server.
import net from 'node:net';
import { chunk } from '../../dataplane/bolt/chunking.js';
import { Packer } from '../../dataplane/bolt/packstream.js';
import type { Value } from '../../dataplane/values/model.js';
import { BoltStreamCounter } from './bolt-stream-counter.js';

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

/** HELLO, RUN query, PULL all; resolves once the final SUCCESS arrives (rejects on FAILURE). */
export function pullDiscarding(port: number, query: string, timeoutMs = 600_000): Promise<Pulled> {
  const handshake = Buffer.from('6060b01700000404000000000000000000000000', 'hex');
  const requests = Buffer.concat([
    handshake,
    message(0x01, new Map<string, Value>([['user_agent', 'mgha-test-discard/1'], ['scheme', 'none']])),
    message(0x10, query, new Map<string, Value>(), new Map<string, Value>()),
    message(0x3f, new Map<string, Value>([['n', -1n]])),
  ]);
  const counter = new BoltStreamCounter();
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let versionBytes = 4;
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
      const failure = counter.summaries.find((s) => s.tag !== SUCCESS);
      if (failure !== undefined) {
        const meta = failure.fields[0];
        const text = meta instanceof Map ? `${String(meta.get('code'))}: ${String(meta.get('message'))}` : `message 0x${failure.tag.toString(16)}`;
        return fail(new Error(text));
      }
      // HELLO, RUN and PULL each end in a SUCCESS.
      if (counter.summaries.length === 3) {
        clearTimeout(timer);
        socket.end(message(0x02));
        resolve({ rows: counter.records, firstListLength: counter.firstListLength });
      }
    });
    socket.on('error', fail);
    socket.on('connect', () => socket.write(requests));
  });
}
