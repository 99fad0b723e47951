// Hostile bytes through every decoding stage: always a clean BoltProtocolError (or a
// decoded value), never another exception, a hang or a huge allocation.

import { chunk, Dechunker } from '../../../dataplane/bolt/chunking.js';
import { decodeRequest } from '../../../dataplane/bolt/messages.js';
import { Packer, Unpacker, UnsupportedValueError } from '../../../dataplane/bolt/packstream.js';
import { BoltProtocolError, featuresOf } from '../../../dataplane/bolt/types.js';
import { MghaError } from '../../../dataplane/errors.js';
import { CypherDateTime, CypherPoint, MaterializedNode, type Value } from '../../../dataplane/values/model.js';

/** mulberry32: a tiny seeded PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const features = featuresOf({ major: 5, minor: 4 });

function clean(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (e instanceof BoltProtocolError || e instanceof UnsupportedValueError || e instanceof MghaError) return;
    throw e;
  }
}

function validRun(): Buffer {
  const p = new Packer({ elementIds: true, utcDateTime: true });
  p.packStructHeader(3, 0x10);
  p.packString('RETURN $x');
  const params: Value = new Map<string, Value>([
    ['x', [1n, 2.5, 'héllo', null, true, new Map<string, Value>([['k', -300n]])]],
    ['p', new CypherPoint(7203, 1, 2)],
    ['d', new CypherDateTime(1, 2, 3600)],
    ['n', new MaterializedNode(1, ['A'], new Map())],
  ]);
  p.pack(params);
  p.pack(new Map<string, Value>([['bookmarks', ['b1']]]));
  return p.take();
}

test('random byte strings', () => {
  const next = rng(42);
  for (let round = 0; round < 3000; round++) {
    const len = Math.floor(next() * 64);
    const b = Buffer.alloc(len);
    for (let i = 0; i < len; i++) b[i] = Math.floor(next() * 256);
    clean(() => new Unpacker(b).unpack());
    clean(() => decodeRequest(b, features));
    clean(() => new Dechunker(4096).feed(b));
  }
});

test('bit-flipped and truncated valid messages', () => {
  const next = rng(7);
  const base = validRun();
  expect(decodeRequest(base, features).type).toBe('RUN');
  for (let round = 0; round < 3000; round++) {
    const b = Buffer.from(base);
    const flips = 1 + Math.floor(next() * 3);
    for (let i = 0; i < flips; i++) b[Math.floor(next() * b.length)] = Math.floor(next() * 256);
    const cut = next() < 0.3 ? Math.floor(next() * b.length) : b.length;
    clean(() => decodeRequest(b.subarray(0, cut), features));
  }
});

test('huge size prefixes fail without allocating', () => {
  for (const marker of [0xd2, 0xd6, 0xda, 0xce]) {
    const b = Buffer.from([0xb3, 0x10, marker, 0xff, 0xff, 0xff, 0xff, 0x00]);
    expect(() => decodeRequest(b, features)).toThrow(BoltProtocolError);
  }
  const d = new Dechunker(1024);
  expect(() => d.feed(Buffer.from([0xff, 0xff, 1, 2, 3]))).toThrow(BoltProtocolError);
});

test('deep nesting fails cleanly at every structural marker', () => {
  for (const opener of [[0x91], [0xa1, 0x81, 0x61], [0xb1, 0x44]]) {
    const depth = 100_000;
    const b = Buffer.alloc(depth * opener.length + 3);
    for (let i = 0; i < depth; i++) Buffer.from(opener).copy(b, i * opener.length);
    expect(() => decodeRequest(Buffer.concat([Buffer.from([0xb1, 0x11]), b]), features)).toThrow(BoltProtocolError);
  }
});

test('random chunk streams', () => {
  const next = rng(99);
  for (let round = 0; round < 300; round++) {
    const d = new Dechunker(2048);
    const parts: Buffer[] = [];
    for (let i = 0; i < 5; i++) {
      const body = Buffer.alloc(Math.floor(next() * 600));
      for (let j = 0; j < body.length; j++) body[j] = Math.floor(next() * 256);
      parts.push(next() < 0.5 ? chunk(body, 1 + Math.floor(next() * 700)) : body);
    }
    clean(() => d.feed(Buffer.concat(parts)));
  }
});
