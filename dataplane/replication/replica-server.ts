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

const SCHEMA_OPS = new Set(['createIndex', 'dropIndex', 'createConstraint', 'dropConstraint']);

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
   * Applies and logs the records synchronously, in arrival order (the RPC server calls
   * handlers in frame order), then waits for the WAL's fsync if its policy asks for it.
   */
  private async append(mainUuid: string, epoch: EpochState, records: ShippedRecord[]): Promise<ReplicaProgress> {
    this.checkMain(mainUuid);
    const { durability, storage } = this.options;
    if (records.length > 0 && epoch.epochId !== durability.epoch.epochId) durability.adoptEpoch(epoch);
    let wait: Promise<void> | null = null;
    for (const r of records) {
      let outcome;
      try {
        outcome = this.replay.feed(toWalRecord(r));
      } catch (e) {
        if (e instanceof RpcError) throw e;
        const code = e instanceof ReplayError ? ReplicationCodes.Gap : ReplicationCodes.BadRecord;
        throw new RpcError(code, `record ${r.ts}: ${(e as Error).message}`);
      }
      if (outcome === 'skipped') continue;
      try {
        wait = durability.appendReplicated(r.kind as RecordKindCode, r.ts, r.body) ?? wait;
      } catch (e) {
        throw new RpcError(ReplicationCodes.WalFailed, `record ${r.ts}: ${(e as Error).message}`);
      }
    }
    // Acknowledged records survive a crash of this process (not of the machine, unless the
    // flush policy fsyncs every commit): one write() per batch hands them to the OS.
    if (records.length > 0) durability.flushToOs();
    this.options.onApplied?.(storage.lastCommitTimestamp());
    if (wait !== null) await wait;
    return this.progress();
  }
}
