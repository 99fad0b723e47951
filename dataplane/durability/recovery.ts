// Startup recovery: the newest valid snapshot, then the WAL after it, transaction by
// transaction, stopping at the first one that is torn, corrupt, missing (a gap in the
// commit timestamps) or cannot be applied. Where it stopped is logged and returned.
//
// Afterwards the WAL directory again holds one unbroken chain: a crashed run's
// `…_current` file is finalised under its timestamp range; the file where recovery stopped
// is cut at the last good transaction (the original is kept in `wal/.old/`), and the
// files after it, which can no longer be applied, move to `wal/.old/`. Without that, new
// commits would reuse the timestamps of the unusable files.

import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { InMemoryStorage } from '../storage/storage.js';
import type { EpochState } from './epoch.js';
import { listSnapshots, loadSnapshot, SnapshotError, verifySnapshot } from './snapshot.js';
import { finalWalName, HeaderError, parseWalName, SNAPSHOT_MAGIC, WAL_MAGIC, type WalName } from './wal-format.js';
import { readHeader, readWalFile, recordTimestamp, type ReadStop } from './wal-reader.js';
import { Replay, ReplayError } from './replay.js';
import { fsyncDirectory } from './wal-writer.js';
import { readDirIfExists } from './files.js';

export type DurabilityLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

/** A durability file written by another format version: startup refuses to guess. */
export class IncompatibleFormatError extends Error {
  constructor(file: string, detail: string) {
    super(`${file} has an incompatible format (${detail}); recover it with a matching mgha version, or move it out of the data directory`);
    this.name = 'IncompatibleFormatError';
  }
}

export interface RecoveryReport {
  snapshot: { path: string; timestamp: number; epoch: EpochState } | null;
  /** Snapshots skipped as invalid, newest first. */
  invalidSnapshots: { path: string; reason: string }[];
  walTransactions: number;
  lastCommitTimestamp: number;
  /** Where WAL replay stopped early, or null when it read everything. */
  stop: ReadStop | null;
  /** Files moved to `wal/.old/` because they follow the stop. */
  movedAside: string[];
  seconds: number;
}

/** What recovery read of one WAL file: the range of its good records and where they end. */
interface FileRead {
  f: WalFile;
  firstTs: number;
  lastTs: number;
  goodEnd: number;
}

export interface WalFile {
  path: string;
  name: WalName;
}

export function snapshotDirectory(dataDirectory: string): string {
  return path.join(dataDirectory, 'snapshots');
}

export function walDirectory(dataDirectory: string): string {
  return path.join(dataDirectory, 'wal');
}

/** WAL files in creation order. */
export function listWalFiles(directory: string): WalFile[] {
  const names = readDirIfExists(directory);
  const out: WalFile[] = [];
  for (const n of names) {
    const name = parseWalName(n);
    if (name !== null) out.push({ path: path.join(directory, n), name });
  }
  return out.sort((a, b) => (a.name.stamp < b.name.stamp ? -1 : a.name.stamp > b.name.stamp ? 1 : 0));
}

/** Refuses to start on files of another format version, before anything is changed. */
export function checkFormatVersions(dataDirectory: string): void {
  const check = (file: string, magic: Buffer): void => {
    try {
      readHeader(file, magic);
    } catch (e) {
      if (e instanceof HeaderError && e.incompatible) throw new IncompatibleFormatError(file, e.message);
    }
  };
  for (const s of listSnapshots(snapshotDirectory(dataDirectory))) check(s.path, SNAPSHOT_MAGIC);
  for (const w of listWalFiles(walDirectory(dataDirectory))) check(w.path, WAL_MAGIC);
}

function moveAside(file: string): string {
  const dir = path.join(path.dirname(file), '.old');
  fs.mkdirSync(dir, { recursive: true });
  const to = path.join(dir, path.basename(file));
  fs.renameSync(file, to);
  return to;
}

/** Loads the newest valid snapshot; returns null when there is none. */
function recoverSnapshot(
  dataDirectory: string,
  storage: InMemoryStorage,
  log: DurabilityLogger,
  invalid: RecoveryReport['invalidSnapshots'],
): RecoveryReport['snapshot'] {
  const snapshots = listSnapshots(snapshotDirectory(dataDirectory)).reverse();
  for (const s of snapshots) {
    try {
      verifySnapshot(s.path);
    } catch (e) {
      if (!(e instanceof SnapshotError || e instanceof HeaderError)) throw e;
      const reason = e instanceof SnapshotError ? e.message : `bad header: ${e.message}`;
      invalid.push({ path: s.path, reason });
      // Set aside, so retention does not count it and later restarts do not retry it.
      const movedTo = moveAside(s.path);
      log.warn({ file: s.path, reason, movedTo }, 'snapshot is invalid; trying an older one');
      continue;
    }
    const meta = loadSnapshot(s.path, storage);
    log.info({ file: s.path, timestamp: meta.timestamp, ...storage.counts() }, 'recovered snapshot');
    return { path: s.path, timestamp: meta.timestamp, epoch: meta.epoch };
  }
  return null;
}

