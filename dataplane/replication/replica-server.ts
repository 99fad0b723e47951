// The REPLICA side: an RPC server on the replication port that takes MAIN's records,
// applies them with the recovery rules (durability/replay.ts: in order, skip what is
// applied, refuse gaps, hold prepares until finalised) and appends the same bytes to this
// instance's WAL before answering, so a SYNC MAIN's acknowledgement means "applied and
// logged here" and this replica can be promoted with a complete log.

import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { ByteReader, decodeTransaction } from '../durability/codec.js';
import type { Durability } from '../durability/durability.js';
import type { EpochState } from '../durability/epoch.js';
import { Replay, ReplayError } from '../durability/replay.js';
import { RECORD_OVERHEAD, RecordKind } from '../durability/wal-format.js';
import type { FramedRun } from '../durability/wal-writer.js';
import type { WalRecord } from '../durability/wal-reader.js';
import { RpcServer } from '../rpc/server.js';
import { RpcError, type RpcCallHook } from '../rpc/types.js';
import type { ReplayBatch } from '../storage/replay.js';
import type { InMemoryStorage } from '../storage/storage.js';
import type { CommittedTransaction } from '../storage/types.js';
import { AppendRecords, Heartbeat, SwapMainUuid, TransferSnapshot } from './protocol.js';
import { ReplicationCodes, type ReplicaProgress } from './types.js';

export interface ReplicaServerOptions {
  host: string;
  port: number;
  storage: InMemoryStorage;
  durability: Durability;
  log: Logger;
  /** The MAIN this replica follows (null: none yet; the first registration sets it). */
  mainUuid(): string | null;
  /** A MAIN registered this replica: remember (and persist) its UUID. */
  setMainUuid(uuid: string): void;
  /**
   * HA: only the coordinators say whom this replica follows (DemoteToReplica,
   * SwapMainUuid over the management port); a MAIN's registration handshake with another
   * UUID is refused, so a deposed MAIN cannot take a replica back.
   */
  coordinatorFenced: boolean;
  onCall?: RpcCallHook;
  /** Called after records were applied (metrics). */
  onApplied?(ts: number): void;
  /** An index or constraint changed, or the whole graph was replaced (plans must be redone). */
  onSchemaChanged(): void;
}

/** A shipped transaction with more deltas than this is applied in slices of this many. */
const SLICE_DELTAS = 20_000;

/** Changes after which cached plans may be wrong: indexes, constraints, and metadata (ANALYZE GRAPH's statistics steer plans). */
const SCHEMA_OPS = new Set(['createIndex', 'dropIndex', 'createIndexSpec', 'dropIndexSpec', 'createConstraint', 'dropConstraint', 'setMeta']);

/** A transaction to apply in slices, found in a batch (its frame is logged after it applied). */
interface BigRecord {
  frame: Buffer;
  ts: number;
  ct: CommittedTransaction;
}

/** Where the apply loop stands in a batch: which received chunk, which byte of it. */
interface Cursor {
  chunk: number;
  at: number;
}

/**
 * The records a batch logs: consecutive frames of one received buffer collect into one run,
 * handed to the WAL with one write of those bytes as received (a skipped record or the end
 * of the buffer ends a run; a batch is usually one run).
 */
class LogRun {
  private buf: Buffer | null = null;
  private start = 0;
  private end = 0;
  private readonly run: FramedRun = { records: 0, fromTs: 0, toTs: 0, committedTs: 0 };
  /** What the answer waits for (the fsync under flush-every-commit), or null. */
  wait: Promise<void> | null = null;

  constructor(private readonly durability: Durability) {}

  add(buf: Buffer, start: number, end: number, kind: number, ts: number): void {
    if (this.run.records > 0 && (this.buf !== buf || this.end !== start)) this.flush();
    const run = this.run;
    if (run.records === 0) {
      this.buf = buf;
      this.start = start;
      run.fromTs = ts;
      run.toTs = ts;
      run.committedTs = 0;
    }
    this.end = end;
    run.records++;
    if (ts < run.fromTs) run.fromTs = ts;
    if (ts > run.toTs) run.toTs = ts;
    if ((kind === RecordKind.Commit || kind === RecordKind.FinalizeCommit) && ts > run.committedTs) run.committedTs = ts;
  }

  flush(): void {
    if (this.run.records === 0 || this.buf === null) return;
    const bytes = this.buf.subarray(this.start, this.end);
    try {
      this.wait = this.durability.appendReplicatedFrames(bytes, this.run) ?? this.wait;
    } catch (e) {
      throw new RpcError(ReplicationCodes.WalFailed, `the WAL failed: ${(e as Error).message}`);
    } finally {
      this.run.records = 0;
      this.buf = null;
    }
  }
}

function badRecord(at: number, why: string): RpcError {
  return new RpcError(ReplicationCodes.BadRecord, `record at byte ${at}: ${why}`);
}

