// Appends commit records (format 2: COMMIT, or PREPARE + FINALIZE for two-phase commits) to the WAL: one `…_current` file at a time, finalised
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
  frameKindRecordInto,
  RECORD_OVERHEAD,
  RecordKind,
  WAL_MAGIC,
  type RecordKindCode,
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

/** What a run of framed records (appendFramed) holds. */
export interface FramedRun {
  records: number;
  /** Lowest and highest timestamp of its records. */
  fromTs: number;
  toTs: number;
  /** Highest timestamp of its COMMIT / FINALIZE_COMMIT records (0: none). */
  committedTs: number;
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
  /**
   * Highest commit timestamp whose committing record (COMMIT or FINALIZE_COMMIT) was
   * appended / is on disk. Commits publish in order, so it only grows, even though
   * aborted two-phase timestamps are reused.
   */
  private writtenTs: number;
  private durableTs: number;
  /** Records appended / on disk (prepares and aborts too), so an fsync knows it has work. */
  private writtenSeq = 0;
  private durableSeq = 0;
  /** Records appended since the last fsync started. */
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
    this.appendEncoded(RecordKind.Commit, ct.commitTimestamp, w.view());
  }

  /**
   * Appends one record: a transaction already encoded (codec.ts; COMMIT or PREPARE) or a
   * finalisation (`body` empty). Records of one timestamp come in commit order.
   */
  appendEncoded(kind: RecordKindCode, commitTs: number, body: Uint8Array): void {
    if (this.failure !== null) throw this.failure;
    try {
      const file = this.file ?? this.open();
      const size = body.length + 1 + RECORD_OVERHEAD;
      if (this.options.flushEveryNTx > 1) this.bufferRecord(commitTs, kind, body, size);
      else {
        const record = Buffer.allocUnsafe(size);
        frameKindRecordInto(record, 0, kind, body);
        writeAll(file.fd, record);
      }
      file.size += size;
      if (file.fromTs < 0 || commitTs < file.fromTs) file.fromTs = commitTs;
      if (commitTs > file.toTs) file.toTs = commitTs;
      if (kind === RecordKind.Commit || kind === RecordKind.FinalizeCommit) this.writtenTs = commitTs;
      this.writtenSeq++;
      this.pending++;
      this.bytesAppended += size;
      if (file.size >= this.options.fileSizeBytes) this.finalise();
      else if (this.pending >= this.options.flushEveryNTx) this.sync();
    } catch (e) {
      this.fail(e);
      throw this.failure ?? e;
    }
  }

  /**
   * Appends records framed elsewhere, as they are (a replica's batch from its MAIN: the
   * bytes it received), with one write() to the OS now, in either flush mode: no
   * re-framing, no CRC, no copy into the buffer and no write-delay timer per batch. What
   * is buffered goes first, so the log stays in order. `run` says what the frames hold.
   */
  appendFramed(frames: Uint8Array, run: FramedRun): void {
    if (this.failure !== null) throw this.failure;
    if (run.records === 0) return;
    try {
      const file = this.file ?? this.open();
      this.flushToOs();
      let off = 0;
      while (off < frames.length) off += fs.writeSync(file.fd, frames, off, frames.length - off);
      file.size += frames.length;
      if (file.fromTs < 0 || run.fromTs < file.fromTs) file.fromTs = run.fromTs;
      if (run.toTs > file.toTs) file.toTs = run.toTs;
      if (run.committedTs > this.writtenTs) this.writtenTs = run.committedTs;
      this.writtenSeq += run.records;
      this.pending += run.records;
      this.bytesAppended += frames.length;
      if (file.size >= this.options.fileSizeBytes) this.finalise();
      else if (this.pending >= this.options.flushEveryNTx) this.sync();
    } catch (e) {
      this.fail(e);
      throw this.failure ?? e;
    }
  }

  /** Appends the outcome of a two-phase transaction prepared earlier. */
  appendFinalize(commitTs: number, committed: boolean): void {
    const w = this.scratch;
    w.reset();
    w.uint(commitTs);
    this.appendEncoded(committed ? RecordKind.FinalizeCommit : RecordKind.FinalizeAbort, commitTs, w.view());
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

  /** Frames a record of `size` bytes into the buffer (writing the buffer first if it lacks room). */
  private bufferRecord(commitTs: number, kind: RecordKindCode, body: Uint8Array, size: number): void {
    if (this.buffered + size > MAX_BUFFERED_BYTES) this.flushToOs();
    if (size > MAX_BUFFERED_BYTES) {
      const record = Buffer.allocUnsafe(size);
      frameKindRecordInto(record, 0, kind, body);
      writeAll(this.activeFd(), record);
      return;
    }
    this.buffer ??= Buffer.allocUnsafe(MAX_BUFFERED_BYTES);
    frameKindRecordInto(this.buffer, this.buffered, kind, body);
    if (this.buffered === 0) this.bufferFromTs = commitTs;
    this.buffered += size;
    this.bufferTimer ??= setTimeout(() => this.flushFromTimer(), WRITE_DELAY_MS);
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

  /**
   * Continues after the graph was replaced by a snapshot at `ts`: the active file is
   * finalised, and the next record opens a new file that follows `ts`.
   */
  restartAt(ts: number): void {
    // An fsync still running on the old file reports an older timestamp: markDurable ignores it.
    this.finalise();
    this.writtenTs = ts;
    this.durableTs = ts;
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
    this.markDurable(this.writtenSeq, this.writtenTs);
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
    if (this.writtenSeq <= this.durableSeq) return;
    try {
      this.flushToOs();
    } catch {
      return;
    }
    this.syncing = true;
    this.pending = 0;
    const target = this.writtenTs;
    const targetSeq = this.writtenSeq;
    const started = process.hrtime.bigint();
    file.inflight++;
    fs.fdatasync(file.fd, (err) => {
      file.inflight--;
      this.syncing = false;
      if (file.closing && file.inflight === 0) fs.closeSync(file.fd);
      if (err !== null) this.fail(err);
      else {
        this.options.hooks?.synced?.(Number(process.hrtime.bigint() - started) / 1e9);
        this.markDurable(targetSeq, target);
      }
      for (const r of this.idleWaiters.splice(0)) r();
      // Commits that arrived meanwhile share the next fsync.
      if (this.pending >= this.options.flushEveryNTx || this.waiters.length > 0) this.sync();
    });
  }

  private markDurable(seq: number, ts: number): void {
    if (seq > this.durableSeq) this.durableSeq = seq;
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
