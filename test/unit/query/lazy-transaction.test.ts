// Auto-commit transactions start their storage transaction on first use.
import { jest } from '@jest/globals';
import { Codes } from '../../../dataplane/errors.js';
import { QueryEngine } from '../../../dataplane/query/engine.js';
import { LazyStorageTransaction } from '../../../dataplane/query/lazy-transaction.js';
import { InMemoryStorage } from '../../../dataplane/storage/storage.js';
import { run, runIn, txOptions } from './engine-helpers.js';

test('an auto-commit query that never touches the graph begins no storage transaction', async () => {
  const storage = new InMemoryStorage();
  const e = new QueryEngine(storage);
  // Planning probes storage once per query text; plan both first.
  await run(e, 'RETURN 1');
  await run(e, 'MATCH (n) RETURN count(n)');
  const begin = jest.spyOn(storage, 'begin');
  expect((await run(e, 'RETURN 1')).rows).toEqual([[1n]]);
  expect(begin).not.toHaveBeenCalled();
  await run(e, 'MATCH (n) RETURN count(n)');
  expect(begin).toHaveBeenCalledTimes(1);
});

test('an auto-commit write through a lazy transaction commits with a new bookmark', async () => {
  const e = new QueryEngine(new InMemoryStorage());
  const before = e.currentBookmark();
  const tx = await e.begin(txOptions(true));
  await runIn(tx, 'CREATE (:L)');
  const { bookmark } = await tx.commit();
  expect(bookmark).not.toBe(before);
  expect(bookmark).toBe(e.currentBookmark());
  expect((await run(e, 'MATCH (n:L) RETURN count(n)')).rows).toEqual([[1n]]);
});

test('an explicit transaction keeps the snapshot of BEGIN', async () => {
  const e = new QueryEngine(new InMemoryStorage());
  const tx = await e.begin(txOptions(false));
  await run(e, 'CREATE (:L)');
  expect((await runIn(tx, 'MATCH (n:L) RETURN count(n)')).rows).toEqual([[0n]]);
  await tx.rollback();
});

test('a lazy transaction that never started commits without changes and then refuses use', () => {
  const storage = new InMemoryStorage();
  const lazy = new LazyStorageTransaction(storage);
  expect(lazy.isActive()).toBe(true);
  expect(lazy.stats.nodesCreated).toBe(0);
  expect(lazy.commit()).toEqual({ commitTimestamp: storage.lastCommitTimestamp(), deltas: [], notifications: [] });
  expect(lazy.isActive()).toBe(false);
  expect(() => lazy.vertices()).toThrow(expect.objectContaining({ code: Codes.MemgraphClientError }));
  expect(() => lazy.commit()).toThrow(expect.objectContaining({ code: Codes.MemgraphClientError }));
});

test('a lazy transaction aborted before it started ends without touching storage', () => {
  const storage = new InMemoryStorage();
  const begin = jest.spyOn(storage, 'begin');
  const lazy = new LazyStorageTransaction(storage);
  lazy.abort();
  expect(lazy.isActive()).toBe(false);
  expect(begin).not.toHaveBeenCalled();
});
