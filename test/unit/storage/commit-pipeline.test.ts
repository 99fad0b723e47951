import { Codes, MghaError } from '../../../dataplane/errors.js';
import { InMemoryStorage } from '../../../dataplane/storage/storage.js';
import type { CommitResult, CommitStage, PipelineCommit } from '../../../dataplane/storage/types.js';
import { commitNow } from './helpers.js';

/** A stage whose answers the test releases one by one. */
function gate(name = 'gate'): { stage: CommitStage; runs: number[]; release: (ts: number, error?: Error) => void; settled: [number, boolean][] } {
  const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  const runs: number[] = [];
  const settled: [number, boolean][] = [];
  const stage: CommitStage = {
    name,
    run: (c: PipelineCommit) => {
      runs.push(c.commitTimestamp);
      return new Promise<void>((resolve, reject) => pending.set(c.commitTimestamp, { resolve, reject }));
    },
    settle: (c, committed) => void settled.push([c.commitTimestamp, committed]),
  };
  const release = (ts: number, error?: Error): void => {
    const p = pending.get(ts);
    if (p === undefined) throw new Error(`no pending run for ${ts}`);
    pending.delete(ts);
    if (error === undefined) p.resolve();
    else p.reject(error);
  };
  return { stage, runs, release, settled };
}

function countLabel(store: InMemoryStorage, label: string): number {
  const tx = store.begin();
  try {
    return [...tx.verticesByLabel(label)].length;
  } finally {
    tx.abort();
  }
}

