// PackStream v1 codec: `Value` <-> bytes (pure, no I/O).
//
// Packer writes into one growable Buffer that is reused across messages (records are the
// hot path). Unpacker reads from a Buffer with every size checked against the bytes that
// remain and a bounded nesting depth, so hostile input fails fast with BoltProtocolError.
// PackStream Bytes have no Value counterpart: they are never emitted and decoding them
// raises a client TypeError (the connection survives).

import { writeAscii } from '../ascii.js';
import { typeError } from '../errors.js';
import type { CypherDateTime, NodeValue, PathValue, RelationshipValue, Value } from '../values/model.js';
import { buildPath, hex, structToValue, Tag, unboundRelationship, type UnboundRelationship } from './structures.js';
import { BoltProtocolError, UnsupportedValueError, type PackOptions } from './types.js';

export { Tag } from './structures.js';
export { UnsupportedValueError } from './types.js';

export const MAX_DEPTH = 64;

const NULL = 0xc0;
const FLOAT_64 = 0xc1;
const FALSE = 0xc2;
const TRUE = 0xc3;
const INT_8 = 0xc8;
const INT_16 = 0xc9;
const INT_32 = 0xca;
const INT_64 = 0xcb;
const BYTES_8 = 0xcc;
const BYTES_16 = 0xcd;
const BYTES_32 = 0xce;
const STRING_8 = 0xd0;
const STRING_16 = 0xd1;
const STRING_32 = 0xd2;
const LIST_8 = 0xd4;
const LIST_16 = 0xd5;
const LIST_32 = 0xd6;
const MAP_8 = 0xd8;
const MAP_16 = 0xd9;
const MAP_32 = 0xda;


const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

export class Packer {
  buf: Buffer;
  pos = 0;

