// One Bolt socket: handshake, dechunking, decoding, an in-order request queue driven
// through the session, and batched writes (one socket write per drained queue).
// Malformed input ends this connection only; nothing here throws into the event loop.

import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Value } from '../values/model.js';
import type { MghaError } from '../errors.js';
import { ChunkedWriter, Dechunker } from './chunking.js';
import { HANDSHAKE_BYTES, negotiate } from './handshake.js';
import { decodeRequest, ResponseWriter, type Metadata } from './messages.js';
import { Packer } from './packstream.js';
import { BoltSession, type ResponseSink, type SessionDeps } from './session.js';
import { encodeLargeRecord, isLargeRecord } from './large-record.js';
import { featuresOf, type ProtocolFeatures, type Request } from './types.js';

/** Flush mid-batch once this much output is pending (large results). */
const FLUSH_BYTES = 256 * 1024;
/** Stop reading while this many requests wait (a client pipelining without reading). */
const MAX_QUEUED = 1024;
/** Stop processing while this much output sits unsent (a client not reading replies). */
const MAX_UNSENT_BYTES = 8 * 1024 * 1024;

export type ConnectionDeps = Omit<SessionDeps, 'enableUtcDateTime'> & {
  logger: Logger;
  maxMessageBytes: number;
};

/** Limits on idle sockets, in ms (0 = none); shared by all connections and changeable. */
export interface ConnectionTimeouts {
  /** Until the handshake is complete (a half-open or silent client). */
  handshakeMs: number;
  /** Between requests (Memgraph's --bolt-session-inactivity-timeout). */
  idleMs: number;
  /** The receive timeout hinted to drivers (s, 0 = none): NOOPs keep busy connections within it. */
  recvTimeoutHintSec: number;
}

/** A Bolt NOOP: an empty chunk between messages (Bolt 4.1+). */
const NOOP = Buffer.from([0, 0]);

export class BoltConnection implements ResponseSink {
  private handshake: Buffer | null = Buffer.alloc(0);
  private dechunker: Dechunker;
  private features: ProtocolFeatures | null = null;
  private session: BoltSession | null = null;
  private writer: ResponseWriter | null = null;
  private queue: Request[] = [];
  private busy = false;
  private ended = false;
  private readonly closedPromise: Promise<void>;
  /** When the last request arrived or finished (ms); the timeout sweep reads it. */
  private lastActive = Date.now();
  /** When bytes last went to the socket (ms); keep-alive NOOPs go out when it grows old. */
  private lastWrite = Date.now();

