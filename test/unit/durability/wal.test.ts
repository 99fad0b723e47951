import fs from 'node:fs';
import path from 'node:path';
import { encodeTransaction } from '../../../dataplane/durability/codec.js';
import { readWalFile, recordTimestamp, type ReadStop, type WalEntry } from '../../../dataplane/durability/wal-reader.js';
import { decodeHeader, encodeHeader, frameKindRecordInto, frameRecord, parseWalName, RECORD_OVERHEAD, RecordKind, WAL_MAGIC, type RecordKindCode } from '../../../dataplane/durability/wal-format.js';
import { MAX_BUFFERED_BYTES, WalWriter, WRITE_DELAY_MS } from '../../../dataplane/durability/wal-writer.js';
import type { CommittedTransaction } from '../../../dataplane/storage/types.js';
import { removeTempDirs, tempDir } from './helpers.js';

afterEach(removeTempDirs);

function tx(ts: number, payloadBytes = 10): CommittedTransaction {
  return {
    commitTimestamp: ts,
    deltas: [
      { op: 'createVertex', gid: ts },
      { op: 'setVertexProperty', gid: ts, key: 'pad', value: 'x'.repeat(payloadBytes) },
    ],
  };
}

/** One format-2 record framed as the WAL stores it (what a MAIN ships to its replicas). */
function frameKind(kind: RecordKindCode, body: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(body.length + 1 + RECORD_OVERHEAD);
  frameKindRecordInto(out, 0, kind, body);
  return out;
}

function ctOf(e: WalEntry): CommittedTransaction {
  if (e.kind === 'finalize') throw new Error(`record of ${e.ts} is a finalisation`);
  return e.ct;
}

function tsOf(e: WalEntry | undefined): number | undefined {
  return e === undefined ? undefined : recordTimestamp(e);
}

function readAll(file: string): { entries: WalEntry[]; stop: ReadStop | null } {
  const entries: WalEntry[] = [];
  const gen = readWalFile(file);
  for (;;) {
    const next = gen.next();
    if (next.done === true) return { entries, stop: next.value };
    entries.push(next.value);
  }
}

function writer(dir: string, over: Partial<ConstructorParameters<typeof WalWriter>[0]> = {}): WalWriter {
  return new WalWriter({ directory: dir, epochId: 'epoch-a', fileSizeBytes: 1 << 20, flushEveryNTx: 1, durableTimestamp: 0, ...over });
}

