// Length-prefixed, checksummed records, for the log file and the TCP transport alike:
//   payload length u32 LE | payload | CRC32(length bytes + payload) u32 LE

import { crc32 } from '../../durability/wal-format.js';

export const MAX_FRAME_BYTES = 64 << 20;

export function frame(payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(payload.length + 8);
  out.writeUInt32LE(payload.length, 0);
  payload.copy(out, 4);
  out.writeUInt32LE(crc32(out.subarray(0, payload.length + 4)), payload.length + 4);
  return out;
}

/** Reads whole frames from `buf` from `offset`; stops at a partial or corrupt one. */
export function readFrames(buf: Buffer, offset = 0): { payloads: Buffer[]; end: number; corrupt: boolean } {
  const payloads: Buffer[] = [];
  let at = offset;
  while (at + 8 <= buf.length) {
    const len = buf.readUInt32LE(at);
    if (len > MAX_FRAME_BYTES) return { payloads, end: at, corrupt: true };
    if (at + 8 + len > buf.length) break;
    const crc = buf.readUInt32LE(at + 4 + len);
    if (crc !== crc32(buf.subarray(at, at + 4 + len))) return { payloads, end: at, corrupt: true };
    payloads.push(buf.subarray(at + 4, at + 4 + len));
    at += 8 + len;
  }
  return { payloads, end: at, corrupt: false };
}
