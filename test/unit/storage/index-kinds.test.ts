// Index maintenance under MVCC for the index kinds beyond label / label+property: composite
// and nested label+property, edge-type, edge-type+property, global edge-property and point.
// Entries are supersets, readers see their snapshot, aborts and GC sweep stale entries,
// schema deltas replay to the same indexes.
import { InMemoryStorage } from '../../../dataplane/storage/storage.js';
import type { EdgeIndexQuery, IndexSpec, PropertyFilter } from '../../../dataplane/storage/types.js';
import { CypherPoint, type Value } from '../../../dataplane/values/model.js';
import { gids, makeVertex, recordCommits, write } from './helpers.js';

const eq = (value: Value): PropertyFilter => ({ kind: 'equal', value });
const above = (value: Value): PropertyFilter => ({ kind: 'range', lower: { value, inclusive: false }, upper: null });
const composite: IndexSpec = { type: 'label+property', label: 'C', properties: [['a'], ['b']] };
const nested: IndexSpec = { type: 'label+property', label: 'N', properties: [['d', 's']] };
const edgeType: IndexSpec = { type: 'edge-type', label: 'T', properties: [] };
const edgeTypeProp: IndexSpec = { type: 'edge-type+property', label: 'T', properties: [['w']] };
const edgeProp: IndexSpec = { type: 'edge-property', label: null, properties: [['w']] };
const pointSpec: IndexSpec = { type: 'point', label: 'S', properties: [['loc']] };
const count = (store: InMemoryStorage, spec: IndexSpec): number | undefined =>
  store.indexes().find((i) => i.type === spec.type && i.label === spec.label && JSON.stringify(i.properties) === JSON.stringify(spec.properties))?.count;

function edges(store: InMemoryStorage, q: EdgeIndexQuery): number[] {
  const tx = store.begin();
  try {
    return gids(tx.edgesByIndex(q));
  } finally {
    tx.abort();
  }
}

