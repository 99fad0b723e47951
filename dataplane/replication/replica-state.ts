// The state MAIN keeps for one replica (reference §1.5), as a pure machine: events in,
// the next state and what the driver must do out. No I/O, no timers; replica-client.ts
// owns the socket and the heartbeat timer and feeds this.
//
//   ready ──commit sent──▶ replicating ──all answered──▶ ready
//     │                         │ a commit failed
//     ▼ heartbeat: behind       ▼
//   recovery ◀──heartbeat: behind── invalid ◀── heartbeat failed (any state but diverged)
//     │ log tail read → replicating (it is the first live batch);  failed → invalid
//   diverged: terminal (Community: an operator must act; DROP REPLICA). HA: the
//   coordinators force-resync the replica; once its data no longer diverges, it starts
//   over as `invalid` (see leaveDivergence).
//
// Unlike Memgraph, commits are pipelined to a replica (several in flight on one
// connection, applied in order there), so a commit that arrives while `replicating` is
// sent too instead of marking the replica behind.

import type { ReplicaProgress, ReplicaStatus } from './types.js';
import type { EpochState } from '../durability/epoch.js';

export interface ReplicaState {
  status: ReplicaStatus;
  /** Commits sent and not yet answered. */
  inFlight: number;
  /** The replica's last known progress (kept when it becomes unreachable). */
  progress: ReplicaProgress | null;
}

/** What MAIN knows about itself when a heartbeat answer arrives. */
export interface MainView {
  epoch: EpochState;
  /** MAIN's last commit timestamp (including commits the replica was skipped for). */
  ts: number;
}

export type ReplicaEvent =
  /** A commit wants to go to the replica. */
  | { kind: 'commit' }
  /** `commits` (default 1): a batch of that many commits was answered in one call. */
  | { kind: 'commitAcked'; progress: ReplicaProgress; commits?: number }
  | { kind: 'commitFailed'; commits?: number }
  | { kind: 'heartbeatOk'; progress: ReplicaProgress; main: MainView }
  | { kind: 'heartbeatFailed' }
  /** Catch-up read the whole log tail: it goes out as the first live batch. */
  | { kind: 'caughtUp' }
  | { kind: 'recoveryFailed' };

export type ReplicaAction = 'send' | 'skip' | 'startRecovery' | 'none';

export interface Transition {
  state: ReplicaState;
  action: ReplicaAction;
}

/** Taking live commits: the states SHOW REPLICAS reports as healthy. */
export function isLive(status: ReplicaStatus): boolean {
  return status === 'ready' || status === 'replicating';
}

export function initialReplicaState(): ReplicaState {
  return { status: 'invalid', inFlight: 0, progress: null };
}

/**
 * The branching-point rule (reference §1.6): a replica diverged when it has commits MAIN's
 * history does not contain. A fresh replica (ts 0) never diverged.
 */
export function hasDiverged(replica: ReplicaProgress, main: MainView): boolean {
  if (replica.ts === 0) return false;
  if (replica.epochId === main.epoch.epochId) return replica.ts > main.ts;
  const entry = main.epoch.history.find((h) => h.epochId === replica.epochId);
  if (entry === undefined) return true;
  return replica.ts > entry.lastCommitTs;
}

/**
 * HA only: a diverged replica that was reset (ForceResync) and no longer holds commits
 * MAIN lacks starts over as `invalid`, so the heartbeat that showed it moves it on.
 * Null while it still diverges (or was not diverged).
 */
export function leaveDivergence(state: ReplicaState, progress: ReplicaProgress, main: MainView): ReplicaState | null {
  if (state.status !== 'diverged' || hasDiverged(progress, main)) return null;
  return { ...initialReplicaState(), progress };
}

export function step(state: ReplicaState, event: ReplicaEvent): Transition {
  const keep = (action: ReplicaAction = 'none'): Transition => ({ state, action });
  const to = (status: ReplicaStatus, patch: Partial<ReplicaState> = {}, action: ReplicaAction = 'none'): Transition => ({
    state: { ...state, ...patch, status },
    action,
  });
  if (state.status === 'diverged') return event.kind === 'commit' ? keep('skip') : keep();
  switch (event.kind) {
    case 'commit':
      if (isLive(state.status)) return to('replicating', { inFlight: state.inFlight + 1 }, 'send');
      return keep('skip');
    case 'commitAcked': {
      const inFlight = Math.max(0, state.inFlight - (event.commits ?? 1));
      if (state.status !== 'replicating') return to(state.status, { inFlight, progress: event.progress });
      return to(inFlight > 0 ? 'replicating' : 'ready', { inFlight, progress: event.progress });
    }
    case 'commitFailed':
      return to('invalid', { inFlight: Math.max(0, state.inFlight - (event.commits ?? 1)) });
    case 'heartbeatOk': {
      const patch = { progress: event.progress };
      if (hasDiverged(event.progress, event.main)) return to('diverged', patch);
      const behind = event.progress.ts < event.main.ts;
      switch (state.status) {
        case 'invalid':
          return behind ? to('recovery', patch, 'startRecovery') : to('ready', patch);
        case 'ready':
          // Ready with nothing in flight and still behind: it lost commits (a restart).
          return behind ? to('recovery', patch, 'startRecovery') : to('ready', patch);
        case 'replicating':
        case 'recovery':
          return keep();
      }
      return keep();
    }
    case 'heartbeatFailed':
      // A recovery in progress reports its own failure; in-flight commits theirs.
      return state.status === 'recovery' ? keep() : to('invalid', { inFlight: state.inFlight });
    case 'caughtUp':
      return state.status === 'recovery' ? to('replicating', { inFlight: state.inFlight + 1 }, 'send') : keep();
    case 'recoveryFailed':
      return state.status === 'recovery' ? to('invalid') : keep();
  }
}
