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
