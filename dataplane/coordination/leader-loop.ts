// The leader's loop (reference §3.6–§3.8): every `instance_health_check_frequency_sec` a
// StateCheck to every data instance, liveness from the answers (health.ts), then one
// leaderRound(): a failover is proposed through Raft (and the next round starts at once,
// so the promotion follows the commit), or the reconciliation actions are sent in the
// order given, skipping an instance's remaining actions once one of them failed. Raft
// membership follows the coordinators in the state. The leader is "ready" once its first
// round completed; followers run no checks. Failover durations and counts go to metrics.

import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { RpcError } from '../rpc/types.js';
import { currentMain } from './cluster-state.js';
import { healthTable, succeeded, unwatch, watch, type LivenessTable } from './health.js';
import { leaderRound } from './leader-round.js';
import { actionTarget, type DataInstanceClients } from './data-instance-clients.js';
import type { CoordinatorMetrics } from './coordinator-metrics.js';
import type { FailoverOccasion } from './failover.js';
import type { InstanceReport } from './reconcile.js';
import type { RaftHost } from './raft-host.js';
import type { Health } from './types.js';

/** Longest wait for one StateCheck (Memgraph: 5 s; shorter so a hung instance cannot hold a round). */
const STATE_CHECK_TIMEOUT_MS = 2000;

export interface LeaderView {
  ready: boolean;
  instanceHealth: Map<string, Health>;
  /** Each instance's last answer (kept while it is down: lag and the cluster document). */
  reports: ReadonlyMap<string, InstanceReport>;
}

export class LeaderLoop {
  private generation = 0;
  private liveness: LivenessTable<string> = new Map();
  private readonly lastReports = new Map<string, InstanceReport>();
  private mainCommitted: number | null = null;
  /** The replicas the MAIN last reported in sync (failover candidates under sync_failover_only). */
  private mainInSync: ReadonlySet<string> | null = null;
  private ready = false;
  private occasion: FailoverOccasion = 'leader_start';
  private wake: (() => void) | null = null;
  private roundWaiters: (() => void)[] = [];
  /** A committed failover whose promotion is not acknowledged yet. */
  private pendingFailover: { to: string; since: number } | null = null;
  private lastNoFailoverLog = 0;

  constructor(
    private readonly host: RaftHost,
    private readonly clients: DataInstanceClients,
    private readonly metrics: CoordinatorMetrics,
    private readonly log: Logger,
  ) {}

  /** This coordinator became leader: watch everyone from now, fail over if Raft has no MAIN. */
  becameLeader(): void {
    const generation = ++this.generation;
    this.liveness = new Map();
    this.lastReports.clear();
    this.mainCommitted = null;
    this.mainInSync = null;
    this.ready = false;
    this.occasion = 'leader_start';
    this.pendingFailover = null;
    void this.run(generation);
  }

  /** Followers run no health checks. */
  stepDown(): void {
    this.generation++;
    this.ready = false;
    this.wake?.();
    this.clients.closeAll();
    this.releaseWaiters();
  }

  /** Runs a round now (after a statement changed the state) and resolves when one completed. */
  kick(): Promise<void> {
    const done = new Promise<void>((resolve) => this.roundWaiters.push(resolve));
    this.wake?.();
    return done;
  }

  /** FORCE RESET CLUSTER STATE: the next round reconciles as a new leader would. */
  forceReset(): Promise<void> {
    this.occasion = 'force_reset';
    return this.kick();
  }

  view(now = Date.now()): LeaderView {
    const timeout = this.host.state.settings.instance_down_timeout_sec;
    return { ready: this.ready, instanceHealth: healthTable(this.liveness, now, timeout), reports: this.lastReports };
  }

  isUp(name: string): boolean {
    return this.view().instanceHealth.get(name)?.up ?? false;
  }

