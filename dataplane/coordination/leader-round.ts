// One round of the leader's loop, after a round of state checks: either a failover to
// propose (and nothing else: the new state must be committed before instances are told
// about it), or the reconciliation actions for the current state. The wiring proposes the
// command, sends the actions, and calls this again at the next health-check tick.

import { chooseNewMain, failoverCommand, needsFailover, type FailoverDecision, type FailoverOccasion } from './failover.js';
import { reconcile, type InstanceReport, type ReconcileAction } from './reconcile.js';
import type { ClusterCommand, ClusterState, Health } from './types.js';

export interface RoundInput {
  state: ClusterState;
  health: ReadonlyMap<string, Health>;
  /** State-check answers of the live instances (they carry the epoch history failover needs). */
  reports: ReadonlyMap<string, InstanceReport>;
  /** The MAIN's committed transactions as last cached (null: unknown). */
  mainCommittedTxns: number | null;
  /** The replicas the MAIN last reported in sync (null: unknown). */
  mainInSync?: ReadonlySet<string> | null;
  occasion: FailoverOccasion;
  /** A fresh main UUID, used only when failing over. */
  freshUuid: () => string;
  now: number;
}

export type RoundOutput =
  | { kind: 'failover'; decision: Extract<FailoverDecision, { kind: 'promote' }>; propose: ClusterCommand }
  /** A failover was needed and nobody can take over (all down, or none eligible): retry next round. */
  | { kind: 'noFailover'; decision: Extract<FailoverDecision, { kind: 'none' }> }
  | { kind: 'reconcile'; actions: ReconcileAction[] };

export function leaderRound(input: RoundInput): RoundOutput {
  const { state, health, reports } = input;
  if (needsFailover(state, health, input.occasion)) {
    const decision = chooseNewMain({ state, health, positions: reports, mainCommittedTxns: input.mainCommittedTxns, mainInSync: input.mainInSync ?? null });
    if (decision.kind === 'promote') return { kind: 'failover', decision, propose: failoverCommand(decision.name, input.freshUuid(), input.now) };
    return { kind: 'noFailover', decision };
  }
  return { kind: 'reconcile', actions: reconcile({ state, health, reports }) };
}
