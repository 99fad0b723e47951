// RPC over real sockets on 127.0.0.1: concurrency, ordering, timeouts, errors, server
// restarts, garbage input.
import net from 'node:net';
import { Codes, MghaError } from '../../dataplane/errors.js';
import { crc32 } from '../../dataplane/durability/wal-format.js';
import { RpcClient } from '../../dataplane/rpc/client.js';
import { encodeFrame, FrameDecoder, decodeErrorPayload } from '../../dataplane/rpc/frame.js';
import { defineRpc, p } from '../../dataplane/rpc/messages.js';
import { RpcServer } from '../../dataplane/rpc/server.js';
import { FrameKind, RpcCodes, RpcError, type RpcCallEvent } from '../../dataplane/rpc/types.js';
import { freePort } from '../helpers/ports.js';
import { Blob, Echo, serveFixtures, Sleep } from '../helpers/rpc-fixtures.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

async function startServer(port = 0, onCall?: (e: RpcCallEvent) => void): Promise<RpcServer> {
  const server = serveFixtures(new RpcServer({ host: '127.0.0.1', port, ...(onCall ? { onCall } : {}) }));
  await server.listen();
  open.push(server);
  return server;
}

function client(port: number, onCall?: (e: RpcCallEvent) => void): RpcClient {
  const c = new RpcClient({ host: '127.0.0.1', port, ...(onCall ? { onCall } : {}) });
  open.push(c);
  return c;
}

async function rejection(p: Promise<unknown>): Promise<RpcError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(RpcError);
    return e as RpcError;
  }
  throw new Error('expected the call to fail');
}

