// Counts the messages of a Bolt server's byte stream (after the handshake reply) without
// decoding records, so a test can pull ten million values at the server's own speed: only
// chunk headers and the first bytes of each message are read. Summaries (SUCCESS, FAILURE,
// IGNORED) are small and kept whole for decoding. Pure: bytes in, counts out.
import { Unpacker } from '../../dataplane/bolt/packstream.js';
import type { Value } from '../../dataplane/values/model.js';

const RECORD = 0x71;
/** Enough of a message's start for the struct header, the field list and a list header. */
const HEAD = 8;

export interface Summary {
  tag: number;
  fields: Value[];
}

export class BoltStreamCounter {
  records = 0;
  /** Length of the first record's single list value (null: not a one-list record). */
  firstListLength: number | null = null;
  readonly summaries: Summary[] = [];

  private chunkLeft = -1; // payload bytes left in the current chunk; -1 while reading a header
  private headerHigh = -1;
  private head = Buffer.alloc(HEAD);
  private headLength = 0;
  private summaryParts: Buffer[] | null = null;

  feed(data: Buffer): void {
    let pos = 0;
    while (pos < data.length) {
      if (this.chunkLeft > 0) {
        const take = Math.min(this.chunkLeft, data.length - pos);
        this.payload(data, pos, pos + take);
        pos += take;
        this.chunkLeft -= take;
        if (this.chunkLeft === 0) this.chunkLeft = -1;
        continue;
      }
      const byte = data[pos++] as number;
      if (this.headerHigh < 0) {
        this.headerHigh = byte;
        continue;
      }
      const size = (this.headerHigh << 8) | byte;
      this.headerHigh = -1;
      if (size === 0) this.endOfMessage();
      else this.chunkLeft = size;
    }
  }

  private payload(data: Buffer, from: number, to: number): void {
    if (this.headLength < HEAD) {
      const before = this.headLength;
      const n = Math.min(HEAD - before, to - from);
      data.copy(this.head, before, from, from + n);
      this.headLength += n;
      // Not a record: keep it whole, starting with the bytes earlier pieces brought.
      if (this.summaryParts === null && this.headLength >= 2 && this.head[1] !== RECORD) this.summaryParts = [Buffer.from(this.head.subarray(0, before))];
    }
    if (this.summaryParts !== null) this.summaryParts.push(Buffer.from(data.subarray(from, to)));
  }

  private endOfMessage(): void {
    if (this.headLength === 0) return; // a NOOP keep-alive
    if (this.summaryParts !== null) {
      const u = new Unpacker(Buffer.concat(this.summaryParts));
      const { size, tag } = u.structHeader();
      this.summaries.push({ tag, fields: Array.from({ length: size }, () => u.unpack()) });
    } else {
      if (this.records === 0) this.firstListLength = listLength(this.head.subarray(0, this.headLength));
      this.records++;
    }
    this.headLength = 0;
    this.summaryParts = null;
  }
}

/** `B1 71 91 <list header>`: a one-field RECORD holding a list → its length. */
function listLength(head: Buffer): number | null {
  if (head.length < 4 || head[2] !== 0x91) return null;
  const marker = head[3] as number;
  if (marker >= 0x90 && marker <= 0x9f) return marker & 0x0f;
  if (marker === 0xd4 && head.length >= 5) return head.readUInt8(4);
  if (marker === 0xd5 && head.length >= 6) return head.readUInt16BE(4);
  if (marker === 0xd6 && head.length >= 8) return head.readUInt32BE(4);
  return null;
}
