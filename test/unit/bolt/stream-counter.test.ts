// The heavy-query tests' record counter (test/helpers/bolt-stream-counter.ts) against
// streams packed and chunked by the server's own code, split at every possible point.
import { chunk } from '../../../dataplane/bolt/chunking.js';
import { Packer } from '../../../dataplane/bolt/packstream.js';
import type { Value } from '../../../dataplane/values/model.js';
import { BoltStreamCounter } from '../../helpers/bolt-stream-counter.js';

/** A message of struct `tag` with these fields (a RECORD has one: the list of its values). */
function message(tag: number, fields: Value[], maxChunk?: number): Buffer {
  const p = new Packer({ elementIds: true, utcDateTime: true });
  p.packStructHeader(fields.length, tag);
  for (const f of fields) p.pack(f);
  return chunk(p.take(), maxChunk);
}

const success = (): Buffer => message(0x70, [new Map<string, Value>([['fields', ['x']]])]);

test('counts records, reads the first list\'s length for every list header size, keeps summaries whole', () => {
  for (const n of [0, 3, 15, 16, 200, 255, 256, 65535, 65536, 70000]) {
    const list = Array.from({ length: n }, (_, i) => BigInt(i));
    const stream = Buffer.concat([success(), message(0x71, [[list]], 1000), message(0x71, [[[1n]]]), Buffer.from([0, 0]), success()]);
    const c = new BoltStreamCounter();
    c.feed(stream);
    expect([c.records, c.firstListLength, c.summaries.map((s) => s.tag)]).toEqual([2, n, [0x70, 0x70]]);
  }
});

test('any split of the stream gives the same counts; a FAILURE is decoded', () => {
  const failure = message(0x7f, [new Map<string, Value>([['code', 'X'], ['message', 'boom']])]);
  const stream = Buffer.concat([success(), message(0x71, [[[1n, 2n, 3n]]], 2), message(0x71, [['no list']]), message(0x71, [[5n]]), failure]);
  for (let cut = 0; cut <= stream.length; cut++) {
    const c = new BoltStreamCounter();
    c.feed(stream.subarray(0, cut));
    c.feed(stream.subarray(cut));
    expect([c.records, c.firstListLength]).toEqual([3, 3]);
    expect(c.summaries.map((s) => s.tag)).toEqual([0x70, 0x7f]);
    expect((c.summaries[1].fields[0] as Map<string, Value>).get('message')).toBe('boom');
  }
});

test('rows that are not one list report no list length', () => {
  const c = new BoltStreamCounter();
  c.feed(Buffer.concat([message(0x71, [[1n]]), message(0x71, [[[1n]]])]));
  expect([c.records, c.firstListLength]).toEqual([2, null]);
});
