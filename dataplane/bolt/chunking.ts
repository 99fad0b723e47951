// Bolt message framing (pure): a message is one or more chunks `u16 length + bytes`,
// ended by `00 00`; a lone `00 00` between messages is a NOOP keep-alive.

import { Packer } from './packstream.js';
import { BoltProtocolError } from './types.js';

export const MAX_CHUNK = 0xffff;
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** Reassembles messages from arbitrarily split input. */
export class Dechunker {
  private parts: Buffer[] = [];
  private size = 0;
  /** Bytes still expected for the current chunk body; -1 while reading a header. */
  private bodyLeft = -1;
  /** First header byte when a header is split across reads. */
  private headerHigh = -1;

  constructor(private readonly maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES) {}

  /** Feeds bytes; returns the messages completed by them (in order). */
  feed(data: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let pos = 0;
    const end = data.length;
    while (pos < end) {
      if (this.bodyLeft > 0) {
        const take = Math.min(this.bodyLeft, end - pos);
        this.parts.push(data.subarray(pos, pos + take));
        pos += take;
        this.bodyLeft -= take;
        if (this.bodyLeft === 0) this.bodyLeft = -1;
        continue;
      }
      let len: number;
      if (this.headerHigh >= 0) {
        len = (this.headerHigh << 8) | (data[pos] as number);
        this.headerHigh = -1;
        pos += 1;
      } else if (end - pos >= 2) {
        len = data.readUInt16BE(pos);
        pos += 2;
      } else {
        this.headerHigh = data[pos] as number;
        pos += 1;
        continue;
      }
      if (len === 0) {
        // End of message, or a NOOP when no message is in progress.
        if (this.parts.length > 0) out.push(this.finish());
        continue;
      }
      if (this.size + len > this.maxMessageBytes) {
        throw new BoltProtocolError(`Message larger than the limit of ${this.maxMessageBytes} bytes`);
      }
      this.size += len;
      this.bodyLeft = len;
    }
    return out;
  }

  /** True when no partial message or chunk is buffered. */
  idle(): boolean {
    return this.parts.length === 0 && this.bodyLeft < 0 && this.headerHigh < 0;
  }

  private finish(): Buffer {
    const msg = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    return msg;
  }
}

/**
 * Frames messages packed straight into a Packer's buffer: begin() reserves the chunk
 * header, end() fills it in, so a message under 64 KiB is never copied before the write.
 */
export class ChunkedWriter {
  private start = -1;

  constructor(readonly packer: Packer) {}

  begin(): void {
    this.packer.ensure(2);
    this.start = this.packer.pos;
    this.packer.pos += 2;
  }

  end(): void {
    const p = this.packer;
    const bodyStart = this.start + 2;
    const len = p.pos - bodyStart;
    if (len <= MAX_CHUNK) {
      p.buf.writeUInt16BE(len, this.start);
    } else {
      const body = Buffer.from(p.buf.subarray(bodyStart, p.pos));
      p.pos = this.start;
      writeChunks(p, body);
    }
    p.ensure(2);
    p.buf[p.pos++] = 0;
    p.buf[p.pos++] = 0;
    this.start = -1;
  }

  /** Drops a message whose encoding failed half-way. */
  abort(): void {
    if (this.start >= 0) this.packer.pos = this.start;
    this.start = -1;
  }

  pending(): number {
    return this.packer.pos;
  }

  /** Everything framed so far, ready for one socket write. */
  take(): Buffer {
    return this.packer.take();
  }
}

function writeChunks(p: Packer, body: Buffer): void {
  p.ensure(body.length + 2 * Math.ceil(body.length / MAX_CHUNK));
  for (let off = 0; off < body.length; off += MAX_CHUNK) {
    const n = Math.min(MAX_CHUNK, body.length - off);
    p.buf.writeUInt16BE(n, p.pos);
    body.copy(p.buf, p.pos + 2, off, off + n);
    p.pos += n + 2;
  }
}

/** One message framed on its own (clients and tests). */
export function chunk(message: Buffer, maxChunk = MAX_CHUNK): Buffer {
  const parts: Buffer[] = [];
  for (let off = 0; off < message.length; off += maxChunk) {
    const n = Math.min(maxChunk, message.length - off);
    const header = Buffer.allocUnsafe(2);
    header.writeUInt16BE(n, 0);
    parts.push(header, message.subarray(off, off + n));
  }
  parts.push(Buffer.from([0, 0]));
  return Buffer.concat(parts);
}
