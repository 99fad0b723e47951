// One RPC server socket: decodes frames, drives the session, owns backpressure. Reading
// pauses while a transfer waits for the disk, while too many calls are in flight, or
// while the client does not read its responses. A bad frame ends this connection only
// (after telling the client why); nothing here throws into the event loop.

import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { encodeErrorFrame, FrameDecoder, type FrameError } from './frame.js';
import type { HandlerTable } from './handlers.js';
import { RpcServerSession } from './server-session.js';
import { RpcCodes, type Frame, type RpcCallHook } from './types.js';

/** Stop reading while this many calls run on one connection. */
const MAX_INFLIGHT = 1024;
/** Stop reading while this much response data sits unsent. */
const MAX_UNSENT_BYTES = 8 * 1024 * 1024;
/** How long close() waits for the client to hang up before dropping the socket. */
const CLOSE_GRACE_MS = 2000;

export interface ServerConnectionDeps {
  handlers: HandlerTable;
  maxFrameBytes: number;
  logger?: Logger | undefined;
  onCall?: RpcCallHook | undefined;
  connectionId: string;
}

export class RpcServerConnection {
  private readonly decoder: FrameDecoder;
  private readonly session: RpcServerSession;
  /** Frames decoded but not yet handled (they wait behind a transfer's disk write). */
  private queue: Frame[] = [];
  private waitingForDisk = false;
  private ended = false;
  private readonly closed: Promise<void>;

  constructor(
    private readonly socket: Socket,
    private readonly deps: ServerConnectionDeps,
  ) {
    this.decoder = new FrameDecoder(deps.maxFrameBytes);
    this.session = new RpcServerSession(
      deps.handlers,
      {
        send: (frame) => {
          if (this.socket.destroyed) return;
          this.socket.write(frame);
        },
        settled: () => this.updateFlow(),
      },
      deps.onCall,
    );
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => this.onData(data));
    socket.on('drain', () => this.updateFlow());
    socket.on('error', (e) => deps.logger?.debug({ err: e, conn: deps.connectionId }, 'rpc socket error'));
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.ended = true;
        this.queue = [];
        // The client is gone: partial files go, results of running calls are dropped.
        void this.session.shutdown(RpcCodes.ConnectionLost, 'connection closed').finally(resolve);
      });
    });
  }

  /** Server shutdown: in-flight calls get ServerClosing errors, then the socket ends. */
  async close(): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      this.queue = [];
      await this.session.shutdown(RpcCodes.ServerClosing, 'the RPC server is shutting down');
      this.socket.end();
    }
    const timer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
    await this.closed;
    clearTimeout(timer);
  }

  private onData(data: Buffer): void {
    if (this.ended) return;
    const { frames, error } = this.decoder.feed(data);
    for (const f of frames) this.queue.push(f);
    // Requests read together answer together, in one write, uncorked before this returns;
    // a lone request's answer is written at once (no nextTick and writev per call).
    const cork = frames.length > 1;
    if (cork) this.socket.cork();
    try {
      this.pump();
    } finally {
      if (cork) this.socket.uncork();
    }
    if (error !== null) this.abort(error);
  }

  private pump(): void {
    while (!this.waitingForDisk && !this.ended && this.queue.length > 0) {
      const frame = this.queue.shift() as Frame;
      const pending = this.session.handle(frame);
      if (pending !== undefined) {
        this.waitingForDisk = true;
        void pending.then(() => {
          this.waitingForDisk = false;
          this.pump();
        });
      }
    }
    this.updateFlow();
  }

  private updateFlow(): void {
    if (this.ended) return;
    const hold =
      this.waitingForDisk || this.session.inflightCount >= MAX_INFLIGHT || this.socket.writableLength >= MAX_UNSENT_BYTES;
    if (hold && !this.socket.isPaused()) this.socket.pause();
    else if (!hold && this.socket.isPaused()) this.socket.resume();
  }

  /** A frame we cannot trust: say why on request id 0 (the whole connection), then hang up. */
  private abort(error: FrameError): void {
    this.deps.logger?.warn({ conn: this.deps.connectionId, code: error.code, err: error.message }, 'closing rpc connection');
    this.ended = true;
    this.queue = [];
    void this.session.shutdown(error.code, error.message);
    this.socket.end(encodeErrorFrame(0, 0, error.code, error.message));
    // A peer that keeps its side open after our end must not hold the socket forever.
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }
}
