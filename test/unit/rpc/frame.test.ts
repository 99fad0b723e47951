import { ByteWriter } from '../../../dataplane/durability/codec.js';
import { crc32 } from '../../../dataplane/durability/wal-format.js';
import {
  decodeErrorPayload,
  encodeErrorFrame,
  encodeFrame,
  FRAME_OVERHEAD,
  FRAME_VERSION,
  FrameDecoder,
  frameAround,
} from '../../../dataplane/rpc/frame.js';
import { FrameKind, RpcCodes, type Frame } from '../../../dataplane/rpc/types.js';

function frame(kind: FrameKind, id: number, type: number, payload: Buffer): Buffer {
  return encodeFrame(kind, id, type, (w) => w.bytes(payload));
}

function decodeAll(bytes: Buffer, max?: number): { frames: Frame[]; code: string | null } {
  const { frames, error } = new FrameDecoder(max).feed(bytes);
  return { frames, code: error?.code ?? null };
}

/** A frame with a correct checksum over a body we choose (to test what lies under the CRC). */
function rawFrame(body: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32LE(body.length);
  const tail = Buffer.alloc(4);
  tail.writeUInt32LE(crc32(Buffer.concat([head, body])));
  return Buffer.concat([head, body, tail]);
}

function body(magic: string, version: number, kind: number): Buffer {
  const b = Buffer.alloc(10);
  b.write(magic, 0, 'latin1');
  b[2] = version;
  b[3] = kind;
  b.writeUInt32LE(7, 4);
  b.writeUInt16LE(3, 8);
  return b;
}

