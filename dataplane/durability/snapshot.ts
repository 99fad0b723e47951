// Snapshots: the whole graph as one read transaction sees it, written in the background
// (batches that yield to the event loop, so writes go on) to a temp file that is fsynced
// and renamed to `snapshots/YYYYmmddHHMMSSffffff_timestamp_<ts>`.
//
// After the file header come framed records (wal-format.ts), each starting with a block
// kind: metadata, schema, vertex batches, then edge batches (so every edge's endpoints
// exist when it loads), then an end block with the counts. A snapshot without its end
// block or with a bad checksum is invalid as a whole: recovery falls back to an older one.

import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { InMemoryStorage } from '../storage/storage.js';
import type { Delta, SchemaDelta } from '../storage/types.js';
import { ByteReader, ByteWriter, readDeltas, writeDeltas } from './codec.js';
import { indexDelta } from '../storage/index-spec.js';
import type { EpochState } from './epoch.js';
import { readHeader, readRecords } from './wal-reader.js';
import { encodeHeader, fileTimestamp, frameRecord, parseSnapshotName, SNAPSHOT_MAGIC, snapshotName } from './wal-format.js';
import { fsyncDirectory } from './wal-writer.js';
import { readDirIfExists } from './files.js';

const enum Block {
  Meta = 1,
  Schema = 2,
  Vertices = 3,
  Edges = 4,
  End = 9,
}

const BATCH = 5000;
const WRITE_CHUNK = 1 << 20;

export interface SnapshotMeta {
  /** The commit timestamp the snapshot is consistent at. */
  timestamp: number;
  epoch: EpochState;
  nextGids: { vertex: number; edge: number };
}

export interface SnapshotFile {
  path: string;
  timestamp: number;
  /** File creation time, from the name. */
  createdAt: Date;
  size: number;
}

export class SnapshotError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly offset: number | null,
  ) {
    super(`snapshot ${file}${offset === null ? '' : ` at byte ${offset}`}: ${reason}`);
    this.name = 'SnapshotError';
  }
}

function stampDate(stamp: string): Date {
  const n = (a: number, b: number): number => Number(stamp.slice(a, b));
  return new Date(Date.UTC(n(0, 4), n(4, 6) - 1, n(6, 8), n(8, 10), n(10, 12), n(12, 14), n(14, 17)));
}

/** Snapshots in the directory, oldest first (by timestamp, then creation time). */
export function listSnapshots(directory: string): SnapshotFile[] {
  const names = readDirIfExists(directory);
  const out: (SnapshotFile & { stamp: string })[] = [];
  for (const name of names) {
    const parsed = parseSnapshotName(name);
    if (parsed === null) continue;
    const p = path.join(directory, name);
    out.push({ path: p, timestamp: parsed.ts, createdAt: stampDate(parsed.stamp), size: fs.statSync(p).size, stamp: parsed.stamp });
  }
  out.sort((a, b) => a.timestamp - b.timestamp || (a.stamp < b.stamp ? -1 : a.stamp > b.stamp ? 1 : 0));
  return out.map(({ stamp: _stamp, ...f }) => f);
}

/** Collects encoded records and writes them in large chunks. */
class ChunkedFile {
  private chunks: Buffer[] = [];
  private size = 0;
  written = 0;

  constructor(private readonly handle: fs.promises.FileHandle) {}

  async add(record: Buffer): Promise<void> {
    this.chunks.push(record);
    this.size += record.length;
    if (this.size >= WRITE_CHUNK) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    const data = Buffer.concat(this.chunks, this.size);
    this.chunks = [];
    this.size = 0;
    await this.handle.write(data, 0, data.length);
    this.written += data.length;
  }
}

function block(kind: Block, fill: (w: ByteWriter) => void): Buffer {
  const w = new ByteWriter(1024);
  w.u8(kind);
  fill(w);
  return frameRecord(w.view());
}

/**
 * Writes a snapshot of the storage as of now (a read transaction's view; commits made
 * meanwhile are not in it) and returns the new file.
 */
