import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from '../../../dataplane/durability/wal-format.js';
import { IncomingFile, readFileChunks } from '../../../dataplane/rpc/stream.js';
import { RpcCodes } from '../../../dataplane/rpc/types.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-rpc-file-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('rpc file chunks', () => {
  test('a file growing while it is sent is sent as it was at the start', async () => {
    const file = path.join(dir, 'wal');
    fs.writeFileSync(file, Buffer.alloc(10_000, 1));
    const chunks: Buffer[] = [];
    const summary = await readFileChunks(
      file,
      4096,
      (c) => {
        chunks.push(c);
        fs.appendFileSync(file, 'more');
        return undefined;
      },
      () => false,
    );
    expect(chunks.map((c) => c.length)).toEqual([4096, 4096, 1808]);
    expect(summary).toEqual({ bytes: 10_000, crc: crc32(Buffer.alloc(10_000, 1)) });
  });

  test('cancelling stops the reading; a missing file is RpcTransferFailed', async () => {
    const file = path.join(dir, 'snap');
    fs.writeFileSync(file, Buffer.alloc(10_000));
    let sent = 0;
    const summary = await readFileChunks(file, 1000, () => void sent++, () => sent >= 3);
    expect(summary).toBeNull();
    expect(sent).toBe(3);
    await expect(readFileChunks(path.join(dir, 'none'), 1000, () => undefined, () => false)).rejects.toMatchObject({ code: RpcCodes.TransferFailed });
  });

  test('the receiver writes under a temporary name and renames only after a matching summary', async () => {
    const target = path.join(dir, 'final');
    const data = Buffer.from('abcdef'.repeat(1000));
    const incoming = new IncomingFile(target);
    incoming.write(data.subarray(0, 100));
    incoming.write(data.subarray(100));
    expect(path.dirname(incoming.tempPath)).toBe(dir);
    expect(fs.existsSync(target)).toBe(false);
    expect(await incoming.finish({ bytes: data.length, crc: crc32(data) })).toEqual({ path: target, bytes: data.length });
    expect(fs.readFileSync(target).equals(data)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['final']);

    const short = new IncomingFile(path.join(dir, 'short'));
    short.write(data.subarray(0, 10));
    await expect(short.finish({ bytes: 11, crc: 0 })).rejects.toMatchObject({ code: RpcCodes.TransferFailed });
    const aborted = new IncomingFile(path.join(dir, 'aborted'));
    aborted.write(data);
    await aborted.abort();
    const nowhere = new IncomingFile(path.join(dir, 'no-such-dir', 'x'));
    nowhere.write(data);
    await expect(nowhere.finish({ bytes: data.length, crc: crc32(data) })).rejects.toMatchObject({ code: RpcCodes.TransferFailed });
    expect(fs.readdirSync(dir)).toEqual(['final']);
  });
});
