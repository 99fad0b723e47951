// The durable log store under `<data-directory>/raft/`:
//   log        append-only framed entries; a later entry with an index already seen replaces
//              it and everything after it (how a follower's conflicting tail is truncated);
//              a torn or corrupt tail is cut off on open
//   hardstate  {term, vote, commit}, replaced atomically (write temp, fsync, rename, fsync dir)
//   snapshot   the state machine's latest snapshot, replaced the same way
// Everything is synchronous: the driver must not send a message before the write it depends
// on is durable, and a synchronous fsync makes that ordering impossible to get wrong.

import fs from 'node:fs';
import path from 'node:path';
import { decodeEntry, decodeSnapshot, encodeEntry, encodeSnapshot } from './codec.js';
import { frame, readFrames } from './framing.js';
import { MemoryStorage } from './storage.js';
import type { ConfState, Entry, HardState, Ready, Snapshot } from './types.js';

function writeAtomic(dir: string, name: string, data: Buffer): void {
  const tmp = path.join(dir, `${name}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, path.join(dir, name));
  syncDir(dir);
}

/** A rename is durable only once its directory is (reference §3.7). */
function syncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export class FileStorage extends MemoryStorage {
  private logFd: number;
  /** The durable hard state; commit-only changes are kept in memory until the next term/vote write. */
  private persistedHard: HardState = { term: 0, vote: 0, commit: 0 };

  private constructor(readonly dir: string) {
    super();
    fs.mkdirSync(dir, { recursive: true });
    this.load();
    this.logFd = fs.openSync(path.join(dir, 'log'), 'a');
  }

  static open(dir: string): FileStorage {
    return new FileStorage(dir);
  }

  /** True when nothing was ever persisted here (a fresh member). */
  isEmpty(): boolean {
    return this.lastIndex() === 0 && this.hardState.term === 0;
  }

  private load(): void {
    const snapPath = path.join(this.dir, 'snapshot');
    if (fs.existsSync(snapPath)) {
      const { payloads } = readFrames(fs.readFileSync(snapPath));
      if (payloads.length !== 1) throw new Error(`raft: corrupt snapshot file ${snapPath}`);
      super.applySnapshot(decodeSnapshot(payloads[0]));
    }
    const hsPath = path.join(this.dir, 'hardstate');
    if (fs.existsSync(hsPath)) {
      const { payloads } = readFrames(fs.readFileSync(hsPath));
      if (payloads.length !== 1) throw new Error(`raft: corrupt hardstate file ${hsPath}`);
      this.persistedHard = JSON.parse(payloads[0].toString('utf8')) as HardState;
      this.hardState = { ...this.persistedHard };
    }
    const logPath = path.join(this.dir, 'log');
    if (!fs.existsSync(logPath)) return;
    const buf = fs.readFileSync(logPath);
    const { payloads, end } = readFrames(buf);
    // Anything past the last whole record was never acknowledged: its write was not fsynced.
    if (end < buf.length) fs.truncateSync(logPath, end);
    const snapIndex = this.snapshot().metadata.index;
    for (const p of payloads) {
      const e = decodeEntry(p);
      if (e.index <= snapIndex) continue;
      if (e.index > this.lastIndex() + 1) throw new Error(`raft: gap in log file before entry ${e.index}`);
      super.append([e]);
    }
  }

  /** Step 1 of handling a Ready: snapshot, entries, hard state; fsynced when the Ready says so. */
  save(rd: Ready): void {
    if (rd.snapshot !== undefined) this.saveReceivedSnapshot(rd.snapshot);
    if (rd.entries.length > 0) {
      super.append(rd.entries);
      fs.writeSync(this.logFd, Buffer.concat(rd.entries.map((e) => frame(encodeEntry(e)))));
      fs.fdatasyncSync(this.logFd);
    }
    if (rd.hardState !== undefined) {
      this.setHardState(rd.hardState);
      const hs = rd.hardState;
      if (hs.term !== this.persistedHard.term || hs.vote !== this.persistedHard.vote) this.writeHardState(hs);
    }
  }

  private writeHardState(hs: HardState): void {
    writeAtomic(this.dir, 'hardstate', frame(Buffer.from(JSON.stringify(hs))));
    this.persistedHard = { ...hs };
  }

  private saveReceivedSnapshot(snap: Snapshot): void {
    writeAtomic(this.dir, 'snapshot', frame(encodeSnapshot(snap)));
    super.applySnapshot(snap);
    this.rewriteLog([]);
  }

  /** The application's own snapshot at `index` (≤ applied); keeps `keep` entries before it for slow followers. */
  saveSnapshot(index: number, conf: ConfState, data: Uint8Array, keep: number): void {
    const snap = this.createSnapshot(index, conf, data);
    writeAtomic(this.dir, 'snapshot', frame(encodeSnapshot(snap)));
    const from = Math.max(this.firstIndex(), index - keep);
    this.compact(from);
    this.rewriteLog(this.entries(from + 1, this.lastIndex() + 1));
  }

  private rewriteLog(entries: Entry[]): void {
    fs.closeSync(this.logFd);
    writeAtomic(this.dir, 'log', Buffer.concat(entries.map((e) => frame(encodeEntry(e)))));
    this.logFd = fs.openSync(path.join(this.dir, 'log'), 'a');
  }

  close(): void {
    fs.closeSync(this.logFd);
  }
}