describe('rpc frames', () => {
  test('round trip keeps kind, request id, type and payload', () => {
    const payload = Buffer.from('hello, replica');
    const bytes = frame(FrameKind.Request, 0xfffffffe, 65535, payload);
    expect(bytes.length).toBe(payload.length + FRAME_OVERHEAD);
    const { frames, code } = decodeAll(bytes);
    expect(code).toBeNull();
    expect(frames).toEqual([{ kind: FrameKind.Request, requestId: 0xfffffffe, type: 65535, payload }]);
  });

  test('a frame around an existing payload decodes like an encoded one', () => {
    const payload = Buffer.alloc(100_000, 7);
    const parts = frameAround(FrameKind.Chunk, 9, 12, payload);
    expect(parts[1]).toBe(payload);
    expect(Buffer.concat(parts).equals(frame(FrameKind.Chunk, 9, 12, payload))).toBe(true);
  });

  test('an empty payload is a valid frame', () => {
    const { frames } = decodeAll(frame(FrameKind.Response, 1, 1, Buffer.alloc(0)));
    expect(frames[0].payload.length).toBe(0);
  });

  test('error frames carry a code and a message', () => {
    const { frames } = decodeAll(encodeErrorFrame(5, 2, 'RpcUnknownType', 'no handler for message type 2 ✓'));
    expect(frames[0].kind).toBe(FrameKind.Error);
    expect(decodeErrorPayload(frames[0].payload)).toEqual({ code: 'RpcUnknownType', message: 'no handler for message type 2 ✓' });
    expect(decodeErrorPayload(Buffer.from([0xff])).code).toBe(RpcCodes.BadPayload);
  });

  test('frames split at every byte boundary and coalesced decode the same', () => {
    const frames = [
      frame(FrameKind.Request, 1, 10, Buffer.from('a')),
      frame(FrameKind.Chunk, 2, 11, Buffer.alloc(3000, 1)),
      frame(FrameKind.End, 3, 12, Buffer.alloc(0)),
    ];
    const stream = Buffer.concat(frames);
    for (let cut = 1; cut < stream.length; cut += 37) {
      const d = new FrameDecoder();
      const got = [...d.feed(stream.subarray(0, cut)).frames, ...d.feed(stream.subarray(cut)).frames];
      expect(got.map((f) => f.requestId)).toEqual([1, 2, 3]);
      expect(got[1].payload.equals(Buffer.alloc(3000, 1))).toBe(true);
    }
    const d = new FrameDecoder();
    const oneByOne: Frame[] = [];
    for (let i = 0; i < stream.length; i++) oneByOne.push(...d.feed(stream.subarray(i, i + 1)).frames);
    expect(oneByOne.map((f) => f.type)).toEqual([10, 11, 12]);
  });

  test('a truncated frame waits for the rest and is never returned half', () => {
    const bytes = frame(FrameKind.Request, 1, 1, Buffer.alloc(50, 2));
    for (let n = 0; n < bytes.length; n++) expect(decodeAll(bytes.subarray(0, n))).toEqual({ frames: [], code: null });
  });

  test('a flipped bit anywhere is a checksum or framing error, never a frame', () => {
    const bytes = frame(FrameKind.Response, 3, 4, Buffer.from('payload bytes'));
    for (let i = 0; i < bytes.length; i++) {
      const bad = Buffer.from(bytes);
      bad[i] ^= 0x10;
      const { frames, code } = decodeAll(bad);
      expect(frames).toEqual([]);
      // A flipped length may also just look like an incomplete frame.
      if (code !== null) expect([RpcCodes.BadFrame, RpcCodes.FrameTooLarge]).toContain(code);
    }
  });

  test('frames before a bad one are returned; the decoder then stays failed', () => {
    const good = frame(FrameKind.Request, 1, 1, Buffer.from('x'));
    const bad = Buffer.from(good);
    bad[bad.length - 1] ^= 1;
    const d = new FrameDecoder();
    const r = d.feed(Buffer.concat([good, bad]));
    expect(r.frames.length).toBe(1);
    expect(r.error?.code).toBe(RpcCodes.BadFrame);
    expect(r.error?.message).toMatch(/checksum/);
    expect(d.feed(good)).toEqual({ frames: [], error: r.error });
  });

  test('an oversized frame is refused from its length field alone', () => {
    const d = new FrameDecoder(1024);
    const head = Buffer.alloc(4);
    head.writeUInt32LE(2000);
    const r = d.feed(head);
    expect(r.error?.code).toBe(RpcCodes.FrameTooLarge);
    expect(decodeAll(frame(FrameKind.Request, 1, 1, Buffer.alloc(1024 - FRAME_OVERHEAD)), 1024).code).toBeNull();
    expect(decodeAll(frame(FrameKind.Request, 1, 1, Buffer.alloc(1025 - FRAME_OVERHEAD)), 1024).code).toBe(RpcCodes.FrameTooLarge);
  });

  test('another frame version is reported as a version mismatch', () => {
    expect(decodeAll(rawFrame(body('MR', FRAME_VERSION + 1, 1)))).toEqual({ frames: [], code: RpcCodes.VersionMismatch });
  });

  test('bad magic, an unknown kind and a body shorter than the header are bad frames', () => {
    expect(decodeAll(rawFrame(body('XX', FRAME_VERSION, 1))).code).toBe(RpcCodes.BadFrame);
    expect(decodeAll(rawFrame(body('MR', FRAME_VERSION, 9))).code).toBe(RpcCodes.BadFrame);
    expect(decodeAll(rawFrame(body('MR', FRAME_VERSION, 0))).code).toBe(RpcCodes.BadFrame);
    expect(decodeAll(rawFrame(Buffer.alloc(4))).code).toBe(RpcCodes.BadFrame);
  });

  test('seeded garbage never throws and never yields a frame', () => {
    let seed = 42;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let round = 0; round < 500; round++) {
      const junk = Buffer.alloc(1 + (rand() % 200));
      for (let i = 0; i < junk.length; i++) junk[i] = rand() & 0xff;
      const d = new FrameDecoder(1 << 20);
      expect(() => d.feed(junk)).not.toThrow();
      expect(d.feed(junk).frames).toEqual([]);
    }
  });

  test('a payload written by a field writer lands in the frame without a copy step', () => {
    const bytes = encodeFrame(FrameKind.Request, 1, 1, (w: ByteWriter) => w.string('x'.repeat(5000)));
    expect(decodeAll(bytes).frames[0].payload.length).toBe(5002);
  });
});
