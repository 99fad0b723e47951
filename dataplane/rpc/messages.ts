// Typed message definitions. A message type declares its request and response payloads
// as codecs built from the fields below; client and server both take the definition, so
// a message's shape lives in one place:
//
//   const Heartbeat = defineRpc({ type: 10, name: 'Heartbeat',
//     request: p.struct({ mainUuid: p.string }), response: p.struct({ ts: p.uint }) });
//
// Payload encoding: the WAL codec's byte writer and reader (varints, length-prefixed
// UTF-8, Cypher values), not JSON. Fields are positional, so a payload is its values and
// little else; a `bytes` field (already-encoded WAL deltas) is one memcpy into the frame on
// send and a view into the received frame on receipt, where JSON would need base64. A
// change of a message's layout is a new message type (types are cheap: 65535 of them).

import { ByteReader, ByteWriter, CodecError, readValue, writeValue } from '../durability/codec.js';
import type { Value } from '../values/model.js';
import { MAX_MESSAGE_TYPE } from './frame.js';
import { RpcCodes, RpcError } from './types.js';

/** Writes and reads one payload field (method syntax: a codec of T is a codec of unknown). */
export interface PayloadCodec<T> {
  write(w: ByteWriter, v: T): void;
  read(r: ByteReader): T;
}

export type PayloadOf<C> = C extends PayloadCodec<infer T> ? T : never;

type Fields = Record<string, PayloadCodec<unknown>>;
type StructOf<F extends Fields> = { [K in keyof F]: PayloadOf<F[K]> };

const uint: PayloadCodec<number> = { write: (w, v) => w.uint(v), read: (r) => r.uint() };
const int: PayloadCodec<number> = { write: (w, v) => w.int(v), read: (r) => r.int() };
const bigint: PayloadCodec<bigint> = { write: (w, v) => w.bigint(v), read: (r) => r.bigint() };
const f64: PayloadCodec<number> = { write: (w, v) => w.f64(v), read: (r) => r.f64() };
const bool: PayloadCodec<boolean> = { write: (w, v) => w.u8(v ? 1 : 0), read: (r) => r.u8() !== 0 };
const string: PayloadCodec<string> = { write: (w, v) => w.string(v), read: (r) => r.string() };
const bytes: PayloadCodec<Buffer> = {
  write: (w, v) => {
    w.uint(v.length);
    w.bytes(v);
  },
  read: (r) => r.slice(r.uint()),
};
const value: PayloadCodec<Value> = { write: writeValue, read: readValue };
const empty: PayloadCodec<Record<string, never>> = { write: () => undefined, read: () => ({}) };

function list<T>(item: PayloadCodec<T>): PayloadCodec<T[]> {
  return {
    write(w, v) {
      w.uint(v.length);
      for (const x of v) item.write(w, x);
    },
    read(r) {
      const n = r.uint();
      // Each item takes at least one byte: a bogus count fails here, not in a huge loop.
      if (n > r.remaining) throw new CodecError(`list of ${n} items in ${r.remaining} bytes`, r.pos);
      const out: T[] = [];
      for (let i = 0; i < n; i++) out.push(item.read(r));
      return out;
    },
  };
}

function optional<T>(inner: PayloadCodec<T>): PayloadCodec<T | null> {
  return {
    write(w, v) {
      w.u8(v === null ? 0 : 1);
      if (v !== null) inner.write(w, v);
    },
    read: (r) => (r.u8() === 0 ? null : inner.read(r)),
  };
}

function struct<F extends Fields>(fields: F): PayloadCodec<StructOf<F>> {
  const entries = Object.entries(fields);
  return {
    write(w, v) {
      for (const [k, c] of entries) c.write(w, v[k]);
    },
    read(r) {
      const out: Record<string, unknown> = {};
      for (const [k, c] of entries) out[k] = c.read(r);
      return out as StructOf<F>;
    },
  };
}

/** Field codecs to build payloads from. */
export const p = { uint, int, bigint, f64, bool, string, bytes, value, empty, list, optional, struct };

/** One message type: its number on the wire, its name in logs and metrics, its payloads. */
export interface RpcDef<Req, Res> {
  readonly type: number;
  readonly name: string;
  readonly request: PayloadCodec<Req>;
  readonly response: PayloadCodec<Res>;
  /** A call's default timeout (for a file transfer: per progress interval). */
  readonly timeoutMs: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

export function defineRpc<Req, Res>(spec: {
  type: number;
  name: string;
  request: PayloadCodec<Req>;
  response: PayloadCodec<Res>;
  timeoutMs?: number;
}): RpcDef<Req, Res> {
  // Type 0 is reserved: Error frames with request id 0 concern the whole connection.
  if (!Number.isInteger(spec.type) || spec.type < 1 || spec.type > MAX_MESSAGE_TYPE) {
    throw new RangeError(`message type ${spec.type} of ${spec.name} is outside 1..${MAX_MESSAGE_TYPE}`);
  }
  return { ...spec, timeoutMs: spec.timeoutMs ?? DEFAULT_TIMEOUT_MS };
}

/** Decodes a whole payload; anything undecodable or left over is a BadPayload error. */
export function decodePayload<T>(codec: PayloadCodec<T>, payload: Buffer, what: string): T {
  const r = new ByteReader(payload);
  let v: T;
  try {
    v = codec.read(r);
  } catch (e) {
    throw new RpcError(RpcCodes.BadPayload, `${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (r.remaining !== 0) throw new RpcError(RpcCodes.BadPayload, `${what}: ${r.remaining} bytes left over`);
  return v;
}
