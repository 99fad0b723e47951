// Hostile and hand-written clients on raw sockets: each bad connection is closed on its
// own while a neo4j-driver session on the same server keeps working.

import net from 'node:net';
import neo4j, { type Driver } from 'neo4j-driver';
import pino from 'pino';
import { chunk, Dechunker } from '../../dataplane/bolt/chunking.js';
import { Packer, Unpacker } from '../../dataplane/bolt/packstream.js';
import { startBoltServer, type BoltServer } from '../../dataplane/bolt/server.js';
import type { Value } from '../../dataplane/values/model.js';
import { TestEngine } from './bolt-test-engine.js';

let server: BoltServer;
let driver: Driver;
let opened = 0;
let closed = 0;

beforeAll(async () => {
  server = await startBoltServer({
    host: '127.0.0.1',
    port: 0,
    engine: new TestEngine(),
    serverAgent: 'mgha-test/0.1',
    logger: pino({ level: 'silent' }),
    routing: { routingTable: () => ({ ttlSeconds: 1, routers: [], readers: [], writers: [] }) },
    maxMessageBytes: 1024 * 1024,
    hooks: {
      connectionOpened: () => opened++,
      connectionClosed: () => closed++,
      queryFinished: () => undefined,
    },
  });
  driver = neo4j.driver(`bolt://127.0.0.1:${server.port}`, neo4j.auth.basic('u', 'p'));
});

afterAll(async () => {
  await driver.close();
  await server.close();
});

const HANDSHAKE_54 = Buffer.from('6060b01700000405000000000000000000000000', 'hex');
const HANDSHAKE_44 = Buffer.from('6060b01700000404000000000000000000000000', 'hex');

/** Sends `data`, returns everything the server wrote until it closed (or `ms` passed). */
function exchange(data: Buffer[], ms = 2000): Promise<{ bytes: Buffer; closedByServer: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1');
    const got: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ bytes: Buffer.concat(got), closedByServer: false });
    }, ms);
    socket.on('data', (d) => got.push(d));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ bytes: Buffer.concat(got), closedByServer: true });
    });
    socket.on('connect', () => {
      for (const d of data) socket.write(d);
    });
    socket.on('timeout', reject);
  });
}

function message(tag: number, ...fields: Value[]): Buffer {
  const p = new Packer({ elementIds: true, utcDateTime: true });
  p.packStructHeader(fields.length, tag);
  for (const f of fields) p.pack(f);
  return chunk(p.take());
}

const hello = (extra: Record<string, Value>): Buffer => message(0x01, new Map(Object.entries(extra)));

function responses(bytes: Buffer): { tag: number; fields: Value[] }[] {
  return new Dechunker().feed(bytes).map((m) => {
    const u = new Unpacker(m);
    const { size, tag } = u.structHeader();
    const fields: Value[] = [];
    for (let i = 0; i < size; i++) fields.push(u.unpack());
    return { tag, fields };
  });
}

async function driverStillWorks(): Promise<void> {
  const { records } = await driver.executeQuery('RETURN 1');
  expect(records[0]?.get('1').toNumber()).toBe(1);
}

