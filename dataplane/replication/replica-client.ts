// MAIN's connection to one replica: ships records, sends heartbeats every
// --replication-replica-check-frequency-sec, catches the replica up from MAIN's WAL when
// it is behind, and keeps the state of replica-state.ts (the decisions live there).

import path from 'node:path';
import type { Logger } from 'pino';
import type { EpochState } from '../durability/epoch.js';
import { RpcClient } from '../rpc/client.js';
import { RpcCodes, RpcError, type RpcCallHook } from '../rpc/types.js';
import { AppendRecords, Heartbeat, SwapMainUuid, TransferSnapshot, type ShippedRecord } from './protocol.js';
import { initialReplicaState, isLive, leaveDivergence, step, type MainView, type ReplicaEvent, type ReplicaState } from './replica-state.js';
import type { FailureReason } from './messages.js';
import { ReplicationCodes, type ReplicaProgress, type ReplicaRegistration, type ReplicationMode } from './types.js';
import { readWalAfter } from './wal-source.js';

/** Catch-up batches: big enough to amortise a round trip, small enough to stay responsive. */
const CATCH_UP_BATCH_BYTES = 4 << 20;
const HEARTBEAT_TIMEOUTS_TO_FAIL = 3;
const UNACKED_CAP = 8192;
/**
 * How long ASYNC records collect before they leave: bigger batches, fewer calls and
 * wake-ups on both sides (on a loaded machine every call's wake-up of a replica is a
 * context switch that MAIN pays for too). 1 → 4 ms: 88 → 79 µs of server CPU per commit
 * (MAIN + 2 replicas). 4 → 10 ms, interleaved at load average ~10 (2 rounds): each replica
 * 25 → 11–12 µs per commit, 3400–3700 → 6300–7400 commits/s, ~115 instead of ~35 commits
 * per call (16 ms: no better). The replica's lag grows by the same few milliseconds.
 */
const ASYNC_SHIP_DELAY_MS = 10;
/** Live batches stop growing past this (a big transaction still goes alone). */
const SHIP_BATCH_BYTES = 4 << 20;
/**
 * AppendRecords calls in flight to one replica. SYNC / STRICT_SYNC: 2 — a commit that
 * arrives while one call is out leaves at once in a second call instead of waiting for
 * the first to return (on a loaded 2-core machine a round trip is mostly scheduling
 * delay). Interleaved runs, 2 calls against 1: SYNC 1.3–1.9× the commits per second at
 * load average ~12, 0.75–1.02× at ~6 (within that run's noise; CPU per commit 189 vs 172
 * and 168 vs 186 µs); STRICT_SYNC 1.3× by median with 285 vs 361 µs per commit; 4 calls
 * were slower. ASYNC: 1 (nobody waits; fewer, bigger calls cost MAIN less).
 */
function maxCalls(mode: ReplicationMode): number {
  return mode === 'async' ? 1 : 2;
}
/** Bounded: a replica that cannot keep up is retried on a later heartbeat. */
const CATCH_UP_ROUNDS = 200;

export interface MainSide {
  mainUuid(): string;
  epoch(): EpochState;
  /**
   * MAIN's newest commit timestamp: published, or passed to the replicas and not aborted
   * (a SYNC replica applies a commit before MAIN publishes it), or skipped for this replica.
   */
  mainTs(skippedUpTo: number): number;
  walDir(): string;
  /** Hands buffered WAL records to the OS, so the files hold every staged commit. */
  flushWal(): void;
  /** Keeps WAL files after `ts` until the returned function is called. */
  retainWalAfter(ts: number): () => void;
  /** The newest snapshot (written now if there is none), for a replica the WAL no longer reaches. */
  snapshotForCatchUp(): Promise<string>;
}

