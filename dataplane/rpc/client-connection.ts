// One client socket: request ids, the calls waiting on them, frame decoding, and writes
// that wait for 'drain' once enough is queued in the socket. When the socket goes, every
// waiting call is rejected with one typed error; the client then opens a new connection.

import net from 'node:net';
import { decodeErrorPayload, FrameDecoder } from './frame.js';
import { FrameKind, RpcCodes, RpcError, type Frame } from './types.js';

/** Writers wait for 'drain' once this much sits unsent in the socket. */
const HIGH_WATER_BYTES = 4 * 1024 * 1024;
const MAX_REQUEST_ID = 0xffffffff;

/** A call waiting for its answer. */
export interface PendingCall {
  onResponse(payload: Buffer): void;
  onError(error: RpcError): void;
}

export interface ConnectOptions {
  host: string;
  port: number;
  connectTimeoutMs: number;
  maxFrameBytes: number;
}

export class ClientConnection {
  private readonly pending = new Map<number, PendingCall>();
  private readonly decoder: FrameDecoder;
  private nextId = 0;
  private lost: RpcError | null = null;
  private drainWaiters: { resolve(): void; reject(e: RpcError): void }[] = [];

  static connect(options: ConnectOptions): Promise<ClientConnection> {
    const { host, port, connectTimeoutMs } = options;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const fail = (why: string): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(new RpcError(RpcCodes.ConnectFailed, `cannot connect to ${host}:${port}: ${why}`));
      };
      const timer = setTimeout(() => fail(`no connection within ${connectTimeoutMs} ms`), connectTimeoutMs);
      const onError = (e: Error): void => fail(e.message);
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        resolve(new ClientConnection(socket, options.maxFrameBytes));
      });
    });
  }

  private constructor(
    private readonly socket: net.Socket,
    maxFrameBytes: number,
  ) {
    this.decoder = new FrameDecoder(maxFrameBytes);
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => this.onData(data));
    socket.on('drain', () => {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w.resolve();
    });
    // 'close' follows; the error itself only names the cause.
    socket.on('error', (e) => {
      this.lost ??= new RpcError(RpcCodes.ConnectionLost, `connection lost: ${e.message}`);
    });
    socket.once('close', () => this.teardown(new RpcError(RpcCodes.ConnectionLost, 'connection closed by the server')));
  }

  get alive(): boolean {
    return this.lost === null;
  }

  /** Takes the next free request id (never 0: that one addresses the whole connection). */
  register(call: PendingCall): number {
    let id = this.nextId;
    for (let tries = 0; tries <= this.pending.size; tries++) {
      id = (id % MAX_REQUEST_ID) + 1;
      if (!this.pending.has(id)) break;
    }
    this.nextId = id;
    this.pending.set(id, call);
    return id;
  }

  /** The call gave up (timeout): its answer, if it comes, is dropped. */
  forget(id: number): void {
    this.pending.delete(id);
  }

  /**
   * Writes one frame (a buffer, or parts written back to back). Returns a promise when the
   * socket holds too much unsent data: the caller should wait before writing more.
   */
  send(frame: Buffer | readonly Uint8Array[]): Promise<void> | undefined {
    if (this.lost !== null) throw this.lost;
    if (this.socket.writableLength >= HIGH_WATER_BYTES) {
      return new Promise<void>((resolve, reject) => this.drainWaiters.push({ resolve, reject })).then(() => this.send(frame));
    }
    // One frame, one write, now: no cork held to the next tick (a nextTick and a writev per
    // call were a visible share of a SYNC call's cost). Replication sends one call per
    // replica per tick, and writes issued while the socket is busy coalesce by themselves.
    if (Buffer.isBuffer(frame)) this.socket.write(frame);
    else {
      this.socket.cork();
      for (const part of frame) this.socket.write(part);
      this.socket.uncork();
    }
    return undefined;
  }

  /** Ends the connection; every waiting call fails with `error`. */
  destroy(error: RpcError): void {
    this.teardown(error);
    this.socket.destroy();
  }

  private onData(data: Buffer): void {
    const { frames, error } = this.decoder.feed(data);
    for (const f of frames) this.onFrame(f);
    if (error !== null) this.destroy(error);
  }

  private onFrame(f: Frame): void {
    if (f.kind === FrameKind.Error && f.requestId === 0) {
      const { code, message } = decodeErrorPayload(f.payload);
      return this.destroy(new RpcError(code, message, true));
    }
    if (f.kind !== FrameKind.Response && f.kind !== FrameKind.Error) {
      return this.destroy(new RpcError(RpcCodes.BadFrame, `a server does not send frames of kind ${f.kind}`));
    }
    const call = this.pending.get(f.requestId);
    // No one waiting: a call that timed out. Its answer is dropped.
    if (call === undefined) return;
    this.pending.delete(f.requestId);
    if (f.kind === FrameKind.Response) return call.onResponse(f.payload);
    const { code, message } = decodeErrorPayload(f.payload);
    call.onError(new RpcError(code, message, true));
  }

  private teardown(error: RpcError): void {
    if (this.lost === null || this.pending.size > 0 || this.drainWaiters.length > 0) {
      const cause = this.lost ?? error;
      this.lost = cause;
      const calls = [...this.pending.values()];
      this.pending.clear();
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const c of calls) c.onError(cause);
      for (const w of waiters) w.reject(cause);
    }
  }
}
