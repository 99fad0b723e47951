import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Registry } from 'prom-client';
import { openDurability, type Durability, DurabilityStartupError } from '../../../dataplane/durability/durability.js';
import { DataDirectoryLockedError } from '../../../dataplane/durability/lock.js';
import { WRITE_DELAY_MS } from '../../../dataplane/durability/wal-writer.js';
import { IncompatibleFormatError, listWalFiles } from '../../../dataplane/durability/recovery.js';
import { readWalFile } from '../../../dataplane/durability/wal-reader.js';
import { FORMAT_VERSION, WAL_MAGIC, encodeHeader } from '../../../dataplane/durability/wal-format.js';
import { Codes } from '../../../dataplane/errors.js';
import { AdminRegistry } from '../../../dataplane/query/admin-registry.js';
import { PRE_ENCODE_MIN_DELTAS } from '../../../dataplane/storage/commit-pipeline.js';
import { InMemoryStorage } from '../../../dataplane/storage/storage.js';
import type { StorageTransaction, VertexAccessor } from '../../../dataplane/storage/types.js';
import { CypherDate, CypherDateTime, CypherDuration, CypherPoint, type Value } from '../../../dataplane/values/model.js';
import { canonicalDump, config, memoryLogger, removeTempDirs, tempDir } from './helpers.js';

afterEach(removeTempDirs);

const quiet = memoryLogger().log;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const SAMPLE_VALUES: Value[] = [
  1n,
  -(2n ** 63n),
  2.5,
  'ünï ✓',
  true,
  null,
  [1n, 'a', [2.0]],
  new Map<string, Value>([['k', 1n]]),
  new CypherDate(19000),
  new CypherDateTime(1700000000, 1, 3600, 'Europe/Zagreb'),
  new CypherDuration(1, 2, 3, 4),
  new CypherPoint(4326, 15.9, 45.8),
];

/** Random committed changes of every kind (creates, deletes, labels, properties, edges). */
function randomWrites(storage: InMemoryStorage, rand: () => number, transactions: number): void {
  for (let t = 0; t < transactions; t++) {
    const tx = storage.begin();
    const all = (): VertexAccessor[] => [...tx.vertices()];
    const ops = 1 + Math.floor(rand() * 5);
    for (let i = 0; i < ops; i++) {
      const vs = all();
      const pick = (): VertexAccessor => vs[Math.floor(rand() * vs.length)];
      const r = rand();
      if (vs.length < 3 || r < 0.3) {
        const v = tx.createVertex();
        v.addLabel(rand() < 0.5 ? 'Person' : 'Thing');
        v.setProperty('n', BigInt(t));
      } else if (r < 0.45) tx.createEdge(pick(), pick(), rand() < 0.5 ? 'KNOWS' : 'OWNS').setProperty('w', rand());
      else if (r < 0.6) pick().setProperty(`p${Math.floor(rand() * 3)}`, SAMPLE_VALUES[Math.floor(rand() * SAMPLE_VALUES.length)]);
      else if (r < 0.7) pick().addLabel('Extra');
      else if (r < 0.75) pick().removeLabel('Extra');
      else if (r < 0.8) pick().setProperty('p0', null);
      else if (r < 0.85) tx.deleteVertex(pick(), true);
      else if (r < 0.9) {
        const e = [...pick().outEdges()][0];
        if (e !== undefined) tx.deleteEdge(e);
      } else pick().clearProperties();
    }
    tx.commit();
  }
}

function schema(storage: InMemoryStorage): void {
  storage.createIndex('Person', null);
  storage.createIndex('Person', 'n');
  storage.createIndex('Thing', 'p1');
  storage.createConstraint('exists', 'Audited', ['n']);
  storage.createConstraint('unique', 'Thing', ['code']);
  storage.dropIndex('Thing', 'p1');
}

/** What a killed process leaves behind: the files as they are, lock included. */
function crashImage(dir: string): string {
  const copy = tempDir();
  fs.cpSync(dir, copy, { recursive: true });
  return copy;
}

