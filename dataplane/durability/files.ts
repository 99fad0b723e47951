// Small file-system helpers shared by the WAL, snapshot and recovery code.

import fs from 'node:fs';

/** Entry names of `directory`; none when it does not exist yet (a fresh data directory). */
export function readDirIfExists(directory: string): string[] {
  try {
    return fs.readdirSync(directory);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}
