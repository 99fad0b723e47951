// Types of the RPC layer: frame kinds, error codes, the error value, the metrics event.
// Declared before the code that moves them (STYLE: types first).

/** What a frame is; the same request id ties together all frames of one call. */
export enum FrameKind {
  /** Client → server: starts a call (for a file transfer, the first frame). */
  Request = 1,
  /** Server → client: the call's result. */
  Response = 2,
  /** Client → server: a piece of a transferred file, in order. */
  Chunk = 3,
  /** Either way: the call failed (payload: code, message); request id 0 = the whole connection. */
  Error = 4,
  /** Client → server: the file is complete (payload: byte count, CRC32 of the content). */
  End = 5,
}

export interface Frame {
  kind: FrameKind;
  requestId: number;
  type: number;
  /** A view into the received bytes (no copy). */
  payload: Buffer;
}

/** Codes an RpcError carries; callers branch on these, never on messages. */
export const RpcCodes = {
  /** No response within the call's timeout (a late response is dropped). */
  Timeout: 'RpcTimeout',
  /** The connection broke while the call was in flight; the next call reconnects. */
  ConnectionLost: 'RpcConnectionLost',
  /** Could not connect (refused, unreachable, connect timeout). */
  ConnectFailed: 'RpcConnectFailed',
  /** The client was closed. */
  ClientClosed: 'RpcClientClosed',
  /** The server shut down while handling the call. */
  ServerClosing: 'RpcServerClosing',
  /** Bad magic, checksum, length or kind: the byte stream cannot be trusted any more. */
  BadFrame: 'RpcBadFrame',
  /** The peer speaks another frame version. */
  VersionMismatch: 'RpcVersionMismatch',
  /** A frame longer than the receiver's maximum. */
  FrameTooLarge: 'RpcFrameTooLarge',
  /** No handler for the message type. */
  UnknownType: 'RpcUnknownType',
  /** The payload did not decode as the message type's request/response. */
  BadPayload: 'RpcBadPayload',
  /** The handler threw something without a code of its own. */
  HandlerFailed: 'RpcHandlerFailed',
  /** A file transfer failed (read, write, size or checksum, or aborted by the sender). */
  TransferFailed: 'RpcTransferFailed',
} as const;

export type RpcCode = (typeof RpcCodes)[keyof typeof RpcCodes];

/**
 * A failed call. `code` is one of RpcCodes, or the code of an error a handler threw (for
 * example an MghaError's); `remote` says whether the peer reported it.
 */
export class RpcError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly remote = false,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

/** One completed call, for latency histograms the caller owns (no global metrics here). */
export interface RpcCallEvent {
  type: number;
  name: string;
  seconds: number;
  ok: boolean;
  /** The error code when !ok. */
  code?: string;
}

export type RpcCallHook = (event: RpcCallEvent) => void;
