// The LRU plan cache and the engine's maintenance timer.
import { PlanCache } from '../../../dataplane/query/plan-cache.js';
import { QueryEngine } from '../../../dataplane/query/engine.js';
import { InMemoryStorage } from '../../../dataplane/storage/storage.js';
import { rows } from './engine-helpers.js';

test('the plan cache evicts the least recently used entry', () => {
  const c = new PlanCache<number>(2);
  c.set('a', 1);
  c.set('b', 2);
  expect(c.get('a')).toBe(1);
  c.set('c', 3);
  expect(c.get('b')).toBeUndefined();
  expect(c.get('a')).toBe(1);
  expect(c.get('c')).toBe(3);
  c.clear();
  expect(c.size).toBe(0);
});

test('the plan cache forgets its most recent entry on clear and keeps LRU order under repeated gets', () => {
  const c = new PlanCache<number>(2);
  c.set('a', 1);
  expect(c.get('a')).toBe(1);
  expect(c.get('a')).toBe(1);
  c.clear();
  expect(c.get('a')).toBeUndefined();
  c.set('a', 1);
  c.set('b', 2);
  expect(c.get('b')).toBe(2);
  expect(c.get('a')).toBe(1);
  expect(c.get('a')).toBe(1);
  c.set('c', 3);
  expect(c.get('b')).toBeUndefined();
  expect(c.get('a')).toBe(1);
});

test('creating an index invalidates cached plans', async () => {
  const e = new QueryEngine(new InMemoryStorage(), { planCacheSize: 10 });
  const explain = async (): Promise<string> => (await rows(e, 'EXPLAIN MATCH (n:L {p: 1}) RETURN n')).map((r) => r[0]).join('\n');
  expect(await explain()).toContain('ScanAllByLabel (n :L)');
  await rows(e, 'CREATE INDEX ON :L(p)');
  expect(await explain()).toContain('ScanAllByLabelProperties (n :L {p})');
});

test('maintenance runs garbage collection periodically until stopped', async () => {
  const storage = new InMemoryStorage();
  let runs = 0;
  const original = storage.collectGarbage.bind(storage);
  storage.collectGarbage = () => {
    runs++;
    original();
  };
  const e = new QueryEngine(storage);
  e.startMaintenance(5);
  await new Promise((r) => setTimeout(r, 60));
  e.stop();
  const seen = runs;
  expect(seen).toBeGreaterThan(0);
  await new Promise((r) => setTimeout(r, 30));
  expect(runs).toBe(seen);
});