  /**
   * State checks every period, on their own clock: a reconciliation that waits on a slow
   * RPC (a promotion registering an unreachable replica) must not age everyone's health. A
   * round of decisions and actions starts after a check whenever the previous one is done.
   */
  private async run(generation: number): Promise<void> {
    let acting: Promise<void> | null = null;
    while (generation === this.generation) {
      const started = Date.now();
      let mainSilent = false;
      try {
        const answered = await this.check(generation);
        const main = currentMain(this.host.state);
        mainSilent = main !== null && !answered.has(main.name);
        if (generation !== this.generation) break;
        if (acting === null) {
          const waiters = this.roundWaiters;
          this.roundWaiters = [];
          acting = this.act(generation, answered)
            .then((again) => {
              if (generation !== this.generation) return;
              this.ready = true;
              if (again) this.wake?.();
            })
            .catch((e: unknown) => this.log.error({ err: e }, 'leader round failed'))
            .finally(() => {
              acting = null;
              for (const w of waiters) w();
            });
        }
      } catch (e) {
        this.log.error({ err: e }, 'state checks failed');
      }
      const waitMs = Math.max(0, this.nextCheckAt(started, mainSilent) - Date.now());
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  /**
   * The next check is one period after this one, or, while the MAIN is silent, right when
   * it would be declared down (failover need not wait for the next period's tick).
   */
  private nextCheckAt(started: number, mainSilent: boolean): number {
    const settings = this.host.state.settings;
    // At least twice per down timeout: each check renews the MAIN's write lease, which ends
    // at the MAIN's last success + the down timeout (below), so a slower rhythm would leave a
    // healthy MAIN without a lease between checks (e.g. a 1 s timeout with 1 s checks).
    const periodic = started + Math.min(settings.instance_health_check_frequency_sec, settings.instance_down_timeout_sec / 2) * 1000;
    const main = currentMain(this.host.state);
    const liveness = main === null ? undefined : this.liveness.get(main.name);
    if (!mainSilent || liveness === undefined) return periodic;
    const downAt = (liveness.lastSuccessAt ?? liveness.watchedSince) + settings.instance_down_timeout_sec * 1000 + 1;
    return downAt > Date.now() ? Math.min(periodic, downAt) : periodic;
  }

  private releaseWaiters(): void {
    const waiters = this.roundWaiters;
    this.roundWaiters = [];
    for (const w of waiters) w();
  }

  /** One StateCheck to every registered instance; the answers of this check. */
  private async check(generation: number): Promise<Map<string, InstanceReport>> {
    const before = this.host.state;
    this.clients.sync(before);
    const started = Date.now();
    for (const i of before.instances) this.liveness = watch(this.liveness, i.name, started);
    for (const name of this.liveness.keys()) {
      if (!before.instances.some((i) => i.name === name)) {
        this.liveness = unwatch(this.liveness, name);
        this.lastReports.delete(name);
      }
    }

    const answered = new Map<string, InstanceReport>();
    const timeoutMs = Math.min(STATE_CHECK_TIMEOUT_MS, Math.max(500, before.settings.instance_health_check_frequency_sec * 1000));
    await Promise.all(
      before.instances.map(async (i) => {
        try {
          // The lease ends when this leader would declare the MAIN down (last success + the
          // down timeout), not a full timeout after this send: a check that reaches a paused
          // MAIN late must not carry its writes past a failover committed meanwhile.
          const lv = this.liveness.get(i.name);
          const downAt = (lv?.lastSuccessAt ?? lv?.watchedSince ?? started) + before.settings.instance_down_timeout_sec * 1000;
          const leaseMs = i.role === 'main' ? Math.max(0, downAt - Date.now()) : 0;
          const report = await this.clients.stateCheck(i, timeoutMs, leaseMs);
          if (generation !== this.generation) return;
          this.liveness = succeeded(this.liveness, i.name, Date.now());
          answered.set(i.name, report);
          this.lastReports.set(i.name, report);
        } catch {
          // Down or slow: liveness ages until instance_down_timeout_sec passes.
        }
      }),
    );
    return answered;
  }

  /** Decides and acts on one check; true when the next check should start at once (a failover was just committed). */
  private async act(generation: number, answered: ReadonlyMap<string, InstanceReport>): Promise<boolean> {
    if (generation !== this.generation || !this.host.isLeader()) return false;
    const state = this.host.state;
    const now = Date.now();
    const health = healthTable(this.liveness, now, state.settings.instance_down_timeout_sec);
    const main = currentMain(state);
    const mainReport = main === null ? undefined : answered.get(main.name);
    if (mainReport !== undefined) {
      this.mainCommitted = mainReport.lastCommitTs;
      if (mainReport.role === 'main' && mainReport.replicasInSync !== undefined) this.mainInSync = new Set(mainReport.replicasInSync);
    }
    const occasion = this.occasion;
    this.occasion = 'health_check';
    const out = leaderRound({ state, health, reports: answered, mainCommittedTxns: this.mainCommitted, mainInSync: this.mainInSync, occasion, freshUuid: randomUUID, now });

    if (out.kind === 'failover') {
      const oldMainSince = main === null ? now : (this.liveness.get(main.name)?.lastSuccessAt ?? this.liveness.get(main.name)?.watchedSince ?? now);
      this.log.warn({ from: main?.name ?? null, to: out.decision.name, occasion }, 'failover: proposing a new MAIN');
      const error = await this.host.propose(out.propose);
      if (error !== null) {
        this.log.warn({ err: error }, 'failover refused by the cluster state');
        return false;
      }
      this.metrics.failoverCommitted();
      this.mainCommitted = null;
    this.mainInSync = null;
      this.pendingFailover = { to: out.decision.name, since: oldMainSince };
      return true;
    }
    if (out.kind === 'noFailover') {
      if (now - this.lastNoFailoverLog > 10_000) {
        this.lastNoFailoverLog = now;
        this.log.warn({ decision: out.decision }, 'failover needed but no instance can take over');
      }
      return false;
    }

    const failed = new Set<string>();
    for (const action of out.actions) {
      const target = actionTarget(action);
      if (failed.has(target) || generation !== this.generation) continue;
      try {
        await this.clients.perform(action, state);
        if (action.kind === 'promote' && this.pendingFailover?.to === action.instance) {
          this.metrics.failoverCompleted((Date.now() - this.pendingFailover.since) / 1000);
          this.log.info({ main: action.instance, seconds: (Date.now() - this.pendingFailover.since) / 1000 }, 'failover complete: new MAIN promoted');
          this.pendingFailover = null;
        }
      } catch (e) {
        failed.add(target);
        this.log.warn({ action, err: e }, 'reconciliation action failed; retried next round');
        // Memgraph fails over when the Raft MAIN refuses its promotion (not when it is merely slow).
        if (action.kind === 'promote' && e instanceof RpcError && e.remote) this.occasion = 'promotion_failed';
      }
    }
    await this.reconcileMembership();
    return false;
  }

  /** Every coordinator in the state is a Raft voter (one change at a time, retried next round). */
  private async reconcileMembership(): Promise<void> {
    const voters = this.host.status().voters;
    const missing = this.host.state.coordinators.find((c) => !voters.includes(c.id));
    if (missing === undefined) return;
    try {
      await this.host.proposeConfChange({ type: 'addNode', nodeId: missing.id });
      this.log.info({ coordinatorId: missing.id }, 'coordinator added to the Raft voters');
    } catch (e) {
      this.log.debug({ err: e, coordinatorId: missing.id }, 'adding a Raft voter failed; retried next round');
    }
  }
}
