// Wire and disk encoding of Raft records: JSON, with byte fields as base64. Small and readable;
// coordinator entries are tiny and rare, so compactness does not matter here.

import type { ConfState, Entry, Message, MessageType, Snapshot } from './types.js';

interface EntryJson {
  t: number;
  i: number;
  y: Entry['type'];
  d: string;
}

interface SnapshotJson {
  i: number;
  t: number;
  v: number[];
  d: string;
}

const b64 = (u: Uint8Array): string => Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('base64');
const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));

export function entryToJson(e: Entry): EntryJson {
  return { t: e.term, i: e.index, y: e.type, d: b64(e.data) };
}

export function entryFromJson(j: EntryJson): Entry {
  return { term: j.t, index: j.i, type: j.y, data: bytes(j.d) };
}

export function snapshotToJson(s: Snapshot): SnapshotJson {
  return { i: s.metadata.index, t: s.metadata.term, v: s.metadata.conf.voters, d: b64(s.data) };
}

export function snapshotFromJson(j: SnapshotJson): Snapshot {
  const conf: ConfState = { voters: j.v };
  return { metadata: { index: j.i, term: j.t, conf }, data: bytes(j.d) };
}

export function encodeEntry(e: Entry): Buffer {
  return Buffer.from(JSON.stringify(entryToJson(e)));
}

export function decodeEntry(buf: Buffer): Entry {
  return entryFromJson(JSON.parse(buf.toString('utf8')) as EntryJson);
}

export function encodeSnapshot(s: Snapshot): Buffer {
  return Buffer.from(JSON.stringify(snapshotToJson(s)));
}

export function decodeSnapshot(buf: Buffer): Snapshot {
  return snapshotFromJson(JSON.parse(buf.toString('utf8')) as SnapshotJson);
}

type MessageJson = Omit<Message, 'entries' | 'snapshot'> & { entries: EntryJson[]; snapshot?: SnapshotJson };

export function encodeMessage(m: Message): Buffer {
  const j: MessageJson = { ...m, entries: m.entries.map(entryToJson), snapshot: m.snapshot === undefined ? undefined : snapshotToJson(m.snapshot) };
  return Buffer.from(JSON.stringify(j));
}

const TYPES = new Set<MessageType>(['app', 'appResp', 'vote', 'voteResp', 'preVote', 'preVoteResp', 'snap', 'heartbeat', 'heartbeatResp', 'readIndex', 'readIndexResp', 'timeoutNow']);

/** Decodes a peer's message; throws on anything that is not one (local types included). */
export function decodeMessage(buf: Buffer): Message {
  const j = JSON.parse(buf.toString('utf8')) as MessageJson;
  if (!TYPES.has(j.type) || typeof j.from !== 'number' || typeof j.term !== 'number' || !Array.isArray(j.entries)) {
    throw new Error('not a raft message');
  }
  const m: Message = { ...j, entries: j.entries.map(entryFromJson), snapshot: undefined };
  if (j.snapshot !== undefined && j.snapshot !== null) m.snapshot = snapshotFromJson(j.snapshot);
  else delete m.snapshot;
  return m;
}
