import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openDurability } from '../../../dataplane/durability/durability.js';
import { listWalFiles } from '../../../dataplane/durability/recovery.js';
import { Replay } from '../../../dataplane/durability/replay.js';
import { readWalFile, type WalRecord } from '../../../dataplane/durability/wal-reader.js';
import { Codes, MghaError } from '../../../dataplane/errors.js';
import { graphDigest } from '../../../dataplane/storage/digest.js';
import { InMemoryStorage } from '../../../dataplane/storage/storage.js';
import type { StorageTransaction } from '../../../dataplane/storage/types.js';
import { repoRoot } from '../../helpers/repo-root.js';
import { config, memoryLogger, removeTempDirs, tempDir } from './helpers.js';

afterEach(removeTempDirs);

const quiet = memoryLogger().log;

/** Every WAL record of a data directory, in file order, as `kind:ts`. */
function walRecords(dir: string): string[] {
  const out: string[] = [];
  for (const f of listWalFiles(path.join(dir, 'wal'))) {
    for (const r of readWalFile(f.path)) out.push(recordText(r));
  }
  return out;
}

function recordText(r: WalRecord): string {
  return r.kind === 'finalize' ? `${r.committed ? 'finalize-commit' : 'finalize-abort'}:${r.ts}` : `${r.kind}:${r.ct.commitTimestamp}`;
}

function labelled(storage: InMemoryStorage, label: string): number {
  const tx = storage.begin();
  try {
    return [...tx.verticesByLabel(label)].length;
  } finally {
    tx.abort();
  }
}

async function commit(storage: InMemoryStorage, fn: (tx: StorageTransaction) => void): Promise<number> {
  const tx = storage.begin();
  fn(tx);
  return (await tx.commit()).commitTimestamp;
}

describe('two-phase commits in the WAL', () => {
  test('committed → PREPARE + FINALIZE_COMMIT; refused → PREPARE + FINALIZE_ABORT, absent after a restart, its timestamp reused', async () => {
    const dir = tempDir();
    const storage = new InMemoryStorage();
    const d = await openDurability(config(dir), storage, quiet);
    let refuse = false;
    storage.addCommitStage({
      name: 'strict',
      mayAbort: () => true,
      run: () => (refuse ? Promise.reject(new MghaError(Codes.MemgraphClientError, 'strict replica down')) : undefined),
    });
    expect(await commit(storage, (tx) => tx.createVertex().addLabel('A'))).toBe(1);
    refuse = true;
    await expect(commit(storage, (tx) => tx.createVertex().addLabel('B'))).rejects.toThrow('strict replica down');
    refuse = false;
    expect(await commit(storage, (tx) => tx.createVertex().addLabel('C'))).toBe(2);
    await d.close();
    expect(walRecords(dir)).toEqual(['prepare:1', 'finalize-commit:1', 'prepare:2', 'finalize-abort:2', 'prepare:2', 'finalize-commit:2']);

    const again = new InMemoryStorage();
    const d2 = await openDurability(config(dir), again, quiet);
    expect([labelled(again, 'A'), labelled(again, 'B'), labelled(again, 'C')]).toEqual([1, 0, 1]);
    expect(again.lastCommitTimestamp()).toBe(2);
    expect(d2.recovery?.stop).toBeNull();
    await d2.close();
  });

  test('SIGKILL between prepare and finalise: the prepared transaction is never visible, the log is cut there, and later restarts are clean', async () => {
    const dir = tempDir();
    const script = path.join(repoRoot, 'dist', 'test', 'helpers', 'prepare-and-hang.js');
    const child = spawn(process.execPath, [script, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      child.once('exit', (code) => reject(new Error(`helper exited with ${code}`)));
    });
    expect(line).toBe('prepared 2');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(walRecords(dir)).toEqual(['commit:1', 'prepare:2']);

    const storage = new InMemoryStorage();
    const { log, lines } = memoryLogger();
    const d = await openDurability(config(dir), storage, log);
    expect(labelled(storage, 'Committed')).toBe(1);
    expect(labelled(storage, 'Prepared')).toBe(0);
    expect(storage.lastCommitTimestamp()).toBe(1);
    expect(d.recovery?.stop?.reason).toMatch(/transaction 2 was prepared but never finalised/);
    expect(lines().some((l) => l.level === 'warn' && /prepared but never finalised/.test(l.msg))).toBe(true);
    // The next commit reuses timestamp 2, and the restart after it is clean.
    expect(await commit(storage, (tx) => tx.createVertex().addLabel('After'))).toBe(2);
    await d.close();
    const again = new InMemoryStorage();
    const d2 = await openDurability(config(dir), again, quiet);
    expect(d2.recovery?.stop).toBeNull();
    expect([labelled(again, 'Committed'), labelled(again, 'Prepared'), labelled(again, 'After')]).toEqual([1, 0, 1]);
    await d2.close();
  });
});

