import { InMemoryStorage } from '../../../dataplane/storage/storage.js';
import { Codes, MghaError } from '../../../dataplane/errors.js';
import { MaterializedNode } from '../../../dataplane/values/model.js';
import { gids, makeVertex, props, recordCommits, write } from './helpers.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof MghaError) return e.code;
    throw e;
  }
  return undefined;
}

describe('snapshot isolation', () => {
  test('own changes are visible at once, others only after commit and only to later snapshots', () => {
    const store = new InMemoryStorage();
    const t1 = store.begin();
    const v = makeVertex(t1, ['Person'], { name: 'Ann' });
    expect(t1.vertex(v.gid)?.getProperty('name')).toBe('Ann');
    const t2 = store.begin();
    expect(t2.vertex(v.gid)).toBeNull();
    expect([...t2.vertices()]).toHaveLength(0);
    t1.commit();
    expect(t2.vertex(v.gid)).toBeNull();
    const t3 = store.begin();
    expect(t3.vertex(v.gid)?.labels()).toEqual(['Person']);
    expect(t3.vertex(v.gid)?.properties()).toEqual(props({ name: 'Ann' }));
  });

  test('a reader keeps seeing old property values, labels and deletions until it ends', () => {
    const store = new InMemoryStorage();
    const gid = write(store, (tx) => makeVertex(tx, ['A'], { x: 1n, y: 'keep' }).gid);
    const reader = store.begin();
    write(store, (tx) => {
      const v = tx.vertex(gid)!;
      v.setProperty('x', 2n);
      v.setProperty('x', 3n);
      v.setProperty('y', null);
      v.setProperty('z', true);
      v.removeLabel('A');
      v.addLabel('B');
    });
    const rv = reader.vertex(gid)!;
    expect(rv.getProperty('x')).toBe(1n);
    expect(rv.properties()).toEqual(props({ x: 1n, y: 'keep' }));
    expect(rv.labels()).toEqual(['A']);
    expect(rv.hasLabel('B')).toBe(false);
    const fresh = store.begin();
    expect(fresh.vertex(gid)!.properties()).toEqual(props({ x: 3n, z: true }));
    expect(fresh.vertex(gid)!.labels()).toEqual(['B']);
    write(store, (tx) => tx.deleteVertex(tx.vertex(gid)!, false));
    expect(reader.vertex(gid)?.getProperty('x')).toBe(1n);
    expect(fresh.vertex(gid)).not.toBeNull();
    expect(store.begin().vertex(gid)).toBeNull();
  });

  test('edges follow the same visibility rules', () => {
    const store = new InMemoryStorage();
    const [a, b] = write(store, (tx) => [tx.createVertex().gid, tx.createVertex().gid]);
    const t1 = store.begin();
    const e = t1.createEdge(t1.vertex(a)!, t1.vertex(b)!, 'KNOWS');
    e.setProperty('since', 2020n);
    const t2 = store.begin();
    expect([...t2.vertex(a)!.outEdges()]).toHaveLength(0);
    expect(t2.edge(e.gid)).toBeNull();
    t1.commit();
    const t3 = store.begin();
    const seen = [...t3.vertex(a)!.outEdges()];
    expect(seen.map((x) => [x.type, x.startId, x.endId, x.getProperty('since')])).toEqual([['KNOWS', a, b, 2020n]]);
    expect([...t3.vertex(b)!.inEdges(['KNOWS'])]).toHaveLength(1);
    expect([...t2.vertex(b)!.inEdges()]).toHaveLength(0);
  });

  test('read-only transactions consume no commit timestamp and emit nothing', () => {
    const store = new InMemoryStorage();
    const seen = recordCommits(store);
    write(store, (tx) => tx.createVertex());
    const ts = store.lastCommitTimestamp();
    const ro = store.begin();
    [...ro.vertices()];
    ro.commit();
    expect(store.lastCommitTimestamp()).toBe(ts);
    expect(seen.map((c) => c.commitTimestamp)).toEqual([ts]);
    expect(ro.isActive()).toBe(false);
  });
});

