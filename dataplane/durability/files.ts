// Small file-system helpers shared by the WAL, snapshot, recovery and replication code.

import fs from 'node:fs';
import path from 'node:path';
import { fsyncDirectory } from './wal-writer.js';

/** Entry names of `directory`; none when it does not exist yet (a fresh data directory). */
export function readDirIfExists(directory: string): string[] {
  try {
    return fs.readdirSync(directory);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** Atomic replace of a small JSON file: temp file, fsync, rename, fsync the directory. */
export function writeJsonAtomic(file: string, data: unknown): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, JSON.stringify(data));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDirectory(dir);
}

/**
 * A small JSON file written by writeJsonAtomic with a `version` field: null when there is
 * none, an error naming the file when its version is not `version` (or it does not parse).
 */
export function readVersionedJson(file: string, version: number): Record<string, unknown> | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const data = JSON.parse(text) as Record<string, unknown>;
  if (data.version !== version) throw new Error(`${file}: version ${String(data.version)}, this mgha reads version ${version}`);
  return data;
}