describe('the replay seam', () => {
  test('a recorded WAL stream fed through Replay into a fresh storage gives the source digest (data, indexes, constraints)', async () => {
    const dir = tempDir();
    const source = new InMemoryStorage();
    const d = await openDurability(config(dir, { walFileFlushEveryNTx: 1000, walFileSizeKib: 4 }), source, quiet);
    let strict = false;
    source.addCommitStage({ name: 'sometimes-strict', mayAbort: () => strict, run: () => undefined });
    source.createIndex('Person', 'id');
    await source.takeSchemaCommit();
    source.createConstraint('unique', 'Person', ['id']);
    await source.takeSchemaCommit();
    const ids: number[] = [];
    for (let i = 0; i < 300; i++) {
      strict = i % 3 === 0;
      await commit(source, (tx) => {
        const v = tx.createVertex();
        v.addLabel('Person');
        v.setProperty('id', BigInt(i));
        ids.push(v.gid);
        if (i > 0) tx.createEdge(tx.vertex(ids[i - 1])!, v, 'NEXT').setProperty('w', i / 7);
        if (i % 10 === 9) tx.deleteVertex(tx.vertex(ids[i - 5])!, true);
      });
    }
    await d.close();
    const replica = new InMemoryStorage();
    const replay = new Replay(replica);
    const outcomes = new Map<string, number>();
    for (const f of listWalFiles(path.join(dir, 'wal'))) {
      for (const r of readWalFile(f.path)) {
        const o = replay.feed(r);
        outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
      }
    }
    expect(listWalFiles(path.join(dir, 'wal')).length).toBeGreaterThan(1);
    expect(replay.lowestHeld()).toBeNull();
    expect(outcomes.get('held')).toBe(100);
    expect(graphDigest(replica)).toEqual(graphDigest(source));
    // Fed again (a catch-up overlapping what is applied): everything is skipped.
    for (const f of listWalFiles(path.join(dir, 'wal'))) for (const r of readWalFile(f.path)) expect(replay.feed(r)).toBe('skipped');
  });

  test('gaps and finalisations of nothing are refused; an abandoned prepare is replaced by the next one of its timestamp', () => {
    const replica = new InMemoryStorage();
    const replay = new Replay(replica);
    const tx = (ts: number): { commitTimestamp: number; deltas: [{ op: 'createVertex'; gid: number }] } => ({ commitTimestamp: ts, deltas: [{ op: 'createVertex', gid: ts }] });
    expect(replay.feed({ kind: 'commit', ct: tx(1) })).toBe('applied');
    expect(() => replay.feed({ kind: 'commit', ct: tx(3) })).toThrow(/expected commit timestamp 2, found 3/);
    expect(() => replay.feed({ kind: 'finalize', ts: 2, committed: true })).toThrow(/not prepared/);
    expect(replay.feed({ kind: 'prepare', ct: tx(2) })).toBe('held');
    expect(replay.feed({ kind: 'prepare', ct: tx(3) })).toBe('held');
    // The source aborted 2 and 3 without logging it (it died), then reused 2.
    expect(replay.feed({ kind: 'prepare', ct: { commitTimestamp: 2, deltas: [{ op: 'createVertex', gid: 7 }] } })).toBe('held');
    expect(replay.lowestHeld()).toBe(2);
    expect(replay.feed({ kind: 'finalize', ts: 2, committed: true })).toBe('applied');
    expect(replay.lowestHeld()).toBeNull();
    const t = replica.begin();
    expect([...t.vertices()].map((v) => v.gid)).toEqual([1, 7]);
    t.abort();
  });
});

describe('replacing the graph with a MAIN snapshot', () => {
  test('replaceWithSnapshot loads the snapshot under open readers, sets the old files aside, adopts the epoch, and survives a restart', async () => {
    const mainDir = tempDir();
    const main = new InMemoryStorage();
    const md = await openDurability(config(mainDir), main, quiet);
    main.createIndex('Person', 'id');
    await main.takeSchemaCommit();
    for (let i = 0; i < 50; i++) await commit(main, (tx) => tx.createVertex().addLabel('Person'));
    const snapshot = await md.createSnapshot();

    const replicaDir = tempDir();
    const replica = new InMemoryStorage();
    const rd = await openDurability(config(replicaDir), replica, quiet);
    await commit(replica, (tx) => tx.createVertex().addLabel('Diverged'));
    const reader = replica.begin();
    const meta = await rd.replaceWithSnapshot(snapshot.path);
    expect(meta.timestamp).toBe(main.lastCommitTimestamp());
    // The open reader still sees the graph it started on.
    expect([...reader.verticesByLabel('Diverged')]).toHaveLength(1);
    reader.abort();
    expect(graphDigest(replica)).toEqual(graphDigest(main));
    expect(rd.epoch.epochId).toBe(md.epoch.epochId);
    expect(fs.readdirSync(path.join(replicaDir, 'wal', '.old')).length).toBeGreaterThan(0);
    // New commits continue after the snapshot, are logged, and a restart recovers them.
    expect(await commit(replica, (tx) => tx.createVertex().addLabel('After'))).toBe(meta.timestamp + 1);
    await rd.close();
    await md.close();
    const again = new InMemoryStorage();
    const d2 = await openDurability(config(replicaDir), again, quiet);
    expect(d2.recovery?.stop).toBeNull();
    expect([labelled(again, 'Person'), labelled(again, 'Diverged'), labelled(again, 'After')]).toEqual([50, 0, 1]);
    expect(again.hasIndex('Person', 'id')).toBe(true);
    await d2.close();
  });
});
