// Binary encoding of property values and committed-transaction deltas: the bytes the WAL
// stores and replication ships (DESIGN §3), so it is pure (no I/O) and versioned.
//
// Integers are LEB128 varints (zigzag when signed); strings are length-prefixed UTF-8.
// A transaction body interns its names (labels, edge types, property keys) in a small
// table first, so a delta refers to them by index.

import { writeAscii } from '../ascii.js';
import type { CommittedTransaction, Delta, IndexKind } from '../storage/types.js';
import {
  CypherDate,
  CypherDateTime,
  CypherDuration,
  CypherEnum,
  CypherLocalDateTime,
  CypherLocalTime,
  CypherPoint,
  CypherTime,
  INT64_MAX,
  INT64_MIN,
  typeName,
  type Value,
} from '../values/model.js';

/** Bumped on any change to the byte layout below; files record it in their headers. */
export const CODEC_VERSION = 2;

/**
 * Versions this build decodes. 2 added delta tags 24/25 (index kinds beyond label and
 * label+property) and changed nothing else, so version 1 files read as before; an older
 * build refuses version 2 files at startup instead of stopping at an unknown tag.
 */
export const READABLE_CODEC_VERSIONS: readonly number[] = [1, 2];

export class CodecError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
    this.name = 'CodecError';
  }
}

const enum V {
  Null = 0,
  False = 1,
  True = 2,
  Int = 3,
  Float = 4,
  String = 5,
  List = 6,
  Map = 7,
  Date = 8,
  LocalTime = 9,
  Time = 10,
  LocalDateTime = 11,
  DateTime = 12,
  DateTimeZoned = 13,
  Duration = 14,
  Point2D = 15,
  Point3D = 16,
  Enum = 17,
}

const enum D {
  CreateVertex = 1,
  DeleteVertex = 2,
  AddLabel = 3,
  RemoveLabel = 4,
  SetVertexProperty = 5,
  CreateEdge = 6,
  DeleteEdge = 7,
  SetEdgeProperty = 8,
  CreateIndex = 20,
  DropIndex = 21,
  CreateConstraint = 22,
  DropConstraint = 23,
  /** Other index kinds (composite, nested, edge, point): kind byte, label, property paths. */
  CreateIndexSpec = 24,
  DropIndexSpec = 25,
  // Server metadata (enums, server-side parameters, descriptions): one key set or removed.
  SetMeta = 40,
}

/** Index kinds by their byte in CreateIndexSpec / DropIndexSpec. */
const INDEX_KINDS: readonly IndexKind[] = ['label', 'label+property', 'edge-type', 'edge-type+property', 'edge-property', 'point'];

const TWO_POW_31 = 2 ** 31;

/** Growable little-endian byte sink. */
export class ByteWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  get length(): number {
    return this.pos;
  }

  /** Capacity of the backing buffer. */
  get capacity(): number {
    return this.buf.length;
  }

  /** Starts over, keeping the buffer (a writer reused for every commit allocates nothing). */
  reset(): void {
    this.pos = 0;
  }

  /** Advances by `n` bytes the caller fills in; returns the backing buffer (valid until the next write). */
  reserve(n: number): Buffer {
    this.ensure(n);
    this.pos += n;
    return this.buf;
  }

  /** Copies the bytes written so far into `target` at `at`. */
  copyTo(target: Buffer, at: number): void {
    const n = this.pos;
    // Buffer.copy is a native call; a commit's few dozen bytes copy faster in JS.
    if (n <= 64) for (let i = 0; i < n; i++) target[at + i] = this.buf[i];
    else this.buf.copy(target, at, 0, n);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }

  f64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  /** Unsigned varint of a safe integer ≥ 0. */
  uint(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`cannot encode ${v} as an unsigned integer`);
    this.ensure(8);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }

  /** Writes `s` (length < 64, so its length is one varint byte) if it is all ASCII; false (nothing written) if not. */
  private ascii(s: string): boolean {
    this.ensure(s.length + 1);
    if (!writeAscii(this.buf, this.pos + 1, s)) return false;
    this.buf[this.pos] = s.length;
    this.pos += 1 + s.length;
    return true;
  }

  /** Zigzag varint of a safe integer. */
  int(v: number): void {
    if (!Number.isSafeInteger(v)) throw new RangeError(`cannot encode ${v} as an integer`);
    if (v >= -TWO_POW_31 && v < TWO_POW_31) this.uint(v >= 0 ? v * 2 : -v * 2 - 1);
    else this.bigint(BigInt(v));
  }

  /** Zigzag varint of an int64. */
  bigint(v: bigint): void {
    if (v < INT64_MIN || v > INT64_MAX) throw new RangeError(`integer ${v} is outside int64`);
    if (v >= -0x40000000n && v < 0x40000000n) {
      const n = Number(v);
      this.uint(n >= 0 ? n * 2 : -n * 2 - 1);
      return;
    }
    let z = v >= 0n ? v << 1n : (-v << 1n) - 1n;
    this.ensure(10);
    while (z >= 0x80n) {
      this.buf[this.pos++] = Number(z & 0x7fn) | 0x80;
      z >>= 7n;
    }
    this.buf[this.pos++] = Number(z);
  }

  string(s: string): void {
    if (s.length < 64 && this.ascii(s)) return;
    const n = Buffer.byteLength(s, 'utf8');
    this.uint(n);
    this.ensure(n);
    this.buf.write(s, this.pos, n, 'utf8');
    this.pos += n;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** A view of the bytes written so far (valid until the next write). */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** A copy of the bytes written so far. */
  finish(): Buffer {
    return Buffer.from(this.view());
  }
}

