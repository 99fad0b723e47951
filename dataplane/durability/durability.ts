// The durability subsystem of one instance: locks the data directory, recovers, then
// logs every commit to the WAL (its commit stage), takes periodic snapshots, applies
// retention, and answers CREATE SNAPSHOT / SHOW SNAPSHOTS.
//
//   <data-directory>/.lock                 owner pid (lock.ts)
//   <data-directory>/snapshots/            snapshot files (snapshot.ts)
//   <data-directory>/wal/                  WAL files (wal-writer.ts), wal/.old/ set aside
//   <data-directory>/replication/epoch.json epoch id + history (epoch.ts)

import fs from 'node:fs';
import path from 'node:path';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DurabilityFlags } from '../config.js';
import { Codes, MghaError } from '../errors.js';
import type { InMemoryStorage } from '../storage/storage.js';
import type { CommitStage } from '../storage/types.js';
import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import { ByteWriter, encodeTransactionInto, preEncodeDeltas } from './codec.js';
import { RecordKind } from './wal-format.js';
import { InTransaction, type AdminRegistry, type AdminResult } from '../query/admin-registry.js';
import type { Value } from '../values/model.js';
import { epochFile, freshEpoch, loadEpoch, nextEpoch, saveEpoch, type EpochState } from './epoch.js';
import { DataDirectoryLock } from './lock.js';
import {
  checkFormatVersions,
  listWalFiles,
  recover,
  snapshotDirectory,
  walDirectory,
  type DurabilityLogger,
  type RecoveryReport,
} from './recovery.js';
import { listSnapshots, loadSnapshot, verifySnapshot, writeSnapshot, type SnapshotFile, type SnapshotMeta } from './snapshot.js';
import { fsyncDirectory, WalWriter, type FramedRun } from './wal-writer.js';

/** Memgraph's durability flags (config.ts parses them) plus the data directory. */
export interface DurabilityConfig extends DurabilityFlags {
  dataDirectory: string;
}

/** LOCK DATA DIRECTORY, UNLOCK DATA DIRECTORY, DATA DIRECTORY LOCK STATUS. */
export type DirectoryLockQuery = 'lock' | 'unlock' | 'status';

/** A configuration or data directory startup must refuse, with what to do about it. */
export class DurabilityStartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DurabilityStartupError';
  }
}

interface DurabilityMetrics {
  walBytes: Counter;
  fsyncSeconds: Histogram;
  snapshotSeconds: Histogram;
  snapshotBytes: Gauge;
  recoverySeconds: Gauge;
  walFailed: Gauge;
}

function createMetrics(registry: Registry, lastDurable: () => number, walBytes: () => number): DurabilityMetrics {
  const registers = [registry];
  let reportedWalBytes = 0;
  new Gauge({
    name: 'mgha_last_durable_timestamp',
    help: 'Commit timestamp up to which every transaction is on disk (fsynced WAL or snapshot)',
    registers,
    collect() {
      this.set(lastDurable());
    },
  });
  return {
    walBytes: new Counter({
      name: 'mgha_wal_bytes_total',
      help: 'Bytes appended to WAL files',
      registers,
      // Read at scrape time: a counter update per commit costs more than it is worth.
      collect() {
        const total = walBytes();
        if (total > reportedWalBytes) this.inc(total - reportedWalBytes);
        reportedWalBytes = total;
      },
    }),
    fsyncSeconds: new Histogram({
      name: 'mgha_wal_fsync_duration_seconds',
      help: 'Latency of WAL fsyncs (one fsync may cover several commits)',
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
      registers,
    }),
    snapshotSeconds: new Histogram({
      name: 'mgha_snapshot_duration_seconds',
      help: 'Time to write a snapshot',
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
      registers,
    }),
    snapshotBytes: new Gauge({ name: 'mgha_snapshot_size_bytes', help: 'Size of the newest snapshot', registers }),
    recoverySeconds: new Gauge({ name: 'mgha_recovery_duration_seconds', help: 'Time the startup recovery took', registers }),
    walFailed: new Gauge({ name: 'mgha_wal_failed', help: '1 once a WAL write or fsync failed: writes are refused until restart', registers }),
  };
}

/** Deltas encoded per turn of the event loop when a huge transaction is encoded ahead (~5-10 ms). */
const PRE_ENCODE_SLICE = 20_000;

