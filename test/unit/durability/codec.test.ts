import {
  ByteReader,
  ByteWriter,
  CodecError,
  decodeTransaction,
  encodeTransaction,
  preEncodeDeltas,
  readValue,
  writeValue,
} from '../../../dataplane/durability/codec.js';
import { crc32, tableCrc32 } from '../../../dataplane/durability/wal-format.js';
import type { CommittedTransaction, Delta } from '../../../dataplane/storage/types.js';
import {
  CypherDate,
  CypherDateTime,
  CypherDuration,
  CypherEnum,
  CypherLocalDateTime,
  CypherLocalTime,
  CypherPoint,
  CypherTime,
  INT64_MAX,
  INT64_MIN,
  MaterializedNode,
  type Value,
} from '../../../dataplane/values/model.js';

function roundTrip(v: Value): Value {
  const w = new ByteWriter(4);
  writeValue(w, v);
  const r = new ByteReader(w.finish());
  const out = readValue(r);
  expect(r.remaining).toBe(0);
  return out;
}

/** A small deterministic PRNG so fuzz failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomValue(rand: () => number, depth: number): Value {
  const pick = Math.floor(rand() * (depth > 2 ? 13 : 15));
  const int = (): number => Math.floor((rand() - 0.5) * 2 ** (1 + Math.floor(rand() * 52)));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return rand() < 0.5;
    case 2: {
      const bits = BigInt(Math.floor(rand() * 64));
      const v = BigInt(Math.floor(rand() * 2 ** 53)) << (bits > 11n ? bits - 11n : 0n);
      const clamped = v > INT64_MAX ? INT64_MAX : v;
      return rand() < 0.5 ? clamped : -clamped - (rand() < 0.1 ? 1n : 0n);
    }
    case 3:
      return [0, -0, NaN, Infinity, -Infinity, 1.5, -1e308, 5e-324, rand()][Math.floor(rand() * 9)];
    case 4:
      return Array.from({ length: Math.floor(rand() * 8) }, () => String.fromCodePoint(Math.floor(rand() * 0x10ffff) & ~0x800)).join('');
    case 5:
      return new CypherDate(int() % 1e8);
    case 6:
      return new CypherLocalTime(Math.floor(rand() * 86400e9));
    case 7:
      return new CypherTime(Math.floor(rand() * 86400e9), Math.floor((rand() - 0.5) * 64800));
    case 8:
      return new CypherLocalDateTime(int() % 1e12, Math.floor(rand() * 1e9));
    case 9:
      return new CypherDateTime(int() % 1e12, Math.floor(rand() * 1e9), 3600, rand() < 0.5 ? null : 'Europe/Berlin');
    case 10:
      return new CypherDuration(int() % 1e6, int() % 1e6, int(), Math.floor(rand() * 1e9));
    case 11:
      return new CypherPoint(7203, rand(), -rand());
    case 12:
      return new CypherPoint(4979, rand() * 180, rand() * 90, rand() * 1000);
    case 13:
      return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1));
    default: {
      const m = new Map<string, Value>();
      for (let i = Math.floor(rand() * 4); i > 0; i--) m.set(`k${Math.floor(rand() * 100)}`, randomValue(rand, depth + 1));
      return m;
    }
  }
}

describe('value codec', () => {
  test('round-trips every value type', () => {
    const values: Value[] = [
      null,
      true,
      false,
      0n,
      1n,
      -1n,
      63n,
      -64n,
      2n ** 31n,
      -(2n ** 31n),
      2n ** 53n + 1n,
      INT64_MAX,
      INT64_MIN,
      0.0,
      -0.0,
      1.0,
      NaN,
      Infinity,
      -Infinity,
      Number.MIN_VALUE,
      '',
      'plain',
      'ünïcödé ✓ 日本語 🚀 \u0000 surrogate-pair 𝄞',
      [],
      [1n, 'two', [3.0, null], new Map([['k', true]])],
      new Map(),
      new Map<string, Value>([
        ['b', 1n],
        ['a', 'x'],
        ['', null],
      ]),
      new CypherDate(-719528),
      new CypherDate(2932896),
      new CypherLocalTime(86399999999999),
      new CypherTime(0, -64800),
      new CypherLocalDateTime(-62135596800, 999999999),
      new CypherDateTime(1700000000, 5, 3600),
      new CypherDateTime(1700000000, 5, 3600, 'Europe/Zagreb'),
      new CypherDuration(-14, 3, 86401, 999999999),
      new CypherPoint(7203, 1.5, -2.5),
      new CypherPoint(9157, 1, 2, 3),
      new CypherPoint(4326, 15.98, 45.81),
      new CypherPoint(4979, 15.98, 45.81, 120),
    ];
    for (const v of values) expect(roundTrip(v)).toEqual(v);
    // -0.0 and 1.0 stay floats, integers stay bigint.
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
    expect(typeof roundTrip(1.0)).toBe('number');
    expect(typeof roundTrip(1n)).toBe('bigint');
    // Map key order is kept.
    expect([...(roundTrip(new Map([['z', 1n], ['a', 2n]])) as Map<string, Value>).keys()]).toEqual(['z', 'a']);
  });

  test('int64 edges use the shortest varint and reject values outside int64', () => {
    const size = (v: bigint): number => {
      const w = new ByteWriter();
      writeValue(w, v);
      return w.length;
    };
    expect(size(0n)).toBe(2);
    expect(size(-64n)).toBe(2);
    expect(size(64n)).toBe(3);
    expect(size(INT64_MAX)).toBe(11);
    expect(size(INT64_MIN)).toBe(11);
    expect(() => writeValue(new ByteWriter(), INT64_MAX + 1n)).toThrow(/int64/);
    expect(() => writeValue(new ByteWriter(), new MaterializedNode(1, [], new Map()))).toThrow(/NODE/);
  });

  test('fuzz: random nested values round-trip', () => {
    const rand = rng(42);
    for (let i = 0; i < 2000; i++) {
      const v = randomValue(rand, 0);
      expect(roundTrip(v)).toEqual(v);
    }
  });

  test('fuzz: truncated or garbled input throws CodecError, never anything else', () => {
    const rand = rng(7);
    for (let i = 0; i < 500; i++) {
      const w = new ByteWriter();
      writeValue(w, [randomValue(rand, 0), randomValue(rand, 0)]);
      const bytes = w.finish();
      const cut = bytes.subarray(0, Math.floor(rand() * bytes.length));
      expect(() => readValue(new ByteReader(cut))).toThrow(CodecError);
      const garbled = Buffer.from(bytes);
      garbled[Math.floor(rand() * garbled.length)] ^= 1 + Math.floor(rand() * 255);
      try {
        readValue(new ByteReader(garbled));
      } catch (e) {
        expect(e).toBeInstanceOf(CodecError);
      }
    }
  });
});

describe('transaction codec', () => {
  const deltas: Delta[] = [
    { op: 'createVertex', gid: 0 },
    { op: 'addLabel', gid: 0, label: 'Person' },
    { op: 'addLabel', gid: 0, label: 'Émigré' },
    { op: 'setVertexProperty', gid: 0, key: 'name', value: 'Ana' },
    { op: 'setVertexProperty', gid: 0, key: 'name', value: null },
    { op: 'createVertex', gid: 2 ** 40 },
    { op: 'createEdge', gid: 7, from: 0, to: 2 ** 40, type: 'KNOWS' },
    { op: 'setEdgeProperty', gid: 7, key: 'since', value: new CypherDate(19000) },
    { op: 'removeLabel', gid: 0, label: 'Person' },
    { op: 'deleteEdge', gid: 7 },
    { op: 'deleteVertex', gid: 2 ** 40 },
  ];

  test('round-trips data deltas with their commit timestamp', () => {
    const ct: CommittedTransaction = { commitTimestamp: 123456789, deltas };
    expect(decodeTransaction(encodeTransaction(ct))).toEqual(ct);
  });

  test('round-trips server-metadata deltas and enum values (one key per commit)', () => {
    const meta: Delta[] = [
      { op: 'setMeta', key: 'enum:Status', value: ['Good', 'Bad'] },
      { op: 'setMeta', key: 'param:global:x', value: new Map<string, Value>([['timeout', 120n]]) },
      { op: 'setMeta', key: 'desc:x', value: null },
      { op: 'setVertexProperty', gid: 1, key: 's', value: new CypherEnum('Status', 1) },
    ];
    for (const d of meta) {
      const ct: CommittedTransaction = { commitTimestamp: 9, deltas: [d] };
      expect(decodeTransaction(encodeTransaction(ct))).toEqual(ct);
    }
  });

  test('round-trips schema deltas', () => {
    const schema: Delta[] = [
      { op: 'createIndex', label: 'Person', property: null },
      { op: 'createIndex', label: 'Person', property: 'name' },
      { op: 'dropIndex', label: 'Person', property: 'name' },
      { op: 'createConstraint', type: 'unique', label: 'Person', properties: ['name', 'email'] },
      { op: 'dropConstraint', type: 'exists', label: 'Person', properties: ['name'] },
      { op: 'createIndexSpec', index: { type: 'label+property', label: 'Person', properties: [['address', 'city'], ['name']] } },
      { op: 'dropIndexSpec', index: { type: 'edge-type', label: 'KNOWS', properties: [] } },
      { op: 'createIndexSpec', index: { type: 'edge-type+property', label: 'KNOWS', properties: [['since']] } },
      { op: 'createIndexSpec', index: { type: 'edge-property', label: null, properties: [['since']] } },
      { op: 'dropIndexSpec', index: { type: 'point', label: 'Place', properties: [['loc']] } },
    ];
    for (const d of schema) {
      const ct = { commitTimestamp: 5, deltas: [d] };
      expect(decodeTransaction(encodeTransaction(ct))).toEqual(ct);
    }
  });

  test('names are written once per transaction', () => {
    const many: Delta[] = [];
    for (let gid = 0; gid < 100; gid++) {
      many.push({ op: 'createVertex', gid }, { op: 'addLabel', gid, label: 'AVeryLongLabelName' });
    }
    const bytes = encodeTransaction({ commitTimestamp: 1, deltas: many });
    expect(bytes.toString('latin1').split('AVeryLongLabelName').length - 1).toBe(1);
    expect(bytes.length).toBeLessThan(100 * 6 + 40);
  });

  test('strings on both sides of the short-ASCII fast path, and more than 16 names in one transaction', () => {
    const values = ['', 'a', 'x'.repeat(63), 'x'.repeat(64), 'é', 'naïve', '😀', `${'y'.repeat(62)}é`, '\u007f', '\u0080'];
    const strings: Delta[] = values.map((value, i) => ({ op: 'setVertexProperty', gid: i, key: `k${i}`, value }));
    const names: Delta[] = Array.from({ length: 40 }, (_, i) => ({ op: 'addLabel', gid: i, label: `Label${i % 25}` }));
    const ct: CommittedTransaction = { commitTimestamp: 9, deltas: [...strings, ...names] };
    expect(decodeTransaction(encodeTransaction(ct))).toEqual(ct);
    // The scratch space is reused: the next transaction must not see this one's names.
    const next: CommittedTransaction = { commitTimestamp: 10, deltas: [{ op: 'addLabel', gid: 1, label: 'Other' }] };
    expect(decodeTransaction(encodeTransaction(next))).toEqual(next);
  });

  test('deltas encoded ahead in slices give the same bytes; a list that grew since is encoded afresh', () => {
    const many: Delta[] = [];
    for (let gid = 0; gid < 1000; gid++) {
      many.push({ op: 'createVertex', gid }, { op: 'addLabel', gid, label: `L${gid % 20}` }, { op: 'setVertexProperty', gid, key: 'é', value: BigInt(gid) });
    }
    const ct: CommittedTransaction = { commitTimestamp: 7, deltas: many };
    const expected = encodeTransaction({ commitTimestamp: 7, deltas: [...many] });
    let steps = 0;
    for (const step = preEncodeDeltas(many, 700); !step.next().done; ) steps++;
    expect(steps).toBe(Math.floor(many.length / 700));
    expect(encodeTransaction(ct).equals(expected)).toBe(true);
    many.push({ op: 'createVertex', gid: 5000 });
    expect(decodeTransaction(encodeTransaction(ct))).toEqual(ct);
  });

  test('trailing bytes and unknown tags are errors', () => {
    const bytes = encodeTransaction({ commitTimestamp: 1, deltas });
    expect(() => decodeTransaction(Buffer.concat([bytes, Buffer.from([0])]))).toThrow(/trailing/);
    const bad = Buffer.from(encodeTransaction({ commitTimestamp: 1, deltas: [{ op: 'deleteVertex', gid: 1 }] }));
    bad[bad.length - 2] = 99;
    expect(() => decodeTransaction(bad)).toThrow(/unknown delta tag 99/);
  });
});

describe('crc32', () => {
  test('the table fallback matches zlib', () => {
    const rand = rng(3);
    for (let i = 0; i < 50; i++) {
      const b = Buffer.from(Array.from({ length: Math.floor(rand() * 300) }, () => Math.floor(rand() * 256)));
      expect(tableCrc32(b)).toBe(crc32(b));
    }
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });
});