export interface ReplicaClientOptions {
  registration: ReplicaRegistration;
  main: MainSide;
  log: Logger;
  checkFrequencySec: number;
  /** HA: a diverged replica that was force-resynced is caught up again (community: terminal). */
  recoverFromDivergence?: boolean;
  onCall?: RpcCallHook;
  /** Longest wait for an AppendRecords answer (default: the message's 30 s, as Memgraph's progress window). */
  appendTimeoutMs?: number;
  /** State changes (metrics). */
  onChange?(client: ReplicaClient): void;
}

/** What a failed call means for the message a client sees. */
export function failureReason(e: unknown): FailureReason {
  if (!(e instanceof RpcError)) return 'rpc';
  if (e.code === RpcCodes.Timeout) return 'timeout';
  if (e.code === RpcCodes.ConnectFailed || e.code === RpcCodes.ConnectionLost || e.code === RpcCodes.ClientClosed) return 'unreachable';
  if (e.code === ReplicationCodes.WrongMain) return 'fenced';
  if (e.code === ReplicationCodes.Gap) return 'unreachable';
  return 'rpc';
}

export class ReplicaClient {
  readonly rpc: RpcClient;
  private stateValue: ReplicaState = initialReplicaState();
  private timer: NodeJS.Timeout | null = null;
  private heartbeatRunning = false;
  private heartbeatTimeouts = 0;
  private closed = false;
  /** The replica's last refusal said it follows another MAIN (HA fencing); cleared by a success. */
  fenced = false;
  /** Highest commit timestamp the commit stage skipped this replica for. */
  skippedUpTo = 0;
  /** Batches waiting for the call in flight to return (see ship()); the last one is open. */
  private readonly outbox: OutboxBatch[] = [];
  /** AppendRecords calls in flight (at most maxCalls()). */
  private calls = 0;
  private sendTimer: NodeJS.Timeout | null = null;
  private sendImmediate: NodeJS.Immediate | null = null;
  /** Staged commits not yet acknowledged: (timestamp, when), oldest first (lag in seconds). */
  private readonly unacked: { ts: number; at: number }[] = [];

  constructor(private readonly options: ReplicaClientOptions) {
    const { host, port } = options.registration;
    this.rpc = new RpcClient({ host, port, connectTimeoutMs: 2000, onCall: options.onCall });
  }

  get registration(): ReplicaRegistration {
    return this.options.registration;
  }

  get state(): ReplicaState {
    return this.stateValue;
  }

  /** Registration handshake: the replica follows this MAIN from now on. */
  async handshake(): Promise<ReplicaProgress> {
    const progress = await this.rpc.call(SwapMainUuid, { mainUuid: this.options.main.mainUuid() });
    this.stateValue = { ...this.stateValue, progress };
    return progress;
  }

  /** Starts heartbeats (the first one now: it decides between ready and recovery). */
  start(): void {
    const ms = this.options.checkFrequencySec * 1000;
    // Memgraph: a frequency below 1 s disables the checks (and with them recovery).
    if (ms >= 1000) {
      this.timer = setInterval(() => void this.heartbeat(), ms);
      this.timer.unref();
    }
    void this.heartbeat();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearInterval(this.timer);
    if (this.sendTimer !== null) clearTimeout(this.sendTimer);
    if (this.sendImmediate !== null) clearImmediate(this.sendImmediate);
    this.sendTimer = null;
    this.sendImmediate = null;
    // Nobody will send what is queued: its waiters hear that the replica is unreachable.
    for (const b of this.outbox.splice(0)) b.settle('unreachable');
    await this.rpc.close();
  }

  /** Seconds since the oldest commit the replica has not acknowledged (0 when none). */
  lagSeconds(now: number): number {
    return this.unacked.length === 0 ? 0 : (now - this.unacked[0].at) / 1000;
  }

  private mainView(): MainView {
    return { epoch: this.options.main.epoch(), ts: this.options.main.mainTs(this.skippedUpTo) };
  }

