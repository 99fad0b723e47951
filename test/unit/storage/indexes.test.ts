import { InMemoryStorage } from '../../../dataplane/storage/storage.js';
import type { PropertyFilter } from '../../../dataplane/storage/types.js';
import { CypherDate, type Value } from '../../../dataplane/values/model.js';
import { gids, makeVertex, write } from './helpers.js';

const eq = (value: Value): PropertyFilter => ({ kind: 'equal', value });
const range = (lo: Value | undefined, hi: Value | undefined, loInc = true, hiInc = true): PropertyFilter => ({
  kind: 'range',
  lower: lo === undefined ? null : { value: lo, inclusive: loInc },
  upper: hi === undefined ? null : { value: hi, inclusive: hiInc },
});

function seeded(values: Value[]): { store: InMemoryStorage; byValue: Map<Value, number> } {
  const store = new InMemoryStorage();
  const byValue = new Map<Value, number>();
  write(store, (tx) => {
    for (const v of values) byValue.set(v, makeVertex(tx, ['P'], { x: v }).gid);
    makeVertex(tx, ['Other'], { x: 1n });
  });
  return { store, byValue };
}

describe('label index', () => {
  test('is populated from existing data and kept up to date', () => {
    const store = new InMemoryStorage();
    write(store, (tx) => {
      makeVertex(tx, ['A']);
      makeVertex(tx, ['B']);
    });
    expect(store.createIndex('A', null)).toBe(true);
    expect(store.createIndex('A', null)).toBe(false);
    expect(store.hasIndex('A', null)).toBe(true);
    expect(store.hasIndex('B', null)).toBe(false);
    write(store, (tx) => {
      makeVertex(tx, ['A']);
      tx.vertex(1)!.addLabel('A');
      tx.vertex(0)!.removeLabel('A');
    });
    expect(gids(store.begin().verticesByLabel('A'))).toEqual([1, 2]);
    expect(store.indexes()).toEqual([{ type: 'label', label: 'A', properties: [], count: 3 }]);
    store.collectGarbage();
    expect(store.indexes()[0].count).toBe(2);
    expect(store.begin().estimateCount('A')).toBe(2);
    expect(store.dropIndex('A', null)).toBe(true);
    expect(store.dropIndex('A', null)).toBe(false);
    expect(gids(store.begin().verticesByLabel('A'))).toEqual([1, 2]);
  });

  test('respects snapshots', () => {
    const store = new InMemoryStorage();
    store.createIndex('A', null);
    const gid = write(store, (tx) => makeVertex(tx, ['A']).gid);
    const old = store.begin();
    const writer = store.begin();
    writer.vertex(gid)!.removeLabel('A');
    makeVertex(writer, ['A']);
    expect(gids(old.verticesByLabel('A'))).toEqual([gid]);
    expect(gids(writer.verticesByLabel('A'))).toEqual([gid + 1]);
    writer.commit();
    expect(gids(old.verticesByLabel('A'))).toEqual([gid]);
    expect(gids(store.begin().verticesByLabel('A'))).toEqual([gid + 1]);
  });
});