/** A raw socket that collects what the server answers until it hangs up. */
async function rawExchange(port: number, bytes: Buffer): Promise<{ received: Buffer; closed: boolean }> {
  const sock = net.connect({ host: '127.0.0.1', port });
  const chunks: Buffer[] = [];
  sock.on('data', (d) => chunks.push(d));
  sock.on('error', () => undefined);
  await new Promise((r) => sock.once('connect', r));
  // Half-close after the bytes: a junk length announcing a frame that never completes ends too.
  sock.end(bytes);
  const closed = await new Promise<boolean>((resolve) => {
    const t = setTimeout(() => resolve(false), 2000);
    sock.once('close', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
  sock.destroy();
  return { received: Buffer.concat(chunks), closed };
}

describe('rpc over loopback', () => {
  test('500 concurrent calls on one connection all get their own answers', async () => {
    const server = await startServer();
    const c = client(server.port);
    const texts = Array.from({ length: 500 }, (_, i) => `call-${i}-${'x'.repeat(i % 50)}`);
    const answers = await Promise.all(texts.map((text) => c.call(Echo, { text })));
    expect(answers.map((a) => a.text)).toEqual(texts);
    expect(server.connectionCount).toBe(1);
  });

  test('responses come back out of order, matched by request id', async () => {
    const server = await startServer();
    const c = client(server.port);
    const order: string[] = [];
    const slow = c.call(Sleep, { ms: 150 }).then(() => order.push('slow'));
    const fast = c.call(Echo, { text: 'fast' }).then(() => order.push('fast'));
    await Promise.all([slow, fast]);
    expect(order).toEqual(['fast', 'slow']);
  });

  test('a call times out with RpcTimeout; its late answer is dropped and the connection stays usable', async () => {
    const server = await startServer();
    const c = client(server.port);
    const started = Date.now();
    const e = await rejection(c.call(Sleep, { ms: 300 }, { timeoutMs: 50 }));
    expect(e.code).toBe(RpcCodes.Timeout);
    expect(e.remote).toBe(false);
    expect(Date.now() - started).toBeLessThan(250);
    await new Promise((r) => setTimeout(r, 350)); // the late answer arrives now
    expect(await c.call(Echo, { text: 'after' })).toEqual({ text: 'after' });
    expect(server.connectionCount).toBe(1);
  });

  test('handler errors reach the caller with their code; unknown types are an error, not a hang-up', async () => {
    const server = await startServer();
    const Refuse = defineRpc({ type: 50, name: 'Refuse', request: p.empty, response: p.empty });
    const Crash = defineRpc({ type: 51, name: 'Crash', request: p.empty, response: p.empty });
    server.handle(Refuse, () => {
      throw new MghaError(Codes.ForbiddenOnReadOnlyDatabase, 'replica');
    });
    server.handle(Crash, () => {
      throw new TypeError('boom');
    });
    const c = client(server.port);
    expect(await rejection(c.call(Refuse, {}))).toMatchObject({ code: Codes.ForbiddenOnReadOnlyDatabase, message: 'replica', remote: true });
    expect(await rejection(c.call(Crash, {}))).toMatchObject({ code: RpcCodes.HandlerFailed, message: 'boom' });
    const Unknown = defineRpc({ type: 4000, name: 'Unknown', request: p.empty, response: p.empty });
    expect((await rejection(c.call(Unknown, {}))).code).toBe(RpcCodes.UnknownType);
    expect(await c.call(Echo, { text: 'still here' })).toEqual({ text: 'still here' });
  });

  test('registering a message type twice is refused', async () => {
    const server = await startServer();
    expect(() => server.handle(Echo, (r) => r)).toThrow(/already served by Echo/);
  });

  test('a response that does not decode is RpcBadPayload', async () => {
    const server = await startServer();
    const WrongShape = defineRpc({ type: Echo.type, name: 'EchoAsNumber', request: p.struct({ text: p.string }), response: p.struct({ n: p.uint, m: p.uint, o: p.string }) });
    const c = client(server.port);
    expect((await rejection(c.call(WrongShape, { text: '' }))).code).toBe(RpcCodes.BadPayload);
  });

  test('the metrics hook sees every completed call on both sides', async () => {
    const serverEvents: RpcCallEvent[] = [];
    const clientEvents: RpcCallEvent[] = [];
    const server = await startServer(0, (e) => serverEvents.push(e));
    const c = client(server.port, (e) => clientEvents.push(e));
    await c.call(Echo, { text: 'a' });
    await rejection(c.call(Sleep, { ms: 200 }, { timeoutMs: 20 }));
    await new Promise((r) => setTimeout(r, 250));
    expect(clientEvents.map((e) => [e.name, e.ok, e.code])).toEqual([
      ['Echo', true, undefined],
      ['Sleep', false, RpcCodes.Timeout],
    ]);
    expect(serverEvents.map((e) => [e.name, e.ok])).toEqual([
      ['Echo', true],
      ['Sleep', true],
    ]);
    expect(clientEvents[0].seconds).toBeGreaterThan(0);
  });

  test('connect failure is RpcConnectFailed; the client connects once the server is there', async () => {
    const port = await freePort();
    const c = client(port);
    expect((await rejection(c.call(Echo, { text: 'x' }))).code).toBe(RpcCodes.ConnectFailed);
    await startServer(port);
    expect(await c.call(Echo, { text: 'now' })).toEqual({ text: 'now' });
  });

  test('server close fails in-flight calls with RpcServerClosing; a restarted server is reconnected to', async () => {
    const server = await startServer();
    const port = server.port;
    const c = client(port);
    await c.call(Echo, { text: 'warm' });
    const inFlight = rejection(c.call(Sleep, { ms: 600 }));
    await new Promise((r) => setTimeout(r, 50));
    await server.close();
    expect(await inFlight).toMatchObject({ code: RpcCodes.ServerClosing, remote: true });
    expect(c.connected).toBe(false);
    await startServer(port);
    expect(await c.call(Echo, { text: 'back' })).toEqual({ text: 'back' });
  });

  test('client close rejects calls in flight with RpcClientClosed and refuses new ones', async () => {
    const server = await startServer();
    const c = new RpcClient({ host: '127.0.0.1', port: server.port });
    const inFlight = rejection(c.call(Sleep, { ms: 600 }));
    await new Promise((r) => setTimeout(r, 50));
    await c.close();
    expect((await inFlight).code).toBe(RpcCodes.ClientClosed);
    expect((await rejection(c.call(Echo, { text: '' }))).code).toBe(RpcCodes.ClientClosed);
  });

  test('large requests wait for the socket to drain and all arrive', async () => {
    const server = await startServer();
    const c = client(server.port);
    const data = Buffer.alloc(1024 * 1024, 5);
    const sizes = await Promise.all(Array.from({ length: 48 }, () => c.call(Blob, { data }, { timeoutMs: 30_000 })));
    expect(sizes.every((s) => s.bytes === data.length)).toBe(true);
  });

  test('garbage from a client closes that connection only, with an error frame; the server keeps serving', async () => {
    const server = await startServer();
    const c = client(server.port);
    let seed = 7;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed >>> 16;
    };
    for (let round = 0; round < 20; round++) {
      const junk = Buffer.alloc(64 + (rand() % 4000));
      for (let i = 0; i < junk.length; i++) junk[i] = rand() & 0xff;
      const { received, closed } = await rawExchange(server.port, junk);
      expect(closed).toBe(true);
      // A junk length may announce a frame that never completes: then no error, just the end.
      if (received.length > 0) {
        const f = new FrameDecoder().feed(received).frames[0];
        expect(f).toMatchObject({ kind: FrameKind.Error, requestId: 0 });
        expect([RpcCodes.BadFrame, RpcCodes.FrameTooLarge]).toContain(decodeErrorPayload(f.payload).code);
      }
      expect(await c.call(Echo, { text: `round ${round}` })).toEqual({ text: `round ${round}` });
    }
  });

  test('a peer speaking another frame version is told so and disconnected', async () => {
    const server = await startServer();
    const frame = Buffer.from(encodeFrame(FrameKind.Request, 1, Echo.type, (w) => w.string('hi')));
    frame[6] = 2; // version
    frame.writeUInt32LE(crc32(frame.subarray(0, frame.length - 4)), frame.length - 4);
    const { received, closed } = await rawExchange(server.port, frame);
    expect(closed).toBe(true);
    const f = new FrameDecoder().feed(received).frames[0];
    expect(decodeErrorPayload(f.payload)).toMatchObject({ code: RpcCodes.VersionMismatch });
  });

  test('an oversized frame is refused before it is read', async () => {
    const server = serveFixtures(new RpcServer({ host: '127.0.0.1', port: 0, maxFrameBytes: 4096 }));
    await server.listen();
    open.push(server);
    const c = client(server.port);
    expect(await c.call(Blob, { data: Buffer.alloc(1000) })).toEqual({ bytes: 1000 });
    const e = await rejection(c.call(Blob, { data: Buffer.alloc(100_000) }));
    expect(e).toMatchObject({ code: RpcCodes.FrameTooLarge, remote: true });
    expect(await c.call(Echo, { text: 'reconnected' })).toEqual({ text: 'reconnected' });
  });
});
