import { Packer, Unpacker, UnsupportedValueError } from '../../../dataplane/bolt/packstream.js';
import { BoltProtocolError, type PackOptions } from '../../../dataplane/bolt/types.js';
import { groupKey } from '../../../dataplane/values/ops.js';
import {
  CypherDate,
  CypherDateTime,
  CypherDuration,
  CypherLocalDateTime,
  CypherLocalTime,
  CypherPoint,
  CypherTime,
  MaterializedNode,
  MaterializedRelationship,
  PathValue,
  type Value,
} from '../../../dataplane/values/model.js';

const V5: PackOptions = { elementIds: true, utcDateTime: true };
const V4: PackOptions = { elementIds: false, utcDateTime: false };

function pack(v: Value, options: PackOptions = V5): Buffer {
  const p = new Packer(options, 8);
  p.pack(v);
  return p.take();
}

function unpack(b: Buffer): Value {
  const u = new Unpacker(b);
  const v = u.unpack();
  expect(u.remaining()).toBe(0);
  return v;
}

function hex(b: Buffer): string {
  return b.toString('hex');
}

describe('integers use the smallest encoding', () => {
  const cases: [bigint, string][] = [
    [0n, '00'],
    [127n, '7f'],
    [-16n, 'f0'],
    [-1n, 'ff'],
    [-17n, 'c8ef'],
    [-128n, 'c880'],
    [128n, 'c90080'],
    [-129n, 'c9ff7f'],
    [32767n, 'c97fff'],
    [32768n, 'ca00008000'],
    [-32769n, 'caffff7fff'],
    [2n ** 31n - 1n, 'ca7fffffff'],
    [-(2n ** 31n), 'ca80000000'],
    [2n ** 31n, 'cb0000000080000000'],
    [-(2n ** 31n) - 1n, 'cbffffffff7fffffff'],
    [2n ** 63n - 1n, 'cb7fffffffffffffff'],
    [-(2n ** 63n), 'cb8000000000000000'],
  ];
  test.each(cases)('%p', (n, expected) => {
    expect(hex(pack(n))).toBe(expected);
    expect(unpack(pack(n))).toBe(n);
  });
});

test('floats are always 64-bit, including integral ones and specials', () => {
  expect(hex(pack(1))).toBe('c13ff0000000000000');
  for (const f of [0, -0, 1.5, Number.MAX_VALUE, Infinity, -Infinity]) expect(Object.is(unpack(pack(f)), f)).toBe(true);
  expect(Number.isNaN(unpack(pack(NaN)))).toBe(true);
});

test('null and booleans', () => {
  expect(hex(pack(null))).toBe('c0');
  expect(hex(pack(true))).toBe('c3');
  expect(hex(pack(false))).toBe('c2');
});

test('strings: sizes are UTF-8 byte counts with every header width', () => {
  expect(hex(pack(''))).toBe('80');
  expect(hex(pack('a'))).toBe('8161');
  expect(hex(pack('é'))).toBe('82c3a9');
  for (const len of [15, 16, 255, 256, 65535, 65536, 200_000]) {
    const s = 'x'.repeat(len - 1) + 'é';
    const b = pack(s);
    expect(unpack(b)).toBe(s);
  }
  expect(pack('x'.repeat(16))[0]).toBe(0xd0);
  expect(pack('x'.repeat(256))[0]).toBe(0xd1);
  expect(pack('x'.repeat(65536))[0]).toBe(0xd2);
});

test('lists and maps with every header width round-trip', () => {
  for (const len of [0, 15, 16, 255, 256, 65535, 70_000]) {
    // Compared by re-encoding: deep equality on 70k-entry values is slow in jest.
    const list: Value[] = Array.from({ length: len }, (_, i) => BigInt(i % 300));
    const listBytes = pack(list);
    const listBack = unpack(listBytes) as Value[];
    expect(listBack).toHaveLength(len);
    expect(pack(listBack).equals(listBytes)).toBe(true);
    const map = new Map<string, Value>(Array.from({ length: len }, (_, i) => [`k${i}`, i % 2 === 0 ? null : 'v']));
    const mapBytes = pack(map);
    const mapBack = unpack(mapBytes) as Map<string, Value>;
    expect(mapBack.size).toBe(len);
    expect(pack(mapBack).equals(mapBytes)).toBe(true);
  }
  expect(pack(Array.from({ length: 16 }, () => null))[0]).toBe(0xd4);
  expect(pack(new Map(Array.from({ length: 256 }, (_, i) => [String(i), null])))[0]).toBe(0xd9);
});

test('duplicate dictionary keys: the last one wins', () => {
  const b = Buffer.from([0xa2, 0x81, 0x61, 0x01, 0x81, 0x61, 0x02]);
  expect(unpack(b)).toEqual(new Map([['a', 2n]]));
});

test('temporal and spatial values round-trip (5.x)', () => {
  const values: Value[] = [
    new CypherDate(-719528),
    new CypherLocalTime(86_399_999_999_999),
    new CypherTime(1, -64800),
    new CypherLocalDateTime(-62_135_596_800, 999_999_999),
    new CypherDateTime(1_700_000_000, 5, -18000),
    new CypherDateTime(1_700_000_000, 5, 3600, 'Europe/Berlin'),
    new CypherDateTime(1_688_212_800, 0, -14400, 'America/New_York'),
    new CypherDuration(-14, 40, 2 ** 40, 999_999_999),
    new CypherPoint(7203, 1, 2),
    new CypherPoint(9157, -1.5, 2.25, 1e300),
  ];
  for (const v of values) expect(unpack(pack(v))).toEqual(v);
});