/** Bounds-checked reader over one buffer; every error names the offset. */
export class ByteReader {
  pos: number;

  constructor(
    private readonly buf: Buffer,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new CodecError(`need ${n} bytes, ${this.end - this.pos} left`, this.pos);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  f64(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  uint(): number {
    const start = this.pos;
    let v = 0;
    let scale = 1;
    for (;;) {
      const b = this.u8();
      v += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) break;
      scale *= 0x80;
      if (scale > 2 ** 49) throw new CodecError('varint longer than a safe integer', start);
    }
    if (!Number.isSafeInteger(v)) throw new CodecError('varint longer than a safe integer', start);
    return v;
  }

  int(): number {
    const start = this.pos;
    const z = this.bigintZigzag();
    const v = z & 1n ? -((z + 1n) >> 1n) : z >> 1n;
    if (v < BigInt(Number.MIN_SAFE_INTEGER) || v > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new CodecError('integer outside the safe range', start);
    }
    return Number(v);
  }

  bigint(): bigint {
    const start = this.pos;
    const z = this.bigintZigzag();
    const v = z & 1n ? -((z + 1n) >> 1n) : z >> 1n;
    if (v < INT64_MIN || v > INT64_MAX) throw new CodecError('integer outside int64', start);
    return v;
  }

  private bigintZigzag(): bigint {
    const start = this.pos;
    // Fast path: up to 4 bytes fit in a number exactly.
    let small = 0;
    let scale = 1;
    for (let i = 0; i < 4; i++) {
      const b = this.u8();
      small += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return BigInt(small);
      scale *= 0x80;
    }
    let v = BigInt(small);
    let shift = 28n;
    for (;;) {
      const b = this.u8();
      v |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return v;
      shift += 7n;
      if (shift > 70n) throw new CodecError('varint too long', start);
    }
  }

  string(): string {
    const n = this.uint();
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** The next `n` bytes as a view into the buffer (no copy). */
  slice(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
}

// ---- values --------------------------------------------------------------------

/** Encodes a property value (anything but nodes, relationships and paths). */
export function writeValue(w: ByteWriter, v: Value): void {
  if (v === null) return w.u8(V.Null);
  switch (typeof v) {
    case 'boolean':
      return w.u8(v ? V.True : V.False);
    case 'bigint':
      w.u8(V.Int);
      return w.bigint(v);
    case 'number':
      w.u8(V.Float);
      return w.f64(v);
    case 'string':
      w.u8(V.String);
      return w.string(v);
  }
  if (Array.isArray(v)) {
    w.u8(V.List);
    w.uint(v.length);
    for (const e of v) writeValue(w, e);
    return;
  }
  if (v instanceof Map) {
    w.u8(V.Map);
    w.uint(v.size);
    for (const [k, e] of v) {
      w.string(k);
      writeValue(w, e);
    }
    return;
  }
  switch (v.kind) {
    case 'date':
      w.u8(V.Date);
      return w.int(v.epochDay);
    case 'localtime':
      w.u8(V.LocalTime);
      return w.int(v.nanoOfDay);
    case 'time':
      w.u8(V.Time);
      w.int(v.nanoOfDay);
      return w.int(v.offsetSeconds);
    case 'localdatetime':
      w.u8(V.LocalDateTime);
      w.int(v.epochSecond);
      return w.int(v.nano);
    case 'datetime':
      w.u8(v.zoneId === null ? V.DateTime : V.DateTimeZoned);
      w.int(v.epochSecond);
      w.int(v.nano);
      w.int(v.offsetSeconds);
      if (v.zoneId !== null) w.string(v.zoneId);
      return;
    case 'duration':
      w.u8(V.Duration);
      w.int(v.months);
      w.int(v.days);
      w.int(v.seconds);
      return w.int(v.nanos);
    case 'point':
      w.u8(v.z === null ? V.Point2D : V.Point3D);
      w.uint(v.srid);
      w.f64(v.x);
      w.f64(v.y);
      if (v.z !== null) w.f64(v.z);
      return;
    case 'enum':
      w.u8(V.Enum);
      w.string(v.typeName);
      return w.uint(v.ordinal);
    default:
      throw new TypeError(`cannot encode a value of type ${typeName(v)}`);
  }
}

export function readValue(r: ByteReader): Value {
  const at = r.pos;
  const tag = r.u8();
  switch (tag) {
    case V.Null:
      return null;
    case V.False:
      return false;
    case V.True:
      return true;
    case V.Int:
      return r.bigint();
    case V.Float:
      return r.f64();
    case V.String:
      return r.string();
    case V.List: {
      const n = r.uint();
      const out: Value[] = [];
      for (let i = 0; i < n; i++) out.push(readValue(r));
      return out;
    }
    case V.Map: {
      const n = r.uint();
      const out = new Map<string, Value>();
      for (let i = 0; i < n; i++) {
        const k = r.string();
        out.set(k, readValue(r));
      }
      return out;
    }
    case V.Date:
      return new CypherDate(r.int());
    case V.LocalTime:
      return new CypherLocalTime(r.int());
    case V.Time:
      return new CypherTime(r.int(), r.int());
    case V.LocalDateTime:
      return new CypherLocalDateTime(r.int(), r.int());
    case V.DateTime:
      return new CypherDateTime(r.int(), r.int(), r.int());
    case V.DateTimeZoned:
      return new CypherDateTime(r.int(), r.int(), r.int(), r.string());
    case V.Duration:
      return new CypherDuration(r.int(), r.int(), r.int(), r.int());
    case V.Point2D:
      return new CypherPoint(r.uint(), r.f64(), r.f64());
    case V.Point3D:
      return new CypherPoint(r.uint(), r.f64(), r.f64(), r.f64());
    case V.Enum:
      return new CypherEnum(r.string(), r.uint());
    default:
      throw new CodecError(`unknown value tag ${tag}`, at);
  }
}

// ---- deltas --------------------------------------------------------------------

/**
 * Names of one transaction or snapshot block, numbered in order of first use. A linear
 * scan beats a Map for the handful a transaction has; a Map takes over past 16.
 */
class NameIndex {
  private readonly names: string[] = [];
  private map: Map<string, number> | null = null;

  clear(): void {
    this.names.length = 0;
    this.map = null;
  }

  id(name: string): number {
    const names = this.names;
    if (this.map !== null) {
      const id = this.map.get(name);
      if (id !== undefined) return id;
    } else {
      for (let i = 0; i < names.length; i++) if (names[i] === name) return i;
      if (names.length === 16) this.map = new Map(names.map((n, i) => [n, i]));
    }
    this.map?.set(name, names.length);
    names.push(name);
    return names.length - 1;
  }

  all(): readonly string[] {
    return this.names;
  }
}

function writeDelta(w: ByteWriter, names: NameIndex, d: Delta): void {
  switch (d.op) {
    case 'createVertex':
      w.u8(D.CreateVertex);
      return w.uint(d.gid);
    case 'deleteVertex':
      w.u8(D.DeleteVertex);
      return w.uint(d.gid);
    case 'addLabel':
    case 'removeLabel':
      w.u8(d.op === 'addLabel' ? D.AddLabel : D.RemoveLabel);
      w.uint(d.gid);
      return w.uint(names.id(d.label));
    case 'setVertexProperty':
    case 'setEdgeProperty':
      w.u8(d.op === 'setVertexProperty' ? D.SetVertexProperty : D.SetEdgeProperty);
      w.uint(d.gid);
      w.uint(names.id(d.key));
      return writeValue(w, d.value);
    case 'createEdge':
      w.u8(D.CreateEdge);
      w.uint(d.gid);
      w.uint(d.from);
      w.uint(d.to);
      return w.uint(names.id(d.type));
    case 'deleteEdge':
      w.u8(D.DeleteEdge);
      return w.uint(d.gid);
    case 'createIndex':
    case 'dropIndex':
      w.u8(d.op === 'createIndex' ? D.CreateIndex : D.DropIndex);
      w.uint(names.id(d.label));
      // 0 = label index, else property name id + 1.
      return w.uint(d.property === null ? 0 : names.id(d.property) + 1);
    case 'createIndexSpec':
    case 'dropIndexSpec': {
      const spec = d.index;
      w.u8(d.op === 'createIndexSpec' ? D.CreateIndexSpec : D.DropIndexSpec);
      w.u8(INDEX_KINDS.indexOf(spec.type));
      // 0 = no label (the global edge-property index), else name id + 1.
      w.uint(spec.label === null ? 0 : names.id(spec.label) + 1);
      w.uint(spec.properties.length);
      for (const path of spec.properties) {
        w.uint(path.length);
        for (const key of path) w.uint(names.id(key));
      }
      return;
    }
    case 'createConstraint':
    case 'dropConstraint':
      w.u8(d.op === 'createConstraint' ? D.CreateConstraint : D.DropConstraint);
      w.u8(d.type === 'exists' ? 0 : 1);
      w.uint(names.id(d.label));
      w.uint(d.properties.length);
      for (const p of d.properties) w.uint(names.id(p));
      return;
    case 'setMeta':
      w.u8(D.SetMeta);
      w.string(d.key);
      return writeValue(w, d.value);
  }
}

function readDelta(r: ByteReader, names: readonly string[]): Delta {
  const at = r.pos;
  const name = (): string => {
    const p = r.pos;
    const id = r.uint();
    if (id >= names.length) throw new CodecError(`name #${id} not in the table of ${names.length}`, p);
    return names[id];
  };
  const tag = r.u8();
  switch (tag) {
    case D.CreateVertex:
      return { op: 'createVertex', gid: r.uint() };
    case D.DeleteVertex:
      return { op: 'deleteVertex', gid: r.uint() };
    case D.AddLabel:
      return { op: 'addLabel', gid: r.uint(), label: name() };
    case D.RemoveLabel:
      return { op: 'removeLabel', gid: r.uint(), label: name() };
    case D.SetVertexProperty:
      return { op: 'setVertexProperty', gid: r.uint(), key: name(), value: readValue(r) };
    case D.SetEdgeProperty:
      return { op: 'setEdgeProperty', gid: r.uint(), key: name(), value: readValue(r) };
    case D.CreateEdge:
      return { op: 'createEdge', gid: r.uint(), from: r.uint(), to: r.uint(), type: name() };
    case D.DeleteEdge:
      return { op: 'deleteEdge', gid: r.uint() };
    case D.CreateIndex:
    case D.DropIndex: {
      const label = name();
      const p = r.pos;
      const prop = r.uint();
      if (prop > names.length) throw new CodecError(`name #${prop - 1} not in the table of ${names.length}`, p);
      return { op: tag === D.CreateIndex ? 'createIndex' : 'dropIndex', label, property: prop === 0 ? null : names[prop - 1] };
    }
    case D.CreateIndexSpec:
    case D.DropIndexSpec: {
      const kindAt = r.pos;
      const type = INDEX_KINDS[r.u8()];
      if (type === undefined) throw new CodecError('unknown index kind', kindAt);
      const labelAt = r.pos;
      const l = r.uint();
      if (l > names.length) throw new CodecError(`name #${l - 1} not in the table of ${names.length}`, labelAt);
      const n = r.uint();
      const properties: string[][] = [];
      for (let i = 0; i < n; i++) {
        const k = r.uint();
        const path: string[] = [];
        for (let j = 0; j < k; j++) path.push(name());
        properties.push(path);
      }
      const index = { type, label: l === 0 ? null : names[l - 1], properties };
      return tag === D.CreateIndexSpec ? { op: 'createIndexSpec', index } : { op: 'dropIndexSpec', index };
    }
    case D.CreateConstraint:
    case D.DropConstraint: {
      const kindAt = r.pos;
      const kind = r.u8();
      if (kind > 1) throw new CodecError(`unknown constraint kind ${kind}`, kindAt);
      const label = name();
      const n = r.uint();
      const properties: string[] = [];
      for (let i = 0; i < n; i++) properties.push(name());
      return {
        op: tag === D.CreateConstraint ? 'createConstraint' : 'dropConstraint',
        type: kind === 0 ? 'exists' : 'unique',
        label,
        properties,
      };
    }
    case D.SetMeta:
      return { op: 'setMeta', key: r.string(), value: readValue(r) };
    default:
      throw new CodecError(`unknown delta tag ${tag}`, at);
  }
}

/** writeDeltas' bytes of a delta list encoded ahead of its commit, and how many deltas they hold. */
const preEncoded = new WeakMap<readonly Delta[], { count: number; bytes: Buffer }>();

/**
 * Encodes `deltas` as writeDeltas would, a slice of `slice` deltas per step (the generator
 * yields between slices, so the caller can let other work run), and remembers the bytes:
 * the commit's writeDeltas then only copies them. A huge transaction's commit is thus not
 * one long synchronous encoding. Bytes for a list that grew since are ignored.
 */
export function* preEncodeDeltas(deltas: readonly Delta[], slice: number): Generator<void, void> {
  const names = new NameIndex();
  const body = new ByteWriter(64 + deltas.length * 8);
  const count = deltas.length;
  for (let i = 0; i < count; i++) {
    writeDelta(body, names, deltas[i]);
    if ((i + 1) % slice === 0) yield;
  }
  const head = new ByteWriter(64);
  head.uint(names.all().length);
  for (const n of names.all()) head.string(n);
  head.uint(count);
  const bytes = Buffer.allocUnsafe(head.length + body.length);
  head.copyTo(bytes, 0);
  body.copyTo(bytes, head.length);
  preEncoded.set(deltas, { count, bytes });
}

/** Writes a list of deltas preceded by the name table they use. */
// Scratch space of writeDeltas, reused by every call (encoding is synchronous and never
// nests): a commit then encodes without allocating buffers, whose ArrayBuffer bookkeeping
// made WAL logging cost more than the storage commit itself.
const scratchNames = new NameIndex();
let scratchBody = new ByteWriter(4096);

export function writeDeltas(w: ByteWriter, deltas: readonly Delta[]): void {
  const ready = preEncoded.get(deltas);
  if (ready !== undefined && ready.count === deltas.length) {
    ready.bytes.copy(w.reserve(ready.bytes.length), w.length - ready.bytes.length);
    return;
  }
  const names = scratchNames;
  // Sized up front for big batches (snapshot blocks), as a fresh writer would be.
  const estimate = 64 + deltas.length * 8;
  if (scratchBody.capacity < estimate) scratchBody = new ByteWriter(estimate);
  const body = scratchBody;
  names.clear();
  body.reset();
  for (const d of deltas) writeDelta(body, names, d);
  // Names are interned so each one is written once per transaction (or snapshot block).
  w.uint(names.all().length);
  for (const n of names.all()) w.string(n);
  w.uint(deltas.length);
  body.copyTo(w.reserve(body.length), w.length - body.length);
  // A huge transaction must not pin its buffer for the life of the process.
  if (body.capacity > 1 << 20) scratchBody = new ByteWriter(4096);
}

export function readDeltas(r: ByteReader): Delta[] {
  const nNames = r.uint();
  const names: string[] = [];
  for (let i = 0; i < nNames; i++) names.push(r.string());
  const n = r.uint();
  const deltas: Delta[] = [];
  for (let i = 0; i < n; i++) deltas.push(readDelta(r, names));
  return deltas;
}

/** The body of one committed transaction: commit timestamp, then its deltas. */
export function encodeTransaction(ct: CommittedTransaction): Buffer {
  const w = new ByteWriter(32 + ct.deltas.length * 16);
  encodeTransactionInto(w, ct);
  return w.finish();
}

/** encodeTransaction's bytes, appended to `w` (a reused writer: nothing is allocated). */
export function encodeTransactionInto(w: ByteWriter, ct: { readonly commitTimestamp: number; readonly deltas: readonly Delta[] }): void {
  w.uint(ct.commitTimestamp);
  writeDeltas(w, ct.deltas);
}

/** Decodes exactly one transaction body; trailing bytes are an error. */
export function decodeTransaction(buf: Buffer, start = 0, end = buf.length): CommittedTransaction {
  const r = new ByteReader(buf, start, end);
  const commitTimestamp = r.uint();
  const deltas = readDeltas(r);
  if (r.remaining !== 0) throw new CodecError(`${r.remaining} trailing bytes after the transaction`, r.pos);
  return { commitTimestamp, deltas };
}
