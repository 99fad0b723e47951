// The REPLICA's AppendRecords over a real RPC connection into a real storage and WAL: the
// frames MAIN sent end up in the replica's WAL byte for byte, records sent twice are applied
// and logged once, and a gap or another MAIN's call changes nothing.
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { encodeTransaction } from '../../../dataplane/durability/codec.js';
import { openDurability, type Durability } from '../../../dataplane/durability/durability.js';
import { decodeHeader, RecordKind, WAL_MAGIC } from '../../../dataplane/durability/wal-format.js';
import { AppendRecords, shippedRecord, type ShippedRecord } from '../../../dataplane/replication/protocol.js';
import { ReplicaServer } from '../../../dataplane/replication/replica-server.js';
import { ReplicationCodes } from '../../../dataplane/replication/types.js';
import { RpcClient } from '../../../dataplane/rpc/client.js';
import { InMemoryStorage } from '../../../dataplane/storage/storage.js';
import { config, removeTempDirs, tempDir } from '../durability/helpers.js';

const log = pino({ level: 'silent' });
const MAIN = 'main-uuid';

let dir: string;
let storage: InMemoryStorage;
let durability: Durability;
let server: ReplicaServer;
let client: RpcClient;

beforeEach(async () => {
  dir = tempDir();
  storage = new InMemoryStorage();
  durability = await openDurability(config(dir, { walFileFlushEveryNTx: 100_000 }), storage, log);
  server = new ReplicaServer({
    host: '127.0.0.1',
    port: 0,
    storage,
    durability,
    log,
    mainUuid: () => MAIN,
    setMainUuid: () => undefined,
    coordinatorFenced: false,
    onSchemaChanged: () => undefined,
  });
  await server.listen();
  client = new RpcClient({ host: '127.0.0.1', port: server.port });
});

afterEach(async () => {
  await client.close();
  await server.close();
  await durability.close();
  removeTempDirs();
});

/** Commit `ts` creates vertex `ts` with a property, framed as MAIN ships it. */
function commit(ts: number): ShippedRecord {
  return shippedRecord(RecordKind.Commit, ts, encodeTransaction({ commitTimestamp: ts, deltas: [{ op: 'createVertex', gid: ts }, { op: 'setVertexProperty', gid: ts, key: 'n', value: BigInt(ts) }] }));
}

function append(records: ShippedRecord[], mainUuid = MAIN) {
  return client.call(AppendRecords, { mainUuid, epoch: durability.epoch, records });
}

/** The records of every WAL file in order, as raw bytes after each file's header. */
function walRecordBytes(): Buffer {
  const files = fs.readdirSync(durability.walDir).sort();
  return Buffer.concat(
    files.map((f) => {
      const buf = fs.readFileSync(path.join(durability.walDir, f));
      return buf.subarray(decodeHeader(buf, WAL_MAGIC).end);
    }),
  );
}

test('a batch is applied and its frames are logged as received; a record sent twice is applied and logged once', async () => {
  const records = [1, 2, 3, 4].map(commit);
  expect((await append(records.slice(0, 3))).ts).toBe(3);
  // Overlapping resend (a catch-up after live batches): 2 and 3 are skipped.
  expect((await append(records.slice(1))).ts).toBe(4);
  expect(storage.counts().vertexCount).toBe(4);
  // Answered only after the WAL had the records (handed to the OS): the file holds them now.
  expect(walRecordBytes().equals(Buffer.concat(records.map((r) => r.frame)))).toBe(true);
});

test('a gap and another MAIN are refused; nothing is applied or logged', async () => {
  await append([commit(1)]);
  await expect(append([commit(3)])).rejects.toMatchObject({ code: ReplicationCodes.Gap });
  await expect(append([commit(2)], 'another-main')).rejects.toMatchObject({ code: ReplicationCodes.WrongMain });
  expect(storage.lastCommitTimestamp()).toBe(1);
  expect(walRecordBytes().equals(commit(1).frame)).toBe(true);
  // The batch after the refusals applies as usual.
  expect((await append([commit(2)])).ts).toBe(2);
});

test('a frame cut short is refused as a bad record, after logging what applied before it', async () => {
  const [one, two] = [commit(1), commit(2)];
  const cut = { kind: two.kind, ts: two.ts, frame: two.frame.subarray(0, two.frame.length - 3) };
  await expect(append([one, cut])).rejects.toMatchObject({ code: ReplicationCodes.BadRecord });
  expect(storage.lastCommitTimestamp()).toBe(1);
  expect(walRecordBytes().equals(one.frame)).toBe(true);
});

test('a big transaction inside a batch applies in slices between the others; the log keeps the received order and bytes', async () => {
  const bigTs = 2;
  const deltas = Array.from({ length: 25_000 }, (_, i) => ({ op: 'createVertex' as const, gid: 100 + i }));
  const big = shippedRecord(RecordKind.Commit, bigTs, encodeTransaction({ commitTimestamp: bigTs, deltas }));
  const records = [commit(1), big, commit(3)];
  // While it applies, a second call queues behind it and must not overtake it.
  const [first, second] = await Promise.all([append(records), append([commit(3), commit(4)])]);
  expect(first.ts).toBe(3);
  expect(second.ts).toBe(4);
  expect(storage.counts().vertexCount).toBe(3 + 25_000);
  expect(walRecordBytes().equals(Buffer.concat([...records, commit(4)].map((r) => r.frame)))).toBe(true);
});
