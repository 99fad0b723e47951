// The cluster state as Raft's state machine (`raft/node.ts` StateMachine): committed
// entries are decoded and applied in log order, snapshots are the serialised state. The
// leader learns the outcome of its own proposal by index (`propose` resolves with the
// index once the entry is applied here), so a statement fails with the error `apply` gave,
// exactly as every other coordinator applied it. No I/O.

import { Codes, MghaError } from '../errors.js';
import { apply, initialClusterState } from './cluster-state.js';
import { decodeCommand, deserializeState, serializeState } from './state-codec.js';
import type { Entry } from './raft/types.js';
import type { StateMachine } from './raft/node.js';
import type { ClusterCommand, ClusterState } from './types.js';

/** Outcomes kept for proposers that have not collected theirs yet. */
const OUTCOMES_KEPT = 1024;

export type AppliedListener = (state: ClusterState, command: ClusterCommand | null, error: MghaError | null) => void;

export class ClusterStateMachine implements StateMachine {
  private current: ClusterState = initialClusterState();
  private readonly outcomes = new Map<number, MghaError | null>();
  private readonly listeners = new Set<AppliedListener>();

  get state(): ClusterState {
    return this.current;
  }

  apply(entry: Entry): void {
    let command: ClusterCommand | null = null;
    let error: MghaError | null;
    try {
      command = decodeCommand(entry.data);
      const r = apply(this.current, command);
      this.current = r.state;
      error = r.error;
    } catch (e) {
      // Only our leaders write entries, so this is corruption or a version mismatch. Every
      // member skips it alike, which keeps them identical and the process up.
      error = new MghaError(Codes.DatabaseError, `Cluster log entry ${entry.index} could not be applied: ${(e as Error).message}`);
    }
    this.outcomes.set(entry.index, error);
    if (this.outcomes.size > OUTCOMES_KEPT) {
      const oldest = this.outcomes.keys().next();
      if (!oldest.done) this.outcomes.delete(oldest.value);
    }
    for (const listener of this.listeners) listener(this.current, command, error);
  }

  /** The outcome of the entry at `index` (undefined: not applied here, or already collected). */
  takeOutcome(index: number): MghaError | null | undefined {
    const outcome = this.outcomes.get(index);
    this.outcomes.delete(index);
    return outcome;
  }

  snapshot(): Uint8Array {
    return serializeState(this.current);
  }

  restore(data: Uint8Array): void {
    this.current = deserializeState(data);
  }

  /** Called after every applied entry (the /v1/cluster watchers, the leader loop). */
  onApplied(listener: AppliedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
