// Catch-up reads what a replica misses from MAIN's WAL files, as stored.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ByteWriter, encodeTransactionInto } from '../../../dataplane/durability/codec.js';
import { RecordKind } from '../../../dataplane/durability/wal-format.js';
import { WalWriter } from '../../../dataplane/durability/wal-writer.js';
import { shippedRecord } from '../../../dataplane/replication/protocol.js';
import { readWalAfter } from '../../../dataplane/replication/wal-source.js';
import { loadReplicationState, saveReplicationState } from '../../../dataplane/replication/state-store.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-walsrc-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function body(ts: number): Buffer {
  const w = new ByteWriter(64);
  encodeTransactionInto(w, { commitTimestamp: ts, deltas: [] });
  return Buffer.from(w.view());
}

async function writeLog(fileSizeBytes: number): Promise<void> {
  const writer = new WalWriter({ directory: dir, epochId: 'E', fileSizeBytes, flushEveryNTx: 1, durableTimestamp: 0 });
  for (let ts = 1; ts <= 10; ts++) writer.appendEncoded(RecordKind.Commit, ts, body(ts));
  // A two-phase commit that aborted, and its timestamp reused.
  writer.appendEncoded(RecordKind.Prepare, 11, body(11));
  writer.appendFinalize(11, false);
  writer.appendEncoded(RecordKind.Commit, 11, body(11));
  await writer.close();
}

test('records after a timestamp, across rotated files, in log order with their kinds and bytes', async () => {
  await writeLog(64);
  expect(fs.readdirSync(dir).length).toBeGreaterThan(2);
  const batch = readWalAfter(dir, 7, 1 << 20);
  expect(batch.complete).toBe(true);
  expect(batch.gap).toBe(false);
  expect(batch.records.map((r) => [r.kind, r.ts])).toEqual([
    [RecordKind.Commit, 8],
    [RecordKind.Commit, 9],
    [RecordKind.Commit, 10],
    [RecordKind.Prepare, 11],
    [RecordKind.FinalizeAbort, 11],
    [RecordKind.Commit, 11],
  ]);
  // The WAL frame as MAIN's log holds it: the replica writes these bytes as they are.
  expect(batch.records[0].frame.equals(shippedRecord(RecordKind.Commit, 8, body(8)).frame)).toBe(true);
  expect(readWalAfter(dir, 11, 1 << 20).records).toEqual([]);
});

test('a byte limit cuts the batch; a log that does not reach back reports a gap', async () => {
  await writeLog(1 << 20);
  const first = readWalAfter(dir, 0, 1);
  expect(first.complete).toBe(false);
  expect(first.records.map((r) => r.ts)).toEqual([1]);
  for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f));
  const writer = new WalWriter({ directory: dir, epochId: 'E', fileSizeBytes: 1 << 20, flushEveryNTx: 1, durableTimestamp: 4 });
  writer.appendEncoded(RecordKind.Commit, 5, body(5));
  await writer.close();
  expect(readWalAfter(dir, 2, 1 << 20).gap).toBe(true);
  expect(readWalAfter(dir, 4, 1 << 20).gap).toBe(false);
});

test('the replication state file round-trips and refuses garbage', () => {
  const file = path.join(dir, 'replication', 'state.json');
  expect(loadReplicationState(file)).toBeNull();
  const state = { role: 'main' as const, port: null, mainUuid: 'u', replicas: [{ name: 'r1', mode: 'sync' as const, address: '127.0.0.1:5', host: '127.0.0.1', port: 5 }] };
  saveReplicationState(file, state);
  expect(loadReplicationState(file)).toEqual(state);
  fs.writeFileSync(file, JSON.stringify({ version: 1, role: 'boss' }));
  expect(() => loadReplicationState(file)).toThrow(/malformed/);
});
