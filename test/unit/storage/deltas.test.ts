import { InMemoryStorage } from '../../../dataplane/storage/storage.js';
import type { CommittedTransaction } from '../../../dataplane/storage/types.js';
import { CypherDate, CypherDuration } from '../../../dataplane/values/model.js';
import { commitNow, dump, makeVertex, recordCommits, write } from './helpers.js';

function recorded(): { store: InMemoryStorage; log: CommittedTransaction[] } {
  const store = new InMemoryStorage();
  const log: CommittedTransaction[] = recordCommits(store);
  return { store, log };
}

describe('redo deltas', () => {
  test('are emitted in application order, one per change, without collapsing', () => {
    const { store, log } = recorded();
    const tx = store.begin();
    const v = tx.createVertex();
    v.addLabel('A');
    v.setProperty('x', 1n);
    v.setProperty('x', 2n);
    const w = tx.createVertex();
    const e = tx.createEdge(v, w, 'R');
    e.setProperty('w', 0.5);
    tx.deleteVertex(w, true);
    const committed = commitNow(tx);
    expect(log).toEqual([{ commitTimestamp: committed.commitTimestamp, deltas: committed.deltas }]);
    expect(committed.commitTimestamp).toBe(1);
    expect(committed.deltas).toEqual([
      { op: 'createVertex', gid: 0 },
      { op: 'addLabel', gid: 0, label: 'A' },
      { op: 'setVertexProperty', gid: 0, key: 'x', value: 1n },
      { op: 'setVertexProperty', gid: 0, key: 'x', value: 2n },
      { op: 'createVertex', gid: 1 },
      { op: 'createEdge', gid: 0, from: 0, to: 1, type: 'R' },
      { op: 'setEdgeProperty', gid: 0, key: 'w', value: 0.5 },
      { op: 'deleteEdge', gid: 0 },
      { op: 'deleteVertex', gid: 1 },
    ]);
  });

  test('commit timestamps increase by one per write transaction, in listener order', () => {
    const { store, log } = recorded();
    for (let i = 0; i < 3; i++) write(store, (tx) => tx.createVertex());
    const failed = store.begin();
    failed.createVertex();
    failed.abort();
    write(store, (tx) => tx.createVertex());
    expect(log.map((c) => c.commitTimestamp)).toEqual([1, 2, 3, 4]);
    expect(store.lastCommitTimestamp()).toBe(4);
  });

  test('replaying one store’s deltas into a fresh store reproduces the graph', () => {
    const { store: source, log } = recorded();
    source.createConstraint('unique', 'P', ['k']);
    const ids = write(source, (tx) => {
      const a = makeVertex(tx, ['P', 'Q'], { k: 1n, d: new CypherDate(10), m: new Map([['x', [1n, 'y']]]) });
      const b = makeVertex(tx, ['P'], { k: 2n });
      const c = makeVertex(tx, [], { name: 'c' });
      tx.createEdge(a, b, 'R').setProperty('dur', new CypherDuration(1, 2, 3, 4));
      tx.createEdge(b, c, 'S');
      tx.createEdge(c, c, 'SELF');
      return { a: a.gid, b: b.gid, c: c.gid };
    });
    const aborted = source.begin();
    makeVertex(aborted, ['Gap']);
    aborted.abort();
    write(source, (tx) => {
      const a = tx.vertex(ids.a)!;
      a.removeLabel('Q');
      a.setProperty('d', null);
      a.clearProperties();
      a.setProperty('k', 3n);
      const n = makeVertex(tx, ['New'], { z: true });
      tx.createEdge(n, a, 'T');
      tx.deleteVertex(tx.vertex(ids.c)!, true);
    });
    write(source, (tx) => {
      for (const e of tx.vertex(ids.a)!.outEdges()) tx.deleteEdge(e);
    });

    const { store: replica, log: replicaLog } = recorded();
    for (const c of log) replica.applyCommitted(c);
    expect(dump(replica.begin())).toEqual(dump(source.begin()));
    expect(replica.counts()).toEqual(source.counts());
    expect(replica.lastCommitTimestamp()).toBe(source.lastCommitTimestamp());
    // A replay passes no commit stage: the replica logs what it receives itself.
    expect(replicaLog).toEqual([]);
    // New objects on the replica continue after the replayed gids.
    const next = write(replica, (tx) => tx.createVertex().gid);
    expect(next).toBe(write(source, (tx) => tx.createVertex().gid));
  });

  test('replay rejects out-of-order timestamps and leaves no partial change', () => {
    const replica = new InMemoryStorage();
    replica.applyCommitted({ commitTimestamp: 5, deltas: [{ op: 'createVertex', gid: 0 }] });
    expect(() =>
      replica.applyCommitted({ commitTimestamp: 5, deltas: [{ op: 'createVertex', gid: 1 }] }),
    ).toThrow(/not after/);
    expect(() =>
      replica.applyCommitted({
        commitTimestamp: 6,
        deltas: [
          { op: 'createVertex', gid: 2 },
          { op: 'addLabel', gid: 9, label: 'X' },
        ],
      }),
    ).toThrow(/does not exist/);
    expect(replica.counts().vertexCount).toBe(1);
    expect(replica.lastCommitTimestamp()).toBe(5);
  });
});