describe('WAL writer and reader', () => {
  test('appends records to a _current file, finalised with its timestamp range on close', async () => {
    const dir = tempDir();
    const w = writer(dir);
    expect(fs.readdirSync(dir)).toEqual([]);
    for (let ts = 1; ts <= 5; ts++) w.append(tx(ts));
    const [current] = fs.readdirSync(dir);
    expect(current).toMatch(/^\d{20}_current$/);
    expect(readAll(path.join(dir, current)).entries.map((e) => ctOf(e))).toEqual([1, 2, 3, 4, 5].map((ts) => tx(ts)));
    await w.close();
    const [final] = fs.readdirSync(dir);
    expect(final).toMatch(/^\d{20}_from_1_to_5$/);
    expect(final.slice(0, 20)).toBe(current.slice(0, 20));
    const { entries, stop } = readAll(path.join(dir, final));
    expect(stop).toBeNull();
    expect(entries.map((e) => tsOf(e))).toEqual([1, 2, 3, 4, 5]);
  });

  test('rotates at the size limit into consecutive finalised files', async () => {
    const dir = tempDir();
    const w = writer(dir, { fileSizeBytes: 1000 });
    for (let ts = 1; ts <= 40; ts++) w.append(tx(ts, 100));
    await w.close();
    const names = fs.readdirSync(dir).sort();
    expect(names.length).toBeGreaterThan(3);
    let expected = 1;
    for (const n of names) {
      const parsed = parseWalName(n);
      expect(parsed?.kind).toBe('final');
      if (parsed?.kind !== 'final') continue;
      expect(parsed.fromTs).toBe(expected);
      const { entries } = readAll(path.join(dir, n));
      expect(entries.map((e) => tsOf(e))[0]).toBe(parsed.fromTs);
      expect(tsOf(entries.at(-1))).toBe(parsed.toTs);
      expect(fs.statSync(path.join(dir, n)).size).toBeLessThan(1000 + 200);
      expected = parsed.toTs + 1;
    }
    expect(expected).toBe(41);
  });

  test('group commit: concurrent waiters share fsyncs and all resolve', async () => {
    const dir = tempDir();
    let syncs = 0;
    const durable: number[] = [];
    const w = writer(dir, { hooks: { synced: () => syncs++, durable: (ts) => durable.push(ts) } });
    const waits: Promise<void>[] = [];
    for (let ts = 1; ts <= 50; ts++) {
      w.append(tx(ts));
      waits.push(w.waitDurable(ts));
    }
    await Promise.all(waits);
    expect(w.durableTimestamp()).toBe(50);
    // The first fsync starts with commit 1; the rest arrive during it and share the next.
    expect(syncs).toBeLessThanOrEqual(3);
    expect(durable.at(-1)).toBe(50);
    await w.close();
  });

  test('batched flushing fsyncs every n commits without anyone waiting', async () => {
    const dir = tempDir();
    const durable: number[] = [];
    const w = writer(dir, { flushEveryNTx: 10, hooks: { durable: (ts) => durable.push(ts) } });
    for (let ts = 1; ts <= 9; ts++) w.append(tx(ts));
    await new Promise((r) => setTimeout(r, 50));
    expect(durable).toEqual([]);
    w.append(tx(10));
    for (let i = 0; i < 100 && durable.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(durable).toEqual([10]);
    await w.close();
  });

  test('batched flushing holds records in user space for at most WRITE_DELAY_MS, and a full buffer is written at once', async () => {
    const dir = tempDir();
    const w = writer(dir, { flushEveryNTx: 1000, fileSizeBytes: 64 << 20 });
    w.append(tx(1));
    w.append(tx(2));
    const [current] = fs.readdirSync(dir);
    const file = path.join(dir, current);
    // Header only: both records wait in the buffer, to be written with one write().
    expect(readAll(file).entries).toEqual([]);
    await new Promise((r) => setTimeout(r, WRITE_DELAY_MS + 20));
    expect(readAll(file).entries.map((e) => tsOf(e))).toEqual([1, 2]);

    // Records of ~64 KiB: the buffer fills after MAX_BUFFERED_BYTES / 64 KiB of them and is
    // written synchronously, with no timer involved.
    const big = 64 * 1024;
    const fit = Math.floor(MAX_BUFFERED_BYTES / (big + 64));
    for (let ts = 3; ts < 3 + fit + 1; ts++) w.append(tx(ts, big));
    const seen = readAll(file).entries.map((e) => tsOf(e));
    expect(seen.length).toBeGreaterThanOrEqual(2 + fit - 1);
    expect(seen.length).toBeLessThan(2 + fit + 1);
    // A record larger than the whole buffer goes straight to the file.
    w.append(tx(3 + fit + 1, MAX_BUFFERED_BYTES + 10));
    expect(tsOf(readAll(file).entries.at(-1))).toBe(3 + fit + 1);

    // waitDurable writes the buffer before its fsync.
    w.append(tx(5 + fit));
    await w.waitDurable(5 + fit);
    expect(tsOf(readAll(file).entries.at(-1))).toBe(5 + fit);
    await w.close();
  });

  test('close and flushToOs write what is buffered', async () => {
    const dir = tempDir();
    const w = writer(dir, { flushEveryNTx: 1000 });
    w.append(tx(1));
    const file = path.join(dir, fs.readdirSync(dir)[0]);
    w.flushToOs();
    expect(readAll(file).entries.map((e) => tsOf(e))).toEqual([1]);
    w.append(tx(2));
    await w.close();
    const [final] = fs.readdirSync(dir);
    expect(final).toMatch(/_from_1_to_2$/);
    expect(readAll(path.join(dir, final)).entries.map((e) => tsOf(e))).toEqual([1, 2]);
  });

  test('an epoch change starts a new file with the new epoch id in its header', async () => {
    const dir = tempDir();
    const w = writer(dir);
    w.append(tx(1));
    w.setEpoch('epoch-b');
    w.append(tx(2));
    await w.close();
    const names = fs.readdirSync(dir).sort();
    expect(names.map((n) => n.slice(21))).toEqual(['from_1_to_1', 'from_2_to_2']);
    const headers = names.map((n) => fs.readFileSync(path.join(dir, n)).subarray(0, 40).toString('latin1'));
    expect(headers[0]).toContain('epoch-a');
    expect(headers[1]).toContain('epoch-b');
  });

  describe('reader stops at the first bad record and says where', () => {
    async function written(n: number): Promise<{ file: string; entries: WalEntry[] }> {
      const dir = tempDir();
      const w = writer(dir);
      for (let ts = 1; ts <= n; ts++) w.append(tx(ts));
      await w.close();
      const file = path.join(dir, fs.readdirSync(dir)[0]);
      return { file, entries: readAll(file).entries };
    }

    test('torn tail (truncated mid-record)', async () => {
      const { file, entries } = await written(5);
      fs.truncateSync(file, entries[4].offset + 7);
      const { entries: got, stop } = readAll(file);
      expect(got.map((e) => tsOf(e))).toEqual([1, 2, 3, 4]);
      expect(stop).toEqual({ file, offset: entries[4].offset, reason: expect.stringMatching(/truncated record/) });
    });

    test('a flipped byte in the middle', async () => {
      const { file, entries } = await written(5);
      const bytes = fs.readFileSync(file);
      bytes[entries[2].offset + 9] ^= 0x40;
      fs.writeFileSync(file, bytes);
      const { entries: got, stop } = readAll(file);
      expect(got.map((e) => tsOf(e))).toEqual([1, 2]);
      expect(stop).toEqual({ file, offset: entries[2].offset, reason: 'checksum mismatch' });
    });

    test('a garbled length field', async () => {
      const { file, entries } = await written(3);
      const bytes = fs.readFileSync(file);
      bytes.writeUInt32LE(0xfffffff0, entries[1].offset);
      fs.writeFileSync(file, bytes);
      const { entries: got, stop } = readAll(file);
      expect(got).toHaveLength(1);
      expect(stop?.offset).toBe(entries[1].offset);
      expect(stop?.reason).toMatch(/implausible/);
    });

    test('a record whose checksum is right but whose body does not decode', () => {
      const dir = tempDir();
      const file = path.join(dir, '00000000000000000000_current');
      // Format 2: a record kind (0 = COMMIT) before the transaction body.
      const good = Buffer.concat([Buffer.from([0]), encodeTransaction(tx(1))]);
      const body = Buffer.from([0, 1, 0, 1, 42]);
      fs.writeFileSync(file, Buffer.concat([encodeHeader(WAL_MAGIC, 'e'), frameRecord(good), frameRecord(body)]));
      const { entries, stop } = readAll(file);
      expect(entries).toHaveLength(1);
      expect(stop?.reason).toMatch(/undecodable record: unknown delta tag 42/);
    });
  });
  test('appendFramed writes frames as given, after what is buffered, and keeps the file range, rotation and fsync policy', async () => {
    const dir = tempDir();
    // Batched mode: a record is buffered when the framed run arrives; it must precede the run.
    const w = writer(dir, { flushEveryNTx: 3 });
    w.append(tx(1));
    const frames = Buffer.concat([2, 3].map((ts) => frameKind(RecordKind.Commit, encodeTransaction(tx(ts)))));
    w.appendFramed(frames, { records: 2, fromTs: 2, toTs: 3, committedTs: 3 });
    // Three records: the fsync policy ran, and the run's last commit counts as written.
    await w.waitDurable(3);
    expect(w.durableTimestamp()).toBe(3);
    const [current] = fs.readdirSync(dir);
    expect(readAll(path.join(dir, current)).entries.map((e) => ctOf(e))).toEqual([1, 2, 3].map((ts) => tx(ts)));
    // A prepare without its finalisation does not count as committed; the file still covers it.
    w.appendFramed(frameKind(RecordKind.Prepare, encodeTransaction(tx(4))), { records: 1, fromTs: 4, toTs: 4, committedTs: 0 });
    await w.close();
    const [final] = fs.readdirSync(dir);
    expect(final).toMatch(/^\d{20}_from_1_to_4$/);
    const { entries, stop } = readAll(path.join(dir, final));
    expect(stop).toBeNull();
    expect(entries.map((e) => [e.kind, tsOf(e)])).toEqual([
      ['commit', 1],
      ['commit', 2],
      ['commit', 3],
      ['prepare', 4],
    ]);
  });

  test('appendFramed rotates a file that reached its size limit', async () => {
    const dir = tempDir();
    const w = writer(dir, { fileSizeBytes: 64 });
    w.appendFramed(frameKind(RecordKind.Commit, encodeTransaction(tx(1, 100))), { records: 1, fromTs: 1, toTs: 1, committedTs: 1 });
    w.appendFramed(frameKind(RecordKind.Commit, encodeTransaction(tx(2, 100))), { records: 1, fromTs: 2, toTs: 2, committedTs: 2 });
    await w.close();
    expect(fs.readdirSync(dir).sort().map((f) => f.slice(21))).toEqual(['from_1_to_1', 'from_2_to_2']);
  });
});

test('codec version 2 (index kinds beyond label / label+property) is written; version 1 files still read; others refused', () => {
  expect(decodeHeader(encodeHeader(WAL_MAGIC, 'e'), WAL_MAGIC).header.codecVersion).toBe(2);
  expect(decodeHeader(encodeHeader(WAL_MAGIC, 'e', 1), WAL_MAGIC).header).toMatchObject({ codecVersion: 1, epochId: 'e' });
  expect(() => decodeHeader(encodeHeader(WAL_MAGIC, 'e', 3), WAL_MAGIC)).toThrow('codec version 3, this mgha reads version 1 and 2');
});
