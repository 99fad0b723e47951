// One process per data directory: `<data-directory>/.lock` holds the owner's pid and
// process start time. A lock whose owner is gone (or whose pid now belongs to another
// process, as after a container restart where every process is pid 1) is taken over.

import fs from 'node:fs';
import path from 'node:path';

export class DataDirectoryLockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirectoryLockedError';
  }
}

/** Locks held by this process, so a second open here is refused too. */
const heldHere = new Set<string>();

/** State (field 3) and start time (field 22, clock ticks since boot) from /proc (Linux), or null. */
function procStat(pid: number): { state: string; startTime: string } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces, so count fields after its ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], startTime: fields[19] };
  } catch {
    return null;
  }
}

function startTime(pid: number): string | null {
  return procStat(pid)?.startTime ?? null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed process nobody has reaped yet (no init in the container) is a zombie.
  const state = procStat(pid)?.state;
  return state !== 'Z' && state !== 'X';
}

function ownerIsLive(lockPath: string, pid: number, started: string | null): boolean {
  if (pid === process.pid) return heldHere.has(lockPath);
  if (!Number.isSafeInteger(pid) || pid <= 0 || !isAlive(pid)) return false;
  const now = startTime(pid);
  return started === null || now === null || now === started;
}

export class DataDirectoryLock {
  private constructor(readonly path: string) {}

  static acquire(dataDirectory: string): DataDirectoryLock {
    const lockPath = path.resolve(dataDirectory, '.lock');
    const content = `${process.pid} ${startTime(process.pid) ?? '-'}\n`;
    for (let attempt = 0; ; attempt++) {
      try {
        const fd = fs.openSync(lockPath, 'wx');
        try {
          fs.writeSync(fd, content);
          fs.fsyncSync(fd);
        } finally {
          fs.closeSync(fd);
        }
        heldHere.add(lockPath);
        return new DataDirectoryLock(lockPath);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
      }
      const [pidText, started] = fs.readFileSync(lockPath, 'utf8').trim().split(/\s+/);
      const pid = Number(pidText);
      if (ownerIsLive(lockPath, pid, started === '-' || started === undefined ? null : started)) {
        throw new DataDirectoryLockedError(
          `data directory ${path.dirname(lockPath)} is in use by another live process (pid ${pid}, lock file ${lockPath}); ` +
            'stop that process or choose another --data-directory',
        );
      }
      fs.rmSync(lockPath, { force: true });
    }
  }

  release(): void {
    if (!heldHere.delete(this.path)) return;
    fs.rmSync(this.path, { force: true });
  }
}