  constructor(
    public options: PackOptions,
    initialSize = 16 * 1024,
  ) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** The packed bytes so far, copied out (the internal buffer is reused). */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    this.pos = 0;
    return out;
  }

  packNull(): void {
    this.ensure(1);
    this.buf[this.pos++] = NULL;
  }

  packBoolean(b: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = b ? TRUE : FALSE;
  }

  /** An integer held in a JS number (ids, epoch days, nanos); must be a safe integer. */
  packIntNumber(n: number): void {
    if (!Number.isSafeInteger(n)) {
      if (Number.isInteger(n)) return this.packInt(BigInt(n));
      throw typeError(`Cannot encode ${n} as a Bolt integer`);
    }
    this.ensure(9);
    const buf = this.buf;
    if (n >= -16 && n <= 127) {
      buf[this.pos++] = n & 0xff;
    } else if (n >= -128 && n <= 127) {
      buf[this.pos++] = INT_8;
      buf.writeInt8(n, this.pos);
      this.pos += 1;
    } else if (n >= -32768 && n <= 32767) {
      buf[this.pos++] = INT_16;
      buf.writeInt16BE(n, this.pos);
      this.pos += 2;
    } else if (n >= INT32_MIN && n <= INT32_MAX) {
      buf[this.pos++] = INT_32;
      buf.writeInt32BE(n, this.pos);
      this.pos += 4;
    } else {
      buf[this.pos++] = INT_64;
      buf.writeBigInt64BE(BigInt(n), this.pos);
      this.pos += 8;
    }
  }

  packInt(v: bigint): void {
    if (v >= -2147483648n && v <= 2147483647n) return this.packIntNumber(Number(v));
    this.ensure(9);
    this.buf[this.pos++] = INT_64;
    this.buf.writeBigInt64BE(v, this.pos);
    this.pos += 8;
  }

  packFloat(f: number): void {
    this.ensure(9);
    this.buf[this.pos++] = FLOAT_64;
    this.buf.writeDoubleBE(f, this.pos);
    this.pos += 8;
  }

  packString(s: string): void {
    const n = s.length;
    if (n < 16 && this.packShortAscii(s, n)) return;
    const len = Buffer.byteLength(s, 'utf8');
    this.ensure(len + 5);
    this.writeHeader(len, 0x80, STRING_8, STRING_16, STRING_32);
    if (len > 0) this.pos += this.buf.write(s, this.pos, len, 'utf8');
  }

  /** Fast path for short ASCII strings (keys, labels): no native call per string. */
  private packShortAscii(s: string, n: number): boolean {
    this.ensure(n + 1);
    if (!writeAscii(this.buf, this.pos + 1, s)) return false;
    this.buf[this.pos] = 0x80 | n;
    this.pos += 1 + n;
    return true;
  }

  packListHeader(size: number): void {
    this.ensure(5);
    this.writeHeader(size, 0x90, LIST_8, LIST_16, LIST_32);
  }

  packMapHeader(size: number): void {
    this.ensure(5);
    this.writeHeader(size, 0xa0, MAP_8, MAP_16, MAP_32);
  }

  packStructHeader(size: number, tag: number): void {
    this.ensure(2);
    this.buf[this.pos++] = 0xb0 | size;
    this.buf[this.pos++] = tag;
  }

  private writeHeader(size: number, tiny: number, m8: number, m16: number, m32: number): void {
    const buf = this.buf;
    if (size < 16) {
      buf[this.pos++] = tiny | size;
    } else if (size < 0x100) {
      buf[this.pos++] = m8;
      buf[this.pos++] = size;
    } else if (size < 0x10000) {
      buf[this.pos++] = m16;
      buf.writeUInt16BE(size, this.pos);
      this.pos += 2;
    } else {
      buf[this.pos++] = m32;
      buf.writeUInt32BE(size, this.pos);
      this.pos += 4;
    }
  }

  /** A plain-object dict (metadata); undefined entries are skipped. */
  packObject(o: Readonly<Record<string, Value | undefined>>): void {
    let n = 0;
    for (const k in o) if (o[k] !== undefined) n++;
    this.packMapHeader(n);
    for (const k in o) {
      const v = o[k];
      if (v === undefined) continue;
      this.packString(k);
      this.pack(v);
    }
  }

  pack(v: Value, depth = 0): void {
    if (depth > MAX_DEPTH) throw typeError(`Value nested deeper than ${MAX_DEPTH} levels`);
    switch (typeof v) {
      case 'bigint':
        return this.packInt(v);
      case 'number':
        return this.packFloat(v);
      case 'string':
        return this.packString(v);
      case 'boolean':
        return this.packBoolean(v);
    }
    if (v === null) return this.packNull();
    if (Array.isArray(v)) {
      this.packListHeader(v.length);
      for (let i = 0; i < v.length; i++) this.pack(v[i] as Value, depth + 1);
      return;
    }
    if (v instanceof Map) {
      this.packMapHeader(v.size);
      for (const [k, item] of v) {
        this.packString(k);
        this.pack(item, depth + 1);
      }
      return;
    }
    switch (v.kind) {
      case 'node':
        return this.packNode(v, depth);
      case 'relationship':
        return this.packRelationship(v, depth);
      case 'path':
        return this.packPath(v, depth);
      case 'date':
        this.packStructHeader(1, Tag.Date);
        return this.packIntNumber(v.epochDay);
      case 'localtime':
        this.packStructHeader(1, Tag.LocalTime);
        return this.packIntNumber(v.nanoOfDay);
      case 'time':
        this.packStructHeader(2, Tag.Time);
        this.packIntNumber(v.nanoOfDay);
        return this.packIntNumber(v.offsetSeconds);
      case 'localdatetime':
        this.packStructHeader(2, Tag.LocalDateTime);
        this.packIntNumber(v.epochSecond);
        return this.packIntNumber(v.nano);
      case 'datetime':
        return this.packDateTime(v);
      case 'duration':
        this.packStructHeader(4, Tag.Duration);
        this.packIntNumber(v.months);
        this.packIntNumber(v.days);
        this.packIntNumber(v.seconds);
        return this.packIntNumber(v.nanos);
      case 'point':
        if (v.z === null) {
          this.packStructHeader(3, Tag.Point2D);
        } else {
          this.packStructHeader(4, Tag.Point3D);
        }
        this.packIntNumber(v.srid);
        this.packFloat(v.x);
        this.packFloat(v.y);
        if (v.z !== null) this.packFloat(v.z);
        return;
      case 'enum':
        // Results resolve enum names before they get here (materialize.ts); this is the
        // same map shape for a value that did not pass through there.
        this.packMapHeader(2);
        this.packString('__type');
        this.packString('mg_enum');
        this.packString('__value');
        return this.packString(`${v.typeName}::#${v.ordinal}`);
    }
  }

  private packProperties(props: ReadonlyMap<string, Value>, depth: number): void {
    this.packMapHeader(props.size);
    for (const [k, item] of props) {
      this.packString(k);
      this.pack(item, depth + 1);
    }
  }

  private packNode(n: NodeValue, depth: number): void {
    const ids = this.options.elementIds;
    this.packStructHeader(ids ? 4 : 3, Tag.Node);
    this.packIntNumber(n.id);
    const labels = n.labels();
    this.packListHeader(labels.length);
    for (const l of labels) this.packString(l);
    this.packProperties(n.properties(), depth);
    if (ids) this.packString(String(n.id));
  }

  private packRelationship(r: RelationshipValue, depth: number): void {
    const ids = this.options.elementIds;
    this.packStructHeader(ids ? 8 : 5, Tag.Relationship);
    this.packIntNumber(r.id);
    this.packIntNumber(r.startId);
    this.packIntNumber(r.endId);
    this.packString(r.type);
    this.packProperties(r.properties(), depth);
    if (ids) {
      this.packString(String(r.id));
      this.packString(String(r.startId));
      this.packString(String(r.endId));
    }
  }

  private packUnbound(r: RelationshipValue, depth: number): void {
    const ids = this.options.elementIds;
    this.packStructHeader(ids ? 4 : 3, Tag.UnboundRelationship);
    this.packIntNumber(r.id);
    this.packString(r.type);
    this.packProperties(r.properties(), depth);
    if (ids) this.packString(String(r.id));
  }

  /** nodes/rels deduplicated by id; indices = (signed 1-based rel, 0-based node) pairs. */
  private packPath(p: PathValue, depth: number): void {
    const nodeIndex = new Map<number, number>();
    const nodes: NodeValue[] = [];
    for (const n of p.nodes) {
      if (!nodeIndex.has(n.id)) {
        nodeIndex.set(n.id, nodes.length);
        nodes.push(n);
      }
    }
    const relIndex = new Map<number, number>();
    const rels: RelationshipValue[] = [];
    for (const r of p.rels) {
      if (!relIndex.has(r.id)) {
        relIndex.set(r.id, rels.length);
        rels.push(r);
      }
    }
    if (p.nodes.length !== p.rels.length + 1) throw typeError('Malformed path value');
    this.packStructHeader(3, Tag.Path);
    this.packListHeader(nodes.length);
    for (const n of nodes) this.packNode(n, depth + 1);
    this.packListHeader(rels.length);
    for (const r of rels) this.packUnbound(r, depth + 1);
    this.packListHeader(p.rels.length * 2);
    for (let i = 0; i < p.rels.length; i++) {
      const r = p.rels[i] as RelationshipValue;
      const prev = p.nodes[i] as NodeValue;
      const next = p.nodes[i + 1] as NodeValue;
      const forward = r.startId === prev.id;
      if (!(forward ? r.endId === next.id : r.endId === prev.id && r.startId === next.id)) {
        throw typeError('Malformed path value: relationship does not join its nodes');
      }
      const index = (relIndex.get(r.id) as number) + 1;
      this.packIntNumber(forward ? index : -index);
      this.packIntNumber(nodeIndex.get(next.id) as number);
    }
  }

  private packDateTime(v: CypherDateTime): void {
    const utc = this.options.utcDateTime;
    if (v.zoneId !== null) {
      this.packStructHeader(3, utc ? Tag.DateTimeZoneId : Tag.LegacyDateTimeZoneId);
      this.packIntNumber(utc ? v.epochSecond : v.epochSecond + v.offsetSeconds);
      this.packIntNumber(v.nano);
      this.packString(v.zoneId);
    } else {
      this.packStructHeader(3, utc ? Tag.DateTime : Tag.LegacyDateTime);
      this.packIntNumber(utc ? v.epochSecond : v.epochSecond + v.offsetSeconds);
      this.packIntNumber(v.nano);
      this.packIntNumber(v.offsetSeconds);
    }
  }
}


