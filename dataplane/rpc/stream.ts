// File transfers: the sender reads a file in chunks without holding it in memory; the
// receiver writes into a temporary file beside the target and renames it into place only
// when the byte count and CRC32 the sender reports match what arrived. A broken transfer
// deletes the temporary file, so nothing ever appears under the final name half-written.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ByteReader, type ByteWriter } from '../durability/codec.js';
import { crc32 } from '../durability/wal-format.js';
import { RpcCodes, RpcError } from './types.js';

export const DEFAULT_CHUNK_BYTES = 256 * 1024;
/** The receiver stops reading the socket while this much is queued for the disk. */
const MAX_QUEUED_WRITE_BYTES = 4 * 1024 * 1024;

/** What an End frame carries: the totals the receiver checks before the rename. */
export interface TransferSummary {
  bytes: number;
  crc: number;
}

export function writeSummary(w: ByteWriter, s: TransferSummary): void {
  w.uint(s.bytes);
  w.u32(s.crc);
}

export function readSummary(payload: Buffer): TransferSummary {
  const r = new ByteReader(payload);
  return { bytes: r.uint(), crc: r.u32() };
}

export interface SendProgress {
  sent: number;
  total: number;
}

/**
 * Reads the first `size` bytes of `filePath` (its size when the transfer starts: a file
 * still being appended to, like the current WAL, is sent as that prefix) and hands each
 * chunk to `send`, awaiting it (that is where socket backpressure waits). Stops early,
 * returning null, once `cancelled()` says so.
 */
export async function readFileChunks(
  filePath: string,
  chunkBytes: number,
  send: (chunk: Buffer) => Promise<void> | undefined,
  cancelled: () => boolean,
  onProgress?: (p: SendProgress) => void,
): Promise<TransferSummary | null> {
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(filePath, 'r');
  } catch (e) {
    throw new RpcError(RpcCodes.TransferFailed, `cannot open ${filePath}: ${(e as Error).message}`);
  }
  try {
    const total = (await fh.stat()).size;
    let sent = 0;
    let crc = 0;
    while (sent < total) {
      if (cancelled()) return null;
      // A fresh buffer per chunk: the socket may still hold the previous one.
      const buf = Buffer.allocUnsafe(Math.min(chunkBytes, total - sent));
      const { bytesRead } = await fh.read(buf, 0, buf.length, sent);
      if (bytesRead === 0) throw new RpcError(RpcCodes.TransferFailed, `${filePath} shrank to ${sent} bytes while being sent`);
      const chunk = bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
      crc = crc32(chunk, crc);
      sent += bytesRead;
      const pending = send(chunk);
      if (pending !== undefined) await pending;
      onProgress?.({ sent, total });
    }
    return cancelled() ? null : { bytes: sent, crc };
  } finally {
    await fh.close();
  }
}

export interface ReceivedFile {
  /** The final path, now complete. */
  path: string;
  bytes: number;
}

/** The receiving end of one transfer. Writes are queued in order; errors surface at finish(). */
export class IncomingFile {
  readonly tempPath: string;
  private fh: fs.FileHandle | null = null;
  private chain: Promise<void>;
  private error: Error | null = null;
  private bytes = 0;
  private crc = 0;
  private queued = 0;
  private done = false;

  constructor(readonly finalPath: string) {
    const dir = path.dirname(finalPath);
    this.tempPath = path.join(dir, `.${path.basename(finalPath)}.part-${process.pid}-${randomBytes(4).toString('hex')}`);
    this.chain = fs.open(this.tempPath, 'wx').then(
      (fh) => {
        this.fh = fh;
      },
      (e: Error) => this.fail(e),
    );
  }

  /** Queues a chunk; returns a promise when enough is queued that the sender should wait. */
  write(chunk: Buffer): Promise<void> | undefined {
    if (this.done) return undefined;
    this.bytes += chunk.length;
    this.crc = crc32(chunk, this.crc);
    this.queued += chunk.length;
    this.chain = this.chain.then(async () => {
      try {
        if (this.error === null && this.fh !== null) await writeAll(this.fh, chunk);
      } catch (e) {
        this.fail(e as Error);
      } finally {
        this.queued -= chunk.length;
      }
    });
    return this.queued > MAX_QUEUED_WRITE_BYTES ? this.chain : undefined;
  }

  /** Checks the totals, fsyncs, renames into place and fsyncs the directory. */
  async finish(expected: TransferSummary): Promise<ReceivedFile> {
    this.done = true;
    await this.chain;
    try {
      if (this.error !== null) throw new RpcError(RpcCodes.TransferFailed, `writing ${this.finalPath}: ${this.error.message}`);
      if (expected.bytes !== this.bytes || expected.crc !== this.crc) {
        throw new RpcError(
          RpcCodes.TransferFailed,
          `${this.finalPath}: received ${this.bytes} bytes with CRC ${this.crc}, sender sent ${expected.bytes} with CRC ${expected.crc}`,
        );
      }
      const fh = this.fh as fs.FileHandle;
      this.fh = null;
      await fh.sync();
      await fh.close();
      await fs.rename(this.tempPath, this.finalPath);
    } catch (e) {
      await this.discard();
      throw e;
    }
    await syncDirectory(path.dirname(this.finalPath));
    return { path: this.finalPath, bytes: this.bytes };
  }

  /** Gives up: closes and deletes the temporary file. */
  async abort(): Promise<void> {
    this.done = true;
    await this.chain;
    await this.discard();
  }

  private fail(e: Error): void {
    if (this.error === null) this.error = e;
  }

  private async discard(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    await fh?.close().catch(() => undefined);
    await fs.rm(this.tempPath, { force: true });
  }
}

async function writeAll(fh: fs.FileHandle, chunk: Buffer): Promise<void> {
  let off = 0;
  while (off < chunk.length) {
    const { bytesWritten } = await fh.write(chunk, off, chunk.length - off);
    if (bytesWritten === 0) throw new Error('write made no progress');
    off += bytesWritten;
  }
}

/** Makes a rename durable (the directory entry reaches the disk). */
async function syncDirectory(dir: string): Promise<void> {
  const fh = await fs.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