describe('composite and nested label+property indexes', () => {
  test('superset entries on creation, snapshot reads, GC sweep', () => {
    const store = new InMemoryStorage();
    const gid = write(store, (tx) => makeVertex(tx, ['C'], { a: 1n, b: 2n }).gid);
    const old = store.begin();
    write(store, (tx) => tx.vertex(gid)!.setProperty('b', 3n));
    // Created while `old` still sees b = 2: both versions get entries.
    expect(store.createIndexOf(composite)).toBe(true);
    expect(store.createIndexOf(composite)).toBe(false);
    expect(count(store, composite)).toBe(2);
    expect(gids(old.verticesByLabelProperties('C', composite.properties, [eq(1n), eq(2n)]))).toEqual([gid]);
    expect(gids(old.verticesByLabelProperties('C', composite.properties, [eq(1n), eq(3n)]))).toEqual([]);
    const now = store.begin();
    expect(gids(now.verticesByLabelProperties('C', composite.properties, [eq(1n), eq(3n)]))).toEqual([gid]);
    expect(gids(now.verticesByLabelProperties('C', composite.properties, [eq(1.0)]))).toEqual([gid]);
    expect(gids(now.verticesByLabelProperties('C', composite.properties, [above(0n)]))).toEqual([gid]);
    expect(gids(now.verticesByLabelProperties('C', composite.properties, [above(1n)]))).toEqual([]);
    old.abort();
    now.abort();
    store.collectGarbage();
    expect(count(store, composite)).toBe(1);
  });

  test('an uncommitted change is the writer’s alone; an abort leaves nothing behind; removing one part keeps the entry', () => {
    const store = new InMemoryStorage();
    store.createIndexOf(composite);
    const gid = write(store, (tx) => makeVertex(tx, ['C'], { a: 1n, b: 2n }).gid);
    const writer = store.begin();
    writer.vertex(gid)!.setProperty('a', 5n);
    const other = store.begin();
    expect(gids(writer.verticesByLabelProperties('C', composite.properties, [eq(5n), eq(2n)]))).toEqual([gid]);
    expect(gids(other.verticesByLabelProperties('C', composite.properties, [eq(5n)]))).toEqual([]);
    expect(gids(other.verticesByLabelProperties('C', composite.properties, [eq(1n), eq(2n)]))).toEqual([gid]);
    writer.abort();
    other.abort();
    store.collectGarbage();
    expect(count(store, composite)).toBe(1);
    write(store, (tx) => tx.vertex(gid)!.setProperty('a', null));
    const r = store.begin();
    // [null, 2]: indexed (one property is set) but no equality on `a` finds it.
    expect(gids(r.verticesByLabelProperties('C', composite.properties, [eq(1n)]))).toEqual([]);
    r.abort();
    store.collectGarbage();
    expect(count(store, composite)).toBe(1);
    write(store, (tx) => tx.vertex(gid)!.setProperty('b', null));
    store.collectGarbage();
    expect(count(store, composite)).toBe(0);
  });

  test('nested paths read inside maps; label removal and deletion are swept', () => {
    const store = new InMemoryStorage();
    store.createIndexOf(nested);
    const [a, b] = write(store, (tx) => [
      makeVertex(tx, ['N'], { d: new Map<string, Value>([['s', 'x']]) }).gid,
      makeVertex(tx, ['N'], { d: 'x' }).gid,
    ]);
    const find = (v: Value): number[] => {
      const tx = store.begin();
      const out = gids(tx.verticesByLabelProperties('N', nested.properties, [eq(v)]));
      tx.abort();
      return out;
    };
    expect(find('x')).toEqual([a]);
    expect(count(store, nested)).toBe(1);
    write(store, (tx) => tx.vertex(b)!.setProperty('d', new Map<string, Value>([['s', 'x']])));
    expect(find('x')).toEqual([a, b]);
    write(store, (tx) => tx.vertex(a)!.removeLabel('N'));
    write(store, (tx) => tx.deleteVertex(tx.vertex(b)!, false));
    expect(find('x')).toEqual([]);
    store.collectGarbage();
    expect(count(store, nested)).toBe(0);
  });
});

describe('edge indexes', () => {
  test('edge-type: created edges enter, uncommitted ones are invisible to others, deletions and aborts are swept', () => {
    const store = new InMemoryStorage();
    const [x, y] = write(store, (tx) => [tx.createVertex(), tx.createVertex()].map((v) => v.gid));
    const e0 = write(store, (tx) => tx.createEdge(tx.vertex(x)!, tx.vertex(y)!, 'T').gid);
    write(store, (tx) => tx.createEdge(tx.vertex(x)!, tx.vertex(y)!, 'U'));
    expect(store.createIndexOf(edgeType)).toBe(true);
    expect(count(store, edgeType)).toBe(1);
    const writer = store.begin();
    const e1 = writer.createEdge(writer.vertex(y)!, writer.vertex(x)!, 'T').gid;
    expect(gids(writer.edgesByIndex({ type: 'T', property: null, filter: null }))).toEqual([e0, e1]);
    expect(edges(store, { type: 'T', property: null, filter: null })).toEqual([e0]);
    writer.abort();
    const reader = store.begin();
    write(store, (tx) => tx.deleteEdge(tx.edge(e0)!));
    expect(gids(reader.edgesByIndex({ type: 'T', property: null, filter: null }))).toEqual([e0]);
    expect(edges(store, { type: 'T', property: null, filter: null })).toEqual([]);
    reader.abort();
    store.collectGarbage();
    expect(count(store, edgeType)).toBe(0);
    expect(store.dropIndexOf(edgeType)).toBe(true);
    expect(store.dropIndexOf(edgeType)).toBe(false);
  });

  test('edge-type+property and global edge-property: values per snapshot, ranges, swept after GC', () => {
    const store = new InMemoryStorage();
    store.createIndexOf(edgeTypeProp);
    store.createIndexOf(edgeProp);
    const [t, u] = write(store, (tx) => {
      const a = tx.createVertex();
      const b = tx.createVertex();
      const r = tx.createEdge(a, b, 'T');
      r.setProperty('w', 1n);
      const s = tx.createEdge(b, a, 'U');
      s.setProperty('w', 1n);
      return [r.gid, s.gid];
    });
    expect(edges(store, { type: 'T', property: 'w', filter: eq(1n) })).toEqual([t]);
    expect(edges(store, { type: null, property: 'w', filter: eq(1.0) })).toEqual([t, u]);
    const old = store.begin();
    write(store, (tx) => tx.edge(t)!.setProperty('w', 9n));
    expect(gids(old.edgesByIndex({ type: 'T', property: 'w', filter: eq(1n) }))).toEqual([t]);
    expect(gids(old.edgesByIndex({ type: null, property: 'w', filter: above(5n) }))).toEqual([]);
    expect(edges(store, { type: 'T', property: 'w', filter: eq(1n) })).toEqual([]);
    expect(edges(store, { type: null, property: 'w', filter: above(5n) })).toEqual([t]);
    expect(count(store, edgeProp)).toBe(3);
    old.abort();
    store.collectGarbage();
    expect(count(store, edgeProp)).toBe(2);
    expect(count(store, edgeTypeProp)).toBe(1);
    write(store, (tx) => tx.edge(u)!.setProperty('w', null));
    store.collectGarbage();
    expect(count(store, edgeProp)).toBe(1);
  });
});