describe('abort', () => {
  test('undoes creations, deletions, labels and properties', () => {
    const store = new InMemoryStorage();
    const [a, b, e] = write(store, (tx) => {
      const va = makeVertex(tx, ['A'], { n: 1n });
      const vb = makeVertex(tx, ['B']);
      return [va.gid, vb.gid, tx.createEdge(va, vb, 'R').gid];
    });
    const before = store.counts();
    const tx = store.begin();
    const va = tx.vertex(a)!;
    va.setProperty('n', 2n);
    va.setProperty('m', 'x');
    va.addLabel('C');
    va.removeLabel('A');
    tx.deleteVertex(tx.vertex(b)!, true);
    const nv = tx.createVertex();
    tx.createEdge(nv, va, 'NEW');
    tx.abort();
    expect(tx.isActive()).toBe(false);
    const r = store.begin();
    expect(r.vertex(a)!.properties()).toEqual(props({ n: 1n }));
    expect(r.vertex(a)!.labels()).toEqual(['A']);
    expect(r.vertex(b)).not.toBeNull();
    expect(r.edge(e)).not.toBeNull();
    expect(r.vertex(nv.gid)).toBeNull();
    expect([...r.vertex(a)!.inEdges()]).toHaveLength(0);
    expect(store.counts()).toEqual(before);
    expect(store.counts().pendingVersions).toBe(0);
  });

  test('gids are not reused after an abort', () => {
    const store = new InMemoryStorage();
    const t = store.begin();
    const g = t.createVertex().gid;
    t.abort();
    expect(write(store, (tx) => tx.createVertex().gid)).toBeGreaterThan(g);
  });

  test('operations on a finished transaction fail', () => {
    const store = new InMemoryStorage();
    const t = store.begin();
    t.commit();
    expect(() => t.createVertex()).toThrow(MghaError);
    t.abort();
  });
});

