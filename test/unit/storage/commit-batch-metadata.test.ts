// StorageTransaction.commitBatch (periodic commit) and server metadata (setMetadata).
import { InMemoryStorage } from '../../../dataplane/storage/storage.js';
import { ServerMetadata } from '../../../dataplane/storage/metadata.js';
import type { CommittedTransaction } from '../../../dataplane/storage/types.js';

function committed(storage: InMemoryStorage): CommittedTransaction[] {
  const out: CommittedTransaction[] = [];
  storage.addCommitStage({ name: 'record', run: (c) => void out.push({ commitTimestamp: c.commitTimestamp, deltas: [...c.deltas] }) });
  return out;
}

test('commitBatch commits the changes so far and goes on in place: held accessors stay usable', () => {
  const storage = new InMemoryStorage();
  const log = committed(storage);
  const tx = storage.begin();
  const a = tx.createVertex();
  a.addLabel('A');
  expect(tx.commitBatch()).toMatchObject({ commitTimestamp: 1 });
  expect(tx.isActive()).toBe(true);
  expect(tx.startTimestamp).toBe(1);
  // Another transaction sees the first batch at once.
  const reader = storage.begin();
  expect([...reader.vertices()].map((v) => v.labels())).toEqual([['A']]);
  reader.abort();
  // The accessor from the first batch writes in the second.
  a.setProperty('p', 1n);
  const b = tx.createVertex();
  tx.createEdge(a, b, 'R');
  expect(tx.stats).toMatchObject({ nodesCreated: 2, relationshipsCreated: 1, labelsAdded: 1, propertiesSet: 1 });
  tx.abort();
  // Only the second batch is rolled back; the counts hold the first.
  expect(storage.counts()).toMatchObject({ vertexCount: 1, edgeCount: 0 });
  const after = storage.begin();
  expect([...after.vertices()].map((v) => [v.labels(), v.getProperty('p')])).toEqual([[['A'], null]]);
  after.abort();
  expect(log.map((c) => c.commitTimestamp)).toEqual([1]);
});

test('batches count once each in the storage counts; an empty batch commits nothing', () => {
  const storage = new InMemoryStorage();
  const tx = storage.begin();
  expect(tx.commitBatch()).toMatchObject({ deltas: [] });
  tx.createVertex();
  tx.commitBatch();
  tx.createVertex();
  tx.commitBatch();
  tx.createVertex();
  tx.commit();
  expect(storage.counts().vertexCount).toBe(3);
  expect(storage.lastCommitTimestamp()).toBe(3);
});

test('setMetadata commits one setMeta delta on its own timestamp; replay and removal', () => {
  const storage = new InMemoryStorage();
  const log = committed(storage);
  expect(storage.setMetadata('enum:Status', ['Good', 'Bad'])).toBe(true);
  expect(storage.setMetadata('param:global:x', 'v')).toBe(true);
  expect(storage.setMetadata('param:global:x', null)).toBe(true);
  expect(storage.setMetadata('param:global:x', null)).toBe(false);
  expect(log).toEqual([
    { commitTimestamp: 1, deltas: [{ op: 'setMeta', key: 'enum:Status', value: ['Good', 'Bad'] }] },
    { commitTimestamp: 2, deltas: [{ op: 'setMeta', key: 'param:global:x', value: 'v' }] },
    { commitTimestamp: 3, deltas: [{ op: 'setMeta', key: 'param:global:x', value: null }] },
  ]);
  const replica = new InMemoryStorage();
  for (const c of log) replica.applyCommitted(c);
  expect(replica.metadata().all()).toEqual([['enum:Status', ['Good', 'Bad']]]);
  expect(replica.lastCommitTimestamp()).toBe(3);
});

test('a metadata change a commit stage refuses is undone', () => {
  const storage = new InMemoryStorage();
  storage.setMetadata('enum:Status', ['Good']);
  storage.addCommitStage({
    name: 'refuse',
    run: () => {
      throw new Error('no');
    },
  });
  expect(() => storage.setMetadata('enum:Status', ['Good', 'Bad'])).toThrow();
  expect(storage.metadata().get('enum:Status')).toEqual(['Good']);
});

test('ServerMetadata: prefixes within a namespace, in the order keys were first set', () => {
  const m = new ServerMetadata();
  m.set('param:global:b', 1n);
  m.set('desc:x', 'd');
  m.set('param:database:a', 2n);
  m.set('param:global:b', 3n);
  expect(m.withPrefix('param:')).toEqual([
    ['param:global:b', 3n],
    ['param:database:a', 2n],
  ]);
  expect(m.withPrefix('param:global:')).toEqual([['param:global:b', 3n]]);
  expect(m.withPrefix('enum:')).toEqual([]);
  expect(m.get('desc:x')).toBe('d');
  expect(m.set('desc:x', null)).toBe(true);
  expect(m.all()).toHaveLength(2);
});
