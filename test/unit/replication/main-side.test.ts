// MAIN's replication stage in the real commit pipeline, with scripted replicas: what each
// mode does to the commit, the client's notifications and the records each replica gets.
import pino from 'pino';
import { RecordKind } from '../../../dataplane/durability/wal-format.js';
import { MainReplication } from '../../../dataplane/replication/main-side.js';
import type { FailureReason } from '../../../dataplane/replication/messages.js';
import type { ShippedRecord } from '../../../dataplane/replication/protocol.js';
import type { ReplicaClient } from '../../../dataplane/replication/replica-client.js';
import type { ReplicaStatus, ReplicationMode } from '../../../dataplane/replication/types.js';
import { InMemoryStorage } from '../../../dataplane/storage/storage.js';

class FakeReplica {
  readonly sent: [number, number][] = [];
  status: ReplicaStatus = 'ready';
  /** What the next sends answer. */
  answer: FailureReason | null = null;
  /** Its last refusal said it follows another MAIN. */
  fenced = false;
  readonly registration;
  constructor(name: string, mode: ReplicationMode) {
    this.registration = { name, mode, address: `${name}:1`, host: name, port: 1 };
  }
  get state() {
    return { status: this.status, inFlight: 0, progress: null };
  }
  offer(_ts: number, records: ShippedRecord[]): Promise<FailureReason | null> | 'skipped' {
    if (this.status !== 'ready') return 'skipped';
    return this.finalize(records);
  }
  finalize(records: ShippedRecord[]): Promise<FailureReason | null> {
    for (const r of records) this.sent.push([r.kind, r.ts]);
    return Promise.resolve(this.answer);
  }
  aborted(): void {}
}

function setup(...replicas: FakeReplica[]): { storage: InMemoryStorage; main: MainReplication } {
  return setupWith(false, ...replicas);
}

function setupWith(ha: boolean, ...replicas: FakeReplica[]): { storage: InMemoryStorage; main: MainReplication } {
  const storage = new InMemoryStorage();
  storage.setCommitEncoder((c) => Buffer.from(`ts=${c.commitTimestamp}`));
  const main = new MainReplication(pino({ level: 'silent' }), ha);
  for (const r of replicas) main.clients.set(r.registration.name, r as unknown as ReplicaClient);
  main.setActive(true);
  storage.addCommitStage(main.stage());
  return { storage, main };
}

async function commitOne(storage: InMemoryStorage) {
  const tx = storage.begin();
  tx.createVertex();
  return tx.commit();
}

function count(storage: InMemoryStorage): number {
  return storage.counts().vertexCount;
}

test('ASYNC and SYNC: one COMMIT record each; a failed SYNC replica adds one warning naming it, the commit stands', async () => {
  const a = new FakeReplica('a', 'async');
  const s1 = new FakeReplica('s1', 'sync');
  const s2 = new FakeReplica('s2', 'sync');
  const { storage } = setup(a, s1, s2);
  expect((await commitOne(storage)).notifications).toEqual([]);
  s1.answer = 'unreachable';
  s2.status = 'invalid';
  a.answer = 'rpc';
  const r = await commitOne(storage);
  expect(r.notifications).toHaveLength(1);
  expect(r.notifications[0]).toMatchObject({ severity: 'WARNING', code: 'SyncReplicationFailure' });
  expect(r.notifications[0].title).toContain("Failed to replicate to SYNC replicas 's1' and 's2'");
  expect(count(storage)).toBe(2);
  expect(a.sent).toEqual([
    [RecordKind.Commit, 1],
    [RecordKind.Commit, 2],
  ]);
  expect(s2.sent).toEqual([[RecordKind.Commit, 1]]);
});