describe('write-write conflicts', () => {
  const conflictMessage =
    'Cannot resolve conflicting transactions. You can retry this transaction when the conflicting transaction is finished';

  test('writing an object an uncommitted transaction changed is a retryable conflict', () => {
    const store = new InMemoryStorage();
    const gid = write(store, (tx) => tx.createVertex().gid);
    const t1 = store.begin();
    const t2 = store.begin();
    t1.vertex(gid)!.setProperty('x', 1n);
    const v2 = t2.vertex(gid)!;
    expect(() => v2.setProperty('x', 2n)).toThrow(conflictMessage);
    expect(codeOf(() => v2.addLabel('L'))).toBe(Codes.Conflict);
    expect(Codes.Conflict).toContain('TransientError');
    t2.abort();
    t1.commit();
    expect(store.begin().vertex(gid)!.getProperty('x')).toBe(1n);
  });

  test('writing an object committed after our start conflicts; after a retry it works', () => {
    const store = new InMemoryStorage();
    const gid = write(store, (tx) => tx.createVertex().gid);
    const t2 = store.begin();
    write(store, (tx) => tx.vertex(gid)!.setProperty('x', 1n));
    expect(codeOf(() => t2.vertex(gid)!.setProperty('x', 2n))).toBe(Codes.Conflict);
    expect(codeOf(() => t2.deleteVertex(t2.vertex(gid)!, true))).toBe(Codes.Conflict);
    t2.abort();
    write(store, (tx) => tx.vertex(gid)!.setProperty('x', 2n));
    expect(store.begin().vertex(gid)!.getProperty('x')).toBe(2n);
  });

  test('a conflicted transaction aborts cleanly and keeps its other changes undone', () => {
    const store = new InMemoryStorage();
    const [a, b] = write(store, (tx) => [tx.createVertex().gid, tx.createVertex().gid]);
    const t1 = store.begin();
    t1.vertex(b)!.setProperty('k', 'one');
    const t2 = store.begin();
    t2.vertex(a)!.setProperty('k', 'two');
    expect(codeOf(() => t2.vertex(b)!.setProperty('k', 'two'))).toBe(Codes.Conflict);
    t2.abort();
    t1.commit();
    const r = store.begin();
    expect(r.vertex(a)!.getProperty('k')).toBeNull();
    expect(r.vertex(b)!.getProperty('k')).toBe('one');
  });

  test('creating an edge to a vertex a concurrent transaction deleted conflicts, and vice versa', () => {
    const store = new InMemoryStorage();
    const [a, b] = write(store, (tx) => [tx.createVertex().gid, tx.createVertex().gid]);
    const t1 = store.begin();
    const t2 = store.begin();
    t1.deleteVertex(t1.vertex(b)!, false);
    expect(codeOf(() => t2.createEdge(t2.vertex(a)!, t2.vertex(b)!, 'R'))).toBe(Codes.Conflict);
    t2.abort();
    t1.abort();
    const t3 = store.begin();
    const t4 = store.begin();
    t3.createEdge(t3.vertex(a)!, t3.vertex(b)!, 'R');
    expect(codeOf(() => t4.deleteVertex(t4.vertex(b)!, true))).toBe(Codes.Conflict);
    t4.abort();
    t3.commit();
    expect([...store.begin().vertex(b)!.inEdges()]).toHaveLength(1);
  });

  test('edges: concurrent property writes and deletes conflict', () => {
    const store = new InMemoryStorage();
    const e = write(store, (tx) => tx.createEdge(tx.createVertex(), tx.createVertex(), 'R').gid);
    const t1 = store.begin();
    const t2 = store.begin();
    t1.edge(e)!.setProperty('w', 1n);
    expect(codeOf(() => t2.edge(e)!.setProperty('w', 2n))).toBe(Codes.Conflict);
    expect(codeOf(() => t2.deleteEdge(t2.edge(e)!))).toBe(Codes.Conflict);
    t1.commit();
    expect(codeOf(() => t2.deleteEdge(t2.edge(e)!))).toBe(Codes.Conflict);
    expect(t2.edge(e)!.getProperty('w')).toBeNull();
    t2.abort();
    write(store, (tx) => tx.deleteEdge(tx.edge(e)!));
    expect(store.counts().edgeCount).toBe(0);
  });

  test('a vertex deleted by a concurrent transaction stays readable in older snapshots', () => {
    const store = new InMemoryStorage();
    const [a, b] = write(store, (tx) => {
      const va = makeVertex(tx, ['L'], { k: 'v' });
      const vb = tx.createVertex();
      tx.createEdge(va, vb, 'R');
      return [va.gid, vb.gid];
    });
    const deleter = store.begin();
    const reader = store.begin();
    deleter.deleteVertex(deleter.vertex(a)!, true);
    expect(deleter.vertex(a)).toBeNull();
    expect(deleter.vertex(b)!.inDegree()).toBe(0);
    const ra = reader.vertex(a)!;
    expect(ra.isDeleted()).toBe(false);
    expect(ra.properties()).toEqual(props({ k: 'v' }));
    expect(ra.outDegree()).toBe(1);
    deleter.commit();
    expect([...reader.vertex(b)!.inEdges(['R'], ra)]).toHaveLength(1);
    expect(reader.vertex(a)!.getProperty('k')).toBe('v');
  });

  test('concurrent creations never conflict', () => {
    const store = new InMemoryStorage();
    const a = write(store, (tx) => tx.createVertex().gid);
    const t1 = store.begin();
    const t2 = store.begin();
    t1.createEdge(t1.vertex(a)!, t1.createVertex(), 'R');
    t2.createEdge(t2.createVertex(), t2.vertex(a)!, 'R');
    t1.commit();
    t2.commit();
    const r = store.begin().vertex(a)!;
    expect(r.outDegree()).toBe(1);
    expect(r.inDegree()).toBe(1);
  });
});