async function reopen(dir: string, over: Parameters<typeof config>[1] = {}, log = quiet): Promise<{ storage: InMemoryStorage; d: Durability }> {
  const storage = new InMemoryStorage();
  const d = await openDurability(config(dir, over), storage, log);
  return { storage, d };
}

function write(storage: InMemoryStorage, fn: (tx: StorageTransaction) => void): number {
  const tx = storage.begin();
  fn(tx);
  const committed = tx.commit();
  if (!(committed instanceof Promise)) return committed.commitTimestamp;
  // fsync per commit: published at once, acknowledged after the fsync (tests wait with waitDurable).
  committed.catch(() => undefined);
  return storage.lastCommitTimestamp();
}

describe('recovery', () => {
  test('snapshot + WAL after it restore the exact graph, schema and clock', async () => {
    const dir = tempDir();
    const { storage, d } = await reopen(dir);
    const rand = rng(1);
    randomWrites(storage, rand, 150);
    schema(storage);
    await d.createSnapshot();
    randomWrites(storage, rand, 150);
    storage.dropConstraint('exists', 'Audited', ['n']);
    storage.createIndex('Extra', null);
    const expected = canonicalDump(storage);
    await d.close();

    const again = await reopen(dir);
    expect(canonicalDump(again.storage)).toEqual(expected);
    expect(again.d.recovery?.snapshot).not.toBeNull();
    expect(again.d.recovery?.walTransactions).toBeGreaterThan(100);
    expect(again.d.recovery?.stop).toBeNull();
    // New commits continue the clock and the gids.
    const ts = write(again.storage, (tx) => void tx.createVertex());
    expect(ts).toBe(storage.lastCommitTimestamp() + 1);
    await again.d.close();
  });

  test('a huge transaction, encoded ahead of its commit in slices, is logged and recovered exactly', async () => {
    const dir = tempDir();
    const { storage, d } = await reopen(dir);
    const tx = storage.begin();
    for (let i = 0; i < PRE_ENCODE_MIN_DELTAS / 2; i++) {
      const v = tx.createVertex();
      v.setProperty('i', BigInt(i));
    }
    const before = storage.lastCommitTimestamp();
    // Other work runs while it is encoded, before it is published.
    let seenMeanwhile = -1;
    setImmediate(() => (seenMeanwhile = storage.lastCommitTimestamp()));
    const committed = await tx.commit();
    expect(seenMeanwhile).toBe(before);
    expect(committed.commitTimestamp).toBe(before + 1);
    write(storage, (t) => void t.createVertex().addLabel('After'));
    const expected = canonicalDump(storage);
    await d.close();
    const again = await reopen(dir);
    expect(canonicalDump(again.storage)).toEqual(expected);
    expect(again.d.recovery?.walTransactions).toBe(2);
    await again.d.close();
  });

  test('after a crash (no close) the WAL alone restores every commit handed to the OS, even with fsync batching', async () => {
    const dir = tempDir();
    const { storage } = await reopen(dir, { walFileFlushEveryNTx: 1000, walFileSizeKib: 4 });
    randomWrites(storage, rng(2), 300);
    schema(storage);
    const expected = canonicalDump(storage);
    // Batched records reach the OS at most WRITE_DELAY_MS after their commit.
    await new Promise((r) => setTimeout(r, WRITE_DELAY_MS + 20));
    const image = crashImage(dir);
    expect(listWalFiles(path.join(image, 'wal')).some((f) => f.name.kind === 'current')).toBe(true);

    const { storage: recovered, d } = await reopen(image);
    expect(canonicalDump(recovered)).toEqual(expected);
    expect(d.recovery?.snapshot).toBeNull();
    // The crashed run's _current file is finalised; nothing is left half-named.
    expect(listWalFiles(path.join(image, 'wal')).every((f) => f.name.kind === 'final')).toBe(true);
    await d.close();
  });

  test('torn tail: recovery stops at the last whole transaction, says where, and later restarts are clean', async () => {
    const dir = tempDir();
    const { storage } = await reopen(dir);
    const states: unknown[] = [canonicalDump(storage)];
    for (let i = 0; i < 10; i++) {
      write(storage, (tx) => tx.createVertex().setProperty('i', BigInt(i)));
      states.push(canonicalDump(storage));
    }
    const image = crashImage(dir);
    const [wal] = listWalFiles(path.join(image, 'wal'));
    const offsets: number[] = [];
    for (const e of readWalFile(wal.path)) offsets.push(e.offset);
    fs.truncateSync(wal.path, offsets[7] + 5);

    const logger = memoryLogger();
    const first = await reopen(image, {}, logger.log);
    expect(canonicalDump(first.storage)).toEqual(states[7]);
    expect(first.d.recovery?.stop).toEqual({ file: wal.path, offset: offsets[7], reason: expect.stringMatching(/truncated record/) });
    const warning = logger.lines().find((l) => l.level === 'warn' && /WAL recovery stopped/.test(l.msg));
    expect(warning?.msg).toContain(`${wal.path} byte ${offsets[7]}`);
    expect(warning?.msg).toContain('recovered up to commit timestamp 7');
    // The cut file keeps its good prefix under a final name; the original is kept aside.
    expect(fs.readdirSync(path.join(image, 'wal', '.old'))).toEqual([path.basename(wal.path)]);

    write(first.storage, (tx) => void tx.createVertex().setProperty('after', true));
    const expected = canonicalDump(first.storage);
    const image2 = crashImage(image);
    const second = await reopen(image2);
    expect(second.d.recovery?.stop).toBeNull();
    expect(canonicalDump(second.storage)).toEqual(expected);
    await Promise.all([first.d.close(), second.d.close()]);
  });

  test('a flipped byte stops recovery at the transaction before it', async () => {
    const dir = tempDir();
    const { storage } = await reopen(dir);
    const states: unknown[] = [];
    for (let i = 0; i < 6; i++) {
      write(storage, (tx) => tx.createVertex().setProperty('i', BigInt(i)));
      states.push(canonicalDump(storage));
    }
    const image = crashImage(dir);
    const [wal] = listWalFiles(path.join(image, 'wal'));
    const offsets = [...readWalFile(wal.path)].map((e) => e.offset);
    const bytes = fs.readFileSync(wal.path);
    bytes[offsets[3] + 6] ^= 0xff;
    fs.writeFileSync(wal.path, bytes);
    const { storage: recovered, d } = await reopen(image);
    expect(canonicalDump(recovered)).toEqual(states[2]);
    expect(d.recovery?.stop).toMatchObject({ offset: offsets[3], reason: 'checksum mismatch' });
    await d.close();
  });

  test('a deleted finalised WAL file in the middle: stop before the gap, later files set aside', async () => {
    const dir = tempDir();
    const { storage, d } = await reopen(dir, { walFileSizeKib: 1 });
    const states = new Map<number, unknown>();
    for (let i = 0; i < 60; i++) {
      const ts = write(storage, (tx) => tx.createVertex().setProperty('pad', 'x'.repeat(60)));
      states.set(ts, canonicalDump(storage));
    }
    await d.close();
    const files = listWalFiles(path.join(dir, 'wal'));
    expect(files.length).toBeGreaterThan(4);
    const missing = files[2];
    if (missing.name.kind !== 'final') throw new Error('expected a finalised file');
    fs.rmSync(missing.path);

    const { storage: recovered, d: d2 } = await reopen(dir);
    expect(canonicalDump(recovered)).toEqual(states.get(missing.name.fromTs - 1));
    expect(d2.recovery?.stop?.reason).toMatch(`expected commit timestamp ${missing.name.fromTs}, found`);
    expect(d2.recovery?.movedAside.length).toBe(files.length - 3);
    // A restart after that is clean and keeps the new commits.
    write(recovered, (tx) => void tx.createVertex());
    const expected = canonicalDump(recovered);
    await d2.close();
    const third = await reopen(dir);
    expect(third.d.recovery?.stop).toBeNull();
    expect(canonicalDump(third.storage)).toEqual(expected);
    await third.d.close();
  });

  test('WAL files replay in commit order even if the clock went backwards between runs', async () => {
    const dir = tempDir();
    const first = await reopen(dir);
    for (let i = 0; i < 5; i++) write(first.storage, (tx) => void tx.createVertex());
    await first.d.close();
    const second = await reopen(dir);
    for (let i = 0; i < 5; i++) write(second.storage, (tx) => void tx.createVertex());
    const expected = canonicalDump(second.storage);
    const image = crashImage(dir);
    await second.d.close();
    // The crashed second run's file gets a creation time before the first run's.
    const files = listWalFiles(path.join(image, 'wal'));
    expect(files.map((f) => f.name.kind)).toEqual(['final', 'current']);
    fs.renameSync(files[1].path, path.join(image, 'wal', '19990101000000000000_current'));
    const third = await reopen(image);
    expect(third.d.recovery?.stop).toBeNull();
    expect(canonicalDump(third.storage)).toEqual(expected);
    await third.d.close();
  });

  test('a corrupt newest snapshot falls back to an older one plus the WAL', async () => {
    const dir = tempDir();
    const { storage, d } = await reopen(dir);
    randomWrites(storage, rng(5), 50);
    await d.createSnapshot();
    randomWrites(storage, rng(6), 50);
    const newest = await d.createSnapshot();
    randomWrites(storage, rng(7), 20);
    const expected = canonicalDump(storage);
    await d.close();
    const bytes = fs.readFileSync(newest.path);
    bytes[Math.floor(bytes.length / 2)] ^= 0x10;
    fs.writeFileSync(newest.path, bytes);

    const again = await reopen(dir);
    expect(canonicalDump(again.storage)).toEqual(expected);
    expect(again.d.recovery?.invalidSnapshots.map((s) => s.path)).toEqual([newest.path]);
    expect(again.d.recovery?.snapshot?.path).not.toBe(newest.path);
    // Set aside, so later restarts do not trip over it again.
    expect(fs.existsSync(path.join(dir, 'snapshots', '.old', path.basename(newest.path)))).toBe(true);
    await again.d.close();
  });

  test('a snapshot taken while a writer keeps committing restores a consistent cut', async () => {
    const dir = tempDir();
    const { storage, d } = await reopen(dir);
    // Two accounts whose sum every transaction keeps at 1000, plus enough vertices that
    // the snapshot takes several batches (it yields between them).
    const [a, b] = (() => {
      const tx = storage.begin();
      const x = tx.createVertex();
      const y = tx.createVertex();
      x.setProperty('balance', 1000n);
      y.setProperty('balance', 0n);
      for (let i = 0; i < 30000; i++) tx.createVertex().addLabel('Filler');
      tx.commit();
      return [x.gid, y.gid];
    })();
    const createdAt = new Map<number, number>();
    let stop = false;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        const ts = write(storage, (tx) => {
          const x = tx.vertex(a)!;
          const y = tx.vertex(b)!;
          x.setProperty('balance', (x.getProperty('balance') as bigint) - 1n);
          y.setProperty('balance', (y.getProperty('balance') as bigint) + 1n);
          tx.createVertex().setProperty('seq', BigInt(i));
        });
        createdAt.set(i, ts);
        await new Promise((r) => setImmediate(r));
      }
    })();
    await new Promise((r) => setTimeout(r, 5));
    const snap = await d.createSnapshot();
    stop = true;
    await writer;
    expect(storage.lastCommitTimestamp()).toBeGreaterThan(snap.timestamp + 2);
    const expected = canonicalDump(storage);
    await d.close();

    // The snapshot alone: exactly the commits up to its timestamp.
    const snapOnly = tempDir();
    fs.mkdirSync(path.join(snapOnly, 'snapshots'));
    fs.copyFileSync(snap.path, path.join(snapOnly, 'snapshots', path.basename(snap.path)));
    const cut = await reopen(snapOnly);
    const tx = cut.storage.begin();
    const balances = [tx.vertex(a)!, tx.vertex(b)!].map((v) => v.getProperty('balance') as bigint);
    expect(balances[0] + balances[1]).toBe(1000n);
    const seqs = [...tx.vertices()].map((v) => v.getProperty('seq')).filter((s) => s !== null).map(Number).sort((x, y) => x - y);
    const wanted = [...createdAt].filter(([, ts]) => ts <= snap.timestamp).map(([i]) => i);
    expect(seqs).toEqual(wanted);
    expect(balances[1]).toBe(BigInt(wanted.length));
    tx.abort();
    expect(cut.storage.lastCommitTimestamp()).toBe(snap.timestamp);
    await cut.d.close();

    // Snapshot + WAL: everything.
    const full = await reopen(dir);
    expect(canonicalDump(full.storage)).toEqual(expected);
    await full.d.close();
  });
});

