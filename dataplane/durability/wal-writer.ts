// Appends committed transactions to the WAL: one `…_current` file at a time, finalised
// to `…_from_<ts>_to_<ts>` when it reaches the size limit, on an epoch change and on close.
//
// Writes are synchronous (each commit reaches the OS before the commit returns, so a
// killed process loses nothing the OS has). fsync is asynchronous and shared (group
// commit): commits that arrive while one fdatasync runs are covered by the next one.
// `flushEveryNTx` = 1 asks for an fsync after every commit; waitDurable(ts) resolves once
// ts is on disk.

import fs from 'node:fs';
import path from 'node:path';
import type { CommittedTransaction } from '../storage/types.js';
import { encodeTransaction } from './codec.js';
import { currentWalName, encodeHeader, fileTimestamp, finalWalName, frameRecord, WAL_MAGIC } from './wal-format.js';

export interface WalWriterHooks {
  /** Bytes appended (records and headers). */
  written?(bytes: number): void;
  /** One fdatasync finished, in seconds. */
  synced?(seconds: number): void;
  /** Everything up to `ts` is on disk. */
  durable?(ts: number): void;
  /** A file was finalised under this path. */
  finalised?(file: string): void;
}

export interface WalWriterOptions {
  /** The `wal/` directory. */
  directory: string;
  epochId: string;
  fileSizeBytes: number;
  /** fsync after this many commits (1 = every commit). */
  flushEveryNTx: number;
  /** Commit timestamp already durable (recovered state). */
  durableTimestamp: number;
  hooks?: WalWriterHooks;
}

interface ActiveFile {
  fd: number;
  path: string;
  stamp: string;
  size: number;
  fromTs: number;
  toTs: number;
  /** fdatasync calls still running on this fd: it is closed only when they are done. */
  inflight: number;
  closing: boolean;
}

interface Waiter {
  ts: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

export function fsyncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
}

export class WalWriter {
  private file: ActiveFile | null = null;
  private epochId: string;
  private writtenTs: number;
  private durableTs: number;
  /** Commits appended since the last fsync started. */
  private pending = 0;
  private syncing = false;
  private waiters: Waiter[] = [];
  private idleWaiters: (() => void)[] = [];
  private failure: Error | null = null;

  constructor(private readonly options: WalWriterOptions) {
    this.epochId = options.epochId;
    this.writtenTs = options.durableTimestamp;
    this.durableTs = options.durableTimestamp;
  }

  /** Why the WAL stopped accepting commits, or null while it works. */
  failed(): Error | null {
    return this.failure;
  }

  /** Last commit timestamp known to be on disk. */
  durableTimestamp(): number {
    return this.durableTs;
  }

  /** The file being written, if any (retention must not delete it). */
  activeFile(): { path: string; fromTs: number } | null {
    return this.file === null ? null : { path: this.file.path, fromTs: this.file.fromTs };
  }

  /**
   * Encodes and appends one committed transaction (in commit order); returns the encoded
   * transaction so it can be shipped as is. Throws once the WAL has failed.
   */
  append(ct: CommittedTransaction): Buffer {
    const payload = encodeTransaction(ct);
    this.appendEncoded(ct.commitTimestamp, payload);
    return payload;
  }

  appendEncoded(commitTs: number, payload: Buffer): void {
    if (this.failure !== null) throw this.failure;
    try {
      const file = this.file ?? this.open();
      const record = frameRecord(payload);
      writeAll(file.fd, record);
      file.size += record.length;
      if (file.fromTs < 0) file.fromTs = commitTs;
      file.toTs = commitTs;
      this.writtenTs = commitTs;
      this.pending++;
      this.options.hooks?.written?.(record.length);
      if (file.size >= this.options.fileSizeBytes) this.finalise();
      else if (this.pending >= this.options.flushEveryNTx) this.sync();
    } catch (e) {
      this.fail(e);
      throw e;
    }
  }

  /** Resolves when `ts` is on disk (starting an fsync if none is due); rejects if the WAL failed. */
  waitDurable(ts: number): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (ts <= this.durableTs) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ ts, resolve, reject });
      this.sync();
    });
  }

  /** Starts the next file with a new epoch id (the finished one keeps the old id). */
  setEpoch(epochId: string): void {
    if (epochId === this.epochId) return;
    this.finalise();
    this.epochId = epochId;
  }

  /** Finalises the active file: fsync, rename to its timestamp range. */
  finalise(): void {
    const file = this.file;
    if (file === null) return;
    this.file = null;
    fs.fdatasyncSync(file.fd);
    const finalPath = path.join(this.options.directory, finalWalName(file.stamp, file.fromTs, file.toTs));
    fs.renameSync(file.path, finalPath);
    fsyncDirectory(this.options.directory);
    file.closing = true;
    if (file.inflight === 0) fs.closeSync(file.fd);
    this.pending = 0;
    this.markDurable(file.toTs);
    this.options.hooks?.finalised?.(finalPath);
  }

  /** Waits for running fsyncs, then finalises the active file. */
  async close(): Promise<void> {
    while (this.syncing) await new Promise<void>((r) => this.idleWaiters.push(r));
    if (this.failure === null) this.finalise();
    const error = this.failure ?? new Error('WAL closed');
    for (const w of this.waiters.splice(0)) w.reject(error);
  }

  private open(): ActiveFile {
    const stamp = fileTimestamp();
    const p = path.join(this.options.directory, currentWalName(stamp));
    const fd = fs.openSync(p, 'wx');
    const header = encodeHeader(WAL_MAGIC, this.epochId);
    writeAll(fd, header);
    fsyncDirectory(this.options.directory);
    this.options.hooks?.written?.(header.length);
    this.file = { fd, path: p, stamp, size: header.length, fromTs: -1, toTs: -1, inflight: 0, closing: false };
    return this.file;
  }

  private sync(): void {
    const file = this.file;
    if (this.syncing || file === null || this.failure !== null) return;
    if (this.writtenTs <= this.durableTs) return;
    this.syncing = true;
    this.pending = 0;
    const target = this.writtenTs;
    const started = process.hrtime.bigint();
    file.inflight++;
    fs.fdatasync(file.fd, (err) => {
      file.inflight--;
      this.syncing = false;
      if (file.closing && file.inflight === 0) fs.closeSync(file.fd);
      if (err !== null) this.fail(err);
      else {
        this.options.hooks?.synced?.(Number(process.hrtime.bigint() - started) / 1e9);
        this.markDurable(target);
      }
      for (const r of this.idleWaiters.splice(0)) r();
      // Commits that arrived meanwhile share the next fsync.
      if (this.pending >= this.options.flushEveryNTx || this.waiters.length > 0) this.sync();
    });
  }

  private markDurable(ts: number): void {
    if (ts <= this.durableTs) return;
    this.durableTs = ts;
    this.options.hooks?.durable?.(ts);
    if (this.waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.ts <= ts) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  private fail(e: unknown): void {
    if (this.failure !== null) return;
    const err = e instanceof Error ? e : new Error(String(e));
    this.failure = new Error(`WAL write failed, commits are no longer durable: ${err.message}`);
    for (const w of this.waiters.splice(0)) w.reject(this.failure);
  }
}