export class Unpacker {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number): void {
    if (n > this.end - this.pos) throw new BoltProtocolError('PackStream value truncated');
  }

  private u8(): number {
    this.need(1);
    return this.buf[this.pos++] as number;
  }

  private u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  private u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** Reads a struct header; returns its field count and tag. */
  structHeader(): { size: number; tag: number } {
    const marker = this.u8();
    if ((marker & 0xf0) !== 0xb0) throw new BoltProtocolError(`Expected a structure, got marker 0x${hex(marker)}`);
    return { size: marker & 0x0f, tag: this.u8() };
  }

  unpack(depth = 0): Value {
    if (depth > MAX_DEPTH) throw new BoltProtocolError(`PackStream value nested deeper than ${MAX_DEPTH} levels`);
    const marker = this.u8();
    if (marker < 0x80) return BigInt(marker);
    if (marker >= 0xf0) return BigInt(marker - 0x100);
    const high = marker & 0xf0;
    switch (high) {
      case 0x80:
        return this.string(marker & 0x0f);
      case 0x90:
        return this.list(marker & 0x0f, depth);
      case 0xa0:
        return this.map(marker & 0x0f, depth);
      case 0xb0:
        return this.struct(marker & 0x0f, this.u8(), depth);
    }
    switch (marker) {
      case NULL:
        return null;
      case FALSE:
        return false;
      case TRUE:
        return true;
      case FLOAT_64: {
        this.need(8);
        const v = this.buf.readDoubleBE(this.pos);
        this.pos += 8;
        return v;
      }
      case INT_8: {
        this.need(1);
        return BigInt(this.buf.readInt8(this.pos++));
      }
      case INT_16: {
        this.need(2);
        const v = this.buf.readInt16BE(this.pos);
        this.pos += 2;
        return BigInt(v);
      }
      case INT_32: {
        this.need(4);
        const v = this.buf.readInt32BE(this.pos);
        this.pos += 4;
        return BigInt(v);
      }
      case INT_64: {
        this.need(8);
        const v = this.buf.readBigInt64BE(this.pos);
        this.pos += 8;
        return v;
      }
      case BYTES_8:
        return this.bytes(this.u8());
      case BYTES_16:
        return this.bytes(this.u16());
      case BYTES_32:
        return this.bytes(this.u32());
      case STRING_8:
        return this.string(this.u8());
      case STRING_16:
        return this.string(this.u16());
      case STRING_32:
        return this.string(this.u32());
      case LIST_8:
        return this.list(this.u8(), depth);
      case LIST_16:
        return this.list(this.u16(), depth);
      case LIST_32:
        return this.list(this.u32(), depth);
      case MAP_8:
        return this.map(this.u8(), depth);
      case MAP_16:
        return this.map(this.u16(), depth);
      case MAP_32:
        return this.map(this.u32(), depth);
    }
    throw new BoltProtocolError(`Unknown PackStream marker 0x${hex(marker)}`);
  }

  private bytes(size: number): never {
    this.need(size);
    throw new UnsupportedValueError('Byte arrays are not supported as values');
  }

  string(size: number): string {
    this.need(size);
    if (size < 16) {
      const short = this.shortAscii(size);
      if (short !== null) return short;
    }
    const s = this.buf.toString('utf8', this.pos, this.pos + size);
    this.pos += size;
    return s;
  }

  private shortAscii(size: number): string | null {
    const buf = this.buf;
    const start = this.pos;
    let out = '';
    for (let i = start; i < start + size; i++) {
      const c = buf[i] as number;
      if (c >= 0x80) return null;
      out += String.fromCharCode(c);
    }
    this.pos += size;
    return out;
  }

  private list(size: number, depth: number): Value[] {
    // Every item takes at least one byte: a huge declared size fails before allocating.
    this.need(size);
    const out: Value[] = new Array<Value>(size);
    for (let i = 0; i < size; i++) out[i] = this.unpack(depth + 1);
    return out;
  }

  private map(size: number, depth: number): Map<string, Value> {
    this.need(size * 2);
    const out = new Map<string, Value>();
    for (let i = 0; i < size; i++) {
      const key = this.unpack(depth + 1);
      if (typeof key !== 'string') throw new BoltProtocolError('PackStream dictionary key is not a string');
      out.set(key, this.unpack(depth + 1));
    }
    return out;
  }

  private struct(size: number, tag: number, depth: number): Value {
    if (tag === Tag.Path) return this.path(size, depth);
    this.need(size);
    const fields: Value[] = new Array<Value>(size);
    for (let i = 0; i < size; i++) fields[i] = this.unpack(depth + 1);
    return structToValue(tag, fields);
  }

  private listHeader(): number {
    const marker = this.u8();
    if ((marker & 0xf0) === 0x90) return marker & 0x0f;
    if (marker === LIST_8) return this.u8();
    if (marker === LIST_16) return this.u16();
    if (marker === LIST_32) return this.u32();
    throw new BoltProtocolError(`Expected a list, got marker 0x${hex(marker)}`);
  }

  /** UnboundRelationship is only meaningful inside a Path, so it is decoded only here. */
  private path(size: number, depth: number): PathValue {
    if (size !== 3) throw new BoltProtocolError(`Path structure has ${size} fields, expected 3`);
    if (depth + 2 > MAX_DEPTH) throw new BoltProtocolError(`PackStream value nested deeper than ${MAX_DEPTH} levels`);
    const nodes = this.unpack(depth + 1);
    const relCount = this.listHeader();
    this.need(relCount);
    const rels: UnboundRelationship[] = [];
    for (let i = 0; i < relCount; i++) {
      const { size: n, tag } = this.structHeader();
      if (tag !== Tag.UnboundRelationship) {
        throw new BoltProtocolError('Path relationships must be UnboundRelationship structures');
      }
      const f: Value[] = [];
      for (let j = 0; j < n; j++) f.push(this.unpack(depth + 3));
      rels.push(unboundRelationship(f));
    }
    return buildPath(nodes, rels, this.unpack(depth + 1));
  }
}

