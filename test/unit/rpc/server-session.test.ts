import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ByteWriter } from '../../../dataplane/durability/codec.js';
import { crc32 } from '../../../dataplane/durability/wal-format.js';
import { MghaError, Codes } from '../../../dataplane/errors.js';
import { decodeErrorPayload, encodeFrame, FrameDecoder } from '../../../dataplane/rpc/frame.js';
import { HandlerTable } from '../../../dataplane/rpc/handlers.js';
import { decodePayload, defineRpc, p } from '../../../dataplane/rpc/messages.js';
import { RpcServerSession } from '../../../dataplane/rpc/server-session.js';
import { writeSummary } from '../../../dataplane/rpc/stream.js';
import { FrameKind, type Frame, type RpcCallEvent } from '../../../dataplane/rpc/types.js';

const Echo = defineRpc({ type: 1, name: 'Echo', request: p.struct({ text: p.string, delayMs: p.uint }), response: p.struct({ text: p.string }) });
const Fail = defineRpc({ type: 2, name: 'Fail', request: p.empty, response: p.empty });
const Upload = defineRpc({ type: 3, name: 'Upload', request: p.struct({ name: p.string }), response: p.struct({ bytes: p.uint }) });

function request<T>(id: number, def: { type: number; request: { write(w: ByteWriter, v: T): void } }, req: T): Frame {
  const bytes = encodeFrame(FrameKind.Request, id, def.type, (w) => def.request.write(w, req));
  return new FrameDecoder().feed(bytes).frames[0];
}

function raw(kind: FrameKind, id: number, type: number, payload: Buffer): Frame {
  return { kind, requestId: id, type, payload };
}

function setup(dir = '') {
  const sent: Frame[] = [];
  const events: RpcCallEvent[] = [];
  const table = new HandlerTable();
  table.addCall(Echo, async ({ text, delayMs }) => {
    await new Promise((r) => setTimeout(r, delayMs));
    return { text };
  });
  table.addCall(Fail, () => {
    throw new MghaError(Codes.NotALeader, 'not the leader');
  });
  table.addFile(Upload, { target: ({ name }) => path.join(dir, name), complete: (_req, file) => ({ bytes: file.bytes }) });
  const decoder = new FrameDecoder();
  const session = new RpcServerSession(table, { send: (f) => sent.push(...decoder.feed(f).frames), settled: () => undefined }, (e) => events.push(e));
  return { session, sent, events };
}

const until = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe('rpc server session', () => {
  test('concurrent requests answer in completion order, matched by id', async () => {
    const { session, sent, events } = setup();
    session.handle(request(1, Echo, { text: 'slow', delayMs: 60 }));
    session.handle(request(2, Echo, { text: 'fast', delayMs: 0 }));
    expect(session.inflightCount).toBe(2);
    await until(() => sent.length === 2);
    expect(sent.map((f) => [f.requestId, f.kind])).toEqual([
      [2, FrameKind.Response],
      [1, FrameKind.Response],
    ]);
    expect(decodePayload(Echo.response, sent[1].payload, 't')).toEqual({ text: 'slow' });
    expect(events.map((e) => [e.name, e.ok])).toEqual([
      ['Echo', true],
      ['Echo', true],
    ]);
  });

  test('a handler error becomes an error frame with its code; unknown types and bad payloads too', async () => {
    const { session, sent, events } = setup();
    session.handle(request(1, Fail, {}));
    session.handle(raw(FrameKind.Request, 2, 999, Buffer.alloc(0)));
    session.handle(raw(FrameKind.Request, 3, Echo.type, Buffer.from([0xff, 0xff])));
    await until(() => sent.length === 3);
    const errors = new Map(sent.map((f) => [f.requestId, decodeErrorPayload(f.payload)]));
    expect(sent.every((f) => f.kind === FrameKind.Error)).toBe(true);
    expect(errors.get(1)).toEqual({ code: Codes.NotALeader, message: 'not the leader' });
    expect(errors.get(2)?.code).toBe('RpcUnknownType');
    expect(errors.get(3)?.code).toBe('RpcBadPayload');
    expect(events.find((e) => e.name === 'Fail')).toMatchObject({ ok: false, code: Codes.NotALeader });
  });

  test('shutdown answers in-flight calls with the given code and drops their late results', async () => {
    const { session, sent } = setup();
    session.handle(request(7, Echo, { text: 'late', delayMs: 30 }));
    await session.shutdown('RpcServerClosing', 'bye');
    expect(sent.map((f) => [f.requestId, decodeErrorPayload(f.payload).code])).toEqual([[7, 'RpcServerClosing']]);
    await new Promise((r) => setTimeout(r, 50));
    expect(sent.length).toBe(1);
    expect(session.handle(request(8, Echo, { text: 'x', delayMs: 0 }))).toBeUndefined();
    expect(sent.length).toBe(1);
  });

  test('a transfer lands under its name only after a matching end; a cancelled one leaves nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-rpc-session-'));
    try {
      const { session, sent } = setup(dir);
      const content = Buffer.from('snapshot bytes '.repeat(1000));
      session.handle(request(1, Upload, { name: 'snap' }));
      session.handle(raw(FrameKind.Chunk, 1, Upload.type, content.subarray(0, 5000)));
      session.handle(raw(FrameKind.Chunk, 1, Upload.type, content.subarray(5000)));
      expect(fs.existsSync(path.join(dir, 'snap'))).toBe(false);
      const end = new ByteWriter(16);
      writeSummary(end, { bytes: content.length, crc: crc32(content) });
      session.handle(raw(FrameKind.End, 1, Upload.type, end.finish()));
      await until(() => sent.length === 1);
      expect(decodePayload(Upload.response, sent[0].payload, 't')).toEqual({ bytes: content.length });
      expect(fs.readFileSync(path.join(dir, 'snap')).equals(content)).toBe(true);

      session.handle(request(2, Upload, { name: 'wal' }));
      session.handle(raw(FrameKind.Chunk, 2, Upload.type, content));
      session.handle(raw(FrameKind.Error, 2, Upload.type, Buffer.alloc(0)));
      await until(() => fs.readdirSync(dir).length === 1);
      expect(fs.readdirSync(dir)).toEqual(['snap']);
      expect(session.inflightCount).toBe(0);

      session.handle(request(3, Upload, { name: 'bad' }));
      session.handle(raw(FrameKind.Chunk, 3, Upload.type, content));
      const wrong = new ByteWriter(16);
      writeSummary(wrong, { bytes: content.length, crc: crc32(content) ^ 1 });
      session.handle(raw(FrameKind.End, 3, Upload.type, wrong.finish()));
      await until(() => sent.length === 2);
      expect(decodeErrorPayload(sent[1].payload).code).toBe('RpcTransferFailed');
      expect(fs.readdirSync(dir)).toEqual(['snap']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
