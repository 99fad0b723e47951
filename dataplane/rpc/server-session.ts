// One server connection's protocol state (no sockets, no timers): frames in, frames out.
// Requests run concurrently and answer in completion order, matched by request id. A
// file transfer's chunks are written in arrival order; when the disk falls behind,
// handle() returns a promise and the connection stops reading until it settles.

import { MghaError } from '../errors.js';
import { encodeErrorFrame, encodeFrame } from './frame.js';
import type { HandlerTable, OpenTransfer, ResponseWriter } from './handlers.js';
import { readSummary } from './stream.js';
import { FrameKind, RpcCodes, RpcError, type Frame, type RpcCallHook } from './types.js';

export interface SessionSink {
  send(frame: Buffer): void;
  /** A call finished (the connection may resume reading). */
  settled(): void;
}

interface InFlight {
  type: number;
  name: string;
  started: number;
  /** Set while a file transfer is receiving chunks. */
  transfer: OpenTransfer | null;
}

export class RpcServerSession {
  private readonly inflight = new Map<number, InFlight>();
  private closed = false;

  constructor(
    private readonly handlers: HandlerTable,
    private readonly sink: SessionSink,
    private readonly onCall?: RpcCallHook,
  ) {}

  get inflightCount(): number {
    return this.inflight.size;
  }

  handle(frame: Frame): Promise<void> | undefined {
    if (this.closed) return undefined;
    switch (frame.kind) {
      case FrameKind.Request:
        this.start(frame);
        return undefined;
      case FrameKind.Chunk:
        return this.inflight.get(frame.requestId)?.transfer?.file.write(frame.payload);
      case FrameKind.End:
        this.endTransfer(frame);
        return undefined;
      case FrameKind.Error:
        // The client gave up on a transfer (timeout, read error): drop the partial file.
        this.cancelTransfer(frame.requestId);
        return undefined;
      default:
        this.sink.send(encodeErrorFrame(frame.requestId, frame.type, RpcCodes.BadFrame, `a client does not send frames of kind ${frame.kind}`));
        return undefined;
    }
  }

  /**
   * Ends the session: every call still in flight gets an error with `code` (their results,
   * if they come, are dropped) and partial files are deleted.
   */
  async shutdown(code: string, message: string): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const aborts: Promise<void>[] = [];
    for (const [id, call] of this.inflight) {
      this.sink.send(encodeErrorFrame(id, call.type, code, message));
      if (call.transfer !== null) aborts.push(call.transfer.file.abort());
      this.report(call, false, code);
    }
    this.inflight.clear();
    await Promise.all(aborts);
  }

  private start(frame: Frame): void {
    const { requestId: id, type } = frame;
    if (this.inflight.has(id)) {
      this.sink.send(encodeErrorFrame(id, type, RpcCodes.BadFrame, `request id ${id} is already in flight`));
      return;
    }
    const handler = this.handlers.get(type);
    if (handler === undefined) {
      this.sink.send(encodeErrorFrame(id, type, RpcCodes.UnknownType, `no handler for message type ${type}`));
      return;
    }
    const call: InFlight = { type, name: handler.name, started: performance.now(), transfer: null };
    this.inflight.set(id, call);
    if (handler.kind === 'call') {
      let result: ResponseWriter | Promise<ResponseWriter>;
      try {
        result = handler.run(frame.payload);
      } catch (e) {
        this.fail(id, call, e);
        return;
      }
      // A synchronous answer goes out in this tick, without a promise hop.
      if (result instanceof Promise) this.answer(id, call, result);
      else this.respond(id, call, result);
      return;
    }
    try {
      call.transfer = handler.open(frame.payload);
    } catch (e) {
      this.answer(id, call, Promise.reject(e));
    }
  }

  private endTransfer(frame: Frame): void {
    const call = this.inflight.get(frame.requestId);
    const transfer = call?.transfer;
    if (call === undefined || transfer === undefined || transfer === null) return;
    call.transfer = null;
    const finished = (async (): Promise<ResponseWriter> => {
      let summary;
      try {
        summary = readSummary(frame.payload);
      } catch (e) {
        await transfer.file.abort();
        throw new RpcError(RpcCodes.BadPayload, `transfer end: ${(e as Error).message}`);
      }
      return transfer.complete(await transfer.file.finish(summary));
    })();
    this.answer(frame.requestId, call, finished);
  }

  private cancelTransfer(id: number): void {
    const call = this.inflight.get(id);
    if (call === undefined || call.transfer === null) return;
    this.inflight.delete(id);
    void call.transfer.file.abort();
    this.report(call, false, RpcCodes.TransferFailed);
    this.sink.settled();
  }

  private answer(id: number, call: InFlight, result: Promise<ResponseWriter>): void {
    result.then(
      (write) => this.respond(id, call, write),
      (e: unknown) => {
        if (this.inflight.get(id) === call) this.fail(id, call, e);
      },
    );
  }

  private respond(id: number, call: InFlight, write: ResponseWriter): void {
    if (this.inflight.get(id) !== call) return;
    let frame: Buffer;
    try {
      frame = encodeFrame(FrameKind.Response, id, call.type, write);
    } catch (e) {
      return this.fail(id, call, new RpcError(RpcCodes.HandlerFailed, `${call.name} response: ${(e as Error).message}`));
    }
    this.inflight.delete(id);
    this.sink.send(frame);
    this.report(call, true);
    this.sink.settled();
  }

  private fail(id: number, call: InFlight, e: unknown): void {
    const { code, message } = describe(e);
    this.inflight.delete(id);
    this.sink.send(encodeErrorFrame(id, call.type, code, message));
    this.report(call, false, code);
    this.sink.settled();
  }

  private report(call: InFlight, ok: boolean, code?: string): void {
    this.onCall?.({ type: call.type, name: call.name, seconds: (performance.now() - call.started) / 1000, ok, ...(ok ? {} : { code }) });
  }
}

/** A handler's error as code and message: errors that carry a code keep it. */
function describe(e: unknown): { code: string; message: string } {
  if (e instanceof RpcError || e instanceof MghaError) return { code: e.code, message: e.message };
  return { code: RpcCodes.HandlerFailed, message: e instanceof Error ? e.message : String(e) };
}
