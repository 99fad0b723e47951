// The epoch id (a fresh UUID each time this instance becomes MAIN) and its history of
// (previous epoch, last commit timestamp) pairs, kept in `replication/epoch.json`:
// replication uses them to tell a replica that is behind from one that diverged
// (reference §1.6). Snapshots carry a copy.

import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { readVersionedJson, writeJsonAtomic } from './files.js';

/** Memgraph keeps the last 1000 entries. */
export const EPOCH_HISTORY_RETENTION = 1000;
const FILE_VERSION = 1;

export interface EpochHistoryEntry {
  epochId: string;
  lastCommitTs: number;
}

export interface EpochState {
  epochId: string;
  history: EpochHistoryEntry[];
}

export function freshEpoch(): EpochState {
  return { epochId: randomUUID(), history: [] };
}

/** A new epoch: the current one moves into the history with the last commit it saw. */
export function nextEpoch(state: EpochState, lastCommitTs: number): EpochState {
  const history = [...state.history, { epochId: state.epochId, lastCommitTs }];
  return { epochId: randomUUID(), history: history.slice(-EPOCH_HISTORY_RETENTION) };
}

export function epochFile(dataDirectory: string): string {
  return path.join(dataDirectory, 'replication', 'epoch.json');
}

/** The saved epoch, or null when there is none; a malformed file is an error. */
export function loadEpoch(file: string): EpochState | null {
  const data = readVersionedJson(file, FILE_VERSION);
  if (data === null) return null;
  const ok =
    typeof data.epochId === 'string' &&
    Array.isArray(data.history) &&
    data.history.every(
      (h: { epochId?: unknown; lastCommitTs?: unknown }) => typeof h.epochId === 'string' && Number.isSafeInteger(h.lastCommitTs),
    );
  if (!ok) throw new Error(`${file}: malformed epoch state`);
  return { epochId: data.epochId as string, history: data.history as EpochHistoryEntry[] };
}

/** Atomic replace: temp file, fsync, rename, fsync the directory. */
export function saveEpoch(file: string, state: EpochState): void {
  writeJsonAtomic(file, { version: FILE_VERSION, ...state });
}