  constructor(
    private readonly socket: Socket,
    private readonly deps: ConnectionDeps,
  ) {
    this.dechunker = new Dechunker(deps.maxMessageBytes);
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => this.onData(data));
    socket.on('error', (e) => this.deps.logger.debug({ err: e, conn: deps.connectionId }, 'bolt socket error'));
    this.closedPromise = new Promise((resolve) => {
      socket.once('close', () => {
        this.ended = true;
        void this.session?.shutdown();
        resolve();
      });
    });
  }

  /** Server shutdown: roll back open work, then end the socket. */
  async close(): Promise<void> {
    this.ended = true;
    this.queue = [];
    await this.session?.shutdown();
    this.socket.end();
    const timer = setTimeout(() => this.socket.destroy(), 2000);
    await this.closedPromise;
    clearTimeout(timer);
  }

  // --- ResponseSink: write through, flushing early when a batch grows large ---------

  success(meta: Metadata): void {
    (this.writer as ResponseWriter).success(meta);
    this.maybeFlush();
  }

  record(values: readonly Value[]): void | Promise<void> {
    const writer = this.writer as ResponseWriter;
    if (!isLargeRecord(values)) {
      writer.record(values);
      this.maybeFlush();
      return;
    }
    // What came before goes out first; the session writes nothing more until this settles.
    this.flush();
    return encodeLargeRecord(values, writer.out.packer.options).then((parts) => {
      if (this.socket.destroyed) return;
      for (const part of parts) this.write(part);
    });
  }

  failure(error: MghaError): void {
    (this.writer as ResponseWriter).failure(error);
  }

  ignored(): void {
    (this.writer as ResponseWriter).ignored();
  }

  // --- input -------------------------------------------------------------------------

  /**
   * Called by the server's periodic sweep: ends a connection that stayed in the handshake,
   * or idle between requests, longer than allowed (its open transaction rolls back).
   */
  expire(now: number, timeouts: ConnectionTimeouts): void {
    if (this.ended || this.busy || this.queue.length > 0) return;
    const inHandshake = this.handshake !== null;
    const limit = inHandshake ? timeouts.handshakeMs : timeouts.idleMs;
    if (limit <= 0 || now - this.lastActive < limit) return;
    this.deps.logger.info({ conn: this.deps.connectionId, idleMs: now - this.lastActive, inHandshake }, 'closing idle bolt connection');
    this.ended = true;
    void this.session?.shutdown();
    this.socket.destroy();
  }

  /**
   * Called by the server's periodic sweep: while a request runs (a long query, a SYNC
   * commit waiting on a replica) and nothing was written for a third of the hinted
   * receive timeout, sends a NOOP so the driver does not take the wait for a dead server.
   */
  keepAlive(now: number, timeouts: ConnectionTimeouts): void {
    if (timeouts.recvTimeoutHintSec <= 0 || this.ended || this.handshake !== null) return;
    if (!this.busy && this.queue.length === 0) return;
    if (now - this.lastWrite < (timeouts.recvTimeoutHintSec * 1000) / 3) return;
    // Pending output holds whole messages only, so a NOOP after it falls between messages.
    this.flush();
    this.write(NOOP);
  }

  private write(data: Buffer): void {
    this.lastWrite = Date.now();
    this.socket.write(data);
  }

  private onData(data: Buffer): void {
    if (this.ended) return;
    this.lastActive = Date.now();
    try {
      if (this.handshake !== null) {
        data = this.onHandshake(data);
        if (data.length === 0) return;
      }
      for (const body of this.dechunker.feed(data)) {
        const req = decodeRequest(body, this.features as ProtocolFeatures);
        if (req.type === 'RESET') this.session?.noteResetQueued();
        this.queue.push(req);
      }
    } catch (e) {
      return this.abort(e);
    }
    if (this.queue.length > MAX_QUEUED) this.socket.pause();
    this.pump();
  }

  /** Returns the bytes after the handshake (clients may pipeline HELLO behind it). */
  private onHandshake(data: Buffer): Buffer {
    const got = Buffer.concat([this.handshake as Buffer, data]);
    if (got.length < HANDSHAKE_BYTES) {
      this.handshake = got;
      return Buffer.alloc(0);
    }
    this.handshake = null;
    const result = negotiate(got);
    if (!result.ok) {
      this.deps.logger.debug({ conn: this.deps.connectionId, reason: result.reason }, 'bolt handshake refused');
      this.ended = true;
      if (result.reply !== null) this.socket.end(result.reply);
      else this.socket.destroy();
      return Buffer.alloc(0);
    }
    const features = featuresOf(result.version);
    this.features = features;
    const packer = new Packer({ elementIds: features.elementIds, utcDateTime: features.version.major >= 5 });
    this.writer = new ResponseWriter(new ChunkedWriter(packer));
    this.session = new BoltSession(
      features,
      { ...this.deps, enableUtcDateTime: () => (packer.options.utcDateTime = true) },
      this,
    );
    this.socket.write(result.reply);
    return got.subarray(HANDSHAKE_BYTES);
  }

  // --- processing ----------------------------------------------------------------------

  /** Runs queued requests in order; synchronous handlers never touch a Promise. */
  private pump(): void {
    const session = this.session as BoltSession;
    while (!this.busy && !this.ended && this.queue.length > 0) {
      if (this.socket.writableLength > MAX_UNSENT_BYTES) {
        this.flush();
        this.busy = true;
        this.socket.once('drain', () => {
          this.busy = false;
          this.pump();
        });
        return;
      }
      const req = this.queue.shift() as Request;
      let pending: void | Promise<void>;
      try {
        pending = session.handle(req);
      } catch (e) {
        return this.abort(e);
      }
      if (pending !== undefined) {
        this.busy = true;
        pending.then(
          () => {
            this.busy = false;
            this.afterRequest(session);
            this.pump();
          },
          (e: unknown) => this.abort(e),
        );
        return;
      }
      this.afterRequest(session);
    }
    if (!this.busy) {
      this.lastActive = Date.now();
      this.flush();
      if (this.queue.length <= MAX_QUEUED && this.socket.isPaused()) this.socket.resume();
    }
  }

  private afterRequest(session: BoltSession): void {
    if (!session.closed || this.ended) return;
    this.flush();
    this.ended = true;
    this.queue = [];
    this.socket.end();
  }

  private maybeFlush(): void {
    if ((this.writer as ResponseWriter).out.pending() >= FLUSH_BYTES) this.flush();
  }

  private flush(): void {
    const out = (this.writer as ResponseWriter | null)?.out;
    if (out === undefined || out.pending() === 0 || this.socket.destroyed) return;
    this.write(out.take());
  }

  private abort(e: unknown): void {
    this.deps.logger.warn(
      { conn: this.deps.connectionId, err: e instanceof Error ? e.message : String(e) },
      'closing bolt connection',
    );
    this.ended = true;
    this.queue = [];
    this.socket.destroy();
  }
}