  private apply(event: ReplicaEvent): ReturnType<typeof step> {
    const before = this.stateValue.status;
    const t = step(this.stateValue, event);
    this.stateValue = t.state;
    if (t.state.status !== before) {
      // ready ⇄ replicating happens around every call under writes: logged at trace, or a
      // MAIN at the default INFO level would write lines per commit and replica.
      const routine = isLive(before) && isLive(t.state.status);
      this.options.log[routine ? 'trace' : 'info']({ replica: this.registration.name, from: before, to: t.state.status, event: event.kind }, 'replica state changed');
      this.options.onChange?.(this);
    }
    if (t.action === 'startRecovery') void this.recover();
    return t;
  }

  /**
   * A commit at `ts` wants to go to this replica. Returns the call's promise (resolving to
   * null on success, or the failure), or 'skipped' when the replica is not in a state to
   * take live commits (it is caught up later).
   */
  offer(ts: number, records: ShippedRecord[]): Promise<FailureReason | null> | 'skipped' {
    this.noteStaged(ts);
    // The steady state under load: already replicating, so the state machine's 'commit'
    // step would only count one more commit in flight. Counted in place: no event,
    // transition and state object per commit and replica.
    if (this.stateValue.status === 'replicating') {
      this.stateValue.inFlight++;
      return this.ship(records);
    }
    if (this.apply({ kind: 'commit' }).action !== 'send') {
      if (ts > this.skippedUpTo) this.skippedUpTo = ts;
      return 'skipped';
    }
    return this.ship(records);
  }

  /** Ships a finalisation of a prepare this replica took, whatever its state now. */
  finalize(records: ShippedRecord[]): Promise<FailureReason | null> {
    if (isLive(this.stateValue.status)) {
      this.apply({ kind: 'commit' });
      return this.ship(records);
    }
    // Not live any more: catch-up ships the finalisation from the WAL.
    return Promise.resolve('unreachable');
  }

  /** A two-phase commit this replica was skipped for was aborted: its timestamp is reused. */
  aborted(ts: number): void {
    if (this.skippedUpTo >= ts) this.skippedUpTo = ts - 1;
  }

  /**
   * Queues records for the replica. One AppendRecords call is in flight at a time; what
   * queues meanwhile leaves as one batch when it returns (group commit for replication:
   * under load one round trip carries many commits). Calls go out in queue order on one
   * connection, so the replica sees records in log order.
   *
   * Every commit of a batch hears the batch's outcome, so they share one promise: a
   * commit adds its records to the open batch and takes its promise (no promise, closure
   * or queue entry per commit and replica; profiles showed MAIN's per-commit promise
   * chains beside the socket writes). With the turn-end send below: 230 → 196 µs of
   * server CPU per SYNC commit (MAIN + 2 replicas, one interleaved run against the
   * branch point, bench/replication.ts --before).
   */
  private ship(records: ShippedRecord[]): Promise<FailureReason | null> {
    let batch = this.outbox[this.outbox.length - 1];
    if (batch === undefined || batch.bytes >= SHIP_BATCH_BYTES) {
      batch = new OutboxBatch();
      this.outbox.push(batch);
    }
    batch.add(records);
    this.scheduleSend();
    return batch.outcome;
  }

  /**
   * When the queued records leave (the call in flight, if any, sends them when it returns):
   *   SYNC, STRICT_SYNC  at the end of this event-loop turn (setImmediate): the commits of
   *                      every Bolt request read in the same turn leave in one call instead
   *                      of the first alone and the rest a round trip later (group shipping:
   *                      bigger batches, fewer socket writes and wake-ups on both sides).
   *   ASYNC              up to ASYNC_SHIP_DELAY_MS later, so that a busy MAIN sends few,
   *                      larger batches: a socket write per commit and replica was the
   *                      largest cost of ASYNC replication in profiles.
   */
  private scheduleSend(): void {
    if (this.calls >= maxCalls(this.registration.mode) || this.outbox.length === 0 || this.sendTimer !== null || this.sendImmediate !== null) return;
    if (this.registration.mode !== 'async') {
      this.sendImmediate = setImmediate(() => {
        this.sendImmediate = null;
        this.sendOutbox();
      });
      return;
    }
    this.sendTimer = setTimeout(() => {
      this.sendTimer = null;
      this.sendOutbox();
    }, ASYNC_SHIP_DELAY_MS);
  }

