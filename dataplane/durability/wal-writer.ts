// Appends committed transactions to the WAL: one `…_current` file at a time, finalised
// to `…_from_<ts>_to_<ts>` when it reaches the size limit, on an epoch change and on close.
//
// `flushEveryNTx` = 1: each record is written to the OS as its commit happens and fsynced
// before the commit is acknowledged (waitDurable). fsync is asynchronous and shared (group
// commit): commits that arrive while one fdatasync runs are covered by the next one.
//
// `flushEveryNTx` > 1 (batched): records collect in a user-space buffer that is written
// with one write() at most WRITE_DELAY_MS after its first record, when it holds
// MAX_BUFFERED_BYTES, and before any fsync, rotation or close. One write() per commit was
// the largest cost of a batched commit in server profiles; the price is that a
// killed process loses the commits of its last millisecond (Memgraph's own batched mode
// buffers 256 KiB in user space with no time bound). fsync every n commits as above.

import fs from 'node:fs';
import path from 'node:path';
import { Codes, MghaError } from '../errors.js';
import type { CommittedTransaction } from '../storage/types.js';
import { ByteWriter, encodeTransactionInto } from './codec.js';
import {
  currentWalName,
  encodeHeader,
  fileTimestamp,
  finalWalName,
  frameRecord,
  frameRecordInto,
  RECORD_OVERHEAD,
  WAL_MAGIC,
} from './wal-format.js';

export interface WalWriterHooks {
  /** One fdatasync finished, in seconds. */
  synced?(seconds: number): void;
  /** Everything up to `ts` is on disk. */
  durable?(ts: number): void;
  /** A file was finalised under this path. */
  finalised?(file: string): void;
  /**
   * The WAL stopped accepting commits (once). `unwritten`: the acknowledged (batched)
   * commits whose records were still buffered, which a restart may not have.
   */
  failed?(error: Error, unwritten: { fromTs: number; toTs: number } | null): void;
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

function writeAll(fd: number, buf: Buffer, length = buf.length): void {
  let off = 0;
  while (off < length) off += fs.writeSync(fd, buf, off, length - off);
}

/** Longest a batched record waits in user space before it is written to the OS. */
export const WRITE_DELAY_MS = 1;
/** A batched buffer this full is written at once. */
export const MAX_BUFFERED_BYTES = 1 << 20;

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
  /** Batched mode: framed records not yet written to the OS (`buffered` bytes of `buffer`). */
  private buffer: Buffer | null = null;
  private buffered = 0;
  /** Commit timestamp of the first record in the buffer. */
  private bufferFromTs = -1;
  private bufferTimer: NodeJS.Timeout | null = null;
  /** Bytes appended so far (records and headers), for the metrics. */
  bytesAppended = 0;
  /** Reused for every commit's encoding. */
  private scratch = new ByteWriter(4096);

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

  /** Encodes and appends one committed transaction (in commit order). Throws once the WAL has failed. */
  append(ct: CommittedTransaction): void {
    if (this.failure !== null) throw this.failure;
    const w = this.scratch;
    w.reset();
    encodeTransactionInto(w, ct);
    if (w.capacity > MAX_BUFFERED_BYTES) this.scratch = new ByteWriter(4096);
    this.appendEncoded(ct.commitTimestamp, w);
  }

  /** Appends one transaction already encoded (codec.ts) into `payload`. */
  appendEncoded(commitTs: number, payload: ByteWriter): void {
    if (this.failure !== null) throw this.failure;
    try {
      const file = this.file ?? this.open();
      let size: number;
      if (this.options.flushEveryNTx > 1) size = this.bufferRecord(commitTs, payload);
      else {
        const record = frameRecord(payload.view());
        writeAll(file.fd, record);
        size = record.length;
      }
      file.size += size;
      if (file.fromTs < 0) file.fromTs = commitTs;
      file.toTs = commitTs;
      this.writtenTs = commitTs;
      this.pending++;
      this.bytesAppended += size;
      if (file.size >= this.options.fileSizeBytes) this.finalise();
      else if (this.pending >= this.options.flushEveryNTx) this.sync();
    } catch (e) {
      this.fail(e);
      throw e;
    }
  }

  /**
   * Writes buffered records to the OS now (batched mode). After this a killed process
   * loses nothing appended so far. Throws (and fails the WAL) if the write fails.
   */
  flushToOs(): void {
    if (this.bufferTimer !== null) {
      clearTimeout(this.bufferTimer);
      this.bufferTimer = null;
    }
    if (this.buffered === 0 || this.buffer === null || this.file === null || this.failure !== null) return;
    try {
      writeAll(this.file.fd, this.buffer, this.buffered);
    } catch (e) {
      this.fail(e);
      throw e;
    }
    this.buffered = 0;
  }

  /** Frames `payload` into the buffer (writing the buffer first if it lacks room); returns the framed size. */
  private bufferRecord(commitTs: number, payload: ByteWriter): number {
    const size = payload.length + RECORD_OVERHEAD;
    if (this.buffered + size > MAX_BUFFERED_BYTES) this.flushToOs();
    if (size > MAX_BUFFERED_BYTES) {
      writeAll(this.activeFd(), frameRecord(payload.view()));
      return size;
    }
    this.buffer ??= Buffer.allocUnsafe(MAX_BUFFERED_BYTES);
    frameRecordInto(this.buffer, this.buffered, payload.view());
    if (this.buffered === 0) this.bufferFromTs = commitTs;
    this.buffered += size;
    this.bufferTimer ??= setTimeout(() => this.flushFromTimer(), WRITE_DELAY_MS);
    return size;
  }

  private flushFromTimer(): void {
    this.bufferTimer = null;
    try {
      this.flushToOs();
    } catch {
      // fail() recorded it: later commits and waitDurable() report it.
    }
  }

  private activeFd(): number {
    if (this.file === null) throw new Error('no active WAL file');
    return this.file.fd;
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
    this.flushToOs();
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
    const error = this.failure ?? new MghaError(Codes.CommitFailed, 'The WAL was closed (shutdown) before the commit was on disk');
    for (const w of this.waiters.splice(0)) w.reject(error);
  }

  private open(): ActiveFile {
    const stamp = fileTimestamp();
    const p = path.join(this.options.directory, currentWalName(stamp));
    const fd = fs.openSync(p, 'wx');
    const header = encodeHeader(WAL_MAGIC, this.epochId);
    writeAll(fd, header);
    fsyncDirectory(this.options.directory);
    this.bytesAppended += header.length;
    this.file = { fd, path: p, stamp, size: header.length, fromTs: -1, toTs: -1, inflight: 0, closing: false };
    return this.file;
  }

  private sync(): void {
    const file = this.file;
    if (this.syncing || file === null || this.failure !== null) return;
    if (this.writtenTs <= this.durableTs) return;
    try {
      this.flushToOs();
    } catch {
      return;
    }
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
    this.failure = new MghaError(Codes.CommitFailed, `WAL write failed, commits are no longer durable: ${err.message}`);
    if (this.bufferTimer !== null) clearTimeout(this.bufferTimer);
    this.bufferTimer = null;
    const unwritten = this.buffered > 0 ? { fromTs: this.bufferFromTs, toTs: this.writtenTs } : null;
    this.buffered = 0;
    for (const w of this.waiters.splice(0)) w.reject(this.failure);
    this.options.hooks?.failed?.(this.failure, unwritten);
  }
}
