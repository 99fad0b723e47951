// The RPC listener: a handler table and one RpcServerConnection per accepted socket.

import net from 'node:net';
import type { Logger } from 'pino';
import { DEFAULT_MAX_FRAME_BYTES } from './frame.js';
import { HandlerTable, type CallFn, type FileFns } from './handlers.js';
import type { RpcDef } from './messages.js';
import { RpcServerConnection } from './server-connection.js';
import type { RpcCallHook } from './types.js';

export interface RpcServerOptions {
  /** Bind address ("0.0.0.0" to serve other machines; tests use "127.0.0.1"). */
  host: string;
  /** 0 picks a free port; see RpcServer.port. */
  port: number;
  maxFrameBytes?: number;
  logger?: Logger;
  /** Called once per completed call (success or error), e.g. to observe a histogram. */
  onCall?: RpcCallHook;
}

export class RpcServer {
  private readonly handlers = new HandlerTable();
  private readonly connections = new Set<RpcServerConnection>();
  private listener: net.Server | null = null;
  private boundPort = 0;
  private nextId = 1;

  constructor(private readonly options: RpcServerOptions) {}

  /** Serves a request/response message type. Register before or after listen(). */
  handle<Req, Res>(def: RpcDef<Req, Res>, fn: CallFn<Req, Res>): this {
    this.handlers.addCall(def, fn);
    return this;
  }

  /** Serves a file transfer message type (see RpcClient.sendFile). */
  handleFile<Req, Res>(def: RpcDef<Req, Res>, fns: FileFns<Req, Res>): this {
    this.handlers.addFile(def, fns);
    return this;
  }

  /** The bound port (the real one when options.port was 0). */
  get port(): number {
    return this.boundPort;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  async listen(): Promise<void> {
    const { host, port, logger } = this.options;
    const listener = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(port, host, () => {
        listener.off('error', reject);
        resolve();
      });
    });
    listener.on('error', (e) => logger?.error({ err: e }, 'rpc listener error'));
    this.listener = listener;
    this.boundPort = (listener.address() as net.AddressInfo).port;
    logger?.info({ host, port: this.boundPort }, 'rpc server listening');
  }

  /** Stops accepting; calls in flight get ServerClosing errors; resolves when every socket is gone. */
  async close(): Promise<void> {
    const listener = this.listener;
    this.listener = null;
    const stopped = listener === null ? Promise.resolve() : new Promise<void>((resolve) => listener.close(() => resolve()));
    await Promise.all([...this.connections].map((c) => c.close()));
    await stopped;
  }

  private accept(socket: net.Socket): void {
    const conn = new RpcServerConnection(socket, {
      handlers: this.handlers,
      maxFrameBytes: this.options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      logger: this.options.logger,
      onCall: this.options.onCall,
      connectionId: `rpc-${this.nextId++}`,
    });
    this.connections.add(conn);
    socket.once('close', () => this.connections.delete(conn));
  }
}