describe('delete semantics', () => {
  test('deleting a connected node needs DETACH', () => {
    const store = new InMemoryStorage();
    const [a, b] = write(store, (tx) => {
      const va = tx.createVertex();
      const vb = tx.createVertex();
      tx.createEdge(va, vb, 'R');
      return [va.gid, vb.gid];
    });
    const tx = store.begin();
    expect(() => tx.deleteVertex(tx.vertex(a)!, false)).toThrow(
      "Failed to remove node because of it's existing connections. Consider using DETACH DELETE.",
    );
    tx.deleteVertex(tx.vertex(a)!, true);
    expect(tx.stats).toMatchObject({ nodesDeleted: 1, relationshipsDeleted: 1 });
    expect([...tx.vertex(b)!.inEdges()]).toHaveLength(0);
    tx.commit();
    expect(store.counts()).toMatchObject({ vertexCount: 1, edgeCount: 0 });
  });

  test('a node whose edges were deleted in the same transaction deletes without DETACH', () => {
    const store = new InMemoryStorage();
    const tx = store.begin();
    const a = tx.createVertex();
    const e = tx.createEdge(a, a, 'SELF');
    tx.deleteEdge(e);
    tx.deleteVertex(a, false);
    tx.commit();
    expect(store.counts()).toMatchObject({ vertexCount: 0, edgeCount: 0 });
  });

  test('self-loops are detached once', () => {
    const store = new InMemoryStorage();
    const tx = store.begin();
    const a = tx.createVertex();
    tx.createEdge(a, a, 'SELF');
    expect(a.outDegree()).toBe(1);
    expect(a.inDegree()).toBe(1);
    tx.deleteVertex(a, true);
    expect(tx.stats.relationshipsDeleted).toBe(1);
    tx.commit();
    expect(store.counts()).toMatchObject({ vertexCount: 0, edgeCount: 0 });
  });

  test('deleted objects keep their id but refuse property and label access; deleting twice is a no-op', () => {
    const store = new InMemoryStorage();
    const tx = store.begin();
    const v = makeVertex(tx, ['L'], { p: 1n });
    const w = tx.createVertex();
    const e = tx.createEdge(v, w, 'R');
    tx.deleteVertex(v, true);
    tx.deleteVertex(v, true);
    tx.deleteEdge(e);
    expect(tx.stats).toMatchObject({ nodesDeleted: 1, relationshipsDeleted: 1 });
    expect(v.id).toBe(v.gid);
    expect(v.isDeleted()).toBe(true);
    expect(e.isDeleted()).toBe(true);
    expect(() => v.properties()).toThrow('Trying to get properties of a deleted object.');
    expect(() => v.getProperty('p')).toThrow(MghaError);
    expect(() => v.labels()).toThrow(MghaError);
    expect(() => e.properties()).toThrow('Trying to get properties of a deleted object.');
    expect(() => v.setProperty('p', 2n)).toThrow(MghaError);
    expect(() => tx.createEdge(v, w, 'R')).toThrow(MghaError);
    expect(tx.vertex(v.gid)).toBeNull();
    expect(tx.edge(e.gid)).toBeNull();
    expect(() => [...v.outEdges()]).toThrow('Trying to get relationships of a deleted object.');
    expect(() => v.inDegree()).toThrow(MghaError);
  });
});

describe('labels', () => {
  test('are reported in the order they were added, and are shared between vertices', () => {
    const store = new InMemoryStorage();
    const tx = store.begin();
    makeVertex(tx, ['B']);
    const v = makeVertex(tx, ['A', 'B', 'C']);
    expect(v.labels()).toEqual(['A', 'B', 'C']);
    expect(v.addLabel('B')).toBe(false);
    expect(v.removeLabel('B')).toBe(true);
    expect(v.removeLabel('B')).toBe(false);
    expect(v.labels()).toEqual(['A', 'C']);
    expect(v.hasLabel('C')).toBe(true);
    expect(v.hasLabel('Unknown')).toBe(false);
    tx.commit();
    const reader = store.begin();
    write(store, (t) => {
      t.vertex(v.gid)!.removeLabel('A');
      t.vertex(v.gid)!.addLabel('D');
    });
    expect(reader.vertex(v.gid)!.labels()).toEqual(['A', 'C']);
    expect(store.begin().vertex(v.gid)!.labels()).toEqual(['C', 'D']);
  });
});

describe('properties', () => {
  test('graph entities cannot be stored, at any depth', () => {
    const store = new InMemoryStorage();
    const tx = store.begin();
    const v = tx.createVertex();
    const node = new MaterializedNode(1, [], new Map());
    expect(codeOf(() => v.setProperty('x', node))).toBe(Codes.TypeError);
    expect(() => v.setProperty('x', [1n, node])).toThrow(/NODE/);
    expect(() => v.setProperty('x', new Map([['k', v]]))).toThrow(/NODE/);
    v.setProperty('ok', [1n, 'a', new Map([['k', 2.5]])]);
    expect(v.getProperty('ok')).toEqual([1n, 'a', new Map([['k', 2.5]])]);
  });

  test('null removes; clearProperties removes all; returns the previous value', () => {
    const store = new InMemoryStorage();
    const tx = store.begin();
    const v = makeVertex(tx, [], { a: 1n, b: 2n, c: 3n });
    expect(v.setProperty('b', null)).toBe(2n);
    expect(v.properties()).toEqual(props({ a: 1n, c: 3n }));
    expect(v.setProperty('a', 'x')).toBe(1n);
    v.clearProperties();
    expect(v.properties().size).toBe(0);
    expect(v.getProperty('nope')).toBeNull();
  });

  test('write stats count every operation', () => {
    const store = new InMemoryStorage();
    const tx = store.begin();
    const a = makeVertex(tx, ['A', 'B'], { x: 1n });
    const b = tx.createVertex();
    a.addLabel('A');
    a.removeLabel('B');
    a.removeLabel('Nope');
    a.setProperty('x', null);
    a.setProperty('never', null);
    tx.createEdge(a, b, 'R').setProperty('w', 1.5);
    tx.deleteVertex(b, true);
    expect(tx.stats).toEqual({
      nodesCreated: 2,
      nodesDeleted: 1,
      relationshipsCreated: 1,
      relationshipsDeleted: 1,
      propertiesSet: 4,
      labelsAdded: 2,
      labelsRemoved: 1,
    });
  });
});

