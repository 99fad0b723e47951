// The RPC server in its own process (dist/test/helpers/rpc-server-process.js; build first),
// SIGKILLed mid-call: the caller sees a typed error, and reconnects once it is back;
// SIGSTOPped mid-transfer: the sender times out and the server drops the partial file.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RpcClient } from '../../dataplane/rpc/client.js';
import { RpcCodes, RpcError } from '../../dataplane/rpc/types.js';
import { freePort } from '../helpers/ports.js';
import { Echo, Sleep, Upload } from '../helpers/rpc-fixtures.js';
import { repoRoot } from '../helpers/server.js';

const script = path.join(repoRoot, 'dist', 'test', 'helpers', 'rpc-server-process.js');
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

async function spawnServer(port: number, inbox?: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [script, String(port), ...(inbox === undefined ? [] : [inbox])], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const printed = await new Promise<number>((resolve, reject) => {
    child.stdout?.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', (code) => reject(new Error(`rpc server process exited with ${code}`)));
  });
  expect(printed).toBe(port);
  return child;
}

async function sigkill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

test('server process SIGKILLed mid-call: RpcConnectionLost for every call in flight, then a reconnect when it is back', async () => {
  const port = await freePort();
  let child = await spawnServer(port);
  const client = new RpcClient({ host: '127.0.0.1', port });
  try {
    expect(await client.call(Echo, { text: 'before' })).toEqual({ text: 'before' });
    const inFlight = Array.from({ length: 10 }, () => client.call(Sleep, { ms: 10_000 }).then(() => null, (e: unknown) => e));
    await new Promise((r) => setTimeout(r, 100));
    await sigkill(child);
    const errors = await Promise.all(inFlight);
    for (const e of errors) {
      expect(e).toBeInstanceOf(RpcError);
      expect((e as RpcError).code).toBe(RpcCodes.ConnectionLost);
    }
    await expect(client.call(Echo, { text: 'while down' })).rejects.toMatchObject({ code: RpcCodes.ConnectFailed });
    child = await spawnServer(port);
    expect(await client.call(Echo, { text: 'after' })).toEqual({ text: 'after' });
    await sigkill(child);
  } finally {
    await client.close();
  }
});

test('server process stalled mid-transfer: the sender times out, cancels, and the server leaves no file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-rpc-stall-'));
  const inbox = path.join(dir, 'inbox');
  fs.mkdirSync(inbox);
  const source = path.join(dir, 'snapshot');
  fs.writeFileSync(source, Buffer.alloc(64 * 1024 * 1024, 1));
  const port = await freePort();
  const child = await spawnServer(port, inbox);
  const client = new RpcClient({ host: '127.0.0.1', port });
  try {
    let stopped = false;
    const sending = client.sendFile(Upload, { name: 'snapshot' }, source, {
      timeoutMs: 500,
      onProgress: ({ sent }) => {
        if (sent >= 8 * 1024 * 1024 && !stopped) {
          stopped = true;
          child.kill('SIGSTOP');
        }
      },
    });
    // Socket buffers fill, no chunk goes out for 500 ms: the transfer times out.
    await expect(sending).rejects.toMatchObject({ code: RpcCodes.Timeout });
    child.kill('SIGCONT');
    // The server reads what was buffered, then the sender's cancel, and deletes the partial file.
    for (let i = 0; i < 500 && fs.readdirSync(inbox).length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(fs.readdirSync(inbox)).toEqual([]);
    expect(await client.call(Echo, { text: 'alive' })).toEqual({ text: 'alive' });
  } finally {
    child.kill('SIGCONT');
    await client.close();
    await sigkill(child);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
