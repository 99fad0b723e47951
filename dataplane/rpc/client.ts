// The RPC client: connects lazily, reconnects on the next call after a failure, times
// out calls, streams files. One connection carries any number of concurrent calls.

import { ClientConnection, type PendingCall } from './client-connection.js';
import { DEFAULT_MAX_FRAME_BYTES, encodeErrorFrame, encodeFrame, FRAME_OVERHEAD, frameAround } from './frame.js';
import { decodePayload, type RpcDef } from './messages.js';
import { DEFAULT_CHUNK_BYTES, readFileChunks, writeSummary, type SendProgress } from './stream.js';
import { FrameKind, RpcCodes, RpcError, type RpcCallHook } from './types.js';

export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

export interface RpcClientOptions {
  host: string;
  port: number;
  connectTimeoutMs?: number;
  maxFrameBytes?: number;
  /** Called once per completed call (success or error), e.g. to observe a histogram. */
  onCall?: RpcCallHook;
}

export interface CallOptions {
  /** Overrides the message type's default timeout. */
  timeoutMs?: number;
  /**
   * Expected payload bytes: the frame's buffer is allocated that big at once instead of
   * growing (doubling and copying) from 256 bytes — a replication batch of a few KiB.
   */
  sizeHint?: number;
}

export interface SendFileOptions {
  /** Longest wait for progress: each chunk sent restarts it, and it bounds the final answer. */
  timeoutMs?: number;
  chunkBytes?: number;
  onProgress?: (progress: SendProgress) => void;
}

type Send = (conn: ClientConnection, call: Call) => Promise<void> | undefined;

/** One call from start to answer; its timer runs from the start (connecting included). */
class Call implements PendingCall {
  id = 0;
  settled = false;
  readonly result: Promise<Buffer>;
  private conn: ClientConnection | null = null;
  private timer: NodeJS.Timeout | undefined;
  private resolve!: (payload: Buffer) => void;
  private reject!: (e: RpcError) => void;

  constructor(
    private readonly name: string,
    private readonly timeoutMs: number,
  ) {
    this.result = new Promise<Buffer>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.arm();
  }

  attach(conn: ClientConnection): void {
    this.conn = conn;
    this.id = conn.register(this);
  }

  /** Progress was made: the timeout starts over. */
  touch(): void {
    if (!this.settled) this.arm();
  }

  onResponse(payload: Buffer): void {
    if (this.settle()) this.resolve(payload);
  }

  onError(error: RpcError): void {
    if (this.settle()) this.reject(error);
  }

  /** Fails the call from this side; a later answer is dropped. */
  fail(error: RpcError): void {
    if (!this.settle()) return;
    if (this.id !== 0) this.conn?.forget(this.id);
    this.reject(error);
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    clearTimeout(this.timer);
    return true;
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fail(new RpcError(RpcCodes.Timeout, `${this.name}: no response within ${this.timeoutMs} ms`)), this.timeoutMs);
  }
}

export class RpcClient {
  private conn: ClientConnection | null = null;
  private connecting: Promise<ClientConnection> | null = null;
  private closed = false;

  constructor(private readonly options: RpcClientOptions) {}

  /** Whether a connection is open now (calls open one when needed). */
  get connected(): boolean {
    return this.conn !== null && this.conn.alive;
  }

  call<Req, Res>(def: RpcDef<Req, Res>, req: Req, options: CallOptions = {}): Promise<Res> {
    return this.exchange(def, options.timeoutMs ?? def.timeoutMs, (conn, call) =>
      conn.send(encodeFrame(FrameKind.Request, call.id, def.type, (w) => def.request.write(w, req), options.sizeHint)),
    );
  }