describe('snapshots', () => {
  test('CREATE SNAPSHOT returns the path, SHOW SNAPSHOTS lists newest first, retention keeps the newest n', async () => {
    const dir = tempDir();
    const { storage, d } = await reopen(dir, { snapshotRetentionCount: 2, walFileSizeKib: 1 });
    const paths: string[] = [];
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 20; j++) write(storage, (tx) => void tx.createVertex().setProperty('pad', 'y'.repeat(50)));
      const r = await d.createSnapshotQuery();
      expect(r.columns).toEqual(['path']);
      paths.push(r.rows[0][0] as string);
    }
    expect(paths[3]).toMatch(/snapshots\/\d{20}_timestamp_80$/);
    const shown = d.showSnapshotsQuery();
    expect(shown.columns).toEqual(['path', 'timestamp', 'creation_time', 'size']);
    expect(shown.rows.map((r) => r[0])).toEqual([paths[3], paths[2]]);
    expect(shown.rows[0][1]).toBe(80n);
    // WAL files wholly before the oldest kept snapshot (ts 60) are gone, later ones stay.
    const wal = listWalFiles(path.join(dir, 'wal'));
    for (const f of wal) if (f.name.kind === 'final') expect(f.name.toTs).toBeGreaterThan(60);
    expect(wal.length).toBeGreaterThan(0);
    await d.close();
  });

  test('a pinned WAL range survives retention until released', async () => {
    const dir = tempDir();
    const { storage, d } = await reopen(dir, { snapshotRetentionCount: 1, walFileSizeKib: 1 });
    const release = d.retainWalAfter(0);
    for (let j = 0; j < 40; j++) write(storage, (tx) => void tx.createVertex().setProperty('pad', 'z'.repeat(50)));
    await d.createSnapshot();
    const pinned = listWalFiles(path.join(dir, 'wal'));
    expect(pinned[0].name.kind === 'final' && pinned[0].name.fromTs).toBe(1);
    release();
    write(storage, (tx) => void tx.createVertex());
    await d.createSnapshot();
    for (const f of listWalFiles(path.join(dir, 'wal'))) if (f.name.kind === 'final') expect(f.name.toTs).toBeGreaterThan(41);
    await d.close();
  });

  test('LOCK DATA DIRECTORY holds retention back until UNLOCK, with Memgraph\'s messages', async () => {
    const dir = tempDir();
    const { storage, d } = await reopen(dir, { snapshotRetentionCount: 1, walFileSizeKib: 1 });
    const admin = new AdminRegistry();
    d.registerAdminStatements(admin);
    type LockKind = 'LockDataDirectory' | 'UnlockDataDirectory' | 'DataDirectoryLockStatus';
    const answer = (kind: LockKind) => admin.dispatch({ kind }, { text: kind, params: new Map(), implicit: true });
    const status = async (kind: LockKind): Promise<unknown> => (await answer(kind)).rows[0][0];
    expect(await status('DataDirectoryLockStatus')).toBe('Data directory is unlocked.');
    expect(await status('LockDataDirectory')).toBe('Data directory is now locked.');
    expect(await status('LockDataDirectory')).toBe('Data directory is already locked.');
    expect(await status('DataDirectoryLockStatus')).toBe('Data directory is locked.');
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 20; j++) write(storage, (tx) => void tx.createVertex().setProperty('pad', 'q'.repeat(50)));
      await d.createSnapshot();
    }
    expect(d.listSnapshots()).toHaveLength(3);
    expect(listWalFiles(path.join(dir, 'wal')).some((f) => f.name.kind === 'final' && f.name.fromTs === 1)).toBe(true);
    expect(await status('UnlockDataDirectory')).toBe('Data directory is now unlocked.');
    expect(d.listSnapshots()).toHaveLength(1);
    expect(listWalFiles(path.join(dir, 'wal')).some((f) => f.name.kind === 'final' && f.name.fromTs === 1)).toBe(false);
    expect(await status('UnlockDataDirectory')).toBe('Data directory is already unlocked.');
    expect((await answer('LockDataDirectory')).columns).toEqual(['STATUS']);
    await expect(admin.dispatch({ kind: 'LockDataDirectory' }, { text: 'LOCK DATA DIRECTORY', params: new Map(), implicit: false })).rejects.toThrow(
      'Lock path query not allowed in multicommand transactions.',
    );
    await d.close();
  });

  test('a snapshot that cannot be written fails CREATE SNAPSHOT with a code, not as an unknown error', async () => {
    const dir = tempDir();
    const { d } = await reopen(dir);
    const admin = new AdminRegistry();
    d.registerAdminStatements(admin);
    const ctx = { text: 'CREATE SNAPSHOT', params: new Map(), implicit: true };
    // A regular file where the snapshots directory should be: even root cannot write there.
    const snapshots = path.join(dir, 'snapshots');
    fs.rmSync(snapshots, { recursive: true });
    fs.writeFileSync(snapshots, '');
    await expect(admin.dispatch({ kind: 'CreateSnapshot' }, ctx)).rejects.toMatchObject({
      code: Codes.MemgraphDatabaseError,
      message: expect.stringMatching(/^Failed to create a snapshot: .*ENOTDIR/) as unknown,
    });
    await expect(admin.dispatch({ kind: 'ShowSnapshots' }, ctx)).rejects.toMatchObject({ code: Codes.MemgraphDatabaseError });
    await expect(admin.dispatch({ kind: 'CreateSnapshot' }, { ...ctx, implicit: false })).rejects.toThrow('Snapshot cannot be created in multicommand transactions.');
    fs.rmSync(snapshots);
    fs.mkdirSync(snapshots);
    expect(d.writeRefusal()).toBeNull();
    await d.close();
  });

  test('snapshot on exit; WAL disabled still recovers from snapshots', async () => {
    const dir = tempDir();
    const { storage, d } = await reopen(dir, { walEnabled: false, snapshotOnExit: true });
    randomWrites(storage, rng(9), 40);
    schema(storage);
    const expected = canonicalDump(storage);
    await d.close();
    expect(fs.readdirSync(path.join(dir, 'wal'))).toEqual([]);
    expect(d.listSnapshots()).toHaveLength(1);
    const again = await reopen(dir, { walEnabled: false });
    expect(canonicalDump(again.storage)).toEqual(expected);
    await again.d.close();
  });

  test('metrics: WAL bytes, fsync latency, snapshot duration and size, recovery, last durable timestamp', async () => {
    const dir = tempDir();
    const registry = new Registry();
    const storage = new InMemoryStorage();
    const d = await openDurability(config(dir), storage, quiet, registry);
    const ts = write(storage, (tx) => void tx.createVertex());
    await d.waitDurable(ts);
    await d.createSnapshot();
    const text = await registry.metrics();
    for (const name of ['mgha_wal_bytes_total', 'mgha_wal_fsync_duration_seconds_count', 'mgha_snapshot_duration_seconds_count', 'mgha_snapshot_size_bytes', 'mgha_recovery_duration_seconds']) {
      expect(text).toMatch(new RegExp(`^${name} [0-9.e-]+$`, 'm'));
    }
    expect(text).toMatch(/^mgha_last_durable_timestamp 1$/m);
    await d.close();
  });
});

