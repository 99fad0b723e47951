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
import { RecordKind, type RecordKindCode } from '../durability/wal-format.js';
import type { WalRecord } from '../durability/wal-reader.js';
import { RpcServer } from '../rpc/server.js';
import { RpcError, type RpcCallHook } from '../rpc/types.js';
import type { InMemoryStorage } from '../storage/storage.js';
import type { CommittedTransaction } from '../storage/types.js';
import { AppendRecords, Heartbeat, SwapMainUuid, TransferSnapshot, type ShippedRecord } from './protocol.js';
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

const SCHEMA_OPS = new Set(['createIndex', 'dropIndex', 'createIndexSpec', 'dropIndexSpec', 'createConstraint', 'dropConstraint']);

function toWalRecord(r: ShippedRecord): WalRecord {
  switch (r.kind) {
    case RecordKind.Commit:
      return { kind: 'commit', ct: decodeTransaction(r.body) };
    case RecordKind.Prepare:
      return { kind: 'prepare', ct: decodeTransaction(r.body) };
    case RecordKind.FinalizeCommit:
    case RecordKind.FinalizeAbort:
      return { kind: 'finalize', ts: new ByteReader(r.body, 0, r.body.length).uint(), committed: r.kind === RecordKind.FinalizeCommit };
    default:
      throw new RpcError(ReplicationCodes.BadRecord, `unknown record kind ${r.kind}`);
  }
}

export class ReplicaServer {
  private readonly server: RpcServer;
  private replay: Replay;
  /** The AppendRecords call running now (calls apply one after the other). */
  private appending: Promise<unknown> = Promise.resolve();

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
        storage.applyCommitted(ct);
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
   * slices yields to the event loop; the next call must not overtake it).
   */
  private append(mainUuid: string, epoch: EpochState, records: ShippedRecord[]): Promise<ReplicaProgress> {
    const applied = this.appending.then(() => this.applyAndLog(mainUuid, epoch, records));
    this.appending = applied.catch(() => undefined);
    // The fsync wait is outside the chain: the next call applies meanwhile, and one
    // fdatasync covers both (group fsync across calls).
    return applied.then(async ({ durable }) => {
      if (durable !== null) await durable;
      return this.progress();
    });
  }

  /**
   * Applies and logs the records in arrival order; returns what to wait for before the
   * answer (the WAL's fsync, when its policy says every commit). Records are applied and handed to the OS synchronously, in one
   * write() per run of records; a transaction of more than SLICE_DELTAS deltas that is
   * next in line is applied with `applyCommittedInSlices` instead (the event loop runs
   * between slices: heartbeats and readers are answered while a huge transaction applies;
   * nothing of it is visible before its last slice).
   */
  private async applyAndLog(mainUuid: string, epoch: EpochState, records: ShippedRecord[]): Promise<{ durable: Promise<void> | null }> {
    this.checkMain(mainUuid);
    const { durability, storage } = this.options;
    if (records.length === 0) return { durable: null };
    if (epoch.epochId !== durability.epoch.epochId) durability.adoptEpoch(epoch);
    let wait: Promise<void> | null = null;
    const log = (r: ShippedRecord): void => {
      try {
        wait = durability.appendReplicated(r.kind as RecordKindCode, r.ts, r.body) ?? wait;
      } catch (e) {
        throw new RpcError(ReplicationCodes.WalFailed, `record ${r.ts}: ${(e as Error).message}`);
      }
    };
    for (let i = 0; i < records.length; ) {
      let big: { record: ShippedRecord; ct: CommittedTransaction } | null = null;
      // Acknowledged records survive a crash of this process (not of the machine, unless
      // the flush policy fsyncs every commit): a run of records goes to the OS in one write().
      const failed = durability.appendReplicatedBatch(() => {
        for (; i < records.length; i++) {
          const r = records[i];
          const w = toWalRecord(r);
          if (w.kind === 'commit' && w.ct.deltas.length > SLICE_DELTAS && w.ct.commitTimestamp === this.replay.lastApplied() + 1 && this.replay.lowestHeld() === null) {
            big = { record: r, ct: w.ct };
            i++;
            return;
          }
          let outcome;
          try {
            outcome = this.replay.feed(w);
          } catch (e) {
            const code = e instanceof ReplayError ? ReplicationCodes.Gap : ReplicationCodes.BadRecord;
            throw new RpcError(code, `record ${r.ts}: ${(e as Error).message}`);
          }
          if (outcome !== 'skipped') log(r);
        }
      });
      if (failed !== null) throw new RpcError(ReplicationCodes.WalFailed, `the WAL failed: ${failed.message}`);
      if (big === null) break;
      const { record, ct }: { record: ShippedRecord; ct: CommittedTransaction } = big;
      this.options.log.info({ ts: record.ts, deltas: ct.deltas.length }, 'applying a big transaction from MAIN in slices');
      try {
        await storage.applyCommittedInSlices(ct, SLICE_DELTAS);
      } catch (e) {
        throw new RpcError(ReplicationCodes.BadRecord, `record ${record.ts}: ${(e as Error).message}`);
      }
      // The replay follows the storage again (nothing was held: checked above).
      this.replay = this.newReplay();
      const walFailed = durability.appendReplicatedBatch(() => log(record));
      if (walFailed !== null) throw new RpcError(ReplicationCodes.WalFailed, `the WAL failed: ${walFailed.message}`);
    }
    this.options.onApplied?.(storage.lastCommitTimestamp());
    // Wrapped: an async function would wait for a promise it returns.
    return { durable: wait };
  }
}