describe('label+property index', () => {
  test('equality uses Cypher equality and is populated on creation', () => {
    const { store, byValue } = seeded([1n, 2n, 2.5, 'a', true, [1n, 2n], null]);
    store.createIndex('P', 'x');
    const tx = store.begin();
    expect(gids(tx.verticesByLabelProperty('P', 'x', eq(1n)))).toEqual([byValue.get(1n)]);
    expect(gids(tx.verticesByLabelProperty('P', 'x', eq(1.0)))).toEqual([byValue.get(1n)]);
    expect(gids(tx.verticesByLabelProperty('P', 'x', eq(2.5)))).toEqual([byValue.get(2.5)]);
    expect(gids(tx.verticesByLabelProperty('P', 'x', eq('a')))).toEqual([byValue.get('a')]);
    expect(gids(tx.verticesByLabelProperty('P', 'x', eq([1n, 2.0])))).toHaveLength(1);
    expect(gids(tx.verticesByLabelProperty('P', 'x', eq(null)))).toEqual([]);
    expect(gids(tx.verticesByLabelProperty('P', 'x', eq(NaN)))).toEqual([]);
    expect(gids(tx.verticesByLabelProperty('P', 'x', eq('zzz')))).toEqual([]);
    expect(store.indexes()).toEqual([{ type: 'label+property', label: 'P', properties: [['x']], count: 6 }]);
    expect(tx.estimateCount('P', 'x')).toBe(6);
  });

  test('ranges are ordered scans that only return values comparable with the bounds', () => {
    const values: Value[] = [5n, 1n, 3.5, -2n, 10n, 'b', 'a', 'c', true, new CypherDate(3), NaN];
    const { store, byValue } = seeded(values);
    store.createIndex('P', 'x');
    const tx = store.begin();
    const got = (f: PropertyFilter): Value[] =>
      [...tx.verticesByLabelProperty('P', 'x', f)].map((v) => v.getProperty('x'));
    expect(got(range(1n, 5n))).toEqual([1n, 3.5, 5n]);
    expect(got(range(1n, 5n, false, false))).toEqual([3.5]);
    expect(got(range(undefined, 3n))).toEqual([-2n, 1n]);
    expect(got(range(3n, undefined))).toEqual([3.5, 5n, 10n]);
    expect(got(range(1.5, 1000.0))).toEqual([3.5, 5n, 10n]);
    expect(got(range('a', 'b'))).toEqual(['a', 'b']);
    expect(got(range('b', undefined))).toEqual(['b', 'c']);
    expect(got(range(undefined, 'b', true, false))).toEqual(['a']);
    expect(got(range(new CypherDate(0), undefined))).toEqual([new CypherDate(3)]);
    expect(got(range(false, undefined))).toEqual([true]);
    expect(got(range(100n, 1n))).toEqual([]);
    expect(byValue.size).toBe(values.length);
  });

  test('MVCC: an uncommitted change is invisible to others, old values still found', () => {
    const store = new InMemoryStorage();
    store.createIndex('P', 'x');
    const gid = write(store, (tx) => makeVertex(tx, ['P'], { x: 1n }).gid);
    const writer = store.begin();
    writer.vertex(gid)!.setProperty('x', 7n);
    const other = store.begin();
    expect(gids(other.verticesByLabelProperty('P', 'x', eq(7n)))).toEqual([]);
    expect(gids(other.verticesByLabelProperty('P', 'x', eq(1n)))).toEqual([gid]);
    expect(gids(other.verticesByLabelProperty('P', 'x', range(0n, 10n)))).toEqual([gid]);
    expect(gids(writer.verticesByLabelProperty('P', 'x', eq(7n)))).toEqual([gid]);
    expect(gids(writer.verticesByLabelProperty('P', 'x', eq(1n)))).toEqual([]);
    expect(gids(writer.verticesByLabelProperty('P', 'x', range(0n, 10n)))).toEqual([gid]);
    writer.commit();
    expect(gids(other.verticesByLabelProperty('P', 'x', eq(1n)))).toEqual([gid]);
    expect(gids(other.verticesByLabelProperty('P', 'x', eq(7n)))).toEqual([gid].slice(1));
    const later = store.begin();
    expect(gids(later.verticesByLabelProperty('P', 'x', eq(7n)))).toEqual([gid]);
    expect(gids(later.verticesByLabelProperty('P', 'x', eq(1n)))).toEqual([]);
  });

  test('follows label changes, deletions and aborts', () => {
    const store = new InMemoryStorage();
    store.createIndex('P', 'x');
    const [a, b] = write(store, (tx) => [makeVertex(tx, [], { x: 1n }).gid, makeVertex(tx, ['P'], { x: 1n }).gid]);
    const q = (): number[] => {
      const r = store.begin();
      const out = gids(r.verticesByLabelProperty('P', 'x', eq(1n)));
      r.commit();
      return out;
    };
    expect(q()).toEqual([b]);
    write(store, (tx) => tx.vertex(a)!.addLabel('P'));
    expect(q()).toEqual([a, b]);
    write(store, (tx) => tx.vertex(b)!.removeLabel('P'));
    expect(q()).toEqual([a]);
    write(store, (tx) => tx.deleteVertex(tx.vertex(a)!, false));
    expect(q()).toEqual([]);
    const t = store.begin();
    makeVertex(t, ['P'], { x: 1n });
    t.vertex(b)!.addLabel('P');
    t.abort();
    expect(q()).toEqual([]);
    store.collectGarbage();
    expect(store.indexes()[0].count).toBe(0);
  });

  test('large index: point lookups and ranges stay correct across updates', () => {
    const store = new InMemoryStorage();
    store.createIndex('P', 'x');
    write(store, (tx) => {
      for (let i = 0; i < 2000; i++) makeVertex(tx, ['P'], { x: BigInt(i) });
    });
    write(store, (tx) => {
      for (const v of tx.verticesByLabelProperty('P', 'x', range(1000n, undefined))) {
        v.setProperty('x', (v.getProperty('x') as bigint) + 10000n);
      }
    });
    store.collectGarbage();
    const tx = store.begin();
    expect(gids(tx.verticesByLabelProperty('P', 'x', eq(11500n)))).toEqual([1500]);
    expect(gids(tx.verticesByLabelProperty('P', 'x', eq(1500n)))).toEqual([]);
    const mid = [...tx.verticesByLabelProperty('P', 'x', range(990n, 11010n, true, false))].map((v) =>
      Number(v.getProperty('x')),
    );
    expect(mid).toEqual([...Array.from({ length: 10 }, (_, i) => 990 + i), ...Array.from({ length: 10 }, (_, i) => 11000 + i)]);
    expect(store.indexes()[0].count).toBe(2000);
  });

  test('querying a missing index throws', () => {
    const store = new InMemoryStorage();
    expect(() => [...store.begin().verticesByLabelProperty('P', 'x', eq(1n))]).toThrow(/no index/);
    expect(store.hasIndex('P', 'x')).toBe(false);
    expect(store.dropIndex('P', 'x')).toBe(false);
  });
});