describe('acknowledge after durable', () => {
  test('fsync per commit: waitDurable resolves once the commit is on disk; batched or WAL off: nothing to wait for', async () => {
    const perCommit = await reopen(tempDir(), { walFileFlushEveryNTx: 1 });
    const ts = write(perCommit.storage, (tx) => void tx.createVertex());
    expect(perCommit.d.lastDurableTimestamp()).toBe(0);
    const wait = perCommit.d.waitDurable(ts);
    expect(wait).toBeInstanceOf(Promise);
    await wait;
    expect(perCommit.d.lastDurableTimestamp()).toBe(ts);
    expect(perCommit.d.waitDurable(ts)).toBeNull();
    await perCommit.d.close();

    const batched = await reopen(tempDir(), { walFileFlushEveryNTx: 100 });
    expect(batched.d.waitDurable(write(batched.storage, (tx) => void tx.createVertex()))).toBeNull();
    await batched.d.close();
    const off = await reopen(tempDir(), { walEnabled: false });
    expect(off.d.waitDurable(write(off.storage, (tx) => void tx.createVertex()))).toBeNull();
    await off.d.close();
  });
});

describe('startup refusals and state that survives', () => {
  test('WAL enabled with periodic snapshots disabled is refused', async () => {
    await expect(reopen(tempDir(), { snapshotIntervalSec: 0 })).rejects.toThrow(DurabilityStartupError);
    await expect(reopen(tempDir(), { snapshotIntervalSec: 0 })).rejects.toThrow(/--storage-snapshot-interval-sec/);
    const ok = await reopen(tempDir(), { snapshotIntervalSec: 0, walEnabled: false });
    await ok.d.close();
  });

  test('a data directory locked by a live process is refused; a dead owner’s lock is taken over', async () => {
    const dir = tempDir();
    const first = await reopen(dir);
    await expect(reopen(dir)).rejects.toThrow(DataDirectoryLockedError);
    await first.d.close();

    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    try {
      const start = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const startTime = start.slice(start.lastIndexOf(')') + 2).split(' ')[19];
      fs.writeFileSync(path.join(dir, '.lock'), `${child.pid} ${startTime}\n`);
      await expect(reopen(dir)).rejects.toThrow(new RegExp(`in use by another live process \\(pid ${child.pid}`));
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    const taken = await reopen(dir);
    expect(fs.readFileSync(path.join(dir, '.lock'), 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    await taken.d.close();
    expect(fs.existsSync(path.join(dir, '.lock'))).toBe(false);
  });

  test('files from an incompatible format version are refused with the file named', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'wal'), { recursive: true });
    const header = encodeHeader(WAL_MAGIC, 'e');
    header.writeUInt32LE(FORMAT_VERSION + 1, WAL_MAGIC.length);
    const file = path.join(dir, 'wal', '20260101000000000000_from_1_to_3');
    fs.writeFileSync(file, header);
    await expect(reopen(dir)).rejects.toThrow(IncompatibleFormatError);
    await expect(reopen(dir)).rejects.toThrow(file);
    // The refusal released the lock.
    expect(fs.existsSync(path.join(dir, '.lock'))).toBe(false);
  });

  test('the epoch id and its history survive restarts (also from a snapshot alone)', async () => {
    const dir = tempDir();
    const { storage, d } = await reopen(dir);
    const original = d.epoch.epochId;
    write(storage, (tx) => void tx.createVertex());
    const promoted = d.newEpoch();
    expect(promoted.history).toEqual([{ epochId: original, lastCommitTs: 1 }]);
    write(storage, (tx) => void tx.createVertex());
    await d.createSnapshot();
    await d.close();
    const again = await reopen(dir);
    expect(again.d.epoch).toEqual(promoted);
    await again.d.close();
    fs.rmSync(path.join(dir, 'replication'), { recursive: true });
    const fromSnapshot = await reopen(dir);
    expect(fromSnapshot.d.epoch).toEqual(promoted);
    await fromSnapshot.d.close();
  });

  test('--data-recovery-on-startup=false starts empty and sets the old files aside', async () => {
    const dir = tempDir();
    const { storage, d } = await reopen(dir, { snapshotOnExit: true });
    write(storage, (tx) => void tx.createVertex());
    await d.close();
    const fresh = await reopen(dir, { recoveryOnStartup: false });
    expect(fresh.storage.counts().vertexCount).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'snapshots', '.old'))).toHaveLength(1);
    expect(fs.readdirSync(path.join(dir, 'wal', '.old'))).toHaveLength(1);
    await fresh.d.close();
  });
});