export function recover(dataDirectory: string, storage: InMemoryStorage, log: DurabilityLogger): RecoveryReport {
  const started = process.hrtime.bigint();
  const invalidSnapshots: RecoveryReport['invalidSnapshots'] = [];
  const snapshot = recoverSnapshot(dataDirectory, storage, log, invalidSnapshots);

  const walDir = walDirectory(dataDirectory);
  const replay = new Replay(storage);
  let stop: ReadStop | null = null;
  let applied = 0;
  const movedAside: string[] = [];
  const read: FileRead[] = [];
  /** Where the lowest still-held (prepared, unfinalised) transaction was logged. */
  let heldSince: { read: FileRead; offset: number; firstTs: number; lastTs: number } | null = null;
  for (const f of inReplayOrder(listWalFiles(walDir))) {
    if (stop !== null) {
      movedAside.push(moveAside(f.path));
      continue;
    }
    if (f.name.kind === 'final' && f.name.toTs <= replay.lastApplied()) continue;
    // The range of the records that are fine in this file (already applied, applied or held).
    const fr: FileRead = { f, firstTs: -1, lastTs: -1, goodEnd: 0 };
    read.push(fr);
    try {
      fr.goodEnd = readHeader(f.path, WAL_MAGIC).end;
      const reader = readWalFile(f.path);
      for (;;) {
        const next = reader.next();
        if (next.done === true) {
          stop = next.value;
          break;
        }
        const entry = next.value;
        const ts = recordTimestamp(entry);
        const before = { firstTs: fr.firstTs, lastTs: fr.lastTs };
        try {
          if (replay.feed(entry) === 'applied') applied++;
        } catch (e) {
          const reason = e instanceof ReplayError ? e.message : `transaction ${ts} cannot be applied: ${(e as Error).message}`;
          stop = { file: f.path, offset: entry.offset, reason };
          reader.return(null);
          break;
        }
        if (replay.lowestHeld() === null) heldSince = null;
        else if (heldSince === null) heldSince = { read: fr, offset: entry.offset, ...before };
        if (fr.firstTs < 0 || ts < fr.firstTs) fr.firstTs = ts;
        if (ts > fr.lastTs) fr.lastTs = ts;
        fr.goodEnd = entry.end;
      }
    } catch (e) {
      if (!(e instanceof HeaderError)) throw e;
      stop = { file: f.path, offset: 0, reason: `bad header: ${e.message}` };
    }
  }
  // A two-phase transaction never finalised is discarded: the log is cut where it was
  // prepared (nothing after that point can have committed), so new commits reuse its timestamp.
  if (heldSince !== null) {
    const at = heldSince;
    const cutIndex = read.indexOf(at.read);
    stop = {
      file: at.read.f.path,
      offset: at.offset,
      reason: `transaction ${replay.lowestHeld()} was prepared but never finalised: it is discarded`,
    };
    Object.assign(at.read, { goodEnd: at.offset, firstTs: at.firstTs, lastTs: at.lastTs });
    for (const later of read.splice(cutIndex + 1)) movedAside.push(moveAside(later.f.path));
  }
  for (const fr of read) settleFile(fr.f, stop, fr.firstTs, fr.lastTs, fr.goodEnd, movedAside);
  const last = replay.lastApplied();
  fsyncDirectory(walDir);

  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const report: RecoveryReport = { snapshot, invalidSnapshots, walTransactions: applied, lastCommitTimestamp: last, stop, movedAside, seconds };
  if (stop !== null) {
    log.warn(
      { file: stop.file, offset: stop.offset, reason: stop.reason, lastCommitTimestamp: last, movedAside },
      `WAL recovery stopped at ${stop.file} byte ${stop.offset}: ${stop.reason}; recovered up to commit timestamp ${last}`,
    );
  }
  log.info(
    { snapshot: snapshot?.path ?? null, walTransactions: applied, lastCommitTimestamp: last, seconds, ...storage.counts() },
    'recovery finished',
  );
  return report;
}

/** First commit timestamp in a file (Infinity when it has none or cannot be read). */
function firstTimestamp(f: WalFile): number {
  if (f.name.kind === 'final') return f.name.fromTs;
  let reader: ReturnType<typeof readWalFile> | null = null;
  try {
    reader = readWalFile(f.path);
    const first = reader.next();
    return first.done === true ? Infinity : recordTimestamp(first.value);
  } catch {
    return Infinity;
  } finally {
    reader?.return(null);
  }
}

/**
 * By first commit timestamp rather than by the creation time in the name, so a clock that
 * went backwards between runs cannot reorder the chain.
 */
function inReplayOrder(files: WalFile[]): WalFile[] {
  const keyed = files.map((f) => ({ f, first: firstTimestamp(f) }));
  keyed.sort((a, b) => a.first - b.first || (a.f.name.stamp < b.f.name.stamp ? -1 : a.f.name.stamp > b.f.name.stamp ? 1 : 0));
  return keyed.map((k) => k.f);
}

/**
 * Leaves a read WAL file finalised under the range of its good records: cut at the stop
 * (original kept in `.old/`), renamed if it was a crashed run's `_current`, or moved
 * aside when nothing in it is usable.
 */
function settleFile(f: WalFile, stop: ReadStop | null, firstTs: number, lastTs: number, goodEnd: number, movedAside: string[]): void {
  const stoppedHere = stop !== null && stop.file === f.path;
  if (firstTs < 0) {
    if (stoppedHere) movedAside.push(moveAside(f.path));
    else if (f.name.kind === 'current') fs.rmSync(f.path);
    return;
  }
  if (stoppedHere) {
    const backup = path.join(path.dirname(f.path), '.old', path.basename(f.path));
    fs.mkdirSync(path.dirname(backup), { recursive: true });
    fs.copyFileSync(f.path, backup);
    movedAside.push(backup);
    const fd = fs.openSync(f.path, 'r+');
    try {
      fs.ftruncateSync(fd, goodEnd);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
  const wanted = finalWalName(f.name.stamp, firstTs, lastTs);
  if (path.basename(f.path) !== wanted) fs.renameSync(f.path, path.join(path.dirname(f.path), wanted));
}
