import { chunk, ChunkedWriter, Dechunker, MAX_CHUNK } from '../../../dataplane/bolt/chunking.js';
import { Packer } from '../../../dataplane/bolt/packstream.js';
import { BoltProtocolError } from '../../../dataplane/bolt/types.js';

const opts = { elementIds: true, utcDateTime: true };

function message(len: number, seed: number): Buffer {
  const b = Buffer.alloc(len);
  for (let i = 0; i < len; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

function hex(b: Buffer): string {
  return b.toString('hex');
}

test('chunk splits at 65535 bytes and ends with 00 00', () => {
  const m = message(MAX_CHUNK * 2 + 10, 1);
  const framed = chunk(m);
  expect(framed.readUInt16BE(0)).toBe(MAX_CHUNK);
  expect(framed.readUInt16BE(2 + MAX_CHUNK)).toBe(MAX_CHUNK);
  expect(framed.readUInt16BE(4 + 2 * MAX_CHUNK)).toBe(10);
  expect(framed.subarray(-2)).toEqual(Buffer.from([0, 0]));
  const out = new Dechunker().feed(framed);
  expect(out).toHaveLength(1);
  expect(out[0]?.equals(m)).toBe(true);
});

test('messages survive being split at every byte boundary, with NOOPs between them', () => {
  const msgs = [message(5, 1), message(300, 2), message(1, 3)];
  const stream = Buffer.concat([Buffer.from([0, 0]), chunk(msgs[0]!), Buffer.from([0, 0, 0, 0]), chunk(msgs[1]!, 100), chunk(msgs[2]!)]);
  const expected = msgs.map(hex);
  for (let cut = 0; cut <= stream.length; cut++) {
    const d = new Dechunker();
    const out = [...d.feed(stream.subarray(0, cut)), ...d.feed(stream.subarray(cut))];
    expect(out.map(hex)).toEqual(expected);
    expect(d.idle()).toBe(true);
  }
  const d = new Dechunker();
  const out: Buffer[] = [];
  for (const byte of stream) out.push(...d.feed(Buffer.from([byte])));
  expect(out.map(hex)).toEqual(expected);
});

test('a message over the size limit is refused while its chunks arrive', () => {
  const d = new Dechunker(1000);
  expect(() => d.feed(Buffer.concat([chunk(message(600, 1)).subarray(0, -2), chunk(message(600, 2))]))).toThrow(BoltProtocolError);
  expect(new Dechunker(1000).feed(chunk(message(1000, 1)))).toHaveLength(1);
});

test('ChunkedWriter frames small messages in place and large ones in 64 KiB chunks', () => {
  const p = new Packer(opts, 4);
  const w = new ChunkedWriter(p);
  w.begin();
  p.packString('hi');
  w.end();
  w.begin();
  p.packString('x'.repeat(150_000));
  w.end();
  w.begin();
  p.packNull();
  w.abort();
  const out = w.take();
  expect(out.subarray(0, 7)).toEqual(Buffer.from([0, 3, 0x82, 0x68, 0x69, 0, 0]));
  const msgs = new Dechunker().feed(out);
  expect(msgs).toHaveLength(2);
  expect(msgs[1]!.length).toBe(150_005);
  expect(w.pending()).toBe(0);
});
