import { InMemoryStorage } from '../../../dataplane/storage/storage.js';
import type { StorageCore } from '../../../dataplane/storage/core.js';
import { RELEASE_SLICE } from '../../../dataplane/storage/gc.js';
import { makeVertex, write } from './helpers.js';

/** The internals GC is about (white-box: memory is not observable through the API). */
function core(store: InMemoryStorage): StorageCore {
  return (store as unknown as { core: StorageCore }).core;
}

describe('garbage collection', () => {
  test('keeps versions an open snapshot needs and frees them once it ends', () => {
    const store = new InMemoryStorage();
    const gid = write(store, (tx) => makeVertex(tx, [], { x: 0n }).gid);
    expect(store.counts().pendingVersions).toBe(0);
    const reader = store.begin();
    for (let i = 1; i <= 5; i++) write(store, (tx) => tx.vertex(gid)!.setProperty('x', BigInt(i)));
    store.collectGarbage();
    expect(store.counts().pendingVersions).toBe(5);
    expect(reader.vertex(gid)!.getProperty('x')).toBe(0n);
    reader.commit();
    expect(store.counts().pendingVersions).toBe(0);
    expect(core(store).vertices[gid]!.delta).toBeNull();
    expect(store.begin().vertex(gid)!.getProperty('x')).toBe(5n);
  });

  test('a huge transaction\'s versions are released a slice per turn of the event loop after its commit', async () => {
    const store = new InMemoryStorage();
    const n = RELEASE_SLICE * 2 + 10;
    write(store, (tx) => {
      for (let i = 0; i < n; i++) tx.createVertex();
    });
    // The first slice at once, the rest later; reads are right meanwhile.
    expect(store.counts().pendingVersions).toBe(n - RELEASE_SLICE);
    expect(store.counts().vertexCount).toBe(n);
    const deadline = Date.now() + 5000;
    while (store.counts().pendingVersions > 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    expect(store.counts().pendingVersions).toBe(0);
    expect(core(store).committed).toEqual([]);
  });

  test('physically removes deleted objects only when no snapshot can see them', () => {
    const store = new InMemoryStorage();
    const [a, b, e] = write(store, (tx) => {
      const va = makeVertex(tx, ['L'], { p: 1n });
      const vb = tx.createVertex();
      return [va.gid, vb.gid, tx.createEdge(va, vb, 'R').gid];
    });
    store.createIndex('L', null);
    store.createIndex('L', 'p');
    const reader = store.begin();
    write(store, (tx) => tx.deleteVertex(tx.vertex(a)!, true));
    store.collectGarbage();
    expect(core(store).vertices[a]).toBeDefined();
    expect(reader.vertex(a)!.getProperty('p')).toBe(1n);
    expect([...reader.vertex(b)!.inEdges()].map((x) => x.gid)).toEqual([e]);
    reader.abort();
    store.collectGarbage();
    const c = core(store);
    expect(c.vertices[a]).toBeUndefined();
    expect(c.edges[e]).toBeUndefined();
    expect(c.vertices[b]!.inHead).toBeNull();
    expect(store.indexes().map((i) => i.count)).toEqual([0, 0]);
    expect(store.counts()).toEqual({ vertexCount: 1, edgeCount: 0, pendingVersions: 0 });
  });

  test('a long update workload with GC does not grow versions or index entries', () => {
    const store = new InMemoryStorage();
    store.createIndex('N', 'v');
    store.createConstraint('unique', 'N', ['u']);
    write(store, (tx) => {
      for (let i = 0; i < 50; i++) makeVertex(tx, ['N'], { v: 0n, u: BigInt(i) });
    });
    for (let round = 1; round <= 100; round++) {
      // A reader overlapping each writer keeps versions alive until the next round.
      const reader = store.begin();
      write(store, (tx) => {
        for (const v of tx.verticesByLabel('N')) {
          v.setProperty('v', BigInt(round));
          v.setProperty('u', (v.getProperty('u') as bigint) + 50n);
        }
      });
      expect([...reader.verticesByLabelProperty('N', 'v', { kind: 'equal', value: BigInt(round - 1) })]).toHaveLength(50);
      reader.commit();
      store.collectGarbage();
      expect(store.counts().pendingVersions).toBe(0);
      expect(store.indexes()[0].count).toBe(50);
    }
    // Emptied value buckets do not pile up in the ordered view either.
    const idx = core(store).indexes.labelPropertyIndex(core(store).names.lookup('N'), core(store).names.lookup('v'))!;
    const buckets = idx.buckets as unknown as { sorted: unknown[]; pending: unknown[] };
    expect(buckets.sorted.length + buckets.pending.length).toBeLessThanOrEqual(2);
    const uniqueEntries = core(store).constraints as unknown as { unique: { buckets: { entryCount: number } }[] };
    expect(uniqueEntries.unique[0].buckets.entryCount).toBe(50);
  });

  test('create/delete churn leaves no records, edges or adjacency behind', () => {
    const store = new InMemoryStorage();
    const hub = write(store, (tx) => tx.createVertex().gid);
    for (let i = 0; i < 50; i++) {
      const g = write(store, (tx) => {
        const v = tx.createVertex();
        tx.createEdge(tx.vertex(hub)!, v, 'R');
        return v.gid;
      });
      write(store, (tx) => tx.deleteVertex(tx.vertex(g)!, true));
    }
    store.collectGarbage();
    const c = core(store);
    expect(c.vertices.filter((v) => v !== undefined)).toHaveLength(1);
    expect(c.edges.filter((e) => e !== undefined)).toHaveLength(0);
    expect(c.vertices[hub]!.outHead).toBeNull();
    expect(c.dead).toHaveLength(0);
  });
});