  /**
   * Sends `req` and then the file at `filePath` in chunks, for a server's handleFile(); the
   * answer comes once the server has the complete file in place. The file is never held in
   * memory, and chunks wait for the socket to drain.
   */
  sendFile<Req, Res>(def: RpcDef<Req, Res>, req: Req, filePath: string, options: SendFileOptions = {}): Promise<Res> {
    const maxFrameBytes = this.options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    const chunkBytes = Math.min(options.chunkBytes ?? DEFAULT_CHUNK_BYTES, maxFrameBytes - FRAME_OVERHEAD);
    return this.exchange(def, options.timeoutMs ?? def.timeoutMs, async (conn, call) => {
      await conn.send(encodeFrame(FrameKind.Request, call.id, def.type, (w) => def.request.write(w, req)));
      let summary;
      try {
        summary = await readFileChunks(
          filePath,
          chunkBytes,
          (chunk) => conn.send(frameAround(FrameKind.Chunk, call.id, def.type, chunk)),
          () => call.settled,
          (progress) => {
            call.touch();
            options.onProgress?.(progress);
          },
        );
      } catch (e) {
        cancelTransfer(conn, call, def.type);
        throw e instanceof RpcError ? e : new RpcError(RpcCodes.TransferFailed, `sending ${filePath}: ${(e as Error).message}`);
      }
      if (summary === null) return cancelTransfer(conn, call, def.type);
      await conn.send(encodeFrame(FrameKind.End, call.id, def.type, (w) => writeSummary(w, summary)));
    });
  }

  /** Fails calls in flight with ClientClosed and refuses new ones. */
  async close(): Promise<void> {
    this.closed = true;
    const closing = new RpcError(RpcCodes.ClientClosed, 'the RPC client was closed');
    this.conn?.destroy(closing);
    this.conn = null;
    await this.connecting?.catch(() => undefined);
  }

  private async exchange<Req, Res>(def: RpcDef<Req, Res>, timeoutMs: number, send: Send): Promise<Res> {
    const started = performance.now();
    const call = new Call(def.name, timeoutMs);
    const conn = this.conn;
    if (conn !== null && conn.alive) this.dispatch(conn, call, send);
    else this.connection().then((c) => this.dispatch(c, call, send), (e: RpcError) => call.fail(e));
    let res: Res;
    try {
      res = decodePayload(def.response, await call.result, `${def.name} response`);
    } catch (e) {
      const error = e as RpcError;
      this.options.onCall?.({ type: def.type, name: def.name, seconds: (performance.now() - started) / 1000, ok: false, code: error.code });
      throw error;
    }
    this.options.onCall?.({ type: def.type, name: def.name, seconds: (performance.now() - started) / 1000, ok: true });
    return res;
  }

  private dispatch(conn: ClientConnection, call: Call, send: Send): void {
    if (call.settled) return;
    const failed = (e: unknown): void => call.fail(e instanceof RpcError ? e : new RpcError(RpcCodes.BadPayload, (e as Error).message));
    try {
      call.attach(conn);
      send(conn, call)?.catch(failed);
    } catch (e) {
      failed(e);
    }
  }

  private connection(): Promise<ClientConnection> {
    if (this.closed) return Promise.reject(new RpcError(RpcCodes.ClientClosed, 'the RPC client was closed'));
    this.connecting ??= ClientConnection.connect({
      host: this.options.host,
      port: this.options.port,
      connectTimeoutMs: this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      maxFrameBytes: this.options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    }).then(
      (c) => {
        this.connecting = null;
        if (this.closed) {
          c.destroy(new RpcError(RpcCodes.ClientClosed, 'the RPC client was closed'));
          throw new RpcError(RpcCodes.ClientClosed, 'the RPC client was closed');
        }
        this.conn = c;
        return c;
      },
      (e: RpcError) => {
        this.connecting = null;
        throw e;
      },
    );
    return this.connecting;
  }
}

/** Tells the server to drop a transfer this side gave up on (if the connection still stands). */
function cancelTransfer(conn: ClientConnection, call: Call, type: number): void {
  if (!conn.alive) return;
  try {
    void conn.send(encodeErrorFrame(call.id, type, RpcCodes.TransferFailed, 'the sender gave up'))?.catch(() => undefined);
  } catch {
    // The connection went in between: the server drops the transfer with it.
  }
}