function create(store: InMemoryStorage, label: string): Promise<CommitResult> {
  const tx = store.begin();
  tx.createVertex().addLabel(label);
  return Promise.resolve(tx.commit());
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('commit pipeline', () => {
  test('without stages a commit publishes synchronously', () => {
    const store = new InMemoryStorage();
    const tx = store.begin();
    tx.createVertex();
    const r = commitNow(tx);
    expect(r).toMatchObject({ commitTimestamp: 1, notifications: [] });
    expect(store.lastCommitTimestamp()).toBe(1);
  });

  test('a prepared commit is invisible until its stages finish, and holds its objects against other writers', async () => {
    const store = new InMemoryStorage();
    const setup = store.begin();
    const gid = setup.createVertex().gid;
    commitNow(setup);
    const g = gate();
    store.addCommitStage(g.stage);
    const a = store.begin();
    a.vertex(gid)!.addLabel('A');
    const done = a.commit();
    expect(done).toBeInstanceOf(Promise);
    expect(countLabel(store, 'A')).toBe(0);
    expect(store.lastCommitTimestamp()).toBe(1);
    // Writing the prepared vertex conflicts (retryable) until it is published.
    const b = store.begin();
    expect(() => b.vertex(gid)!.setProperty('x', 1n)).toThrow(expect.objectContaining({ code: Codes.Conflict }));
    b.abort();
    g.release(2);
    await expect(done).resolves.toMatchObject({ commitTimestamp: 2 });
    expect(countLabel(store, 'A')).toBe(1);
  });

  test('a later-prepared commit never becomes visible before an earlier one, even when its stage finishes first', async () => {
    const store = new InMemoryStorage();
    const g = gate();
    store.addCommitStage(g.stage);
    const first = create(store, 'First');
    const second = create(store, 'Second');
    expect(g.runs).toEqual([1, 2]);
    g.release(2);
    await flush();
    expect(countLabel(store, 'Second')).toBe(0);
    expect(store.lastCommitTimestamp()).toBe(0);
    let secondDone = false;
    void second.then(() => (secondDone = true));
    await flush();
    expect(secondDone).toBe(false);
    g.release(1);
    expect((await first).commitTimestamp).toBe(1);
    expect((await second).commitTimestamp).toBe(2);
    expect(countLabel(store, 'First')).toBe(1);
    expect(countLabel(store, 'Second')).toBe(1);
    expect(g.settled).toEqual([
      [1, true],
      [2, true],
    ]);
  });

  test('each stage sees commits in timestamp order; the next stage starts only after the previous one answered', async () => {
    const store = new InMemoryStorage();
    const first = gate('first');
    const seen: number[] = [];
    store.addCommitStage(first.stage);
    store.addCommitStage({ name: 'second', run: (c) => void seen.push(c.commitTimestamp) });
    const a = create(store, 'X');
    const b = create(store, 'X');
    const c = create(store, 'X');
    first.release(3);
    first.release(2);
    await flush();
    expect(seen).toEqual([]);
    first.release(1);
    await Promise.all([a, b, c]);
    expect(seen).toEqual([1, 2, 3]);
  });

  test('a failing stage aborts that commit and every commit prepared after it; their timestamps are reused', async () => {
    const store = new InMemoryStorage();
    const g = gate();
    store.addCommitStage(g.stage);
    const ok = create(store, 'Ok');
    const bad = create(store, 'Bad');
    const later = create(store, 'Later');
    g.release(1);
    await ok;
    g.release(2, new MghaError(Codes.MemgraphClientError, 'refused by the test stage'));
    await expect(bad).rejects.toThrow('refused by the test stage');
    await expect(later).rejects.toMatchObject({ code: Codes.Conflict });
    expect(countLabel(store, 'Bad') + countLabel(store, 'Later')).toBe(0);
    expect(g.settled).toEqual([
      [1, true],
      [2, false],
      [3, false],
    ]);
    // The aborted timestamps are reused: the log stays contiguous.
    const next = create(store, 'Next');
    expect(g.runs.at(-1)).toBe(2);
    g.release(2);
    expect((await next).commitTimestamp).toBe(2);
    expect(countLabel(store, 'Next')).toBe(1);
  });

  test('a synchronous stage failure throws at commit and leaves nothing behind', () => {
    const store = new InMemoryStorage();
    store.addCommitStage({
      name: 'refuse',
      run: () => {
        throw new MghaError(Codes.MemgraphClientError, 'no');
      },
    });
    const tx = store.begin();
    tx.createVertex().addLabel('Gone');
    expect(() => tx.commit()).toThrow('no');
    expect(tx.isActive()).toBe(false);
    expect(countLabel(store, 'Gone')).toBe(0);
    expect(store.counts().pendingVersions).toBe(0);
  });

  test('commits are two-phase while a stage may abort, and stay so while any two-phase commit is in flight', async () => {
    const store = new InMemoryStorage();
    let strict = true;
    const g = gate();
    const phases: boolean[] = [];
    store.addCommitStage({ name: 'observe', run: (c) => void phases.push(c.twoPhase) });
    store.addCommitStage({ ...g.stage, mayAbort: () => strict });
    const a = create(store, 'A');
    strict = false;
    const b = create(store, 'B');
    g.release(1);
    g.release(2);
    await Promise.all([a, b]);
    const c = create(store, 'C');
    g.release(3);
    await c;
    expect(phases).toEqual([true, true, false]);
  });

  test('notifications from stages come back with the commit', async () => {
    const store = new InMemoryStorage();
    store.addCommitStage({ name: 'warn', run: () => [{ severity: 'WARNING', code: 'SyncReplicationFailure', title: 'replica r1 did not confirm' }] });
    const r = await create(store, 'W');
    expect(r.notifications).toEqual([{ severity: 'WARNING', code: 'SyncReplicationFailure', title: 'replica r1 did not confirm' }]);
  });

  test('encoded() encodes once per commit with the storage encoder', () => {
    const store = new InMemoryStorage();
    let encodings = 0;
    store.setCommitEncoder((c) => {
      encodings++;
      return Buffer.from(`ts=${c.commitTimestamp}`);
    });
    const seen: string[] = [];
    store.addCommitStage({ name: 'a', run: (c) => void seen.push(c.encoded().toString()) });
    store.addCommitStage({ name: 'b', run: (c) => void seen.push(c.encoded().toString()) });
    const tx = store.begin();
    tx.createVertex();
    commitNow(tx);
    expect(seen).toEqual(['ts=1', 'ts=1']);
    expect(encodings).toBe(1);
  });

  test('a schema change goes through the stages, and is undone when a stage refuses it', async () => {
    const store = new InMemoryStorage();
    const g = gate();
    store.addCommitStage(g.stage);
    expect(store.createIndex('L', 'p')).toBe(true);
    const committed = store.takeSchemaCommit();
    expect(committed).toBeInstanceOf(Promise);
    g.release(1);
    await expect(committed).resolves.toMatchObject({ commitTimestamp: 1, deltas: [{ op: 'createIndex', label: 'L', property: 'p' }] });
    expect(store.createIndex('M', null)).toBe(true);
    const refused = store.takeSchemaCommit();
    g.release(2, new Error('strict replica down'));
    await expect(refused).rejects.toThrow('strict replica down');
    expect(store.hasIndex('M', null)).toBe(false);
    expect(store.hasIndex('L', 'p')).toBe(true);
    expect(store.lastCommitTimestamp()).toBe(1);
  });

  test('replaceContents swaps the whole graph; readers of the old graph finish, its writers cannot commit', () => {
    const store = new InMemoryStorage();
    const seen: number[] = [];
    store.addCommitStage({ name: 'record', run: (c) => void seen.push(c.commitTimestamp) });
    const w = store.begin();
    w.createVertex().addLabel('Old');
    commitNow(w);
    const reader = store.begin();
    const writer = store.begin();
    writer.createVertex();
    store.replaceContents((fresh) => {
      fresh.loadCommitted({ commitTimestamp: 10, deltas: [{ op: 'createVertex', gid: 0 }, { op: 'addLabel', gid: 0, label: 'New' }] });
    });
    expect([...reader.verticesByLabel('Old')]).toHaveLength(1);
    reader.abort();
    expect(() => writer.commit()).toThrow(expect.objectContaining({ code: Codes.Conflict }));
    expect(countLabel(store, 'New')).toBe(1);
    expect(countLabel(store, 'Old')).toBe(0);
    expect(store.lastCommitTimestamp()).toBe(10);
    // Stages carried over: the next commit passes them at 11.
    const next = store.begin();
    next.createVertex();
    expect(commitNow(next).commitTimestamp).toBe(11);
    expect(seen).toEqual([1, 11]);
  });

  test('applyCommittedInSlices applies a huge transaction without holding the event loop, invisible until done', async () => {
    const source = new InMemoryStorage();
    const log: { commitTimestamp: number; deltas: import('../../../dataplane/storage/types.js').Delta[] }[] = [];
    source.addCommitStage({ name: 'record', run: (c) => void log.push({ commitTimestamp: c.commitTimestamp, deltas: [...c.deltas] }) });
    const tx = source.begin();
    for (let i = 0; i < 50_000; i++) tx.createVertex().addLabel('Big');
    commitNow(tx);
    const replica = new InMemoryStorage();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    let sawPartial = false;
    const probe = setInterval(() => {
      const n = countLabel(replica, 'Big');
      if (n !== 0 && n !== 50_000) sawPartial = true;
    }, 0);
    await replica.applyCommittedInSlices(log[0], 5_000);
    clearInterval(timer);
    clearInterval(probe);
    expect(ticks).toBeGreaterThan(0);
    expect(sawPartial).toBe(false);
    expect(countLabel(replica, 'Big')).toBe(50_000);
    expect(replica.lastCommitTimestamp()).toBe(1);
  });

  test('a replay rolls back an open local write transaction instead of conflicting with it', () => {
    const store = new InMemoryStorage();
    store.applyCommitted({ commitTimestamp: 1, deltas: [{ op: 'createVertex', gid: 0 }] });
    const local = store.begin();
    local.vertex(0)!.setProperty('local', true);
    const reader = store.begin();
    store.applyCommitted({ commitTimestamp: 2, deltas: [{ op: 'setVertexProperty', gid: 0, key: 'main', value: 1n }] });
    expect(local.isActive()).toBe(false);
    expect(() => local.commit()).toThrow(expect.objectContaining({ code: Codes.MemgraphClientError }));
    expect(reader.isActive()).toBe(true);
    reader.abort();
    const check = store.begin();
    expect(Object.fromEntries(check.vertex(0)!.properties())).toEqual({ main: 1n });
    check.abort();
  });
});