test('DateTime uses I/i on 5.x and legacy F/f (wall-clock seconds) on 4.x', () => {
  const dt = new CypherDateTime(1000, 7, 3600);
  expect(hex(pack(dt))).toBe('b349c903e807c90e10');
  expect(hex(pack(dt, V4))).toBe('b346c911f807c90e10');
  expect(unpack(pack(dt, V4))).toEqual(dt);
  const zoned = new CypherDateTime(1_700_000_000, 0, 3600, 'Europe/Berlin');
  const legacy = pack(zoned, V4);
  expect(legacy[1]).toBe(0x66);
  expect(unpack(legacy)).toEqual(zoned);
  expect(pack(zoned)[1]).toBe(0x69);
});

const alice = new MaterializedNode(1, ['Person'], new Map<string, Value>([['name', 'Alice']]));
const bob = new MaterializedNode(2, [], new Map());
const carol = new MaterializedNode(3, ['X', 'Y'], new Map());
const ab = new MaterializedRelationship(10, 1, 2, 'KNOWS', new Map<string, Value>([['w', 0.5]]));
const cb = new MaterializedRelationship(11, 3, 2, 'LIKES', new Map());

test('nodes and relationships carry element ids on 5.x only', () => {
  const n5 = pack(alice);
  expect(n5[0]).toBe(0xb4);
  expect(pack(alice, V4)[0]).toBe(0xb3);
  expect(pack(ab)[0]).toBe(0xb8);
  expect(pack(ab, V4)[0]).toBe(0xb5);
  expect(groupKey(unpack(n5))).toBe(groupKey(alice));
  const r = unpack(pack(ab, V4)) as MaterializedRelationship;
  expect([r.id, r.startId, r.endId, r.type, r.properties()]).toEqual([10, 1, 2, 'KNOWS', ab.properties()]);
});

test('paths: 1-based signed relationship indices, 0-based node indices, deduplicated members', () => {
  // (alice)-[ab]->(bob)<-[cb]-(carol)-[cb]->(bob)
  const path = new PathValue([alice, bob, carol, bob], [ab, cb, cb]);
  const u = new Unpacker(pack(path));
  const v = u.unpack() as PathValue;
  expect(v.nodes.map((n) => n.id)).toEqual([1, 2, 3, 2]);
  expect(v.rels.map((r) => [r.id, r.startId, r.endId])).toEqual([
    [10, 1, 2],
    [11, 3, 2],
    [11, 3, 2],
  ]);
  // The indices list is the last field: [1, 1, -2, 2, 2, 1].
  const bytes = pack(path);
  expect(hex(bytes.subarray(bytes.length - 7))).toBe('960101fe020201');
});

test('a zero-length path', () => {
  const v = unpack(pack(new PathValue([alice], []))) as PathValue;
  expect(v.nodes.map((n) => n.id)).toEqual([1]);
  expect(v.rels).toEqual([]);
});

describe('malformed input fails with a protocol error', () => {
  const bad: [string, number[]][] = [
    ['unknown marker', [0xc4]],
    ['reserved marker', [0xdf]],
    ['truncated int64', [0xcb, 0, 0]],
    ['truncated string', [0x85, 0x61]],
    ['huge string size', [0xd2, 0xff, 0xff, 0xff, 0xff]],
    ['huge list size', [0xd6, 0xff, 0xff, 0xff, 0xff, 0x00]],
    ['huge map size', [0xda, 0xff, 0xff, 0xff, 0xff]],
    ['non-string map key', [0xa1, 0x01, 0x01]],
    ['unknown struct tag', [0xb1, 0x01, 0x01]],
    ['wrong struct size', [0xb2, 0x44, 0x01, 0x01]],
    ['date with string field', [0xb1, 0x44, 0x80]],
    ['path with bad index', [0xb3, 0x50, 0x91, 0xb3, 0x4e, 0x01, 0x90, 0xa0, 0x90, 0x92, 0x05, 0x00]],
    ['unbound relationship outside a path', [0xb3, 0x72, 0x01, 0x80, 0xa0]],
  ];
  test.each(bad)('%s', (_name, bytes) => {
    expect(() => new Unpacker(Buffer.from(bytes)).unpack()).toThrow(BoltProtocolError);
  });

  test('nesting deeper than the limit', () => {
    const deep = Buffer.alloc(10_000, 0x91);
    expect(() => new Unpacker(deep).unpack()).toThrow(/nested/);
  });
});

test('Bytes are refused as unsupported (not a protocol error)', () => {
  expect(() => new Unpacker(Buffer.from([0xcc, 0x02, 0x01, 0x02])).unpack()).toThrow(UnsupportedValueError);
  expect(() => new Unpacker(Buffer.from([0xcc, 0x05, 0x01])).unpack()).toThrow(BoltProtocolError);
});

test('unencodable values throw and name the problem', () => {
  expect(() => pack(new CypherDate(Number.NaN))).toThrow(/Cannot encode/);
  let deep: Value = 1n;
  for (let i = 0; i < 100; i++) deep = [deep];
  expect(() => pack(deep)).toThrow(/nested/);
});
