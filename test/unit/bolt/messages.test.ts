import { chunk, ChunkedWriter, Dechunker } from '../../../dataplane/bolt/chunking.js';
import { decodeRequest, ResponseWriter } from '../../../dataplane/bolt/messages.js';
import { Packer, Unpacker } from '../../../dataplane/bolt/packstream.js';
import { BoltProtocolError, featuresOf } from '../../../dataplane/bolt/types.js';
import { MghaError, Codes } from '../../../dataplane/errors.js';
import type { Value } from '../../../dataplane/values/model.js';

function body(tag: number, ...fields: Value[]): Buffer {
  const p = new Packer({ elementIds: true, utcDateTime: true });
  p.packStructHeader(fields.length, tag);
  for (const f of fields) p.pack(f);
  return p.take();
}

const v54 = featuresOf({ major: 5, minor: 4 });
const v50 = featuresOf({ major: 5, minor: 0 });
const v44 = featuresOf({ major: 4, minor: 4 });
const v43 = featuresOf({ major: 4, minor: 3 });
const m = (o: Record<string, Value> = {}): Map<string, Value> => new Map(Object.entries(o));

test('RUN decodes query, parameters and extra', () => {
  const req = decodeRequest(body(0x10, 'RETURN $x', m({ x: 1n }), m({ mode: 'r' })), v54);
  expect(req).toEqual({ type: 'RUN', query: 'RETURN $x', parameters: m({ x: 1n }), extra: m({ mode: 'r' }) });
});

test('ROUTE: 4.3 carries db as a string, 4.4+ an extra dict', () => {
  expect(decodeRequest(body(0x66, m(), [], 'neo4j'), v43)).toMatchObject({ type: 'ROUTE', db: 'neo4j' });
  expect(decodeRequest(body(0x66, m(), [], null), v43)).toMatchObject({ type: 'ROUTE', db: null });
  expect(decodeRequest(body(0x66, m(), ['b'], m({ db: 'x' })), v44)).toMatchObject({ type: 'ROUTE', db: 'x', bookmarks: ['b'] });
  expect(decodeRequest(body(0x66, m(), [], m()), v54)).toMatchObject({ type: 'ROUTE', db: null });
  expect(() => decodeRequest(body(0x66, m(), [], 'x'), v44)).toThrow(BoltProtocolError);
});

test('messages newer than the negotiated version are unknown', () => {
  expect(() => decodeRequest(body(0x6a, m()), v50)).toThrow(/Unknown request/);
  expect(() => decodeRequest(body(0x54, 1n), featuresOf({ major: 5, minor: 3 }))).toThrow(/Unknown request/);
  expect(decodeRequest(body(0x54, 1n), v54)).toEqual({ type: 'TELEMETRY', api: 1n });
});

test('wrong field counts, field types and trailing bytes are protocol errors', () => {
  expect(() => decodeRequest(body(0x10, 'q', m()), v54)).toThrow(/fields/);
  expect(() => decodeRequest(body(0x10, 1n, m(), m()), v54)).toThrow(/query/);
  expect(() => decodeRequest(body(0x3f, []), v54)).toThrow(/dictionary/);
  expect(() => decodeRequest(Buffer.concat([body(0x12), Buffer.from([0])]), v54)).toThrow(/trailing/);
  expect(() => decodeRequest(Buffer.from([0x01]), v54)).toThrow(BoltProtocolError);
});

test('Bytes in parameters make an INVALID request (client error), not a protocol error', () => {
  const p = new Packer({ elementIds: true, utcDateTime: true });
  p.packStructHeader(3, 0x10);
  p.packString('q');
  const raw = Buffer.concat([p.take(), Buffer.from([0xa1, 0x81, 0x62, 0xcc, 0x01, 0x07, 0xa0])]);
  expect(decodeRequest(raw, v54)).toMatchObject({ type: 'INVALID', name: 'RUN', error: { code: Codes.TypeError } });
});

test('responses are framed SUCCESS / RECORD / FAILURE / IGNORED structures', () => {
  const w = new ResponseWriter(new ChunkedWriter(new Packer({ elementIds: true, utcDateTime: true })));
  w.success({ fields: ['a'], skipped: undefined });
  w.record([1n, 'x']);
  w.failure(new MghaError(Codes.SyntaxError, 'bad'));
  w.ignored();
  expect(() => w.record([1n, Number.NaN as unknown as Value, { kind: 'date', epochDay: Number.NaN } as Value])).toThrow();
  const out = new Dechunker().feed(w.out.take()).map((b) => {
    const u = new Unpacker(b);
    const { tag, size } = u.structHeader();
    return [tag, ...Array.from({ length: size }, () => u.unpack())];
  });
  expect(out).toEqual([
    [0x70, m({ fields: ['a'] })],
    [0x71, [1n, 'x']],
    [0x7f, m({ code: Codes.SyntaxError, message: 'bad' })],
    [0x7e],
  ]);
  expect(chunk(Buffer.alloc(0))).toEqual(Buffer.from([0, 0]));
});