test('bad magic and unsupported versions are refused per connection', async () => {
  const bad = await exchange([Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')]);
  expect(bad.closedByServer).toBe(true);
  expect(bad.bytes.length).toBe(0);
  const old = await exchange([Buffer.from('6060b017000000030000000200000001000000000', 'hex').subarray(0, 20)]);
  expect(old.bytes.toString('hex')).toBe('00000000');
  expect(old.closedByServer).toBe(true);
  await driverStillWorks();
});

test('garbage after the handshake, oversized and deeply nested messages close that connection', async () => {
  const cases: Buffer[][] = [
    [HANDSHAKE_54, Buffer.from([0x00, 0x03, 0xc4, 0xc4, 0xc4, 0x00, 0x00])],
    // Deep nesting split across two full chunks.
    [HANDSHAKE_54, Buffer.from([0xff, 0xff, 0xb1, 0x01]), Buffer.alloc(65533, 0x91), Buffer.from([0xff, 0xff]), Buffer.alloc(65535, 0x91), Buffer.from([0, 0])],
    [HANDSHAKE_54, chunk(Buffer.concat([Buffer.from([0xb1, 0x01]), Buffer.alloc(5000, 0x91)]))],
    [HANDSHAKE_54, chunk(Buffer.alloc(2 * 1024 * 1024, 0x80), 60000)],
    [HANDSHAKE_54, Buffer.from([0x00, 0x05, 0xb1, 0x01, 0xda, 0xff, 0xff, 0x00, 0x00])],
  ];
  for (const [i, c] of cases.entries()) {
    const r = await exchange(c);
    expect([i, r.closedByServer]).toEqual([i, true]);
    // Only the handshake reply, no response to garbage.
    expect(r.bytes.subarray(0, 4).toString('hex')).toBe('00000405');
  }
  await driverStillWorks();
});

test('random garbage for a bounded number of rounds never takes the server down', async () => {
  let seed = 12345;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const rounds: Promise<unknown>[] = [];
  for (let round = 0; round < 40; round++) {
    const body = Buffer.alloc(1 + Math.floor(next() * 300));
    for (let i = 0; i < body.length; i++) body[i] = Math.floor(next() * 256);
    const prefix = round % 2 === 0 ? [HANDSHAKE_54] : [];
    rounds.push(exchange([...prefix, body], 300));
    if (round % 10 === 9) {
      await Promise.all(rounds.splice(0));
      await driverStillWorks();
    }
  }
  await Promise.all(rounds);
  await driverStillWorks();
});

test('a truncated chunk leaves the connection waiting, not failing, and others unaffected', async () => {
  const r = await exchange([HANDSHAKE_54, Buffer.from([0x00, 0x10, 0xb1])], 300);
  expect(r.closedByServer).toBe(false);
  await driverStillWorks();
});

test('a protocol violation gets a FAILURE before the close', async () => {
  const r = await exchange([HANDSHAKE_54, message(0x10, 'RETURN 1', new Map(), new Map())]);
  expect(r.closedByServer).toBe(true);
  const [failure] = responses(r.bytes.subarray(4));
  expect(failure?.tag).toBe(0x7f);
  expect((failure?.fields[0] as Map<string, Value>).get('code')).toBe('Neo.ClientError.Request.Invalid');
});

test('Bolt 4.4 by hand: 3-field nodes, legacy DateTime unless patch_bolt utc, GOODBYE closes', async () => {
  const run = message(0x10, 'SAMPLES', new Map(), new Map());
  const pull = message(0x3f, new Map<string, Value>([['n', -1n]]));
  const goodbye = message(0x02);
  const plain = await exchange([HANDSHAKE_44, hello({ user_agent: 'raw', scheme: 'none' }), run, pull, goodbye]);
  expect(plain.bytes.subarray(0, 4).toString('hex')).toBe('00000404');
  expect(plain.closedByServer).toBe(true);
  const msgs = responses(plain.bytes.subarray(4));
  expect(msgs.map((m) => m.tag)).toEqual([0x70, 0x70, 0x71, 0x70]);
  const fields = (msgs[1]?.fields[0] as Map<string, Value>).get('fields') as string[];
  const record = msgs[2]?.fields[0] as Value[];
  const node = record[fields.indexOf('node')] as { labels(): readonly string[] };
  expect(node.labels()).toEqual(['Person', 'Admin']);
  // Raw bytes: the node structure header is B3 4E on 4.4.
  expect(plain.bytes.includes(Buffer.from([0xb3, 0x4e, 0x02]))).toBe(true);
  expect(plain.bytes.includes(Buffer.from([0xb3, 0x46]))).toBe(true);
  expect(plain.bytes.includes(Buffer.from([0xb3, 0x49]))).toBe(false);

  const utc = await exchange([HANDSHAKE_44, hello({ user_agent: 'raw', patch_bolt: ['utc'] }), run, pull, goodbye]);
  const helloOk = responses(utc.bytes.subarray(4))[0]?.fields[0] as Map<string, Value>;
  expect(helloOk.get('patch_bolt')).toEqual(['utc']);
  expect(utc.bytes.includes(Buffer.from([0xb3, 0x49]))).toBe(true);
  expect(utc.bytes.includes(Buffer.from([0xb3, 0x46]))).toBe(false);
});

test('pipelined requests are answered in order; a RESET jumps ahead of what was queued before it', async () => {
  const reqs = [
    hello({ user_agent: 'raw' }),
    message(0x6a, new Map<string, Value>([['scheme', 'none']])),
    message(0x10, 'RETURN 1', new Map(), new Map()),
    message(0x3f, new Map<string, Value>([['n', -1n]])),
    message(0x10, 'BAD', new Map(), new Map()),
    message(0x3f, new Map<string, Value>([['n', -1n]])),
    message(0x0f),
    message(0x10, 'RETURN 1', new Map(), new Map()),
    message(0x3f, new Map<string, Value>([['n', -1n]])),
    message(0x02),
  ];
  const r = await exchange([HANDSHAKE_54, Buffer.concat(reqs)]);
  expect(responses(r.bytes.subarray(4)).map((m) => m.tag)).toEqual([
    0x70, 0x70, 0x7e, 0x7e, 0x7e, 0x7e, 0x70, 0x70, 0x71, 0x70,
  ]);
  const noReset = [...reqs.slice(0, 6), reqs[9] as Buffer];
  const r2 = await exchange([HANDSHAKE_54, Buffer.concat(noReset)]);
  expect(responses(r2.bytes.subarray(4)).map((m) => m.tag)).toEqual([0x70, 0x70, 0x70, 0x71, 0x70, 0x7f, 0x7e]);
});

test('hooks count connections and close() leaves none open', async () => {
  await driverStillWorks();
  expect(opened).toBeGreaterThan(40);
  expect(opened - closed).toBe(server.connectionCount());
});

test('a client that pipelines thousands of requests before reading gets every reply in order', async () => {
  const pairs = 2000;
  const runPull = Buffer.concat([
    message(0x10, 'RANGE', new Map<string, Value>([['n', 50n]]), new Map()),
    message(0x3f, new Map<string, Value>([['n', -1n]])),
  ]);
  const setup = Buffer.concat([hello({ user_agent: 'raw' }), message(0x6a, new Map<string, Value>([['scheme', 'none']]))]);
  const socket = net.connect(server.port, '127.0.0.1');
  const d = new Dechunker();
  let replies = 0;
  let records = 0;
  let lastRecord = -1n;
  let ordered = true;
  const expected = 2 + pairs * (2 + 50);
  await new Promise<void>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('connect', () => {
      socket.write(HANDSHAKE_54);
      socket.write(setup);
      // Everything at once, and nothing read for a while.
      socket.pause();
      socket.write(Buffer.concat(Array.from({ length: pairs }, () => runPull)));
      setTimeout(() => socket.resume(), 200);
    });
    let skipped = false;
    socket.on('data', (data: Buffer) => {
      if (!skipped) {
        data = data.subarray(4);
        skipped = true;
      }
      for (const m of d.feed(data)) {
        replies++;
        if (m[1] === 0x71) {
          records++;
          const value = new Unpacker(m, 2).unpack() as bigint[];
          const i = value[0] as bigint;
          if (i !== (lastRecord + 1n) % 50n) ordered = false;
          lastRecord = i;
        }
        if (replies === expected) resolve();
      }
    });
  });
  socket.destroy();
  expect(records).toBe(pairs * 50);
  expect(ordered).toBe(true);
  await driverStillWorks();
});
