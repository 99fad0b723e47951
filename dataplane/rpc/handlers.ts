// The server's handler table. A registration captures its typed definition in closures
// that take and give bytes, so the session dispatches without knowing any payload type.

import type { ByteWriter } from '../durability/codec.js';
import { decodePayload, type RpcDef } from './messages.js';
import { IncomingFile, type ReceivedFile } from './stream.js';

export type ResponseWriter = (w: ByteWriter) => void;

export interface CallHandler {
  kind: 'call';
  name: string;
  /** A value when the handler answered synchronously (no promise per call); throws if it refused at once. */
  run(payload: Buffer): ResponseWriter | Promise<ResponseWriter>;
}

export interface FileHandler {
  kind: 'file';
  name: string;
  /** Decodes the request and opens the temporary file; throws if the request is refused. */
  open(payload: Buffer): OpenTransfer;
}

export interface OpenTransfer {
  file: IncomingFile;
  /** Runs the handler's completion once the file is in place. */
  complete(received: ReceivedFile): Promise<ResponseWriter>;
}

export type Handler = CallHandler | FileHandler;

/** Serves a request/response message. */
export type CallFn<Req, Res> = (req: Req) => Promise<Res> | Res;

/** Serves a file transfer: where the file goes, and what to answer once it is there. */
export interface FileFns<Req, Res> {
  /** The final path for this request's file (its directory must exist). Throw to refuse. */
  target(req: Req): string;
  /** Called after the file was renamed into place. */
  complete(req: Req, file: ReceivedFile): Promise<Res> | Res;
}

export class HandlerTable {
  private readonly handlers = new Map<number, Handler>();

  get(type: number): Handler | undefined {
    return this.handlers.get(type);
  }

  addCall<Req, Res>(def: RpcDef<Req, Res>, fn: CallFn<Req, Res>): void {
    this.add(def.type, {
      kind: 'call',
      name: def.name,
      run: (payload) => {
        const res = fn(decodePayload(def.request, payload, `${def.name} request`));
        if (res instanceof Promise) return res.then((r): ResponseWriter => (w) => def.response.write(w, r));
        return (w) => def.response.write(w, res);
      },
    });
  }

  addFile<Req, Res>(def: RpcDef<Req, Res>, fns: FileFns<Req, Res>): void {
    this.add(def.type, {
      kind: 'file',
      name: def.name,
      open: (payload) => {
        const req = decodePayload(def.request, payload, `${def.name} request`);
        const file = new IncomingFile(fns.target(req));
        return {
          file,
          complete: async (received) => {
            const res = await fns.complete(req, received);
            return (w) => def.response.write(w, res);
          },
        };
      },
    });
  }

  private add(type: number, handler: Handler): void {
    const existing = this.handlers.get(type);
    if (existing !== undefined) throw new Error(`message type ${type} (${handler.name}) is already served by ${existing.name}`);
    this.handlers.set(type, handler);
  }
}