test('STRICT_SYNC: PREPARE then FINALIZE_COMMIT to every replica; a failed one aborts everywhere', async () => {
  const st1 = new FakeReplica('st1', 'strict_sync');
  const st2 = new FakeReplica('st2', 'strict_sync');
  const a = new FakeReplica('a', 'async');
  const { storage } = setup(st1, st2, a);
  await commitOne(storage);
  expect(st1.sent).toEqual([
    [RecordKind.Prepare, 1],
    [RecordKind.FinalizeCommit, 1],
  ]);
  st2.answer = 'unreachable';
  await expect(commitOne(storage)).rejects.toMatchObject({
    code: 'Memgraph.ClientError.MemgraphError.MemgraphError',
    message: expect.stringContaining("Replication Exception: Failed to replicate to STRICT_SYNC replica 'st2'"),
  });
  expect(count(storage)).toBe(1);
  // Everyone that took the prepare hears the abort; the timestamp is reused next.
  expect(st1.sent.slice(2)).toEqual([
    [RecordKind.Prepare, 2],
    [RecordKind.FinalizeAbort, 2],
  ]);
  expect(a.sent.slice(2)).toEqual([
    [RecordKind.Prepare, 2],
    [RecordKind.FinalizeAbort, 2],
  ]);
  // A STRICT_SYNC replica that is not live refuses before anything is sent; an ASYNC one down does not matter.
  st2.answer = null;
  st2.status = 'invalid';
  const before = st1.sent.length;
  await expect(commitOne(storage)).rejects.toMatchObject({ message: expect.stringContaining("STRICT_SYNC replica 'st2': replica is not reachable") });
  expect(st1.sent.length).toBe(before);
  st2.status = 'ready';
  a.status = 'invalid';
  await commitOne(storage);
  expect(count(storage)).toBe(2);
  expect(storage.lastCommitTimestamp()).toBe(2);
});

test('what was passed to replicas counts as MAIN\'s newest commit until it aborts (a SYNC replica is ahead of publication)', async () => {
  const sync = new FakeReplica('s', 'sync');
  let release: (r: FailureReason | null) => void = () => undefined;
  sync.finalize = () => new Promise((resolve) => (release = resolve));
  const one = setup(sync);
  const pending = commitOne(one.storage);
  expect(one.main.lastStaged).toBe(1);
  expect(one.storage.lastCommitTimestamp()).toBe(0);
  release(null);
  await pending;
  expect(one.storage.lastCommitTimestamp()).toBe(1);

  const strict = new FakeReplica('st', 'strict_sync');
  const two = setup(strict);
  await commitOne(two.storage);
  strict.answer = 'rpc';
  await expect(commitOne(two.storage)).rejects.toMatchObject({ code: 'Memgraph.ClientError.MemgraphError.MemgraphError' });
  expect(two.main.lastStaged).toBe(1);
});

test('inactive (a REPLICA) or without replicas: the stage does nothing and never makes commits two-phase', async () => {
  const st = new FakeReplica('st', 'strict_sync');
  const { storage, main } = setup(st);
  main.setActive(false);
  await commitOne(storage);
  expect(st.sent).toEqual([]);
  expect(main.stage().mayAbort?.()).toBe(false);
});

test('HA fencing: a SYNC replica that follows another MAIN fails the commit, which stays invisible; community: a warning', async () => {
  const s1 = new FakeReplica('s1', 'sync');
  const a = new FakeReplica('a', 'async');
  const ha = setupWith(true, s1, a);
  await commitOne(ha.storage);
  s1.answer = 'fenced';
  await expect(commitOne(ha.storage)).rejects.toMatchObject({
    message: expect.stringContaining("'s1' follows another main: this instance is no longer the main. The transaction was not committed."),
  });
  expect(count(ha.storage)).toBe(1);
  // Skipped (invalid after a refused heartbeat) and last heard fenced: still refused.
  s1.status = 'invalid';
  s1.fenced = true;
  await expect(commitOne(ha.storage)).rejects.toMatchObject({ message: expect.stringContaining('follows another main') });
  expect(count(ha.storage)).toBe(1);
  // Only unreachable: Memgraph's SYNC rule (committed with a warning).
  s1.fenced = false;
  expect((await commitOne(ha.storage)).notifications[0]).toMatchObject({ code: 'SyncReplicationFailure' });
  expect(count(ha.storage)).toBe(2);

  const c1 = new FakeReplica('c1', 'sync');
  const community = setupWith(false, c1);
  c1.answer = 'fenced';
  const r = await commitOne(community.storage);
  expect(r.notifications[0].title).toContain("Failed to replicate to SYNC replica 'c1': replica is not reachable or not in sync with the main.");
  expect(count(community.storage)).toBe(1);
});
