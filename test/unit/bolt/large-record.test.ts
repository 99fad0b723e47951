// Huge records are packed in slices but must be byte-for-byte what the one-shot path writes.
import { ChunkedWriter } from '../../../dataplane/bolt/chunking.js';
import { encodeLargeRecord, isLargeRecord, LARGE_RECORD_ELEMENTS } from '../../../dataplane/bolt/large-record.js';
import { ResponseWriter } from '../../../dataplane/bolt/messages.js';
import { Packer } from '../../../dataplane/bolt/packstream.js';
import type { Value } from '../../../dataplane/values/model.js';

const options = { elementIds: true, utcDateTime: true };

function oneShot(values: Value[]): Buffer {
  const out = new ChunkedWriter(new Packer(options));
  new ResponseWriter(out).record(values);
  return out.take();
}

describe('large records', () => {
  test('only records above the element threshold take the sliced path', () => {
    expect(isLargeRecord([1n, 'a', [1n, 2n]])).toBe(false);
    expect(isLargeRecord([new Array<Value>(LARGE_RECORD_ELEMENTS + 1).fill(1n)])).toBe(true);
    expect(isLargeRecord([[new Array<Value>(LARGE_RECORD_ELEMENTS).fill(1n), [1n, 2n]]])).toBe(true);
  });

  test('sliced packing writes the same bytes as the one-shot writer', async () => {
    const big: Value[] = Array.from({ length: 300_000 }, (_, i) => (i % 3 === 0 ? BigInt(i) : i % 3 === 1 ? `s${i}` : i + 0.5));
    const nested = new Map<string, Value>([['list', big.slice(0, 50_000)], ['n', null]]);
    const values: Value[] = ['head', big, nested, [[1n, 2n], big.slice(0, 10)]];
    const sliced = Buffer.concat(await encodeLargeRecord(values, options));
    expect(sliced.equals(oneShot(values))).toBe(true);
  });

  test('a value that cannot be encoded rejects', async () => {
    let deep: Value = [];
    for (let i = 0; i < 70; i++) deep = [deep];
    await expect(encodeLargeRecord([new Array<Value>(LARGE_RECORD_ELEMENTS).fill(1n), deep], options)).rejects.toThrow('nested deeper');
  });
});
