// MAIN's half of replication: the registered replicas' clients and the commit stage that
// feeds them (after the WAL stage). Per mode (reference §1.4):
//   ASYNC        shipped in the background; never delays or fails a commit.
//   SYNC         the commit waits until the replica applied and logged it; a replica that
//                fails (or is not live) does not stop the commit: it gets one
//                SyncReplicationFailure WARNING naming every failed SYNC replica.
//   STRICT_SYNC  two-phase: while one is registered every commit is a PREPARE (the
//                pipeline's mayAbort); all STRICT_SYNC replicas must hold it, else the
//                commit aborts everywhere; settle() sends FINALIZE commit/abort and the
//                client's acknowledgement waits for the STRICT_SYNC replicas' answers.
// HA (DESIGN §3 fencing): a SYNC or STRICT_SYNC replica that refuses a commit because it
// follows another MAIN (or was last heard refusing this one) fails the commit: nothing is
// visible, so a deposed MAIN acknowledges no write its SYNC replicas lack.

import type { Logger } from 'pino';
import { RecordKind } from '../durability/wal-format.js';
import { ByteWriter } from '../durability/codec.js';
import type { CommitNotice, CommitStage, PipelineCommit } from '../storage/types.js';
import { fencedCommit, strictSyncAbort, syncFailureNotice, type FailureReason, type ReplicaFailure } from './messages.js';
import type { ShippedRecord } from './protocol.js';
import type { ReplicaClient } from './replica-client.js';

export class MainReplication {
  /** Registered replicas by name, in registration order. */
  readonly clients = new Map<string, ReplicaClient>();
  /** Two-phase commits in flight: the replicas that were sent the PREPARE. */
  private readonly prepared = new Map<number, ReplicaClient[]>();
  private active = false;
  /**
   * The highest commit timestamp passed to replicas and not aborted. A SYNC replica holds a
   * commit before MAIN publishes it, so divergence is judged against this, not against
   * MAIN's last published commit.
   */
  lastStaged = 0;

  /**
   * `failFenced`: HA mode. Community: a SYNC replica that follows another MAIN is an
   * ordinary SYNC failure (a warning).
   */
  constructor(
    private readonly log: Logger,
    private readonly failFenced = false,
  ) {}

  /** Replication runs only while this instance is MAIN. */
  setActive(active: boolean): void {
    this.active = active;
  }

  hasStrictSync(): boolean {
    for (const c of this.clients.values()) if (c.registration.mode === 'strict_sync') return true;
    return false;
  }

  stage(): CommitStage {
    return {
      name: 'replication',
      mayAbort: () => this.active && this.hasStrictSync(),
      run: (commit) => this.run(commit),
      settle: (commit, committed) => this.settle(commit, committed),
    };
  }

  private run(commit: PipelineCommit): void | Promise<CommitNotice[] | void> {
    if (!this.active || this.clients.size === 0) return;
    const ts = commit.commitTimestamp;
    if (ts > this.lastStaged) this.lastStaged = ts;
    const clients = [...this.clients.values()];
    // A STRICT_SYNC replica that is not live refuses the commit before anything is sent.
    const notLive = clients.filter((c) => c.registration.mode === 'strict_sync' && !isLive(c));
    if (notLive.length > 0) throw strictSyncAbort(notLive.map((c) => failure(c, c.state.status === 'diverged' ? 'diverged' : 'unreachable')));
    // Copied once: the encoded view is reused by the next commit, and sends may be queued.
    const record: ShippedRecord = { kind: commit.twoPhase ? RecordKind.Prepare : RecordKind.Commit, ts, body: Buffer.from(commit.encoded()) };
    const sync: { client: ReplicaClient; outcome: Promise<FailureReason | null> | 'skipped' }[] = [];
    const took: ReplicaClient[] = [];
    for (const c of clients) {
      const outcome = c.offer(ts, [record]);
      if (outcome !== 'skipped') took.push(c);
      // ASYNC: the client records the outcome in the replica's state; nobody waits.
      if (c.registration.mode !== 'async') sync.push({ client: c, outcome });
    }
    if (commit.twoPhase) this.prepared.set(ts, took);
    if (sync.length === 0) return;
    const skipped = (c: ReplicaClient): FailureReason => (c.fenced ? 'fenced' : 'unreachable');
    return Promise.all(sync.map(async ({ client, outcome }) => ({ client, reason: outcome === 'skipped' ? skipped(client) : await outcome }))).then(
      (results) => {
        const fenced = results.filter((r) => r.reason === 'fenced').map((r) => r.client.registration.name);
        if (fenced.length > 0 && this.failFenced) {
          this.log.error({ replicas: fenced, ts }, 'replicas follow another MAIN: the commit fails (fencing)');
          throw fencedCommit(fenced);
        }
        const failedSync = results.filter((r) => r.reason !== null && r.client.registration.mode === 'sync');
        const failedStrict = results.filter((r) => r.reason !== null && r.client.registration.mode === 'strict_sync');
        if (failedStrict.length > 0) throw strictSyncAbort(failedStrict.map((r) => failure(r.client, r.reason ?? 'unreachable')));
        if (failedSync.length > 0) return [syncFailureNotice(failedSync.map((r) => failure(r.client, r.reason ?? 'unreachable')))];
        return undefined;
      },
    );
  }

  private settle(commit: PipelineCommit, committed: boolean): void | Promise<void> {
    const ts = commit.commitTimestamp;
    if (!committed) {
      if (this.lastStaged >= ts) this.lastStaged = ts - 1;
      for (const c of this.clients.values()) c.aborted(ts);
    }
    if (!commit.twoPhase) return;
    const took = this.prepared.get(ts);
    this.prepared.delete(ts);
    if (took === undefined || took.length === 0) return;
    const w = new ByteWriter(16);
    w.uint(ts);
    const record: ShippedRecord = { kind: committed ? RecordKind.FinalizeCommit : RecordKind.FinalizeAbort, ts, body: Buffer.from(w.view()) };
    const waits: Promise<unknown>[] = [];
    for (const c of took) {
      const sent = c.finalize([record]);
      // A failed finalisation is caught up from the WAL; the outcome stands.
      if (c.registration.mode === 'strict_sync') waits.push(sent);
      else void sent;
    }
    if (waits.length === 0) return;
    return Promise.all(waits).then(
      () => undefined,
      (e: unknown) => this.log.warn({ err: e, ts }, 'finalising a two-phase commit on a replica failed'),
    );
  }
}

function isLive(c: ReplicaClient): boolean {
  return c.state.status === 'ready' || c.state.status === 'replicating';
}

function failure(c: ReplicaClient, reason: FailureReason): ReplicaFailure {
  return { name: c.registration.name, reason };
}
