// WAL and snapshot file layout (pure: bytes and names, no I/O).
//
// Every durability file starts with a header:
//   magic (8 bytes) | format version u32 | body length u32 | body | CRC32(body) u32
// where the body holds the codec version and the epoch id. Then come framed records:
//   payload length u32 | payload | CRC32(length bytes + payload) u32
// A WAL record's payload (format 2) is a kind byte, then for COMMIT and PREPARE one encoded
// transaction (codec.ts), for FINALIZE_COMMIT / FINALIZE_ABORT the commit timestamp.
// Format 1 WAL files (before two-phase commit) hold bare transactions: all one-phase commits.

import zlib from 'node:zlib';
import { ByteReader, ByteWriter, CODEC_VERSION, READABLE_CODEC_VERSIONS } from './codec.js';

export const WAL_MAGIC = Buffer.from('MGHAWAL\0', 'latin1');
export const SNAPSHOT_MAGIC = Buffer.from('MGHASNP\0', 'latin1');
/**
 * Version of the WAL layout written now; a file with a version this build does not know is
 * refused, not guessed at. WAL format 1 (no record kinds) is still read.
 */
export const FORMAT_VERSION = 2;
/** Snapshots did not change with WAL format 2. */
export const SNAPSHOT_FORMAT_VERSION = 1;
const READABLE_VERSIONS = new Map<string, readonly number[]>([
  [WAL_MAGIC.toString('latin1'), [1, 2]],
  [SNAPSHOT_MAGIC.toString('latin1'), [1]],
]);

function writtenVersion(magic: Buffer): number {
  return magic.equals(SNAPSHOT_MAGIC) ? SNAPSHOT_FORMAT_VERSION : FORMAT_VERSION;
}

/** The kind byte that starts a format-2 WAL record. */
export const RecordKind = {
  /** A transaction committed in one step (no stage could refuse it after the WAL). */
  Commit: 0,
  /** A two-phase transaction: durable, not visible until its FINALIZE_COMMIT. */
  Prepare: 1,
  FinalizeCommit: 2,
  FinalizeAbort: 3,
} as const;
export type RecordKindCode = (typeof RecordKind)[keyof typeof RecordKind];
/** Larger "records" are treated as corruption of the length field. */
export const MAX_RECORD_BYTES = 1 << 30;
export const RECORD_OVERHEAD = 8;

// zlib.crc32 arrived in Node 20.15; older 20.x get the same polynomial from a table.
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
let table: Uint32Array | null = null;