describe('point index', () => {
  test('holds point values only; a region scan returns the candidates in its x-range', () => {
    const store = new InMemoryStorage();
    const ids = write(store, (tx) => [
      makeVertex(tx, ['S'], { loc: new CypherPoint(7203, 1, 1) }).gid,
      makeVertex(tx, ['S'], { loc: new CypherPoint(7203, 5, -3) }).gid,
      makeVertex(tx, ['S'], { loc: new CypherPoint(4326, 1, 1) }).gid,
      makeVertex(tx, ['S'], { loc: 'here' }).gid,
    ]);
    store.createIndexOf(pointSpec);
    expect(count(store, pointSpec)).toBe(3);
    const tx = store.begin();
    expect(gids(tx.verticesByPointIndex('S', 'loc', null))).toEqual(ids.slice(0, 3));
    expect(gids(tx.verticesByPointIndex('S', 'loc', { srid: 7203, xMin: 0, xMax: 2 }))).toEqual([ids[0]]);
    expect(gids(tx.verticesByPointIndex('S', 'loc', { srid: 7203, xMin: 0, xMax: 9 }))).toEqual([ids[0], ids[1]]);
    expect(gids(tx.verticesByPointIndex('S', 'loc', { srid: 4326, xMin: -Infinity, xMax: Infinity }))).toEqual([ids[2]]);
    tx.abort();
    write(store, (w) => w.vertex(ids[0])!.setProperty('loc', 'gone'));
    store.collectGarbage();
    expect(count(store, pointSpec)).toBe(2);
  });
});

test('schema deltas: each kind commits alone and replays to the same indexes', () => {
  const store = new InMemoryStorage();
  const log = recordCommits(store);
  for (const spec of [composite, nested, edgeType, edgeTypeProp, edgeProp, pointSpec]) expect(store.createIndexOf(spec)).toBe(true);
  store.dropIndexOf(nested);
  expect(log.map((c) => c.deltas.map((d) => d.op))).toEqual([...Array(6).fill(['createIndexSpec']), ['dropIndexSpec']]);
  const replica = new InMemoryStorage();
  for (const c of log) replica.applyCommitted(c);
  expect(replica.indexes()).toEqual(store.indexes());
  expect(replica.lastCommitTimestamp()).toBe(7);
  expect(() => store.createIndexOf({ type: 'edge-property', label: 'T', properties: [['w']] })).toThrow(/Invalid edge-property index/);
});
