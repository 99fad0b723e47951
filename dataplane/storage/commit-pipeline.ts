// The commit pipeline (DESIGN §3): prepare → ordered commit stages → publish in
// commit-timestamp order, or abort.
//
// A prepared commit has its timestamp reserved but is invisible. Each stage (the WAL, then
// replication) runs for every commit in timestamp order; a stage may answer at once or
// with a promise, so commits overlap (group commit, pipelined replication) while each
// stage still sees them in order. A commit is published when all its stages are done and
// every earlier commit is published. A stage that fails aborts that commit and every
// commit prepared after it: timestamps stay contiguous because the aborted ones are
// reused, and no durable record of a later commit can precede the abort of an earlier one.
//
// Pure bookkeeping: the members publish and abort themselves; no I/O and no timers.

import { Codes, MghaError, toMghaError } from '../errors.js';
import type { CommitNotice, CommitResult, CommitStage, Delta, MaybePromise, PipelineCommit, StageOutcome } from './types.js';

/** What a prepared commit does at the end of the pipeline. */
export interface PipelineMember {
  /** Makes the changes visible at `ts` (the storage's last commit timestamp moves to it). */
  publishPrepared(ts: number): void;
  /** Undoes the changes: nothing of them is visible, ever. */
  abortPrepared(): void;
}

/** Encodes a commit once for every stage (the WAL's record body, replication's payload). */
export type CommitEncoder = (commit: PipelineCommit) => Buffer;

/**
 * Encodes a huge transaction's deltas ahead of its commit, in slices with the event loop
 * free between them, so that the encoder only copies the result (see preEncode()).
 */
export type CommitPreEncoder = (deltas: readonly Delta[]) => Promise<void>;

/** Below this many deltas a commit encodes in one go (tens of milliseconds at most). */
export const PRE_ENCODE_MIN_DELTAS = 100_000;

class Entry implements PipelineCommit {
  /** Stages whose run was called. */
  started = 0;
  /** The last started stage has not answered yet. */
  running = false;
  finished = false;
  readonly notifications: CommitNotice[] = [];
  result: CommitResult | null = null;
  error: MghaError | null = null;
  private waiter: { resolve: (r: CommitResult) => void; reject: (e: MghaError) => void } | null = null;

  constructor(
    readonly commitTimestamp: number,
    readonly deltas: readonly Delta[],
    readonly twoPhase: boolean,
    readonly member: PipelineMember,
    private readonly pipeline: CommitPipeline,
  ) {}

  encoded(): Buffer {
    return this.pipeline.encode(this);
  }