export class Durability {
  private writer: WalWriter | null = null;
  private timer: TimerHandle | null = null;
  private snapshotRunning: Promise<SnapshotFile> | null = null;
  private lastSnapshotTs: number;
  private readonly walPins = new Map<number, number>();
  private nextPin = 0;
  /** LOCK DATA DIRECTORY: no durability file is deleted until UNLOCK (for backups). */
  private directoryLocked = false;
  private closed = false;
  private writerClosed = false;
  private metrics: DurabilityMetrics | null = null;

  /** @internal use openDurability() */
  constructor(
    readonly config: DurabilityConfig,
    private readonly storage: InMemoryStorage,
    private readonly log: DurabilityLogger,
    private readonly lock: DataDirectoryLock,
    private epochState: EpochState,
    readonly recovery: RecoveryReport | null,
    private readonly clock: Clock,
  ) {
    this.lastSnapshotTs = recovery?.snapshot?.timestamp ?? -1;
  }

  get snapshotDir(): string {
    return snapshotDirectory(this.config.dataDirectory);
  }

  get walDir(): string {
    return walDirectory(this.config.dataDirectory);
  }

  get epoch(): EpochState {
    return this.epochState;
  }

  /** @internal wiring done by openDurability() */
  start(registry: Registry | undefined): void {
    if (registry !== undefined) {
      this.metrics = createMetrics(registry, () => this.lastDurableTimestamp(), () => this.writer?.bytesAppended ?? 0);
      if (this.recovery !== null) this.metrics.recoverySeconds.set(this.recovery.seconds);
    }
    // Encode once: the WAL record body, and replication's payload even with the WAL off.
    const scratch = new ByteWriter(4096);
    this.storage.setCommitEncoder((commit) => {
      scratch.reset();
      encodeTransactionInto(scratch, commit);
      return scratch.view();
    });
    // A huge transaction's deltas are encoded before its commit, a slice per turn of the
    // event loop, so other sessions are served meanwhile; the encoder above then copies them.
    this.storage.setCommitPreEncoder(async (deltas) => {
      for (const step = preEncodeDeltas(deltas, PRE_ENCODE_SLICE); !step.next().done; ) {
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    });
    if (this.config.walEnabled) {
      const metrics = this.metrics;
      this.writer = new WalWriter({
        directory: this.walDir,
        epochId: this.epochState.epochId,
        fileSizeBytes: this.config.walFileSizeKib * 1024,
        flushEveryNTx: Math.max(1, this.config.walFileFlushEveryNTx),
        durableTimestamp: this.storage.lastCommitTimestamp(),
        hooks: {
          synced: (s) => metrics?.fsyncSeconds.observe(s),
          failed: (err, unwritten) => {
            metrics?.walFailed.set(1);
            this.log.error({ err, lastDurableTimestamp: this.lastDurableTimestamp() }, 'WAL failed: write queries are refused until restart');
            if (unwritten !== null) {
              this.log.error(
                { fromTimestamp: unwritten.fromTs, toTimestamp: unwritten.toTs },
                `acknowledged commits ${unwritten.fromTs}..${unwritten.toTs} were not written to the WAL (batched flushing): a restart may not have them`,
              );
            }
          },
        },
      });
      this.storage.addCommitStage(this.walStage());
    }
    if (this.config.snapshotIntervalSec > 0) {
      this.timer = this.clock.setInterval(() => void this.periodicSnapshot(), this.config.snapshotIntervalSec * 1000);
    }
  }

  /**
   * The first commit stage: appends each commit's encoded bytes (the same bytes
   * replication ships) as one COMMIT record, or, when a later stage may still refuse it, as
   * PREPARE now and FINALIZE when it settles. A failed append aborts the commit. The
   * acknowledgement waits for the fsync when --storage-wal-file-flush-every-n-tx=1.
   */
  private walStage(): CommitStage {
    return {
      name: 'wal',
      run: (commit) => {
        const writer = this.openWriter();
        writer.appendEncoded(commit.twoPhase ? RecordKind.Prepare : RecordKind.Commit, commit.commitTimestamp, commit.encoded());
      },
      settle: (commit, committed) => {
        const writer = this.openWriter();
        if (commit.twoPhase) writer.appendFinalize(commit.commitTimestamp, committed);
        if (!committed) return;
        return this.waitDurable(commit.commitTimestamp) ?? undefined;
      },
    };
  }

  private openWriter(): WalWriter {
    if (this.writer === null || this.writerClosed) {
      throw new MghaError(Codes.DatabaseError, 'The WAL is closed (the instance is shutting down): the commit is refused.');
    }
    return this.writer;
  }

  /**
   * What a commit must wait for before it is acknowledged: the fsync of its WAL record
   * when --storage-wal-file-flush-every-n-tx=1. Null when there is nothing to wait for
   * (WAL off, batched flushing, which bounds the loss by the policy, or already on disk),
   * so the caller can stay synchronous. Rejects once the WAL has failed.
   */
  waitDurable(commitTs: number): Promise<void> | null {
    if (this.writer === null) return null;
    const failure = this.writer.failed();
    if (failure !== null) return Promise.reject(failure);
    if (this.config.walFileFlushEveryNTx > 1 || commitTs <= this.writer.durableTimestamp()) return null;
    return this.writer.waitDurable(commitTs);
  }

  /**
   * Why write queries must be refused (the WAL failed: a full disk, an I/O error), or null.
   * Reads go on; the instance needs a restart once the cause is fixed.
   */
  writeRefusal(): MghaError | null {
    const failure = this.writer?.failed() ?? null;
    if (failure === null) return null;
    return new MghaError(
      Codes.CommitFailed,
      `${failure.message}. Write queries are refused until the instance restarts (free space or fix the disk first); ` +
        `reads still work, and commits from before the failure were written as the flush policy promises`,
    );
  }

  /** Writes buffered WAL records to the OS (batched mode); best effort, for exit paths. */
  flushToOs(): void {
    try {
      this.writer?.flushToOs();
    } catch {
      // The failure is recorded and logged by the writer's failed hook.
    }
  }

  /** Highest commit timestamp that survives a crash of the machine. */
  lastDurableTimestamp(): number {
    const wal = this.writer?.durableTimestamp() ?? -1;
    return Math.max(wal, this.lastSnapshotTs, 0);
  }

  /** Snapshot files, oldest first. */
  listSnapshots(): SnapshotFile[] {
    return listSnapshots(this.snapshotDir);
  }

  /**
   * Writes a snapshot now (after any running one finishes) and applies retention.
   * Returns the new file.
   */
  async createSnapshot(): Promise<SnapshotFile> {
    while (this.snapshotRunning !== null) await this.snapshotRunning.catch(() => undefined);
    const run = this.snapshot();
    this.snapshotRunning = run;
    try {
      return await run;
    } finally {
      this.snapshotRunning = null;
    }
  }

  private async snapshot(): Promise<SnapshotFile> {
    const started = process.hrtime.bigint();
    const file = await writeSnapshot(this.snapshotDir, this.storage, this.epochState);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.lastSnapshotTs = Math.max(this.lastSnapshotTs, file.timestamp);
    this.metrics?.snapshotSeconds.observe(seconds);
    this.metrics?.snapshotBytes.set(file.size);
    this.log.info({ file: file.path, timestamp: file.timestamp, bytes: file.size, seconds }, 'snapshot created');
    this.applyRetention();
    return file;
  }

  private async periodicSnapshot(): Promise<void> {
    if (this.snapshotRunning !== null) {
      this.log.info('periodic snapshot skipped: one is in progress');
      return;
    }
    if (this.storage.lastCommitTimestamp() === this.lastSnapshotTs) {
      this.log.info({ timestamp: this.lastSnapshotTs }, 'periodic snapshot skipped: nothing changed');
      return;
    }
    try {
      await this.createSnapshot();
    } catch (e) {
      this.log.error({ err: e }, 'periodic snapshot failed');
    }
  }

  /**
   * Keeps the newest --storage-snapshot-retention-count snapshots, and the WAL files
   * after the oldest of them (so an older snapshot plus the WAL can stand in for a newer
   * one that turns out corrupt), minus what a pinned reader still needs.
   */
  private applyRetention(): void {
    if (this.directoryLocked) {
      this.log.info('retention skipped: the data directory is locked (LOCK DATA DIRECTORY)');
      return;
    }
    const snaps = listSnapshots(this.snapshotDir);
    const keep = Math.max(1, this.config.snapshotRetentionCount);
    for (const s of snaps.slice(0, Math.max(0, snaps.length - keep))) {
      if (this.deleteFile(s.path)) this.log.info({ file: s.path }, 'snapshot deleted by retention');
    }
    const kept = snaps.slice(-keep);
    if (kept.length === 0) return;
    let upTo = kept[0].timestamp;
    for (const ts of this.walPins.values()) upTo = Math.min(upTo, ts);
    const active = this.writer?.activeFile()?.path;
    for (const w of listWalFiles(this.walDir)) {
      if (w.name.kind !== 'final' || w.path === active || w.name.toTs > upTo) continue;
      if (this.deleteFile(w.path)) this.log.info({ file: w.path }, 'WAL file deleted: covered by the retained snapshots');
    }
  }

  /**
   * Retention is housekeeping: a file it cannot delete (permissions, I/O) is logged and
   * tried again next time, and does not fail the snapshot or UNLOCK that triggered it.
   */
  private deleteFile(file: string): boolean {
    try {
      fs.rmSync(file, { force: true });
      return true;
    } catch (e) {
      this.log.warn({ err: e, file }, 'retention could not delete a file; it is retried after the next snapshot');
      return false;
    }
  }

  /**
   * Keeps the WAL files holding transactions after `ts` until the returned release
   * function is called (a replica catching up reads them).
   */
  retainWalAfter(ts: number): () => void {
    const id = this.nextPin++;
    this.walPins.set(id, ts);
    return () => {
      this.walPins.delete(id);
    };
  }

  /**
   * A new epoch (on promotion to MAIN): the current one moves into the history with the
   * last commit timestamp, the epoch file is saved and the WAL starts a new file.
   */
  newEpoch(): EpochState {
    this.epochState = nextEpoch(this.epochState, this.storage.lastCommitTimestamp());
    saveEpoch(epochFile(this.config.dataDirectory), this.epochState);
    this.writer?.setEpoch(this.epochState.epochId);
    return this.epochState;
  }

  /** The epoch a REPLICA follows: its MAIN's id and history (saved; the WAL starts a new file). */
  adoptEpoch(epoch: EpochState): void {
    this.epochState = { epochId: epoch.epochId, history: [...epoch.history] };
    saveEpoch(epochFile(this.config.dataDirectory), this.epochState);
    this.writer?.setEpoch(this.epochState.epochId);
  }

  /**
   * A replica logs a run of records its MAIN framed (WAL frames back to back, as received)
   * with one write to the OS. Returns what an acknowledgement must wait for (the fsync of
   * the run's last committed record under flush-every-commit), or null.
   */
  appendReplicatedFrames(frames: Uint8Array, run: FramedRun): Promise<void> | null {
    this.openWriter().appendFramed(frames, run);
    return run.committedTs > 0 ? this.waitDurable(run.committedTs) : null;
  }


  /**
   * Replaces the whole graph with a snapshot (a REPLICA too far behind, or diverged, loads
   * its MAIN's): the current WAL and snapshot files move to `.old/` (kept, never read), the
   * snapshot is copied in and loaded into the running storage (open readers finish on the
   * old graph), and the epoch and WAL continue from it. The caller clears plan caches.
   */
  async replaceWithSnapshot(file: string): Promise<SnapshotMeta> {
    while (this.snapshotRunning !== null) await this.snapshotRunning.catch(() => undefined);
    const meta = verifySnapshot(file);
    this.writer?.finalise();
    setAsideOldFiles(this.config.dataDirectory, this.log, 'the graph is replaced by a snapshot from the MAIN', this.config.enableBackupDir !== false);
    const target = path.join(this.snapshotDir, path.basename(file));
    fs.copyFileSync(file, target);
    fsyncDirectory(this.snapshotDir);
    this.storage.replaceContents((fresh) => loadSnapshot(target, fresh));
    this.lastSnapshotTs = meta.timestamp;
    this.writer?.restartAt(meta.timestamp);
    this.adoptEpoch(meta.epoch);
    this.log.info({ file: target, timestamp: meta.timestamp, ...this.storage.counts() }, 'graph replaced by a snapshot');
    return meta;
  }

  /**
   * Empties the graph and starts the durable state over (a diverged REPLICA told to
   * resynchronise, Memgraph's force reset): the WAL and snapshot files move to `.old/`
   * (deleted with --storage-enable-backup-dir=false), the storage is replaced by an empty
   * one at timestamp 0 and the epoch is fresh, so its MAIN catches it up from scratch.
   * The caller clears plan caches and drops replication state that refers to the old graph.
   */
  async resetToEmpty(): Promise<void> {
    while (this.snapshotRunning !== null) await this.snapshotRunning.catch(() => undefined);
    this.writer?.finalise();
    setAsideOldFiles(this.config.dataDirectory, this.log, 'forced resynchronisation with the MAIN', this.config.enableBackupDir !== false);
    this.storage.replaceContents(() => undefined);
    this.lastSnapshotTs = -1;
    this.writer?.restartAt(0);
    this.epochState = freshEpoch();
    saveEpoch(epochFile(this.config.dataDirectory), this.epochState);
    this.writer?.setEpoch(this.epochState.epochId);
    this.log.warn({ dataDirectory: this.config.dataDirectory }, 'storage reset to empty for a resynchronisation from the MAIN');
  }

  /**
   * Answers `CREATE SNAPSHOT`, `SHOW SNAPSHOTS` and the data directory lock statements
   * (Memgraph refuses all but SHOW SNAPSHOTS inside explicit transactions).
   */
  registerAdminStatements(admin: AdminRegistry): void {
    admin.register('CreateSnapshot', () => this.createSnapshotQuery(), { refusedInTransaction: InTransaction.snapshot });
    admin.register('ShowSnapshots', async () => this.showSnapshotsQuery());
    const lockStatus = (query: DirectoryLockQuery) => async (): Promise<AdminResult> => ({ columns: ['STATUS'], rows: [[this.directoryLockQuery(query)]] });
    const inTx = { refusedInTransaction: InTransaction.lockPath };
    admin.register('LockDataDirectory', lockStatus('lock'), inTx);
    admin.register('UnlockDataDirectory', lockStatus('unlock'), inTx);
    admin.register('DataDirectoryLockStatus', lockStatus('status'), inTx);
  }

  /** Memgraph's LOCK / UNLOCK DATA DIRECTORY and DATA DIRECTORY LOCK STATUS, with its messages. */
  directoryLockQuery(query: DirectoryLockQuery): string {
    const was = this.directoryLocked;
    if (query === 'status') return was ? 'Data directory is locked.' : 'Data directory is unlocked.';
    if (query === 'lock') {
      this.directoryLocked = true;
      return was ? 'Data directory is already locked.' : 'Data directory is now locked.';
    }
    this.directoryLocked = false;
    // What retention held back while locked goes now.
    if (was) this.applyRetention();
    return was ? 'Data directory is now unlocked.' : 'Data directory is already unlocked.';
  }

  /** `CREATE SNAPSHOT` → one row with the path; a failure (disk full …) comes back coded. */
  async createSnapshotQuery(): Promise<AdminResult> {
    let file: SnapshotFile;
    try {
      file = await this.createSnapshot();
    } catch (e) {
      this.log.error({ err: e }, 'CREATE SNAPSHOT failed');
      throw databaseError('Failed to create a snapshot', e);
    }
    return { columns: ['path'], rows: [[file.path]] };
  }

  /** `SHOW SNAPSHOTS` → newest first, Memgraph's columns. */
  showSnapshotsQuery(): AdminResult {
    let files: SnapshotFile[];
    try {
      files = this.listSnapshots();
    } catch (e) {
      throw databaseError('Failed to list the snapshots', e);
    }
    const rows = files
      .reverse()
      .map((s): Value[] => [s.path, BigInt(s.timestamp), s.createdAt.toISOString(), BigInt(s.size)]);
    return { columns: ['path', 'timestamp', 'creation_time', 'size'], rows };
  }

  /**
   * Orderly shutdown (after the last commit): waits for a running snapshot, writes one if
   * asked (--storage-snapshot-on-exit), finalises the WAL and releases the lock.
   */
  async close(options: { snapshotOnExit?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== null) this.clock.clearInterval(this.timer);
    try {
      if (this.snapshotRunning !== null) await this.snapshotRunning.catch(() => undefined);
      const wanted = options.snapshotOnExit ?? this.config.snapshotOnExit;
      if (wanted && this.storage.lastCommitTimestamp() !== this.lastSnapshotTs) await this.createSnapshot();
      await this.writer?.close();
      this.writerClosed = true;
    } finally {
      this.lock.release();
    }
  }
}

/** A file-system failure behind an admin statement, as the coded error its client gets. */
function databaseError(what: string, e: unknown): MghaError {
  return new MghaError(Codes.MemgraphDatabaseError, `${what}: ${e instanceof Error ? e.message : String(e)}`);
}

function prepareDirectories(dataDirectory: string): void {
  for (const dir of [dataDirectory, snapshotDirectory(dataDirectory), walDirectory(dataDirectory), path.dirname(epochFile(dataDirectory))]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  // Snapshots that were being written when a process died.
  const snapDir = snapshotDirectory(dataDirectory);
  for (const name of fs.readdirSync(snapDir)) {
    if (name.startsWith('.') && name.endsWith('.tmp')) fs.rmSync(path.join(snapDir, name), { force: true });
  }
}

/**
 * Old files must not mix with new ones: they go to `.old/` (one generation), or are
 * deleted when `keep` is false (--storage-enable-backup-dir=false).
 */
function setAsideOldFiles(dataDirectory: string, log: DurabilityLogger, why = '--data-recovery-on-startup=false', keep = true): void {
  for (const dir of [snapshotDirectory(dataDirectory), walDirectory(dataDirectory)]) {
    const names = fs.readdirSync(dir).filter((n) => !n.startsWith('.'));
    if (names.length === 0) continue;
    const old = path.join(dir, '.old');
    fs.rmSync(old, { recursive: true, force: true });
    if (!keep) {
      for (const n of names) fs.rmSync(path.join(dir, n), { recursive: true, force: true });
      log.warn({ directory: dir, files: names.length }, `${why}: existing durability files deleted (--storage-enable-backup-dir=false)`);
      continue;
    }
    fs.mkdirSync(old);
    for (const n of names) fs.renameSync(path.join(dir, n), path.join(old, n));
    log.warn({ directory: dir, files: names.length, movedTo: old }, `${why}: existing durability files moved aside`);
  }
}

export function validateDurabilityConfig(config: DurabilityConfig): void {
  if (config.walEnabled && config.snapshotIntervalSec === 0) {
    throw new DurabilityStartupError(
      'the WAL needs periodic snapshots: --storage-wal-enabled=true with --storage-snapshot-interval-sec=0 ' +
        '(or an empty --storage-snapshot-interval) is not allowed (set an interval, or --storage-wal-enabled=false)',
    );
  }
  if (config.walFileSizeKib <= 0) throw new DurabilityStartupError('--storage-wal-file-size-kib must be positive');
  if (config.walFileFlushEveryNTx <= 0) throw new DurabilityStartupError('--storage-wal-file-flush-every-n-tx must be positive');
}

/**
 * Opens the data directory for `storage` (which must be empty): refuses a bad
 * configuration, a directory locked by a live process and files of another format
 * version; recovers (unless disabled); then logs commits and takes snapshots as configured.
 */
export async function openDurability(
  config: DurabilityConfig,
  storage: InMemoryStorage,
  log: DurabilityLogger,
  registry?: Registry,
  clock: Clock = systemClock,
): Promise<Durability> {
  validateDurabilityConfig(config);
  fs.mkdirSync(config.dataDirectory, { recursive: true });
  const lock = DataDirectoryLock.acquire(config.dataDirectory);
  try {
    prepareDirectories(config.dataDirectory);
    let recovery: RecoveryReport | null = null;
    if (config.recoveryOnStartup) {
      checkFormatVersions(config.dataDirectory);
      recovery = recover(config.dataDirectory, storage, log);
    } else {
      setAsideOldFiles(config.dataDirectory, log, undefined, config.enableBackupDir !== false);
    }
    const file = epochFile(config.dataDirectory);
    let epoch = config.recoveryOnStartup ? loadEpoch(file) : null;
    if (epoch === null) {
      epoch = recovery?.snapshot?.epoch ?? freshEpoch();
      saveEpoch(file, epoch);
    }
    const durability = new Durability(config, storage, log, lock, epoch, recovery, clock);
    durability.start(registry);
    return durability;
  } catch (e) {
    lock.release();
    throw e;
  }
}
