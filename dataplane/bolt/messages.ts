// Bolt messages (pure): request decoding and response encoding, all in one place.

import { MghaError, typeError } from '../errors.js';
import type { Value } from '../values/model.js';
import type { ChunkedWriter } from './chunking.js';
import { UnsupportedValueError, Unpacker } from './packstream.js';
import { BoltProtocolError, type Dict, type ProtocolFeatures, type Request } from './types.js';

const SUCCESS = 0x70;
export const RECORD = 0x71;
const IGNORED = 0x7e;
const FAILURE = 0x7f;

interface RequestSpec {
  name: Request['type'];
  fields: number;
  /** Oldest version that has the message, as major * 100 + minor. */
  since: number;
}

const REQUESTS = new Map<number, RequestSpec>([
  [0x01, { name: 'HELLO', fields: 1, since: 0 }],
  [0x6a, { name: 'LOGON', fields: 1, since: 501 }],
  [0x6b, { name: 'LOGOFF', fields: 0, since: 501 }],
  [0x02, { name: 'GOODBYE', fields: 0, since: 0 }],
  [0x0f, { name: 'RESET', fields: 0, since: 0 }],
  [0x10, { name: 'RUN', fields: 3, since: 0 }],
  [0x11, { name: 'BEGIN', fields: 1, since: 0 }],
  [0x12, { name: 'COMMIT', fields: 0, since: 0 }],
  [0x13, { name: 'ROLLBACK', fields: 0, since: 0 }],
  [0x3f, { name: 'PULL', fields: 1, since: 0 }],
  [0x2f, { name: 'DISCARD', fields: 1, since: 0 }],
  [0x66, { name: 'ROUTE', fields: 3, since: 403 }],
  [0x54, { name: 'TELEMETRY', fields: 1, since: 504 }],
]);

function dictField(name: string, v: Value): Dict {
  if (!(v instanceof Map)) throw new BoltProtocolError(`${name}: expected a dictionary`);
  return v;
}

/** Decodes one dechunked message. Malformed bytes throw BoltProtocolError. */
export function decodeRequest(body: Buffer, features: ProtocolFeatures): Request {
  const u = new Unpacker(body);
  const { size, tag } = u.structHeader();
  const spec = REQUESTS.get(tag);
  const version = features.version.major * 100 + features.version.minor;
  if (spec === undefined || version < spec.since) {
    throw new BoltProtocolError(`Unknown request message 0x${tag.toString(16)}`);
  }
  if (size !== spec.fields) {
    throw new BoltProtocolError(`${spec.name} has ${size} fields, expected ${spec.fields}`);
  }
  let f: Value[];
  try {
    f = [];
    for (let i = 0; i < size; i++) f.push(u.unpack(1));
  } catch (e) {
    if (e instanceof UnsupportedValueError) return { type: 'INVALID', name: spec.name, error: typeError(e.message) };
    if (e instanceof MghaError) return { type: 'INVALID', name: spec.name, error: e };
    throw e;
  }
  if (u.remaining() !== 0) throw new BoltProtocolError(`${spec.name}: trailing bytes`);
  switch (spec.name) {
    case 'HELLO':
      return { type: 'HELLO', extra: dictField('HELLO', f[0] as Value) };
    case 'LOGON':
      return { type: 'LOGON', auth: dictField('LOGON', f[0] as Value) };
    case 'RUN': {
      const query = f[0];
      if (typeof query !== 'string') throw new BoltProtocolError('RUN: query must be a string');
      return {
        type: 'RUN',
        query,
        parameters: dictField('RUN parameters', f[1] as Value),
        extra: dictField('RUN extra', f[2] as Value),
      };
    }
    case 'BEGIN':
      return { type: 'BEGIN', extra: dictField('BEGIN', f[0] as Value) };
    case 'PULL':
      return { type: 'PULL', extra: dictField('PULL', f[0] as Value) };
    case 'DISCARD':
      return { type: 'DISCARD', extra: dictField('DISCARD', f[0] as Value) };
    case 'ROUTE': {
      const third = f[2] as Value;
      if (features.routeDbIsString) {
        if (third !== null && typeof third !== 'string') throw new BoltProtocolError('ROUTE: db must be a string');
        return { type: 'ROUTE', routing: dictField('ROUTE', f[0] as Value), bookmarks: f[1] as Value, db: third, extra: new Map() };
      }
      const extra = dictField('ROUTE extra', third);
      const db = extra.get('db') ?? null;
      if (db !== null && typeof db !== 'string') throw new BoltProtocolError('ROUTE: db must be a string');
      return { type: 'ROUTE', routing: dictField('ROUTE', f[0] as Value), bookmarks: f[1] as Value, db, extra };
    }
    case 'TELEMETRY':
      return { type: 'TELEMETRY', api: f[0] as Value };
    case 'LOGOFF':
    case 'GOODBYE':
    case 'RESET':
    case 'COMMIT':
    case 'ROLLBACK':
      return { type: spec.name };
    case 'INVALID':
      break;
  }
  throw new BoltProtocolError(`Unhandled request ${spec.name}`);
}

export type Metadata = Readonly<Record<string, Value | undefined>>;

/** Response encoding into the connection's output buffer; each call frames one message. */
export class ResponseWriter {
  constructor(readonly out: ChunkedWriter) {}

  success(meta: Metadata): void {
    this.out.begin();
    try {
      this.out.packer.packStructHeader(1, SUCCESS);
      this.out.packer.packObject(meta);
    } catch (e) {
      this.out.abort();
      throw e;
    }
    this.out.end();
  }

  /** Throws (leaving nothing written) if a value cannot be encoded. */
  record(values: readonly Value[]): void {
    const p = this.out.packer;
    this.out.begin();
    try {
      p.packStructHeader(1, RECORD);
      p.packListHeader(values.length);
      for (let i = 0; i < values.length; i++) p.pack(values[i] as Value, 1);
    } catch (e) {
      this.out.abort();
      throw e;
    }
    this.out.end();
  }

  failure(error: MghaError): void {
    this.out.begin();
    this.out.packer.packStructHeader(1, FAILURE);
    this.out.packer.packObject({ code: error.code, message: error.message });
    this.out.end();
  }

  ignored(): void {
    this.out.begin();
    this.out.packer.packStructHeader(0, IGNORED);
    this.out.end();
  }
}
