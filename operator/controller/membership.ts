// The membership plan: from the spec and the coordinators' view, the admin statements that
// move the cluster one step towards the spec. Pure, so every path is unit-tested; idempotent,
// because it is recomputed from the observed state on every reconcile and a crash between
// two statements just leaves a state the next plan continues from:
// - bootstrap: ADD COORDINATOR, REGISTER INSTANCE, then SET INSTANCE … TO MAIN only while
//   the view shows no MAIN (and only for an instance that is up);
// - after DEMOTE the cluster has no MAIN until SET … TO MAIN: the "no MAIN" rule above is
//   also what finishes an interrupted switchover, preferring its target;
// - planned switchover from the spec: lag check, DEMOTE, SET … TO MAIN;
// - scale in: never unregister the MAIN, move it first; scale out: register;
// - external access: UPDATE CONFIG … {'bolt_server': …} where the registered one differs;
// - coordinator settings re-applied where they differ (Memgraph resets them on upgrade).
// An unknown view (no ready leader) yields `retry`, never a plan for an empty cluster.
import { settingEntries } from '../api/coordinator-settings.js';
import type { MemgraphCluster, MemgraphClusterStatus } from '../api/types.js';
import type { BuildContext } from '../resources/context.js';
import { ordinalOf } from '../resources/names.js';
import type { AdminAction } from './admin.js';
import { desiredCoordinators, desiredInstances, type DesiredInstance } from './members.js';
import { mains, type ClusterView, type KnownView, type ViewInstance } from './view.js';

export interface PlanInput {
  cluster: MemgraphCluster;
  ctx: BuildContext;
  view: ClusterView;
  /** SHOW COORDINATOR SETTINGS as name → value; undefined when not read: every spec setting is applied. */
  settings?: Readonly<Record<string, string>>;
  /** status.switchover from the last reconcile: a completed target is not switched to again. */
  switchover?: MemgraphClusterStatus['switchover'];
}

export type Plan =
  | { kind: 'retry'; reason: string }
  | {
      kind: 'act';
      /** In order; stop at the first failure and plan again. */
      actions: AdminAction[];
      /** Why something the spec asks for cannot be done yet (for status and events). */
      waiting: string[];
      /** Differences the operator cannot repair by itself. */
      drift: string[];
      /** The instance a switchover is moving MAIN to, while one is pending. */
      targetMain?: string;
    };

/** The spec's switchover target, unless that switchover already completed. */
export function pendingSwitchoverTarget(cluster: MemgraphCluster, status: PlanInput['switchover']): string | undefined {
  const target = cluster.spec.switchover?.target;
  if (target === undefined) return undefined;
  return status?.target === target && status.phase === 'Completed' ? undefined : target;
}

// A coordinator counts as added once it has a registered bolt_server: Memgraph lists a fresh
// coordinator in SHOW INSTANCES with an empty one until ADD COORDINATOR ran for it.
function planCoordinators(input: PlanInput, view: KnownView, actions: AdminAction[], waiting: string[]): void {
  const desired = desiredCoordinators(input.cluster, input.ctx);
  const byId = new Map(view.coordinators.map((c) => [c.id, c]));
  for (const d of desired) {
    const seen = byId.get(d.id);
    if (!seen || seen.boltServer === '') {
      actions.push({ kind: 'addCoordinator', id: d.id, boltServer: d.boltServer, coordinatorServer: d.coordinatorServer, managementServer: d.managementServer });
    } else if (seen.boltServer !== undefined && seen.boltServer !== d.boltServer) {
      actions.push({ kind: 'updateCoordinatorConfig', id: d.id, boltServer: d.boltServer });
    }
  }
  // Scale in: Memgraph cannot remove the leader; it yields first and is removed next time.
  const extra = view.coordinators.filter((c) => Number.isInteger(c.id) && c.id > desired.length).sort((a, b) => b.id - a.id);
  for (const c of extra) {
    if (c.role === 'leader') {
      actions.push({ kind: 'yieldLeadership' });
      waiting.push(`coordinator ${c.id} leads; it yields before it is removed`);
      return;
    }
    actions.push({ kind: 'removeCoordinator', id: c.id });
  }
}

// Best new MAIN among healthy replicas the spec keeps: most committed transactions (least
// lag), then not ASYNC (Memgraph's sync_failover_only spirit), then lowest ordinal.
function bestCandidate(view: KnownView, desired: readonly DesiredInstance[], exclude: string): ViewInstance | undefined {
  const keep = new Map(desired.map((d) => [d.name, d]));
  const committed = (i: ViewInstance) => i.committedTxns ?? (i.lagTxns !== undefined ? -i.lagTxns : -Infinity);
  return view.instances
    .filter((i) => i.name !== exclude && i.health === 'up' && keep.has(i.name))
    .sort(
      (a, b) =>
        committed(b) - committed(a) ||
        Number(keep.get(a.name)!.mode === 'ASYNC') - Number(keep.get(b.name)!.mode === 'ASYNC') ||
        keep.get(a.name)!.ordinal - keep.get(b.name)!.ordinal,
    )[0];
}

