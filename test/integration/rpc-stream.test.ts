// Streamed file transfers over real sockets on 127.0.0.1.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RpcClient } from '../../dataplane/rpc/client.js';
import { defineRpc, p } from '../../dataplane/rpc/messages.js';
import { RpcServer } from '../../dataplane/rpc/server.js';
import { RpcCodes, RpcError } from '../../dataplane/rpc/types.js';

const Snapshot = defineRpc({
  type: 20,
  name: 'Snapshot',
  request: p.struct({ name: p.string }),
  response: p.struct({ bytes: p.uint, sha256: p.string }),
  timeoutMs: 10_000,
});

let dir: string;
let inbox: string;
const open: { close(): Promise<void> }[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-rpc-stream-'));
  inbox = path.join(dir, 'inbox');
  fs.mkdirSync(inbox);
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function writeRandomFile(name: string, bytes: number): string {
  const file = path.join(dir, name);
  const fd = fs.openSync(file, 'w');
  for (let left = bytes; left > 0; left -= 1 << 20) fs.writeSync(fd, randomBytes(Math.min(left, 1 << 20)));
  fs.closeSync(fd);
  return file;
}

/** A server whose completion step can be held up (to break a transfer at a chosen moment). */
async function startServer(onChunkTarget?: () => void): Promise<RpcServer> {
  const server = new RpcServer({ host: '127.0.0.1', port: 0 });
  server.handleFile(Snapshot, {
    target: ({ name }) => {
      onChunkTarget?.();
      if (name.includes('/')) throw new RpcError('BadName', `refusing ${name}`);
      return path.join(inbox, name);
    },
    complete: (_req, file) => ({ bytes: file.bytes, sha256: sha256(file.path) }),
  });
  await server.listen();
  open.push(server);
  return server;
}

const until = async (cond: () => boolean, ms = 5000): Promise<void> => {
  for (let t = 0; t < ms / 10 && !cond(); t++) await new Promise((r) => setTimeout(r, 10));
};

describe('rpc file streams', () => {
  test('a 24 MB file arrives intact, with progress reported along the way', async () => {
    const server = await startServer();
    const client = new RpcClient({ host: '127.0.0.1', port: server.port });
    open.push(client);
    const file = writeRandomFile('snap', 24 * 1024 * 1024 + 123);
    const progress: number[] = [];
    const res = await client.sendFile(Snapshot, { name: 'snap' }, file, { onProgress: (pr) => progress.push(pr.sent) });
    expect(res).toEqual({ bytes: 24 * 1024 * 1024 + 123, sha256: sha256(file) });
    expect(sha256(path.join(inbox, 'snap'))).toBe(sha256(file));
    expect(progress.length).toBeGreaterThan(50);
    expect(progress.at(-1)).toBe(24 * 1024 * 1024 + 123);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(fs.readdirSync(inbox)).toEqual(['snap']);
  });

  test('an empty file and a file smaller than a chunk arrive too', async () => {
    const server = await startServer();
    const client = new RpcClient({ host: '127.0.0.1', port: server.port });
    open.push(client);
    const empty = path.join(dir, 'empty');
    fs.writeFileSync(empty, '');
    expect((await client.sendFile(Snapshot, { name: 'empty' }, empty)).bytes).toBe(0);
    const small = writeRandomFile('small', 1000);
    expect((await client.sendFile(Snapshot, { name: 'small' }, small, { chunkBytes: 64 })).sha256).toBe(sha256(small));
    expect(fs.readdirSync(inbox).sort()).toEqual(['empty', 'small']);
  });

  test('a client that dies mid-transfer leaves no file under the final name and no temporary file', async () => {
    const server = await startServer();
    const client = new RpcClient({ host: '127.0.0.1', port: server.port });
    const file = writeRandomFile('big', 16 * 1024 * 1024);
    let closing: Promise<void> | null = null;
    const sending = client.sendFile(Snapshot, { name: 'big' }, file, {
      onProgress: (pr) => {
        if (pr.sent >= 4 * 1024 * 1024 && closing === null) closing = client.close();
      },
    });
    await expect(sending).rejects.toMatchObject({ code: RpcCodes.ClientClosed });
    await closing;
    await until(() => fs.readdirSync(inbox).length === 0 && server.connectionCount === 0);
    expect(fs.readdirSync(inbox)).toEqual([]);
  });

  test('a server that shuts down mid-transfer answers RpcServerClosing and deletes the partial file', async () => {
    let server: RpcServer | null = null;
    server = await startServer();
    const client = new RpcClient({ host: '127.0.0.1', port: server.port });
    open.push(client);
    const file = writeRandomFile('big', 16 * 1024 * 1024);
    let stopping: Promise<void> | null = null;
    const sending = client.sendFile(Snapshot, { name: 'big' }, file, {
      onProgress: (pr) => {
        if (pr.sent >= 4 * 1024 * 1024 && stopping === null) stopping = (server as RpcServer).close();
      },
    });
    await expect(sending).rejects.toMatchObject({ code: expect.stringMatching(/RpcServerClosing|RpcConnectionLost/) });
    await stopping;
    expect(fs.readdirSync(inbox)).toEqual([]);
  });

  test('a transfer whose answer is late times out on the sender (the timeout restarts with each chunk, then bounds the answer)', async () => {
    let stall: (() => void) | null = null;
    const server = new RpcServer({ host: '127.0.0.1', port: 0 });
    const Slow = defineRpc({ type: 21, name: 'Slow', request: p.empty, response: p.empty });
    server.handleFile(Slow, {
      target: () => path.join(inbox, 'slow'),
      complete: () => new Promise<Record<string, never>>((resolve) => (stall = () => resolve({}))),
    });
    await server.listen();
    open.push(server);
    const client = new RpcClient({ host: '127.0.0.1', port: server.port });
    open.push(client);
    const file = writeRandomFile('f', 100_000);
    // The file lands, but the answer never comes in time: the call times out.
    await expect(client.sendFile(Slow, {}, file, { timeoutMs: 200 })).rejects.toMatchObject({ code: RpcCodes.Timeout });
    expect(fs.readdirSync(inbox)).toEqual(['slow']);
    (stall as unknown as () => void)();
  });

  test('a refused transfer fails with the handler code and writes nothing; a missing source file is RpcTransferFailed', async () => {
    const server = await startServer();
    const client = new RpcClient({ host: '127.0.0.1', port: server.port });
    open.push(client);
    const file = writeRandomFile('x', 3 * 1024 * 1024);
    await expect(client.sendFile(Snapshot, { name: '../escape' }, file)).rejects.toMatchObject({ code: 'BadName', remote: true });
    await expect(client.sendFile(Snapshot, { name: 'gone' }, path.join(dir, 'nope'))).rejects.toMatchObject({ code: RpcCodes.TransferFailed });
    await until(() => fs.readdirSync(inbox).length === 0);
    expect(fs.readdirSync(inbox)).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'escape'))).toBe(false);
    expect((await client.sendFile(Snapshot, { name: 'ok' }, file)).sha256).toBe(sha256(file));
  });
});
