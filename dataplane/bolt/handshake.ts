// Bolt version negotiation (pure): magic `60 60 B0 17` + four 32-bit proposals, each
// `[reserved][range][minor][major]` meaning minor..minor-range of that major. The first
// proposal (client preference order) that overlaps what we speak wins, at the highest
// minor it allows. The manifest proposal `00 00 01 FF` is not implemented and matches
// nothing; 6.x drivers then fall back to their 5.x range slot.

import type { BoltVersion } from './types.js';

export const MAGIC = 0x6060b017;
export const HANDSHAKE_BYTES = 20;

/** What this server speaks, best first. */
export const SUPPORTED: readonly BoltVersion[] = [
  { major: 5, minor: 4 },
  { major: 5, minor: 3 },
  { major: 5, minor: 2 },
  { major: 5, minor: 1 },
  { major: 5, minor: 0 },
  { major: 4, minor: 4 },
  { major: 4, minor: 3 },
];

export type HandshakeResult =
  | { ok: true; version: BoltVersion; reply: Buffer }
  | { ok: false; reason: string; reply: Buffer | null };

const NO_VERSION = Buffer.from([0, 0, 0, 0]);

/** Negotiates from the first 20 bytes a client sends. */
export function negotiate(bytes: Buffer): HandshakeResult {
  if (bytes.length < HANDSHAKE_BYTES) return { ok: false, reason: 'Handshake truncated', reply: null };
  if (bytes.readUInt32BE(0) !== MAGIC) return { ok: false, reason: 'Bad Bolt magic preamble', reply: null };
  for (let slot = 0; slot < 4; slot++) {
    const off = 4 + slot * 4;
    const major = bytes[off + 3] as number;
    const minor = bytes[off + 2] as number;
    const range = bytes[off + 1] as number;
    if (major === 0xff) continue; // manifest proposal
    const match = SUPPORTED.find((v) => v.major === major && v.minor <= minor && v.minor >= minor - range);
    if (match !== undefined) {
      return { ok: true, version: match, reply: Buffer.from([0, 0, match.minor, match.major]) };
    }
  }
  return { ok: false, reason: 'No supported Bolt version proposed', reply: NO_VERSION };
}
