// Streams the records of one WAL file and stops at the first record that is torn (the
// file ends inside it), fails its checksum or does not decode, saying where and why.

import fs from 'node:fs';
import type { CommittedTransaction } from '../storage/types.js';
import { ByteReader, CodecError, decodeTransaction } from './codec.js';
import { decodeHeader, readFrame, RecordKind, WAL_MAGIC, type FileHeader } from './wal-format.js';

const CHUNK = 1 << 20;
const HEADER_PROBE = 4200;

/** Where and why reading stopped before the end of a file. */
export interface ReadStop {
  file: string;
  /** Byte offset of the first record not read. */
  offset: number;
  reason: string;
}

/** One WAL record: a transaction (one-phase commit or two-phase prepare) or a finalisation. */
export type WalRecord =
  | { kind: 'commit' | 'prepare'; ct: CommittedTransaction }
  | { kind: 'finalize'; ts: number; committed: boolean };

export type WalEntry = WalRecord & {
  /** Byte offsets of the record in the file. */
  offset: number;
  end: number;
};

/** The commit timestamp a record is about. */
export function recordTimestamp(r: WalRecord): number {
  return r.kind === 'finalize' ? r.ts : r.ct.commitTimestamp;
}

/** Decodes one record payload of a WAL file of `formatVersion` (1: bare transactions). */
export function decodeWalRecord(payload: Buffer, formatVersion: number): WalRecord {
  if (formatVersion === 1) return { kind: 'commit', ct: decodeTransaction(payload) };
  if (payload.length === 0) throw new CodecError('empty record', 0);
  const kind = payload[0];
  switch (kind) {
    case RecordKind.Commit:
      return { kind: 'commit', ct: decodeTransaction(payload, 1) };
    case RecordKind.Prepare:
      return { kind: 'prepare', ct: decodeTransaction(payload, 1) };
    case RecordKind.FinalizeCommit:
    case RecordKind.FinalizeAbort: {
      const r = new ByteReader(payload, 1, payload.length);
      const ts = r.uint();
      if (r.remaining !== 0) throw new CodecError(`${r.remaining} trailing bytes after the finalisation`, r.pos);
      return { kind: 'finalize', ts, committed: kind === RecordKind.FinalizeCommit };
    }
    default:
      throw new CodecError(`unknown record kind ${kind}`, 0);
  }
}

/** Reads a durability file's header (throws HeaderError when it is bad or of another version). */
export function readHeader(file: string, magic: Buffer): { header: FileHeader; end: number } {
  const fd = fs.openSync(file, 'r');
  try {
    const probe = Buffer.alloc(HEADER_PROBE);
    const n = fs.readSync(fd, probe, 0, HEADER_PROBE, 0);
    return decodeHeader(probe.subarray(0, n), magic);
  } finally {
    fs.closeSync(fd);
  }
}

export interface RawRecord {
  /** Valid until the next record is read. */
  payload: Buffer;
  offset: number;
  end: number;
}

/**
 * Yields the framed records after the header in order; returns null when the whole file
 * was read, or where and why it stopped (torn or corrupt record).
 */
export function* readRecords(file: string, magic: Buffer): Generator<RawRecord, ReadStop | null, void> {
  const { end: headerEnd } = readHeader(file, magic);
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    let buf = Buffer.alloc(0);
    let bufStart = headerEnd;
    let pos = 0;
    let fileOffset = headerEnd;
    for (;;) {
      const frame = readFrame(buf, pos);
      if (frame.kind === 'record') {
        const offset = bufStart + pos;
        pos = frame.next;
        yield { payload: buf.subarray(frame.payloadStart, frame.payloadEnd), offset, end: bufStart + pos };
        continue;
      }
      if (frame.kind === 'corrupt') return { file, offset: bufStart + pos, reason: frame.reason };
      if (fileOffset >= size) {
        if (frame.kind === 'end') return null;
        return {
          file,
          offset: bufStart + pos,
          reason: `truncated record: the file ends ${buf.length - pos} bytes into it`,
        };
      }
      // Keep the unread tail and read the next chunk behind it (into a new buffer, so
      // payloads already handed out stay intact).
      const want = frame.kind === 'partial' ? Math.max(frame.needed, CHUNK) : CHUNK;
      const tail = buf.subarray(pos);
      const next = Buffer.allocUnsafe(Math.max(want, tail.length + CHUNK));
      tail.copy(next, 0);
      const n = fs.readSync(fd, next, tail.length, Math.min(next.length - tail.length, size - fileOffset), fileOffset);
      if (n === 0) throw new Error(`${file}: unexpected end of file at ${fileOffset}`);
      fileOffset += n;
      bufStart += pos;
      pos = 0;
      buf = next.subarray(0, tail.length + n);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Yields the WAL file's records in order; returns null when the whole file was read, or
 * the stop. A bad header throws HeaderError (the caller decides whether it is fatal).
 */
export function* readWalFile(file: string): Generator<WalEntry, ReadStop | null, void> {
  const version = readHeader(file, WAL_MAGIC).header.formatVersion;
  const records = readRecords(file, WAL_MAGIC);
  try {
    for (;;) {
      const next = records.next();
      if (next.done === true) return next.value;
      const { payload, offset, end } = next.value;
      let record: WalRecord;
      try {
        record = decodeWalRecord(payload, version);
      } catch (e) {
        return { file, offset, reason: `undecodable record: ${(e as Error).message}` };
      }
      yield { ...record, offset, end };
    }
  } finally {
    // Closes the file when the caller stops early.
    records.return(null);
  }
}
