// RPC frames (pure: bytes only, no I/O). The outer layer is the WAL's record framing
// (wal-format.ts), so one CRC32 routine and one length rule cover files and the wire:
//
//   length u32 | body | CRC32(length bytes + body) u32
//   body = magic "MR" | version u8 | kind u8 | request id u32 | message type u16 | payload
//
// All integers little-endian. The length, magic and version positions never change, so a
// peer of another version is told so instead of being misread.

import { ByteReader, ByteWriter } from '../durability/codec.js';
import { crc32, readFrame } from '../durability/wal-format.js';
import { FrameKind, RpcCodes, RpcError, type Frame } from './types.js';

export const FRAME_VERSION = 1;
const MAGIC_0 = 0x4d; // 'M'
const MAGIC_1 = 0x52; // 'R'
/** Bytes of the body before the payload. */
export const BODY_HEADER_BYTES = 10;
/** Length prefix + body header: everything before the payload. */
export const HEAD_BYTES = 4 + BODY_HEADER_BYTES;
/** Bytes a frame adds around its payload. */
export const FRAME_OVERHEAD = HEAD_BYTES + 4;
/** Default largest frame accepted (one transaction's deltas travel in one frame). */
export const DEFAULT_MAX_FRAME_BYTES = 128 * 1024 * 1024;
export const MAX_MESSAGE_TYPE = 0xffff;

/** A frame that cannot be read; the connection it came on is no longer trustworthy. */
export class FrameError extends RpcError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = 'FrameError';
  }
}

function writeHead(buf: Buffer, payloadLength: number, kind: FrameKind, requestId: number, type: number): void {
  buf.writeUInt32LE(payloadLength + BODY_HEADER_BYTES, 0);
  buf[4] = MAGIC_0;
  buf[5] = MAGIC_1;
  buf[6] = FRAME_VERSION;
  buf[7] = kind;
  buf.writeUInt32LE(requestId >>> 0, 8);
  buf.writeUInt16LE(type, 12);
}

/**
 * A frame whose payload is written by `write` straight into the frame's buffer (one
 * allocation, no copy); for messages built from fields.
 */
export function encodeFrame(kind: FrameKind, requestId: number, type: number, write: (w: ByteWriter) => void, sizeHint = 256): Buffer {
  const w = new ByteWriter(sizeHint + FRAME_OVERHEAD);
  w.reserve(HEAD_BYTES);
  write(w);
  const payloadLength = w.length - HEAD_BYTES;
  writeHead(w.view(), payloadLength, kind, requestId, type);
  w.u32(crc32(w.view()));
  // The writer is not reused, so its view is ours to keep (no copy).
  return w.view();
}

/**
 * A frame around an existing payload, as three buffers to write in order; the payload is
 * not copied (file chunks, pre-encoded bytes).
 */
export function frameAround(kind: FrameKind, requestId: number, type: number, payload: Uint8Array): [Buffer, Uint8Array, Buffer] {
  const head = Buffer.allocUnsafe(HEAD_BYTES);
  writeHead(head, payload.length, kind, requestId, type);
  const tail = Buffer.allocUnsafe(4);
  tail.writeUInt32LE(crc32(payload, crc32(head)), 0);
  return [head, payload, tail];
}

/** An Error frame: code and message as length-prefixed UTF-8 strings. */
export function encodeErrorFrame(requestId: number, type: number, code: string, message: string): Buffer {
  return encodeFrame(FrameKind.Error, requestId, type, (w) => {
    w.string(code);
    w.string(message);
  });
}

function checkKind(kind: number): kind is FrameKind {
  return kind >= FrameKind.Request && kind <= FrameKind.End;
}

/**
 * Splits a byte stream into frames. Feed it what the socket delivers; it keeps partial
 * frames and copies only when a frame spans several deliveries. After it reports an
 * error it stays failed: the byte stream has lost its framing.
 */
export class FrameDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes needed before parsing is worth trying again. */
  private needed = 4;
  private failed: FrameError | null = null;

  constructor(private readonly maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {}

  /** The frames completed by `data`, in order, and the error that stopped decoding, if any. */
  feed(data: Buffer): { frames: Frame[]; error: FrameError | null } {
    const frames: Frame[] = [];
    if (this.failed !== null) return { frames, error: this.failed };
    this.pending.push(data);
    this.pendingBytes += data.length;
    if (this.pendingBytes < this.needed) return { frames, error: null };
    const buf = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    let at = 0;
    this.needed = 4;
    while (buf.length - at >= 4) {
      const length = buf.readUInt32LE(at);
      if (length < BODY_HEADER_BYTES) return this.fail(frames, new FrameError(RpcCodes.BadFrame, `frame body of ${length} bytes is shorter than its header`));
      if (length + 8 > this.maxFrameBytes) {
        return this.fail(frames, new FrameError(RpcCodes.FrameTooLarge, `frame of ${length + 8} bytes exceeds the maximum of ${this.maxFrameBytes}`));
      }
      if (buf.length - at < length + 8) {
        this.needed = length + 8;
        break;
      }
      const parsed = parseFrame(buf, at);
      if (parsed instanceof FrameError) return this.fail(frames, parsed);
      frames.push(parsed);
      at += length + 8;
    }
    const rest = at === buf.length ? null : buf.subarray(at);
    this.pending = rest === null ? [] : [rest];
    this.pendingBytes = rest === null ? 0 : rest.length;
    return { frames, error: null };
  }

  private fail(frames: Frame[], error: FrameError): { frames: Frame[]; error: FrameError } {
    this.failed = error;
    this.pending = [];
    this.pendingBytes = 0;
    return { frames, error };
  }
}

/** Parses the complete frame at `at`; the checksum is verified before any field is trusted. */
function parseFrame(buf: Buffer, at: number): Frame | FrameError {
  const r = readFrame(buf, at);
  if (r.kind !== 'record') return new FrameError(RpcCodes.BadFrame, r.kind === 'corrupt' ? r.reason : 'truncated frame');
  const b = r.payloadStart;
  if (buf[b] !== MAGIC_0 || buf[b + 1] !== MAGIC_1) return new FrameError(RpcCodes.BadFrame, 'bad frame magic');
  const version = buf[b + 2];
  if (version !== FRAME_VERSION) {
    return new FrameError(RpcCodes.VersionMismatch, `frame version ${version}, this side speaks version ${FRAME_VERSION}`);
  }
  const kind = buf[b + 3];
  if (!checkKind(kind)) return new FrameError(RpcCodes.BadFrame, `unknown frame kind ${kind}`);
  return { kind, requestId: buf.readUInt32LE(b + 4), type: buf.readUInt16LE(b + 8), payload: buf.subarray(b + BODY_HEADER_BYTES, r.payloadEnd) };
}

/** Reads an Error frame's payload; a malformed one still yields an error to report. */
export function decodeErrorPayload(payload: Buffer): { code: string; message: string } {
  try {
    const r = new ByteReader(payload);
    return { code: r.string(), message: r.string() };
  } catch {
    return { code: RpcCodes.BadPayload, message: 'undecodable error frame' };
  }
}
