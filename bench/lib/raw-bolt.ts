// A minimal Bolt 5.4 client over a raw socket for server-side throughput figures: requests
// are pre-encoded once, so the client costs almost nothing and the server is what is
// measured. (neo4j-driver's own client-side cost is reported separately.)

import net from 'node:net';

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

export function encodeRunPull(query: string): Buffer {
  const run = struct(0x10, [str(query), map([]), map([])]);
  const pull = struct(0x3f, [map([['n', Buffer.from([0xff])]])]); // n = -1 (tiny int)
  return Buffer.concat([chunk(run), chunk(pull)]);
}

/** Connection that sends one pre-encoded request and resolves after `replies` messages. */
export class RawBoltConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private pendingReplies = 0;
  private replyBytes = 0;
  private resolve: ((bytes: number) => void) | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d) => this.onData(d));
  }

  static async open(port: number): Promise<RawBoltConnection> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((res, rej) => socket.once('connect', res).once('error', rej));
    const conn = new RawBoltConnection(socket);
    const version = await conn.raw(Buffer.from([0x60, 0x60, 0xb0, 0x17, 0, 0, 4, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 4);
    if (version !== 0x504) throw new Error(`handshake failed: server chose ${version.toString(16)}`);
    const hello = struct(0x01, [map([['user_agent', str('mgha-bench/1')], ['bolt_agent', map([['product', str('mgha-bench/1')]])]])]);
    const logon = struct(0x6a, [map([['scheme', str('none')]])]);
    await conn.request(Buffer.concat([chunk(hello), chunk(logon)]), 2);
    return conn;
  }

  /** Sends bytes and waits for `replies` whole Bolt messages; resolves with the reply size. */
  request(bytes: Buffer, replies: number): Promise<number> {
    this.pendingReplies = replies;
    this.replyBytes = 0;
    return new Promise((res) => {
      this.resolve = res;
      this.socket.write(bytes);
    });
  }

  private rawWanted = 0;
  private raw(bytes: Buffer, n: number): Promise<number> {
    this.rawWanted = n;
    return new Promise((res) => {
      this.resolve = res;
      this.socket.write(bytes);
    });
  }

  private onData(d: Buffer): void {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, d]) : d;
    if (this.rawWanted > 0) {
      if (this.buffered.length < this.rawWanted) return;
      const v = (this.buffered[3] << 8) | this.buffered[2];
      this.buffered = this.buffered.subarray(this.rawWanted);
      this.rawWanted = 0;
      this.finish(v);
      return;
    }
    // Walk whole chunks; a zero-length chunk ends a message.
    let off = 0;
    while (this.pendingReplies > 0 && this.buffered.length - off >= 2) {
      const len = this.buffered.readUInt16BE(off);
      if (this.buffered.length - off < 2 + len) break;
      off += 2 + len;
      this.replyBytes += 2 + len;
      if (len === 0) this.pendingReplies--;
    }
    this.buffered = this.buffered.subarray(off);
    if (this.pendingReplies === 0) this.finish(this.replyBytes);
  }

  private finish(v: number): void {
    const r = this.resolve;
    this.resolve = null;
    r?.(v);
  }

  close(): void {
    this.socket.destroy();
  }
}