export async function writeSnapshot(directory: string, storage: InMemoryStorage, epoch: EpochState): Promise<SnapshotFile> {
  // Taken in one synchronous step: schema operations commit alone, so the schema matches ts.
  const tx = storage.begin();
  const timestamp = tx.startTimestamp;
  const indexes = storage.indexes();
  const constraints = storage.constraints();
  const meta = storage.metadata().all();
  const nextGids = storage.nextGids();
  const stamp = fileTimestamp();
  const finalPath = path.join(directory, snapshotName(stamp, timestamp));
  const tmpPath = path.join(directory, `.${snapshotName(stamp, timestamp)}.tmp`);
  const handle = await fs.promises.open(tmpPath, 'wx');
  let ok = false;
  try {
    const out = new ChunkedFile(handle);
    await out.add(encodeHeader(SNAPSHOT_MAGIC, epoch.epochId));
    await out.add(
      block(Block.Meta, (w) => {
        w.uint(timestamp);
        w.string(epoch.epochId);
        w.uint(epoch.history.length);
        for (const h of epoch.history) {
          w.string(h.epochId);
          w.uint(h.lastCommitTs);
        }
        w.uint(nextGids.vertex);
        w.uint(nextGids.edge);
      }),
    );
    const schema: SchemaDelta[] = [
      ...indexes.map((i): SchemaDelta => indexDelta(i, true)),
      ...constraints.map((c): SchemaDelta => ({ op: 'createConstraint', type: c.type, label: c.label, properties: c.properties })),
      ...meta.map(([key, value]): SchemaDelta => ({ op: 'setMeta', key, value })),
    ];
    await out.add(block(Block.Schema, (w) => writeDeltas(w, schema)));

    let vertices = 0;
    let batch: Delta[] = [];
    const flushBatch = async (kind: Block): Promise<void> => {
      if (batch.length === 0) return;
      const deltas = batch;
      batch = [];
      await out.add(block(kind, (w) => writeDeltas(w, deltas)));
      await yieldToLoop();
    };
    let n = 0;
    for (const v of tx.vertices()) {
      vertices++;
      batch.push({ op: 'createVertex', gid: v.gid });
      for (const label of v.labels()) batch.push({ op: 'addLabel', gid: v.gid, label });
      for (const [key, value] of v.properties()) batch.push({ op: 'setVertexProperty', gid: v.gid, key, value });
      if (++n % BATCH === 0) await flushBatch(Block.Vertices);
    }
    await flushBatch(Block.Vertices);
    let edges = 0;
    n = 0;
    for (const v of tx.vertices()) {
      for (const e of v.outEdges()) {
        edges++;
        batch.push({ op: 'createEdge', gid: e.gid, from: e.startId, to: e.endId, type: e.type });
        for (const [key, value] of e.properties()) batch.push({ op: 'setEdgeProperty', gid: e.gid, key, value });
        n++;
      }
      if (n >= BATCH) {
        n = 0;
        await flushBatch(Block.Edges);
      }
    }
    await flushBatch(Block.Edges);
    await out.add(
      block(Block.End, (w) => {
        w.uint(vertices);
        w.uint(edges);
      }),
    );
    await out.flush();
    await handle.sync();
    ok = true;
  } finally {
    tx.abort();
    await handle.close();
    if (!ok) fs.rmSync(tmpPath, { force: true });
  }
  fs.renameSync(tmpPath, finalPath);
  fsyncDirectory(directory);
  return { path: finalPath, timestamp, createdAt: stampDate(stamp), size: fs.statSync(finalPath).size };
}

function readMeta(r: ByteReader): SnapshotMeta {
  const timestamp = r.uint();
  const epochId = r.string();
  const history = [];
  const n = r.uint();
  for (let i = 0; i < n; i++) history.push({ epochId: r.string(), lastCommitTs: r.uint() });
  const nextGids = { vertex: r.uint(), edge: r.uint() };
  return { timestamp, epoch: { epochId, history }, nextGids };
}

type Visit = (kind: Block, r: ByteReader, offset: number) => void;

/** Walks every block; throws SnapshotError on a torn/corrupt file or a missing end block. */
function walk(file: string, visit: Visit): { vertices: number; edges: number } {
  const records = readRecords(file, SNAPSHOT_MAGIC);
  let end: { vertices: number; edges: number } | null = null;
  for (;;) {
    const next = records.next();
    if (next.done === true) {
      if (next.value !== null) throw new SnapshotError(file, next.value.reason, next.value.offset);
      break;
    }
    const { payload, offset } = next.value;
    if (end !== null) throw new SnapshotError(file, 'data after the end block', offset);
    const r = new ByteReader(payload);
    try {
      const kind = r.u8() as Block;
      if (kind === Block.End) end = { vertices: r.uint(), edges: r.uint() };
      else visit(kind, r, offset);
    } catch (e) {
      if (e instanceof SnapshotError) throw e;
      throw new SnapshotError(file, `undecodable block: ${(e as Error).message}`, offset);
    }
  }
  if (end === null) throw new SnapshotError(file, 'no end block (the snapshot was not finished)', null);
  return end;
}

/**
 * Checks a whole snapshot file (header, every checksum, the end block) without loading
 * it. Throws HeaderError for a bad header, SnapshotError otherwise.
 */
export function verifySnapshot(file: string): SnapshotMeta {
  readHeader(file, SNAPSHOT_MAGIC);
  let meta: SnapshotMeta | null = null;
  walk(file, (kind, r, offset) => {
    if (kind === Block.Meta) meta = readMeta(r);
    else if (kind !== Block.Schema && kind !== Block.Vertices && kind !== Block.Edges) {
      throw new SnapshotError(file, `unknown block kind ${kind as number}`, offset);
    }
  });
  if (meta === null) throw new SnapshotError(file, 'no metadata block', null);
  return meta;
}

/**
 * Loads a verified snapshot into an empty storage: data first, then indexes and
 * constraints (built once over the loaded data), all at the snapshot's timestamp.
 */
export function loadSnapshot(file: string, storage: InMemoryStorage): SnapshotMeta {
  let meta: SnapshotMeta | null = null;
  let schema: Delta[] = [];
  let vertices = 0;
  let edges = 0;
  const counts = walk(file, (kind, r) => {
    if (kind === Block.Meta) {
      meta = readMeta(r);
      return;
    }
    if (kind === Block.Schema) {
      schema = readDeltas(r);
      return;
    }
    const m = meta as SnapshotMeta | null;
    if (m === null) throw new SnapshotError(file, 'data before the metadata block', null);
    const deltas = readDeltas(r);
    for (const d of deltas) {
      if (d.op === 'createVertex') vertices++;
      else if (d.op === 'createEdge') edges++;
    }
    storage.loadCommitted({ commitTimestamp: m.timestamp, deltas });
  });
  const m = meta as SnapshotMeta | null;
  if (m === null) throw new SnapshotError(file, 'no metadata block', null);
  if (counts.vertices !== vertices || counts.edges !== edges) {
    throw new SnapshotError(file, `holds ${vertices} vertices and ${edges} edges, its end block says ${counts.vertices} and ${counts.edges}`, null);
  }
  for (const d of schema) storage.loadCommitted({ commitTimestamp: m.timestamp, deltas: [d] });
  // An empty snapshot still moves the clock to its timestamp.
  storage.loadCommitted({ commitTimestamp: m.timestamp, deltas: [] });
  storage.reserveGids(m.nextGids);
  return m;
}
