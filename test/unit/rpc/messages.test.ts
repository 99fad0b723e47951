import { ByteWriter } from '../../../dataplane/durability/codec.js';
import { decodePayload, defineRpc, p, type PayloadCodec } from '../../../dataplane/rpc/messages.js';
import { RpcCodes, RpcError } from '../../../dataplane/rpc/types.js';
import { CypherDate, type Value } from '../../../dataplane/values/model.js';

function encode<T>(codec: PayloadCodec<T>, v: T): Buffer {
  const w = new ByteWriter(16);
  codec.write(w, v);
  return w.finish();
}

const AppendDeltas = defineRpc({
  type: 100,
  name: 'AppendDeltas',
  request: p.struct({
    mainUuid: p.string,
    epoch: p.string,
    previousTs: p.uint,
    deltas: p.bytes,
    offset: p.int,
    big: p.bigint,
    ratio: p.f64,
    strict: p.bool,
    tags: p.list(p.string),
    note: p.optional(p.string),
    props: p.value,
  }),
  response: p.struct({ ok: p.bool, ts: p.uint }),
  timeoutMs: 30_000,
});

describe('rpc message definitions', () => {
  test('a struct payload round-trips every field kind', () => {
    const req = {
      mainUuid: 'c0ffee',
      epoch: 'épоch',
      previousTs: 2 ** 40,
      deltas: Buffer.from([1, 2, 3, 255]),
      offset: -12345,
      big: -(2n ** 62n),
      ratio: 0.25,
      strict: true,
      tags: ['a', '', 'ü'],
      note: null,
      props: new Map<string, Value>([
        ['since', new CypherDate(20_425)],
        ['n', 1n],
      ]),
    };
    const back = decodePayload(AppendDeltas.request, encode(AppendDeltas.request, req), 'test');
    expect(back).toEqual(req);
    expect(AppendDeltas.timeoutMs).toBe(30_000);
  });

  test('a bytes field decodes as a view into the payload, not a copy', () => {
    const codec = p.struct({ deltas: p.bytes });
    const payload = encode(codec, { deltas: Buffer.alloc(1000, 9) });
    const { deltas } = decodePayload(codec, payload, 'test');
    expect(deltas.buffer).toBe(payload.buffer);
    expect(deltas.length).toBe(1000);
  });

  test('truncated, overlong and bogus payloads are BadPayload errors', () => {
    const codec = p.struct({ a: p.string, b: p.list(p.uint) });
    const good = encode(codec, { a: 'abc', b: [1, 2, 3] });
    for (let n = 0; n < good.length; n++) {
      expect(() => decodePayload(codec, good.subarray(0, n), 'test')).toThrow(RpcError);
    }
    const extra = Buffer.concat([good, Buffer.from([0])]);
    expect(() => decodePayload(codec, extra, 'x')).toThrow(/1 bytes left over/);
    const hugeList = encode(p.struct({ a: p.string, n: p.uint }), { a: '', n: 1e9 });
    try {
      decodePayload(codec, hugeList, 'x');
      throw new Error('decoded');
    } catch (e) {
      expect((e as RpcError).code).toBe(RpcCodes.BadPayload);
    }
  });

  test('message types are 1..65535 (0 addresses the connection)', () => {
    expect(() => defineRpc({ type: 0, name: 'Zero', request: p.empty, response: p.empty })).toThrow(RangeError);
    expect(() => defineRpc({ type: 65536, name: 'Big', request: p.empty, response: p.empty })).toThrow(RangeError);
    expect(defineRpc({ type: 65535, name: 'Max', request: p.empty, response: p.empty }).timeoutMs).toBe(10_000);
  });
});
