import { graphDigest } from '../../../dataplane/storage/digest.js';
import { InMemoryStorage } from '../../../dataplane/storage/storage.js';
import type { CommittedTransaction } from '../../../dataplane/storage/types.js';
import { dump, makeVertex, recordCommits, write } from './helpers.js';

/** A source history with creates, updates, edges and deletes (each commit touches earlier ones). */
function history(): { source: InMemoryStorage; log: CommittedTransaction[] } {
  const source = new InMemoryStorage();
  const log = recordCommits(source);
  const a = write(source, (tx) => makeVertex(tx, ['A'], { n: 1n }).gid);
  const b = write(source, (tx) => makeVertex(tx, ['B'], { n: 2n }).gid);
  write(source, (tx) => {
    const v = tx.vertex(a)!;
    v.setProperty('n', 10n);
    v.addLabel('C');
    tx.createEdge(v, tx.vertex(b)!, 'R').setProperty('w', 0.5);
  });
  write(source, (tx) => tx.vertex(b)!.removeLabel('B'));
  write(source, (tx) => tx.deleteVertex(tx.vertex(b)!, true));
  write(source, (tx) => makeVertex(tx, ['A'], { n: 3n }));
  return { source, log };
}

describe('ReplayBatch (a replica applying a batch of commits)', () => {
  test('a batch ends equal to applying commit by commit, published at the last timestamp', () => {
    const { source, log } = history();
    const replica = new InMemoryStorage();
    replica.createIndex('A', 'n');
    const batch = replica.beginReplayBatch();
    // createIndex took timestamp 1 here: shift MAIN's history after it.
    for (const c of log) batch.apply({ ...c, commitTimestamp: c.commitTimestamp + 1 });
    expect(replica.lastCommitTimestamp()).toBe(1);
    batch.publish();
    expect(replica.lastCommitTimestamp()).toBe(log.length + 1);
    expect(dump(replica.begin())).toEqual(dump(source.begin()));
    expect(replica.counts()).toEqual({ ...source.counts(), pendingVersions: 0 });
    source.createIndex('A', 'n');
    expect(graphDigest(replica).sha256).toBe(graphDigest(source).sha256);
    const tx = replica.begin();
    expect([...tx.verticesByLabelProperty('A', 'n', { kind: 'equal', value: 10n })].map((v) => v.gid)).toEqual([0]);
    expect([...tx.verticesByLabelProperty('A', 'n', { kind: 'equal', value: 1n })]).toEqual([]);
  });

  test('a reader begun before the batch sees none of it, one begun after sees all of it', () => {
    const { source, log } = history();
    const replica = new InMemoryStorage();
    replica.applyCommitted(log[0]);
    const before = replica.begin();
    const snapshotBefore = dump(before);
    const batch = replica.beginReplayBatch();
    for (const c of log.slice(1)) batch.apply(c);
    batch.publish();
    expect(dump(before)).toEqual(snapshotBefore);
    expect(before.vertex(1)).toBeNull();
    expect(dump(replica.begin())).toEqual(dump(source.begin()));
    before.abort();
    // The old versions go once the last old reader ends.
    replica.collectGarbage();
    expect(replica.counts().pendingVersions).toBe(0);
  });

  test('a commit that fails rolls back alone; the commits before it are published, none of it is visible', () => {
    const replica = new InMemoryStorage();
    const batch = replica.beginReplayBatch();
    batch.apply({ commitTimestamp: 1, deltas: [{ op: 'createVertex', gid: 0 }, { op: 'addLabel', gid: 0, label: 'X' }] });
    batch.apply({ commitTimestamp: 2, deltas: [{ op: 'setVertexProperty', gid: 0, key: 'p', value: 1n }] });
    expect(() =>
      batch.apply({
        commitTimestamp: 3,
        deltas: [
          { op: 'createVertex', gid: 1 },
          { op: 'setVertexProperty', gid: 0, key: 'p', value: 2n },
          { op: 'removeLabel', gid: 0, label: 'X' },
          { op: 'addLabel', gid: 9, label: 'Y' },
        ],
      }),
    ).toThrow(/vertex 9 does not exist/);
    batch.publish();
    expect(replica.lastCommitTimestamp()).toBe(2);
    expect(dump(replica.begin())).toEqual([{ gid: 0, labels: ['X'], props: [['p', 1n]], out: [] }]);
    expect(replica.counts()).toEqual({ vertexCount: 1, edgeCount: 0, pendingVersions: 0 });
    // The next batch goes on from there, with the failed commit's gid free.
    const next = replica.beginReplayBatch();
    next.apply({ commitTimestamp: 3, deltas: [{ op: 'createVertex', gid: 1 }] });
    next.publish();
    expect(replica.counts().vertexCount).toBe(2);
  });

  test('a failing first commit leaves nothing; a timestamp that does not move on is refused', () => {
    const replica = new InMemoryStorage();
    replica.applyCommitted({ commitTimestamp: 4, deltas: [{ op: 'createVertex', gid: 0 }] });
    const batch = replica.beginReplayBatch();
    expect(() => batch.apply({ commitTimestamp: 4, deltas: [{ op: 'createVertex', gid: 1 }] })).toThrow(/not after 4/);
    batch.apply({ commitTimestamp: 5, deltas: [{ op: 'createVertex', gid: 1 }] });
    expect(() => batch.apply({ commitTimestamp: 5, deltas: [{ op: 'createVertex', gid: 2 }] })).toThrow(/not after 5/);
    batch.publish();
    expect(replica.lastCommitTimestamp()).toBe(5);
    expect(replica.counts().vertexCount).toBe(2);
  });

  test('a schema change inside a batch: the commits before it are visible first, then it takes its own timestamp', () => {
    const replica = new InMemoryStorage();
    const batch = replica.beginReplayBatch();
    batch.apply({ commitTimestamp: 1, deltas: [{ op: 'createVertex', gid: 0 }, { op: 'addLabel', gid: 0, label: 'L' }] });
    // Verified against the committed state: the vertex without `p` must already be visible.
    expect(() => batch.apply({ commitTimestamp: 2, deltas: [{ op: 'createConstraint', type: 'exists', label: 'L', properties: ['p'] }] })).toThrow(
      /existing node violates it/,
    );
    expect(replica.lastCommitTimestamp()).toBe(1);
    batch.apply({ commitTimestamp: 2, deltas: [{ op: 'createConstraint', type: 'unique', label: 'L', properties: ['q'] }] });
    expect(replica.lastCommitTimestamp()).toBe(2);
    batch.apply({ commitTimestamp: 3, deltas: [{ op: 'createVertex', gid: 1 }] });
    batch.publish();
    expect(replica.lastCommitTimestamp()).toBe(3);
    expect(replica.constraints()).toHaveLength(1);
    expect(replica.counts().vertexCount).toBe(2);
  });
});
