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
import type { CommitNotice, CommitStage, PipelineCommit } from '../storage/types.js';
import { fencedCommit, strictSyncAbort, syncFailureNotice, type FailureReason, type ReplicaFailure } from './messages.js';
import { finalizeRecord, shippedRecord } from './protocol.js';
import type { ReplicaClient } from './replica-client.js';
import { isLive } from './replica-state.js';

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
  /** The last commit's wait and verdict, reused by the next commit of the same batches. */
  private lastVerdict: { wait: SyncWait; verdict: Promise<CommitNotice[] | void> } | null = null;

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
    // A STRICT_SYNC replica that is not live refuses the commit before anything is sent.
    let notLive: ReplicaClient[] | null = null;
    for (const c of this.clients.values()) if (c.registration.mode === 'strict_sync' && !isLive(c.state.status)) (notLive ??= []).push(c);
    if (notLive !== null) throw strictSyncAbort(notLive.map((c) => failure(c, c.state.status === 'diverged' ? 'diverged' : 'unreachable')));
    // Framed once into its own buffer (the encoded view is reused by the next commit, and
    // sends may be queued), shared by every replica's batch; the replica writes the frame
    // to its WAL as received.
    const record = shippedRecord(commit.twoPhase ? RecordKind.Prepare : RecordKind.Commit, ts, commit.encoded());
    const records = [record];
    let sync: SyncWait | null = null;
    const took: ReplicaClient[] | null = commit.twoPhase ? [] : null;
    for (const c of this.clients.values()) {
      const outcome = c.offer(ts, records);
      if (outcome !== 'skipped') took?.push(c);
      // ASYNC: the client records the outcome in the replica's state; nobody waits.
      if (c.registration.mode === 'async') continue;
      sync ??= { clients: [], outcomes: [] };
      sync.clients.push(c);
      // A skipped replica last heard refusing this MAIN (HA fencing) counts as fenced.
      sync.outcomes.push(outcome === 'skipped' && c.fenced ? 'fenced' : outcome);
    }
    if (took !== null) this.prepared.set(ts, took);
    if (sync === null) return;
    return this.verdict(sync, ts);
  }

  /**
   * What the SYNC / STRICT_SYNC replicas' answers mean for a commit. The commits of one
   * batch share each replica's outcome promise (replica-client.ts), so consecutive commits
   * usually wait for the very same promises: they share one verdict too (one Promise.all
   * and one set of closures per batch, not per commit).
   */
  private verdict(sync: SyncWait, ts: number): Promise<CommitNotice[] | void> {
    const last = this.lastVerdict;
    if (last !== null && sameWait(last.wait, sync)) return last.verdict;
    const { clients, outcomes } = sync;
    const verdict = Promise.all(outcomes.map((o) => (o === 'skipped' ? ('unreachable' as const) : o))).then((reasons) => {
      const fenced = clients.filter((_, i) => reasons[i] === 'fenced').map((c) => c.registration.name);
      if (fenced.length > 0 && this.failFenced) {
        this.log.error({ replicas: fenced, ts }, 'replicas follow another MAIN: the commit fails (fencing)');
        throw fencedCommit(fenced);
      }
      const failedSync: ReplicaFailure[] = [];
      const failedStrict: ReplicaFailure[] = [];
      reasons.forEach((reason, i) => {
        if (reason === null) return;
        const c = clients[i];
        (c.registration.mode === 'strict_sync' ? failedStrict : failedSync).push(failure(c, reason));
      });
      if (failedStrict.length > 0) throw strictSyncAbort(failedStrict);
      if (failedSync.length > 0) return [syncFailureNotice(failedSync)];
      return undefined;
    });
    this.lastVerdict = { wait: sync, verdict };
    return verdict;
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
    const record = finalizeRecord(committed ? RecordKind.FinalizeCommit : RecordKind.FinalizeAbort, ts);
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

/** The SYNC / STRICT_SYNC replicas a commit waits for, in registration order, and their outcomes. */
interface SyncWait {
  clients: ReplicaClient[];
  /** 'skipped': not live (unreachable); 'fenced': not live and last heard following another MAIN. */
  outcomes: (Promise<FailureReason | null> | 'skipped' | 'fenced')[];
}

function sameWait(a: SyncWait, b: SyncWait): boolean {
  if (a.clients.length !== b.clients.length) return false;
  for (let i = 0; i < a.clients.length; i++) if (a.clients[i] !== b.clients[i] || a.outcomes[i] !== b.outcomes[i]) return false;
  return true;
}

function failure(c: ReplicaClient, reason: FailureReason): ReplicaFailure {
  return { name: c.registration.name, reason };
}