  /** The caller's view: a value when the pipeline finished synchronously. */
  outcome(): MaybePromise<CommitResult> {
    if (this.result !== null) return this.result;
    if (this.error !== null) throw this.error;
    return new Promise<CommitResult>((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  succeed(): void {
    this.result = { commitTimestamp: this.commitTimestamp, deltas: this.deltas as Delta[], notifications: this.notifications };
    this.waiter?.resolve(this.result);
  }

  fail(e: MghaError): void {
    this.error = e;
    this.waiter?.reject(e);
  }
}

function addNotices(entry: Entry, out: StageOutcome): void {
  if (out !== undefined) for (const n of out) entry.notifications.push(n);
}

export class CommitPipeline {
  private readonly stages: CommitStage[] = [];
  /** Prepared, not yet published, in commit-timestamp order. */
  private readonly queue: Entry[] = [];
  private encoder: CommitEncoder | null = null;
  private preEncoder: CommitPreEncoder | null = null;
  private encodedFor: Entry | null = null;
  private encodedBytes: Buffer | null = null;
  private pumping = false;
  /** The last stage promise awaited, and the commits waiting on it (see awaitStage). */
  private sharedWait: { promise: Promise<StageOutcome>; entries: Entry[] } | null = null;
  private pumpAgain = false;

  /** `lastPublished` is the storage's last commit timestamp. */
  constructor(private readonly lastPublished: () => number) {}

  addStage(stage: CommitStage): void {
    this.stages.push(stage);
  }

  setEncoder(encoder: CommitEncoder): void {
    this.encoder = encoder;
  }

  setPreEncoder(preEncoder: CommitPreEncoder): void {
    this.preEncoder = preEncoder;
  }

  /** For a transaction about to commit: encodes its deltas ahead when there are many (else null). */
  preEncode(deltas: readonly Delta[]): Promise<void> | null {
    if (this.preEncoder === null || deltas.length < PRE_ENCODE_MIN_DELTAS) return null;
    return this.preEncoder(deltas);
  }

  /** Commits prepared and not yet published or aborted. */
  inFlight(): number {
    return this.queue.length;
  }

  /** The timestamp the next prepared commit gets. */
  nextTimestamp(): number {
    const last = this.queue[this.queue.length - 1];
    return (last === undefined ? this.lastPublished() : last.commitTimestamp) + 1;
  }

  encode(entry: Entry): Buffer {
    if (this.encodedFor !== entry || this.encodedBytes === null) {
      if (this.encoder === null) throw new MghaError(Codes.DatabaseError, 'No commit encoder is set: a commit stage asked for encoded bytes.');
      this.encodedBytes = this.encoder(entry);
      this.encodedFor = entry;
    }
    return this.encodedBytes;
  }

  /**
   * Prepares `deltas` at the next timestamp and runs it through the stages. Returns the
   * result at once when every stage answered synchronously (no promise on the hot path).
   */
  submit(deltas: readonly Delta[], member: PipelineMember): MaybePromise<CommitResult> {
    const ts = this.nextTimestamp();
    if (this.stages.length === 0 && this.queue.length === 0) {
      member.publishPrepared(ts);
      return { commitTimestamp: ts, deltas: deltas as Delta[], notifications: [] };
    }
    // Two-phase stays on while any two-phase commit is in flight: a one-phase record after
    // it could not be taken back if that commit aborted.
    const twoPhase = this.queue.some((e) => e.twoPhase) || this.stages.some((s) => s.mayAbort?.() === true);
    const entry = new Entry(ts, deltas, twoPhase, member, this);
    this.queue.push(entry);
    this.pump();
    return entry.outcome();
  }

  /** Starts every stage that may start, then publishes what is done, until nothing moves. */
  private pump(): void {
    // A synchronous stage outcome can re-enter through an abort: run one loop at a time.
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        this.startStages();
        this.publishDone();
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
    }
  }

  private startStages(): void {
    for (let i = 0; i < this.queue.length; i++) {
      const entry = this.queue[i];
      const prev = i > 0 ? this.queue[i - 1] : null;
      // Stage k runs for this commit only after it started for the one before.
      while (!entry.running && entry.started < this.stages.length && (prev === null || prev.started > entry.started)) {
        const stage = this.stages[entry.started++];
        let out: StageOutcome | Promise<StageOutcome>;
        try {
          out = stage.run(entry);
        } catch (e) {
          this.abortFrom(entry, e);
          this.pumpAgain = true;
          return;
        }
        if (out instanceof Promise) {
          entry.running = true;
          this.awaitStage(entry, out);
        } else {
          addNotices(entry, out);
        }
      }
    }
  }

  /**
   * Waits for a stage's promise. Consecutive commits often get the very same one (a
   * replication batch's verdict): they share one continuation and one pump when it
   * settles, instead of a closure pair and a pump (which walks the whole queue) each.
   */
  private awaitStage(entry: Entry, out: Promise<StageOutcome>): void {
    const shared = this.sharedWait;
    if (shared !== null && shared.promise === out) {
      shared.entries.push(entry);
      return;
    }
    const entries = [entry];
    this.sharedWait = { promise: out, entries };
    out.then(
      (r) => {
        if (this.sharedWait?.promise === out) this.sharedWait = null;
        for (const e of entries) {
          if (e.finished) continue;
          e.running = false;
          addNotices(e, r);
        }
        this.pump();
      },
      (err: unknown) => {
        if (this.sharedWait?.promise === out) this.sharedWait = null;
        // The first commit still waiting fails; abortFrom takes every later one with it.
        const first = entries.find((e) => !e.finished);
        if (first === undefined) return;
        for (const e of entries) e.running = false;
        this.abortFrom(first, err);
        this.pump();
      },
    );
  }

  private publishDone(): void {
    while (this.queue.length > 0) {
      const head = this.queue[0];
      if (head.running || head.started < this.stages.length) return;
      this.queue.shift();
      head.finished = true;
      try {
        head.member.publishPrepared(head.commitTimestamp);
      } catch (e) {
        head.fail(toMghaError(e));
        continue;
      }
      const waits = this.settle(head, true);
      if (waits === null) head.succeed();
      else {
        waits.then(
          () => head.succeed(),
          (e: unknown) => head.fail(toMghaError(e)),
        );
      }
    }
  }

  /** Tells the stages that ran how the commit ended; what the caller must wait for, if anything. */
  private settle(entry: Entry, committed: boolean): Promise<unknown> | null {
    let wait: Promise<unknown> | null = null;
    for (let k = 0; k < entry.started; k++) {
      let w: void | Promise<void>;
      try {
        w = this.stages[k].settle?.(entry, committed);
      } catch (e) {
        w = Promise.reject(e);
      }
      // One promise (the WAL's fsync, the common case) is awaited as it is: no Promise.all hop.
      if (w instanceof Promise) wait = wait === null ? w : Promise.all([wait, w]);
    }
    return wait;
  }

  /** Aborts `failed` and every commit prepared after it (their timestamps are reused). */
  private abortFrom(failed: Entry, cause: unknown): void {
    const at = this.queue.indexOf(failed);
    if (at < 0) return;
    const error = toMghaError(cause);
    const aborted = this.queue.splice(at);
    for (const entry of aborted) {
      entry.finished = true;
      entry.member.abortPrepared();
      const waits = this.settle(entry, false);
      // The abort is what the client hears about; a failing finalise record changes nothing.
      waits?.catch(() => undefined);
      entry.fail(
        entry === failed
          ? error
          : new MghaError(
              Codes.Conflict,
              `The transaction was aborted because a transaction committed before it failed (${error.message}). You can retry this transaction.`,
            ),
      );
    }
  }
}