describe('adjacency', () => {
  test('filters by type and by the other endpoint, from either side', () => {
    const store = new InMemoryStorage();
    const tx = store.begin();
    const hub = tx.createVertex();
    const others = Array.from({ length: 20 }, () => tx.createVertex());
    for (const [i, o] of others.entries()) tx.createEdge(hub, o, i % 2 === 0 ? 'EVEN' : 'ODD');
    const target = others[4];
    tx.createEdge(hub, target, 'ODD');
    expect([...hub.outEdges()]).toHaveLength(21);
    expect([...hub.outEdges(['EVEN'])]).toHaveLength(10);
    expect([...hub.outEdges(['EVEN', 'ODD'])]).toHaveLength(21);
    expect([...hub.outEdges(['MISSING'])]).toHaveLength(0);
    expect([...hub.outEdges(null, target)].map((e) => e.type).sort()).toEqual(['EVEN', 'ODD']);
    expect([...hub.outEdges(['ODD'], target)]).toHaveLength(1);
    expect([...target.inEdges(null, hub)]).toHaveLength(2);
    expect([...hub.inEdges(null, target)]).toHaveLength(0);
    const e = [...hub.outEdges(['ODD'], target)][0];
    expect(e.from().gid).toBe(hub.gid);
    expect(e.to().gid).toBe(target.gid);
  });

  test('iteration tolerates creations and deletions by the same transaction', () => {
    const store = new InMemoryStorage();
    write(store, (tx) => {
      for (let i = 0; i < 5; i++) makeVertex(tx, ['L']);
    });
    store.createIndex('L', null);
    const tx = store.begin();
    let n = 0;
    for (const v of tx.vertices()) {
      makeVertex(tx, ['L']);
      tx.createEdge(v, v, 'SELF');
      n++;
    }
    expect(n).toBe(5);
    let m = 0;
    for (const v of tx.verticesByLabel('L')) {
      makeVertex(tx, ['L']);
      for (const e of v.outEdges()) {
        tx.createEdge(v, v, 'MORE');
        tx.deleteEdge(e);
      }
      m++;
    }
    expect(m).toBe(10);
    for (const v of tx.vertices()) tx.deleteVertex(v, true);
    expect([...tx.vertices()]).toHaveLength(0);
    tx.commit();
    expect(store.counts()).toMatchObject({ vertexCount: 0, edgeCount: 0 });
  });

  test('vertices() and verticesByLabel() without an index', () => {
    const store = new InMemoryStorage();
    write(store, (tx) => {
      makeVertex(tx, ['A']);
      makeVertex(tx, ['A', 'B']);
      makeVertex(tx, []);
    });
    const tx = store.begin();
    expect(gids(tx.vertices())).toEqual([0, 1, 2]);
    expect(gids(tx.verticesByLabel('A'))).toEqual([0, 1]);
    expect(gids(tx.verticesByLabel('Nope'))).toEqual([]);
    expect(tx.estimateCount()).toBe(3);
  });

  test('estimates follow label changes, deletions and aborts', () => {
    const store = new InMemoryStorage();
    const [a] = write(store, (tx) => [makeVertex(tx, ['A', 'B']).gid, makeVertex(tx, ['A']).gid]);
    const est = (label: string): number => store.begin().estimateCount(label);
    expect([est('A'), est('B'), est('C')]).toEqual([2, 1, 0]);
    const t = store.begin();
    t.deleteVertex(t.vertex(a)!, false);
    makeVertex(t, ['C']).removeLabel('C');
    t.abort();
    expect([est('A'), est('B'), est('C')]).toEqual([2, 1, 0]);
    write(store, (tx) => {
      tx.vertex(a)!.removeLabel('B');
      tx.deleteVertex(tx.vertex(a)!, false);
    });
    store.collectGarbage();
    expect([est('A'), est('B')]).toEqual([1, 0]);
  });
});
