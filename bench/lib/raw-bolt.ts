// A minimal Bolt 5.4 client over a raw socket for server-side throughput figures: requests
// are pre-encoded once, so the client costs almost nothing and the server is what is
// measured. (neo4j-driver's own client-side cost is reported separately.)

import net from 'node:net';
import { Packer } from '../../dataplane/bolt/packstream.js';
import type { Value } from '../../dataplane/values/model.js';

function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  if (b.length < 16) return Buffer.concat([Buffer.from([0x80 | b.length]), b]);
  if (b.length < 256) return Buffer.concat([Buffer.from([0xd0, b.length]), b]);
  const h = Buffer.alloc(3);
  h[0] = 0xd1;
  h.writeUInt16BE(b.length, 1);
  return Buffer.concat([h, b]);
}

function map(entries: [string, Buffer][]): Buffer {
  return Buffer.concat([Buffer.from([0xa0 | entries.length]), ...entries.flatMap(([k, v]) => [str(k), v])]);
}

function struct(tag: number, fields: Buffer[]): Buffer {
  return Buffer.concat([Buffer.from([0xb0 | fields.length, tag]), ...fields]);
}

function chunk(message: Buffer): Buffer {
  const h = Buffer.alloc(2);
  h.writeUInt16BE(message.length);
  return Buffer.concat([h, message, Buffer.from([0, 0])]);
}

const packer = new Packer({ elementIds: true, utcDateTime: true });

/** RUN with parameters + PULL all, packed with the server's own PackStream codec. */
export function encodeRunPullWith(query: string, parameters: Map<string, Value>): Buffer {
  packer.packStructHeader(3, 0x10);
  packer.packString(query);
  packer.pack(parameters);
  packer.packMapHeader(0);
  const run = packer.take();
  packer.packStructHeader(1, 0x3f);
  packer.pack(new Map<string, Value>([['n', -1n]]));
  return Buffer.concat([chunk(run), chunk(packer.take())]);
}

export function encodeRunPull(query: string): Buffer {
  const run = struct(0x10, [str(query), map([]), map([])]);
  const pull = struct(0x3f, [map([['n', Buffer.from([0xff])]])]); // n = -1 (tiny int)
  return Buffer.concat([chunk(run), chunk(pull)]);
}

export interface Reply {
  /** RECORD messages received. */
  records: number;
  /** Bytes of the whole reply, chunk headers included. */
  bytes: number;
}

const RECORD = 0x71;
const FAILURE = 0x7f;

/**
 * Connection that sends one pre-encoded request and resolves once `summaries` summary
 * messages (SUCCESS / FAILURE / IGNORED: anything but RECORD) have arrived; rejects if one
 * of them is a FAILURE.
 */
export class RawBoltConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private pendingSummaries = 0;
  private atMessageStart = true;
  private failed = false;
  private reply: Reply = { records: 0, bytes: 0 };
  private settle: ((err: Error | null) => void) | null = null;
  private handshakeBytes = 0;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d) => this.onData(d));
  }

  static async open(port: number): Promise<RawBoltConnection> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((res, rej) => socket.once('connect', res).once('error', rej));
    const conn = new RawBoltConnection(socket);
    const version = await conn.handshake(Buffer.from([0x60, 0x60, 0xb0, 0x17, 0, 0, 4, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    if (version !== 0x504) throw new Error(`handshake failed: server chose ${version.toString(16)}`);
    const hello = struct(0x01, [map([['user_agent', str('mgha-bench/1')], ['bolt_agent', map([['product', str('mgha-bench/1')]])]])]);
    const logon = struct(0x6a, [map([['scheme', str('none')]])]);
    await conn.request(Buffer.concat([chunk(hello), chunk(logon)]), 2);
    return conn;
  }

  request(bytes: Buffer, summaries: number): Promise<Reply> {
    this.pendingSummaries = summaries;
    this.reply = { records: 0, bytes: 0 };
    this.failed = false;
    return new Promise((res, rej) => {
      this.settle = (err) => (err ? rej(err) : res(this.reply));
      this.socket.write(bytes);
    });
  }

  private handshake(bytes: Buffer): Promise<number> {
    this.handshakeBytes = 4;
    return new Promise((res, rej) => {
      this.settle = (err) => (err ? rej(err) : res(this.reply.bytes));
      this.socket.write(bytes);
    });
  }

  private onData(d: Buffer): void {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, d]) : d;
    if (this.handshakeBytes > 0) {
      if (this.buffered.length < this.handshakeBytes) return;
      this.reply.bytes = (this.buffered[3] << 8) | this.buffered[2];
      this.buffered = this.buffered.subarray(this.handshakeBytes);
      this.handshakeBytes = 0;
      this.finish(null);
      return;
    }
    // Walk whole chunks; a zero-length chunk ends a message.
    let off = 0;
    while ((this.pendingSummaries > 0 || !this.atMessageStart) && this.buffered.length - off >= 2) {
      const len = this.buffered.readUInt16BE(off);
      if (this.buffered.length - off < 2 + len) break;
      if (len > 0 && this.atMessageStart) {
        const tag = this.buffered[off + 3];
        if (tag === RECORD) this.reply.records++;
        else {
          this.pendingSummaries--;
          if (tag === FAILURE) this.failed = true;
        }
        this.atMessageStart = false;
      }
      if (len === 0) this.atMessageStart = true;
      off += 2 + len;
      this.reply.bytes += 2 + len;
    }
    this.buffered = this.buffered.subarray(off);
    // The last summary's terminating 00 00 may still be in flight; wait for it.
    if (this.pendingSummaries === 0 && this.atMessageStart) {
      this.finish(this.failed ? new Error('server answered FAILURE') : null);
    }
  }

  private finish(err: Error | null): void {
    const settle = this.settle;
    this.settle = null;
    settle?.(err);
  }

  close(): void {
    this.socket.destroy();
  }
}