  private sendOutbox(): void {
    if (this.calls >= maxCalls(this.registration.mode) || this.outbox.length === 0) return;
    const batch = this.outbox.shift() as OutboxBatch;
    const main = this.options.main;
    this.calls++;
    this.rpc
      .call(
        AppendRecords,
        { mainUuid: main.mainUuid(), epoch: main.epoch(), records: batch.records },
        // The frames plus room for the UUID, the epoch and its history.
        { timeoutMs: this.options.appendTimeoutMs, sizeHint: batch.bytes + 512 },
      )
      .then(
        (progress) => {
          this.fenced = false;
          this.acked(progress.ts);
          this.apply({ kind: 'commitAcked', progress, commits: batch.commits });
          batch.settle(null);
        },
        (e: unknown) => {
          if (!this.closed) this.options.log.warn({ replica: this.registration.name, err: e }, 'replicating commits failed');
          const reason = failureReason(e);
          this.fenced = reason === 'fenced';
          this.apply({ kind: 'commitFailed', commits: batch.commits });
          batch.settle(reason);
        },
      )
      .finally(() => {
        this.calls--;
        // SYNC: what queued during the call has waited a round trip already, it leaves now;
        // ASYNC keeps collecting for its delay (nobody waits for it; fewer, bigger calls).
        if (this.closed) return;
        if (this.registration.mode === 'async') this.scheduleSend();
        else this.sendOutbox();
      });
  }

  /**
   * Remembers when commit `ts` was staged, for the lag in seconds. Commits staged in the
   * same millisecond share one entry (its newest timestamp): the age of the oldest
   * unacknowledged commit stays exact to the millisecond, with one entry per millisecond
   * instead of one per commit. Bounded while a replica is down: past the cap every other
   * entry goes (the oldest stays, so the age is exact and later steps are approximate).
   */
  private noteStaged(ts: number): void {
    const at = Date.now();
    const last = this.unacked[this.unacked.length - 1];
    if (last !== undefined && last.at === at) {
      if (ts > last.ts) last.ts = ts;
      return;
    }
    if (this.unacked.length >= UNACKED_CAP) {
      let w = 1;
      for (let r = 2; r < this.unacked.length; r += 2) this.unacked[w++] = this.unacked[r];
      this.unacked.length = w;
    }
    this.unacked.push({ ts, at });
  }

  private acked(ts: number): void {
    let n = 0;
    while (n < this.unacked.length && this.unacked[n].ts <= ts) n++;
    if (n > 0) this.unacked.splice(0, n);
  }

  private async heartbeat(): Promise<void> {
    if (this.closed || this.heartbeatRunning) return;
    this.heartbeatRunning = true;
    try {
      const side = this.options.main;
      const progress = await this.rpc.call(Heartbeat, { mainUuid: side.mainUuid(), epochId: side.epoch().epochId, mainTs: side.mainTs(this.skippedUpTo) });
      if (this.closed) return;
      this.heartbeatTimeouts = 0;
      this.fenced = false;
      if (this.stateValue.status !== 'replicating') this.acked(progress.ts);
      const main = this.mainView();
      const reset = this.options.recoverFromDivergence === true ? leaveDivergence(this.stateValue, progress, main) : null;
      if (reset !== null) {
        this.options.log.info({ replica: this.registration.name, ts: progress.ts }, 'replica no longer diverges (force-resynced)');
        this.stateValue = reset;
      }
      this.apply({ kind: 'heartbeatOk', progress, main });
    } catch (e) {
      if (this.closed) return;
      // A refused or broken connection is definite; a slow answer (a busy machine) counts
      // only on the third in a row, as Memgraph's 3 failed checks.
      if (e instanceof RpcError && e.code === RpcCodes.Timeout && ++this.heartbeatTimeouts < HEARTBEAT_TIMEOUTS_TO_FAIL) return;
      this.heartbeatTimeouts = 0;
      this.fenced = failureReason(e) === 'fenced';
      if (this.stateValue.status !== 'invalid') this.options.log.warn({ replica: this.registration.name, err: e }, 'replica heartbeat failed');
      this.apply({ kind: 'heartbeatFailed' });
    } finally {
      this.heartbeatRunning = false;
    }
  }