export class ReplicaServer {
  private readonly server: RpcServer;
  private replay: Replay;
  /** AppendRecords calls still applying (null: none; calls apply one after the other). */
  private appending: Promise<void> | null = null;
  /** The commits of the frames being walked: applied in one storage transaction, published together. */
  private batch: ReplayBatch | null = null;

  constructor(private readonly options: ReplicaServerOptions) {
    this.replay = this.newReplay();
    this.server = new RpcServer({ host: options.host, port: options.port, logger: options.log, onCall: options.onCall })
      .handle(SwapMainUuid, ({ mainUuid }) => {
        if (options.coordinatorFenced) this.checkMain(mainUuid);
        else if (mainUuid !== options.mainUuid()) {
          options.log.info({ mainUuid, previous: options.mainUuid() }, 'replica now follows a new MAIN');
          options.setMainUuid(mainUuid);
        }
        return this.progress();
      })
      .handle(Heartbeat, ({ mainUuid }) => {
        this.checkMain(mainUuid);
        return this.progress();
      })
      .handle(AppendRecords, (req) => this.append(req.mainUuid, req.epoch, req.records))
      .handleFile(TransferSnapshot, {
        target: (req) => {
          this.checkMain(req.mainUuid);
          fs.mkdirSync(this.incomingDir(), { recursive: true });
          return path.join(this.incomingDir(), path.basename(req.name));
        },
        complete: async (req, file) => {
          try {
            this.checkMain(req.mainUuid);
            const meta = await options.durability.replaceWithSnapshot(file.path);
            this.replay = this.newReplay();
            options.onSchemaChanged();
            options.log.info({ timestamp: meta.timestamp, epoch: meta.epoch.epochId }, 'replica loaded a snapshot from MAIN');
            return this.progress();
          } finally {
            fs.rmSync(file.path, { force: true });
          }
        },
      });
  }

  get port(): number {
    return this.server.port;
  }