describe('schema deltas', () => {
  test('each schema change that takes effect commits alone with its own timestamp', () => {
    const { store, log } = recorded();
    write(store, (tx) => makeVertex(tx, ['P'], { id: 1n }));
    expect(store.createIndex('P', null)).toBe(true);
    expect(store.createIndex('P', null)).toBe(false);
    expect(store.createIndex('P', 'id')).toBe(true);
    expect(store.createConstraint('unique', 'P', ['id'])).toBe(true);
    expect(store.createConstraint('exists', 'P', ['id'])).toBe(true);
    expect(store.dropConstraint('exists', 'P', ['id'])).toBe(true);
    expect(store.dropIndex('P', null)).toBe(true);
    expect(store.dropIndex('Q', null)).toBe(false);
    expect(log.map((c) => c.commitTimestamp)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(log.slice(1).map((c) => c.deltas)).toEqual([
      [{ op: 'createIndex', label: 'P', property: null }],
      [{ op: 'createIndex', label: 'P', property: 'id' }],
      [{ op: 'createConstraint', type: 'unique', label: 'P', properties: ['id'] }],
      [{ op: 'createConstraint', type: 'exists', label: 'P', properties: ['id'] }],
      [{ op: 'dropConstraint', type: 'exists', label: 'P', properties: ['id'] }],
      [{ op: 'dropIndex', label: 'P', property: null }],
    ]);
    expect(store.lastCommitTimestamp()).toBe(7);

    const { store: replica, log: replicaLog } = recorded();
    for (const c of log) replica.applyCommitted(c);
    expect(replica.indexes()).toEqual(store.indexes());
    expect(replica.constraints()).toEqual(store.constraints());
    expect(replica.lastCommitTimestamp()).toBe(7);
    expect(replicaLog).toEqual([]);
  });

  test('loadCommitted applies batches at one repeated timestamp without notifying', () => {
    const { store, log } = recorded();
    store.loadCommitted({ commitTimestamp: 9, deltas: [{ op: 'createVertex', gid: 3 }] });
    store.loadCommitted({ commitTimestamp: 9, deltas: [{ op: 'addLabel', gid: 3, label: 'L' }] });
    store.loadCommitted({ commitTimestamp: 9, deltas: [{ op: 'createIndex', label: 'L', property: null }] });
    store.reserveGids({ vertex: 10, edge: 4 });
    expect(log).toEqual([]);
    expect(store.lastCommitTimestamp()).toBe(9);
    expect(store.indexes()).toEqual([{ type: 'label', label: 'L', properties: [], count: 1 }]);
    expect(store.nextGids()).toEqual({ vertex: 10, edge: 4 });
    expect(() => store.loadCommitted({ commitTimestamp: 8, deltas: [{ op: 'createVertex', gid: 0 }] })).toThrow(/before|not after/);
  });
});