  /**
   * Catch-up from MAIN's WAL: batches while far behind; then, in one tick, the rest of the
   * log is read and the replica turns live (`replicating`) with that last batch in flight,
   * so every commit staged after it goes out live behind it on the same connection.
   */
  /**
   * MAIN's WAL no longer reaches back to the replica's timestamp: it gets MAIN's newest
   * snapshot and replaces its whole graph with it (the WAL after the snapshot follows).
   * Returns the replica's timestamp afterwards.
   */
  private async sendSnapshot(ts: number): Promise<number> {
    const main = this.options.main;
    const file = await main.snapshotForCatchUp();
    this.options.log.info({ replica: this.registration.name, replicaTs: ts, file }, 'MAIN\'s WAL does not reach the replica: sending a snapshot');
    const progress = await this.rpc.sendFile(TransferSnapshot, { mainUuid: main.mainUuid(), epoch: main.epoch(), name: path.basename(file) }, file);
    if (progress.ts <= ts) throw new Error(`the snapshot did not move the replica past ${ts}`);
    this.stateValue = { ...this.stateValue, progress };
    this.acked(progress.ts);
    return progress.ts;
  }

  private async recover(): Promise<void> {
    const main = this.options.main;
    const name = this.registration.name;
    let ts = this.stateValue.progress?.ts ?? 0;
    const release = main.retainWalAfter(ts);
    try {
      for (let round = 0; round < CATCH_UP_ROUNDS; round++) {
        if (this.closed || this.stateValue.status !== 'recovery') return;
        main.flushWal();
        const batch = readWalAfter(main.walDir(), ts, CATCH_UP_BATCH_BYTES);
        const target = main.mainTs(this.skippedUpTo);
        if (batch.gap || (batch.records.length === 0 && ts < target)) {
          ts = await this.sendSnapshot(ts);
          continue;
        }
        const request = { mainUuid: main.mainUuid(), epoch: main.epoch(), records: batch.records };
        if (batch.complete) {
          // The whole log tail is in this batch: live from now on, this batch first.
          if (this.apply({ kind: 'caughtUp' }).action !== 'send') return;
          this.options.log.info({ replica: name, fromTs: ts + 1, records: batch.records.length }, 'replica caught up; shipping live');
          await this.ship(batch.records);
          return;
        }
        const progress = await this.rpc.call(AppendRecords, request);
        if (progress.ts <= ts && batch.records.length > 0 && !batch.records.some((r) => r.ts > progress.ts)) {
          throw new Error(`catch-up made no progress at ${ts}`);
        }
        ts = progress.ts;
        this.stateValue = { ...this.stateValue, progress };
        this.acked(ts);
      }
      throw new Error(`not caught up after ${CATCH_UP_ROUNDS} rounds`);
    } catch (e) {
      if (this.closed) return;
      this.options.log.warn({ replica: name, err: e }, 'replica catch-up failed; retried on a later heartbeat');
      this.apply({ kind: 'recoveryFailed' });
    } finally {
      release();
    }
  }
}

/** Records queued for one AppendRecords call, and the outcome every commit in it hears. */
class OutboxBatch {
  readonly records: ShippedRecord[] = [];
  bytes = 0;
  /** Commits (and finalisations) in the batch: the state machine counts them in flight. */
  commits = 0;
  readonly outcome: Promise<FailureReason | null>;
  settle!: (reason: FailureReason | null) => void;

  constructor() {
    this.outcome = new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  add(records: ShippedRecord[]): void {
    for (const r of records) {
      this.records.push(r);
      this.bytes += r.frame.length;
    }
    this.commits++;
  }
}