  async listen(): Promise<void> {
    await this.server.listen();
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  /** The storage was reset under this server (ForceResync): held prepares are dropped. */
  reset(): void {
    this.replay = this.newReplay();
  }

  private incomingDir(): string {
    return path.join(this.options.durability.config.dataDirectory, 'replication', 'incoming');
  }

  /** Replays into the storage; a replicated index or constraint change invalidates plans. */
  private newReplay(): Replay {
    const { storage, onSchemaChanged } = this.options;
    return new Replay({
      lastCommitTimestamp: () => storage.lastCommitTimestamp(),
      applyCommitted: (ct) => {
        if (this.batch !== null) this.batch.apply(ct);
        else storage.applyCommitted(ct);
        if (ct.deltas.length === 1 && SCHEMA_OPS.has(ct.deltas[0].op)) onSchemaChanged();
      },
    });
  }

  progress(): ReplicaProgress {
    return { epochId: this.options.durability.epoch.epochId, ts: this.options.storage.lastCommitTimestamp() };
  }

  private checkMain(mainUuid: string): void {
    const expected = this.options.mainUuid();
    if (expected !== mainUuid) {
      throw new RpcError(ReplicationCodes.WrongMain, `this replica follows main ${expected ?? '(none)'}, not ${mainUuid}`);
    }
  }

  /**
   * AppendRecords, one call after the other (a call that applies a big transaction in
   * slices yields to the event loop; the next call must not overtake it). With nothing in
   * the way — the usual case — a call applies, logs and answers in the tick it arrived:
   * no promise, closure or microtask hop per call (each was a few % of a replica's CPU
   * under SYNC load, where calls carry 3–4 commits).
   */
  private append(mainUuid: string, epoch: EpochState, records: readonly { frame: Buffer }[]): ReplicaProgress | Promise<ReplicaProgress> {
    if (this.appending === null) {
      const applied = this.applyAndLog(mainUuid, epoch, records);
      if (!(applied instanceof Promise)) return this.answer(applied);
      this.track(applied);
      return applied.then((a) => this.answer(a));
    }
    const applied = this.appending.then(() => this.applyAndLog(mainUuid, epoch, records));
    this.track(applied);
    return applied.then((a) => this.answer(a));
  }

  /** Later calls wait for `applied`; the chain empties once the last of them is done. */
  private track(applied: Promise<unknown>): void {
    const tail: Promise<void> = applied.then(
      () => undefined,
      () => undefined,
    );
    this.appending = tail;
    void tail.then(() => {
      if (this.appending === tail) this.appending = null;
    });
  }

  /**
   * The answer once the records are logged. The fsync wait (flush-every-commit) is outside
   * the apply chain: the next call applies meanwhile, and one fdatasync covers both.
   */
  private answer(applied: Applied): ReplicaProgress | Promise<ReplicaProgress> {
    return applied.durable === null ? this.progress() : applied.durable.then(() => this.progress());
  }

  /**
   * Applies and logs the records in arrival order, synchronously, and returns what to wait
   * for before the answer (the WAL's fsync, when its policy says every commit). The frames
   * are walked in the received buffer (the RPC frame's CRC covered them; no per-record
   * CRC), each transaction decoded and applied, and the frames that applied handed to the
   * WAL as received, one write per run. A transaction of more than SLICE_DELTAS deltas that
   * is next in line is applied with `applyCommittedInSlices` instead (the event loop runs
   * between slices: heartbeats and readers are answered while a huge transaction applies;
   * nothing of it is visible before its last slice): then the result is a promise.
   */
  private applyAndLog(mainUuid: string, epoch: EpochState, records: readonly { frame: Buffer }[]): Applied | Promise<Applied> {
    this.checkMain(mainUuid);
    const { durability } = this.options;
    if (epoch.epochId !== durability.epoch.epochId) durability.adoptEpoch(epoch);
    const log = new LogRun(durability);
    const cursor: Cursor = { chunk: 0, at: 0 };
    const big = this.applySync(records, cursor, log);
    if (big === null) return this.applied(log);
    return this.applyRest(records, cursor, log, big);
  }

  private async applyRest(records: readonly { frame: Buffer }[], cursor: Cursor, log: LogRun, first: BigRecord): Promise<Applied> {
    for (let big: BigRecord | null = first; big !== null; big = this.applySync(records, cursor, log)) {
      this.options.log.info({ ts: big.ts, deltas: big.ct.deltas.length }, 'applying a big transaction from MAIN in slices');
      try {
        await this.options.storage.applyCommittedInSlices(big.ct, SLICE_DELTAS);
      } catch (e) {
        throw new RpcError(ReplicationCodes.BadRecord, `record ${big.ts}: ${(e as Error).message}`);
      }
      // The replay follows the storage again (nothing was held: checked before).
      this.replay = this.newReplay();
      log.add(big.frame, 0, big.frame.length, RecordKind.Commit, big.ts);
      log.flush();
    }
    return this.applied(log);
  }

  private applied(log: LogRun): Applied {
    this.options.onApplied?.(this.options.storage.lastCommitTimestamp());
    return { durable: log.wait };
  }

  /**
   * Applies frames from the cursor on; stops at the end of the batch (null) or before a
   * transaction to apply in slices (returned; the cursor is past it). What applied is
   * logged before it returns or throws (applied records must be in the WAL: a later batch
   * would skip them).
   */
  private applySync(records: readonly { frame: Buffer }[], cursor: Cursor, log: LogRun): BigRecord | null {
    this.batch = this.options.storage.beginReplayBatch();
    try {
      for (; cursor.chunk < records.length; cursor.chunk++, cursor.at = 0) {
        const buf = records[cursor.chunk].frame;
        while (cursor.at < buf.length) {
          const start = cursor.at;
          if (buf.length - start < RECORD_OVERHEAD + 1) throw badRecord(start, 'truncated');
          const len = buf.readUInt32LE(start);
          const end = start + len + RECORD_OVERHEAD;
          if (len < 1 || end > buf.length) throw badRecord(start, `length ${len} past the batch`);
          cursor.at = end;
          const kind = buf[start + 4];
          let record: WalRecord;
          let ts: number;
          try {
            if (kind === RecordKind.Commit || kind === RecordKind.Prepare) {
              const ct = decodeTransaction(buf, start + 5, start + 4 + len);
              ts = ct.commitTimestamp;
              const replay = this.replay;
              if (kind === RecordKind.Commit && ct.deltas.length > SLICE_DELTAS && ts === replay.lastApplied() + 1 && replay.lowestHeld() === null) {
                return { frame: buf.subarray(start, end), ts, ct };
              }
              record = { kind: kind === RecordKind.Commit ? 'commit' : 'prepare', ct };
            } else if (kind === RecordKind.FinalizeCommit || kind === RecordKind.FinalizeAbort) {
              ts = new ByteReader(buf, start + 5, start + 4 + len).uint();
              record = { kind: 'finalize', ts, committed: kind === RecordKind.FinalizeCommit };
            } else {
              throw badRecord(start, `unknown record kind ${kind}`);
            }
          } catch (e) {
            throw e instanceof RpcError ? e : badRecord(start, (e as Error).message);
          }
          let outcome;
          try {
            outcome = this.replay.feed(record);
          } catch (e) {
            const code = e instanceof ReplayError ? ReplicationCodes.Gap : ReplicationCodes.BadRecord;
            throw new RpcError(code, `record ${ts}: ${(e as Error).message}`);
          }
          if (outcome !== 'skipped') log.add(buf, start, end, kind, ts);
        }
      }
      return null;
    } finally {
      // Visible before anything else runs (readers, the answer, a big transaction's slices).
      const batch = this.batch;
      this.batch = null;
      try {
        batch.publish();
      } finally {
        log.flush();
      }
    }
  }
}

/** A batch applied: what its answer waits for. */
interface Applied {
  durable: Promise<void> | null;
}
