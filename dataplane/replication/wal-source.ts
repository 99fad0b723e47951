// Reads the records a lagging replica misses from MAIN's own WAL files, as they are stored
// (kind, timestamp, WAL frame), in log order. Synchronous on purpose: the catch-up reads
// the tail of the log and flips the replica to live shipping in one tick, so no commit can
// slip between what was read and what is shipped live (see README, "Catch-up").

import { ByteReader, CodecError } from '../durability/codec.js';
import { listWalFiles } from '../durability/recovery.js';
import { RecordKind, WAL_MAGIC, type RecordKindCode } from '../durability/wal-format.js';
import { readHeader, readRecords } from '../durability/wal-reader.js';
import { shippedRecord, type ShippedRecord } from './protocol.js';

export interface WalBatch {
  records: ShippedRecord[];
  bytes: number;
  /** False when the batch stopped at the byte limit (more records follow). */
  complete: boolean;
  /** The log does not reach back to `afterTs + 1`: a snapshot is needed first. */
  gap: boolean;
}

function recordTs(kind: number, body: Buffer): number {
  // Every record body starts with its commit timestamp (a transaction's, or the finalised one's).
  if (Object.values(RecordKind).includes(kind as RecordKindCode)) return new ByteReader(body, 0, body.length).uint();
  throw new CodecError(`unknown record kind ${kind}`, 0);
}

/**
 * Records with a timestamp after `afterTs` from the WAL files in `walDir`, up to about
 * `maxBytes`. Files that end before `afterTs` are not opened. A record that cannot be read
 * ends the batch there (recovery cut the log at the same place).
 */
export function readWalAfter(walDir: string, afterTs: number, maxBytes: number): WalBatch {
  const records: ShippedRecord[] = [];
  let bytes = 0;
  let first: number | null = null;
  for (const f of listWalFiles(walDir)) {
    if (f.name.kind === 'final' && f.name.toTs <= afterTs) continue;
    let version: number;
    try {
      version = readHeader(f.path, WAL_MAGIC).header.formatVersion;
    } catch {
      continue;
    }
    const it = readRecords(f.path, WAL_MAGIC);
    try {
      for (let next = it.next(); next.done !== true; next = it.next()) {
        const payload = next.value.payload;
        // Format 1 stored bare transactions (one-phase commits).
        const kind = (version === 1 ? RecordKind.Commit : payload[0]) as RecordKindCode;
        const body = version === 1 ? payload : payload.subarray(1);
        let ts: number;
        try {
          ts = recordTs(kind, body);
        } catch {
          break;
        }
        if (ts <= afterTs) continue;
        first ??= ts;
        // Framed anew (a copy: the reader's buffer is reused, and the records outlive this call).
        records.push(shippedRecord(kind, ts, body));
        bytes += body.length;
        if (bytes >= maxBytes) return { records, bytes, complete: false, gap: first > afterTs + 1 };
      }
    } finally {
      it.return(null);
    }
  }
  return { records, bytes, complete: true, gap: first !== null && first > afterTs + 1 };
}
