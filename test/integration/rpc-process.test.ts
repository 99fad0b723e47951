// The RPC server in its own process (dist/test/helpers/rpc-server-process.js; build first),
// SIGKILLed mid-call: the caller sees a typed error, and reconnects once it is back.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { RpcClient } from '../../dataplane/rpc/client.js';
import { RpcCodes, RpcError } from '../../dataplane/rpc/types.js';
import { freePort } from '../helpers/ports.js';
import { Echo, Sleep } from '../helpers/rpc-fixtures.js';
import { repoRoot } from '../helpers/server.js';

const script = path.join(repoRoot, 'dist', 'test', 'helpers', 'rpc-server-process.js');
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

async function spawnServer(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [script, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
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