function lagOk(i: ViewInstance, maxLag: number): boolean {
  return i.lagTxns !== undefined && i.lagTxns <= maxLag;
}

export function planMembership(input: PlanInput): Plan {
  const { cluster, ctx, view } = input;
  if (!view.known) return { kind: 'retry', reason: view.reason };
  const actions: AdminAction[] = [];
  const waiting: string[] = [];
  const drift: string[] = [];
  const name = cluster.metadata.name;

  planCoordinators(input, view, actions, waiting);

  // Registration and advertised addresses.
  const desired = desiredInstances(cluster, ctx);
  const registered = new Map(view.instances.map((i) => [i.name, i]));
  for (const d of desired) {
    const seen = registered.get(d.name);
    if (!seen) {
      actions.push({ kind: 'registerInstance', name: d.name, mode: d.mode, boltServer: d.boltServer, managementServer: d.managementServer, replicationServer: d.replicationServer });
      continue;
    }
    if (seen.boltServer !== undefined && seen.boltServer !== d.boltServer) {
      actions.push({ kind: 'updateInstanceConfig', name: d.name, boltServer: d.boltServer });
    }
    // Memgraph has no statement that changes a registered replica's mode.
    if (seen.mode !== undefined && seen.mode.toUpperCase() !== d.mode) {
      drift.push(`${d.name} is registered as ${seen.mode.toUpperCase()}, the spec asks for ${d.mode}`);
    }
  }
  const keptNames = new Set(desired.map((d) => d.name));
  const extra = view.instances.filter((i) => !keptNames.has(i.name));
  for (const i of extra) {
    const ordinal = ordinalOf(name, 'data', i.name);
    if (ordinal === undefined) drift.push(`${i.name} is registered but is not a data pod of this cluster; left alone`);
  }
  const removable = extra.filter((i) => ordinalOf(name, 'data', i.name) !== undefined);

  // MAIN: none, exactly one, or split brain.
  const maxLag = cluster.spec.switchover?.maxLagTxns ?? 0;
  const target = pendingSwitchoverTarget(cluster, input.switchover);
  const claimed = mains(view);
  let targetMain: string | undefined;
  if (claimed.length > 1) {
    waiting.push(`${claimed.map((m) => m.name).join(' and ')} both claim MAIN; no MAIN change until the coordinators settle it`);
  } else if (claimed.length === 0) {
    const t = target !== undefined ? registered.get(target) : undefined;
    const choice = t && t.health === 'up' ? t : bestCandidate(view, desired, '');
    if (choice) actions.push({ kind: 'setInstanceToMain', name: choice.name });
    else waiting.push('no registered data instance is up to become MAIN');
    if (target !== undefined) targetMain = target;
  } else {
    const main = claimed[0];
    const leaving = !keptNames.has(main.name) && ordinalOf(name, 'data', main.name) !== undefined;
    const moveTo = leaving ? (target !== undefined && target !== main.name ? target : bestCandidate(view, desired, main.name)?.name) : target;
    if (moveTo !== undefined && moveTo !== main.name) {
      targetMain = moveTo;
      const t = registered.get(moveTo);
      if (!t) waiting.push(`switchover target ${moveTo} is not registered yet`);
      else if (t.health !== 'up') waiting.push(`switchover target ${moveTo} is down`);
      else if (main.health !== 'up') waiting.push(`MAIN ${main.name} is down; the coordinators fail over first`);
      else if (!lagOk(t, maxLag)) waiting.push(`switchover target ${moveTo} is ${t.lagTxns ?? 'an unknown number of'} transactions behind (at most ${maxLag} allowed)`);
      else actions.push({ kind: 'demoteInstance', name: main.name }, { kind: 'setInstanceToMain', name: moveTo });
    } else if (leaving) {
      waiting.push(`MAIN ${main.name} is being scaled away but no other instance is up to take over`);
    }
    // Unregister only with a healthy MAIN that stays (Memgraph needs one) and no MAIN move pending.
    if (targetMain === undefined && !leaving) {
      const ord = (i: ViewInstance) => ordinalOf(name, 'data', i.name) ?? 0;
      for (const i of removable.sort((a, b) => ord(b) - ord(a))) {
        if (main.health === 'up') actions.push({ kind: 'unregisterInstance', name: i.name });
        else waiting.push(`${i.name} is unregistered once MAIN ${main.name} is up again`);
      }
    }
  }

  for (const [settingName, value] of settingEntries(cluster.spec.coordinatorSettings)) {
    if (input.settings?.[settingName] !== value) actions.push({ kind: 'setCoordinatorSetting', name: settingName, value });
  }

  const plan: Plan = { kind: 'act', actions, waiting, drift };
  if (targetMain !== undefined) plan.targetMain = targetMain;
  return plan;
}