/** CRC-32 (IEEE) without zlib. */
export function tableCrc32(data: Uint8Array, value = 0): number {
  if (table === null) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = ~value >>> 0;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

export function crc32(data: Uint8Array, value = 0): number {
  return nativeCrc32 !== undefined ? nativeCrc32(data, value) : tableCrc32(data, value);
}

export interface FileHeader {
  formatVersion: number;
  codecVersion: number;
  epochId: string;
}

/** `codecVersion`: another version's header (tests of older files). */
export function encodeHeader(magic: Buffer, epochId: string, codecVersion = CODEC_VERSION): Buffer {
  const body = new ByteWriter(64);
  body.uint(codecVersion);
  body.string(epochId);
  const w = new ByteWriter(96);
  w.bytes(magic);
  w.u32(writtenVersion(magic));
  w.u32(body.length);
  w.bytes(body.view());
  w.u32(crc32(body.view()));
  return w.finish();
}

/** What is wrong with a file header; `incompatible` means a valid file of another version. */
export class HeaderError extends Error {
  constructor(
    message: string,
    readonly incompatible: boolean,
  ) {
    super(message);
    this.name = 'HeaderError';
  }
}

/** Parses a header from the start of `buf`; returns it and the offset of the first record. */
export function decodeHeader(buf: Buffer, magic: Buffer): { header: FileHeader; end: number } {
  if (buf.length < magic.length + 8) throw new HeaderError(`header truncated (${buf.length} bytes)`, false);
  if (!buf.subarray(0, magic.length).equals(magic)) {
    throw new HeaderError(`bad magic ${JSON.stringify(buf.subarray(0, magic.length).toString('latin1'))}`, false);
  }
  const formatVersion = buf.readUInt32LE(magic.length);
  const readable = READABLE_VERSIONS.get(magic.toString('latin1')) ?? [writtenVersion(magic)];
  if (!readable.includes(formatVersion)) {
    throw new HeaderError(`format version ${formatVersion}, this mgha reads version ${readable.join(' and ')}`, true);
  }
  const bodyLen = buf.readUInt32LE(magic.length + 4);
  const bodyStart = magic.length + 8;
  if (bodyLen > 4096 || buf.length < bodyStart + bodyLen + 4) throw new HeaderError('header truncated', false);
  const body = buf.subarray(bodyStart, bodyStart + bodyLen);
  if (crc32(body) !== buf.readUInt32LE(bodyStart + bodyLen)) throw new HeaderError('header checksum mismatch', false);
  const r = new ByteReader(body);
  const codecVersion = r.uint();
  if (!READABLE_CODEC_VERSIONS.includes(codecVersion)) {
    throw new HeaderError(`codec version ${codecVersion}, this mgha reads version ${READABLE_CODEC_VERSIONS.join(' and ')}`, true);
  }
  const epochId = r.string();
  return { header: { formatVersion, codecVersion, epochId }, end: bodyStart + bodyLen + 4 };
}

/** Frames one record: length, payload, CRC32 over both. */
export function frameRecord(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(payload.length + RECORD_OVERHEAD);
  frameRecordInto(out, 0, payload);
  return out;
}

/** Frames `payload` into `out` at `at` (which has room for payload + RECORD_OVERHEAD bytes). */
export function frameRecordInto(out: Buffer, at: number, payload: Uint8Array): void {
  out.writeUInt32LE(payload.length, at);
  out.set(payload, at + 4);
  out.writeUInt32LE(crc32(out.subarray(at, at + 4 + payload.length)), at + 4 + payload.length);
}

/**
 * Frames a format-2 record: the kind byte, then `body`, into `out` at `at` (room for
 * body + 1 + RECORD_OVERHEAD bytes), without first copying kind and body together.
 */
export function frameKindRecordInto(out: Buffer, at: number, kind: RecordKindCode, body: Uint8Array): void {
  const len = body.length + 1;
  out.writeUInt32LE(len, at);
  out[at + 4] = kind;
  out.set(body, at + 5);
  out.writeUInt32LE(crc32(out.subarray(at, at + 4 + len)), at + 4 + len);
}

export type FrameResult =
  | { kind: 'record'; payloadStart: number; payloadEnd: number; next: number }
  | { kind: 'end' }
  /** More bytes are needed (at end of file: a torn record). */
  | { kind: 'partial'; needed: number }
  | { kind: 'corrupt'; reason: string };

/** Looks at the record starting at `at` in `buf` (which holds bytes up to `buf.length`). */
export function readFrame(buf: Buffer, at: number): FrameResult {
  const left = buf.length - at;
  if (left === 0) return { kind: 'end' };
  if (left < 4) return { kind: 'partial', needed: 4 };
  const len = buf.readUInt32LE(at);
  if (len > MAX_RECORD_BYTES) return { kind: 'corrupt', reason: `record length ${len} is implausible` };
  const total = len + RECORD_OVERHEAD;
  if (left < total) return { kind: 'partial', needed: total };
  const expected = buf.readUInt32LE(at + 4 + len);
  if (crc32(buf.subarray(at, at + 4 + len)) !== expected) return { kind: 'corrupt', reason: 'checksum mismatch' };
  return { kind: 'record', payloadStart: at + 4, payloadEnd: at + 4 + len, next: at + total };
}

// ---- file names (Memgraph's: creation time, then what the file covers) ----------

let lastStamp = '';

/** `YYYYmmddHHMMSSffffff` in UTC, strictly increasing within this process. */
export function fileTimestamp(now = new Date()): string {
  const p = (n: number, w: number): string => String(n).padStart(w, '0');
  let stamp =
    `${p(now.getUTCFullYear(), 4)}${p(now.getUTCMonth() + 1, 2)}${p(now.getUTCDate(), 2)}` +
    `${p(now.getUTCHours(), 2)}${p(now.getUTCMinutes(), 2)}${p(now.getUTCSeconds(), 2)}${p(now.getUTCMilliseconds() * 1000, 6)}`;
  if (stamp <= lastStamp) stamp = (BigInt(lastStamp) + 1n).toString().padStart(20, '0');
  lastStamp = stamp;
  return stamp;
}

export function currentWalName(stamp: string): string {
  return `${stamp}_current`;
}

export function finalWalName(stamp: string, fromTs: number, toTs: number): string {
  return `${stamp}_from_${fromTs}_to_${toTs}`;
}

export function snapshotName(stamp: string, ts: number): string {
  return `${stamp}_timestamp_${ts}`;
}

export type WalName =
  | { kind: 'current'; stamp: string }
  | { kind: 'final'; stamp: string; fromTs: number; toTs: number };

export function parseWalName(name: string): WalName | null {
  let m = /^(\d{20})_current$/.exec(name);
  if (m !== null) return { kind: 'current', stamp: m[1] };
  m = /^(\d{20})_from_(\d+)_to_(\d+)$/.exec(name);
  if (m !== null) return { kind: 'final', stamp: m[1], fromTs: Number(m[2]), toTs: Number(m[3]) };
  return null;
}

export function parseSnapshotName(name: string): { stamp: string; ts: number } | null {
  const m = /^(\d{20})_timestamp_(\d+)$/.exec(name);
  return m === null ? null : { stamp: m[1], ts: Number(m[2]) };
}
