// The replication RPCs (MAIN → REPLICA) over dataplane/rpc. Records travel framed exactly
// as the WAL stores them (length, kind byte — COMMIT, PREPARE, FINALIZE_* —, the body the
// commit pipeline encoded once, CRC), back to back in one bytes field, so a replica
// appends a batch to its own WAL with one write of the bytes it received (no re-framing,
// no CRC per record) and replays them with the recovery rules (durability/replay.ts).

import { ByteWriter, CodecError } from '../durability/codec.js';
import { frameKindRecordInto, RECORD_OVERHEAD, type RecordKindCode } from '../durability/wal-format.js';
import { defineRpc, p, type PayloadCodec } from '../rpc/messages.js';

/**
 * One record on MAIN: its kind and timestamp (for the bookkeeping) and its WAL frame. The
 * frame is built once per commit and shared by every replica's batch.
 */
export type ShippedRecord = { readonly kind: number; readonly ts: number; readonly frame: Buffer };

/** Frames a record once (kind byte + body, WAL framing with its CRC) for all replicas. */
export function shippedRecord(kind: RecordKindCode, ts: number, body: Uint8Array): ShippedRecord {
  const frame = Buffer.allocUnsafe(body.length + 1 + RECORD_OVERHEAD);
  frameKindRecordInto(frame, 0, kind, body);
  return { kind, ts, frame };
}

/** A FINALIZE_COMMIT / FINALIZE_ABORT record (its body is the timestamp). */
export function finalizeRecord(kind: RecordKindCode, ts: number): ShippedRecord {
  const w = new ByteWriter(16);
  w.uint(ts);
  return shippedRecord(kind, ts, w.view());
}

/**
 * A batch of framed records: written as one length-prefixed run of the frames back to back
 * (no concatenation first); read as one element holding a view of that run in the received
 * frame (no object per record: the replica walks the frames itself).
 */
const frames: PayloadCodec<readonly { readonly frame: Buffer }[]> = {
  write(w, records) {
    let total = 0;
    for (const r of records) total += r.frame.length;
    w.uint(total);
    for (const r of records) w.bytes(r.frame);
  },
  read(r) {
    const n = r.uint();
    if (n > r.remaining) throw new CodecError(`${n} bytes of records in ${r.remaining}`, r.pos);
    return [{ frame: r.slice(n) }];
  },
};

const progress = p.struct({ epochId: p.string, ts: p.uint });

/** MAIN's epoch with its history: a replica adopts both (the branching-point rule needs them after a promotion). */
const epoch = p.struct({ epochId: p.string, history: p.list(p.struct({ epochId: p.string, lastCommitTs: p.uint })) });

/** Registration: the replica follows this MAIN from now on (Memgraph's SwapMainUUIDRpc). */
export const SwapMainUuid = defineRpc({
  type: 101,
  name: 'SwapMainUuid',
  timeoutMs: 5000,
  request: p.struct({ mainUuid: p.string }),
  response: progress,
});

/** Liveness and progress (Memgraph's HeartbeatRpc); refused from another MAIN. */
export const Heartbeat = defineRpc({
  type: 102,
  name: 'Heartbeat',
  timeoutMs: 5000,
  request: p.struct({ mainUuid: p.string, epochId: p.string, mainTs: p.uint }),
  response: progress,
});

/**
 * Records in log order: live commits (or prepares / finalisations), or a batch read from
 * MAIN's WAL during catch-up, as WAL frames. Answered once they are applied (prepares:
 * held) and appended to the replica's WAL (and fsynced when its flush policy says every
 * commit). Type 105: the layout of 103 (a list of kind, timestamp, body) changed.
 */
export const AppendRecords = defineRpc({
  type: 105,
  name: 'AppendRecords',
  timeoutMs: 30_000,
  request: p.struct({ mainUuid: p.string, epoch, records: frames }),
  response: progress,
});

/**
 * Catch-up when MAIN's WAL no longer reaches back: MAIN's newest snapshot; the replica
 * replaces its whole graph with it (then WAL records follow).
 */
export const TransferSnapshot = defineRpc({
  type: 104,
  name: 'TransferSnapshot',
  timeoutMs: 60_000,
  request: p.struct({ mainUuid: p.string, epoch, name: p.string }),
  response: progress,
});
