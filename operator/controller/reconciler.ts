// One reconcile of one MemgraphCluster, a linear pipeline of steps (CloudNativePG's shape):
// read → validate (the CRD's rules again, immutability against what the StatefulSets hold)
// → the coordinators' view → apply owned objects (sizes that keep still-registered pods)
// → admin statements of the membership plan, in order, stopping at the first failure
// → one rolling-upgrade step when the plan is done → role labels → status (only when it changed) → when to look again.
// Every decision is made by the pure functions beside this file; this one only moves data
// between them and the edges, and records an Event for each decision.
import type { V1StatefulSet } from '@kubernetes/client-node';
import type { MemgraphClusterStatus } from '../api/types.js';
import { checkCluster, formatErrors } from '../api/validation.js';
import type { BuildContext } from '../resources/context.js';
import { desiredObjects } from '../resources/desired.js';
import { names } from '../resources/names.js';
import { describeAction, eventReason } from './admin.js';
import { deepEqual } from './deep-equal.js';
import type { ClusterMetrics } from './cluster-metrics.js';
import type { ClusterApi, Coordinators, RawCluster } from './interfaces.js';
import { planPodLabels } from './labels.js';
import { planMembership } from './membership.js';
import { coordinatorReplicas, dataReplicas } from './scale.js';
import { planUpgrade } from './upgrade.js';
import { PHASES, computeStatus, invalidStatus } from './status.js';

export interface ReconcileDeps {
  api: ClusterApi;
  coordinators: Coordinators;
  metrics: ClusterMetrics;
  ctx: BuildContext;
  now(): Date;
}

export const RESYNC_MS = 30_000;
export const PROGRESS_MS = 2_000;
export const AFTER_ACTIONS_MS = 1_000;

export interface ReconcileResult {
  /** Look again after this long; undefined: only when something changes. */
  requeueAfterMs?: number;
}

/** An admin statement failed; the status was written, the queue backs off. */
export class AdminStatementError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdminStatementError';
  }
}

function storageOf(sts: V1StatefulSet | null): Record<string, unknown> | undefined {
  const spec = sts?.spec?.volumeClaimTemplates?.find((t) => t.metadata?.name === 'data')?.spec;
  const size = spec?.resources?.requests?.storage;
  if (size === undefined) return undefined;
  return spec?.storageClassName !== undefined ? { size, storageClassName: spec.storageClassName } : { size };
}

// The "old" object for the immutability rules: the spec with the storage the StatefulSets
// were built with. This works without CEL and without remembering previous specs.
function previousFromObserved(object: RawCluster['object'], data: V1StatefulSet | null, coord: V1StatefulSet | null): unknown {
  const spec = object.spec;
  if (typeof spec !== 'object' || spec === null) return undefined;
  const s = spec as Record<string, unknown>;
  const tier = (key: 'data' | 'coordinators', storage: Record<string, unknown> | undefined) => {
    const current = typeof s[key] === 'object' && s[key] !== null ? (s[key] as Record<string, unknown>) : {};
    return storage === undefined ? current : { ...current, storage };
  };
  return { ...object, spec: { ...s, data: tier('data', storageOf(data)), coordinators: tier('coordinators', storageOf(coord)) } };
}

async function writeStatus(api: ClusterApi, raw: RawCluster, status: MemgraphClusterStatus): Promise<void> {
  if (deepEqual(raw.status, status)) return;
  const m = raw.object.metadata;
  await api.patchStatus(m.namespace ?? 'default', m.name, m.resourceVersion, status);
}

export async function reconcile(deps: ReconcileDeps, namespace: string, name: string): Promise<ReconcileResult> {
  const { api, ctx } = deps;
  const raw = await api.getCluster(namespace, name);
  // Gone, or being deleted: owner references take the owned objects with it.
  if (!raw || (raw.object.metadata as { deletionTimestamp?: string }).deletionTimestamp) {
    deps.metrics.forget(namespace, name);
    return {};
  }
  const n = names(name);
  const [dataSts, coordSts] = await Promise.all([api.getStatefulSet(namespace, n.dataStatefulSet), api.getStatefulSet(namespace, n.coordStatefulSet)]);
  const now = deps.now().toISOString();

  const checked = checkCluster(raw.object, previousFromObserved(raw.object, dataSts, coordSts));
  if (!checked.ok) {
    const status = invalidStatus(raw.status, raw.object.metadata.generation, checked.errors, now);
    if (raw.status?.phase !== PHASES.invalid || raw.status.phaseReason !== status.phaseReason) {
      await api.event(raw.object, 'Warning', 'InvalidSpec', formatErrors(checked.errors));
    }
    await writeStatus(api, raw, status);
    return {};
  }
  const cluster = checked.cluster;
  const access = deps.coordinators(cluster);
  const view = await access.view();
  deps.metrics.record(namespace, name, view);

  const sizes = {
    data: dataReplicas(cluster, view, dataSts?.spec?.replicas),
    coordinators: coordinatorReplicas(cluster, view, coordSts?.spec?.replicas),
  };
  for (const object of desiredObjects(cluster, ctx, sizes)) await api.apply(object);

  const settings = cluster.spec.coordinatorSettings && view.known ? await access.settings() : undefined;
  const plan = planMembership({ cluster, ctx, view, settings, switchover: raw.status?.switchover });
  let ran = 0;
  let failure: string | undefined;
  if (plan.kind === 'act') {
    for (const action of plan.actions) {
      try {
        await access.run(action);
      } catch (e) {
        failure = `${describeAction(action)}: ${e instanceof Error ? e.message : String(e)}`;
        await api.event(raw.object, 'Warning', 'AdminStatementFailed', failure);
        break;
      }
      ran++;
      await api.event(raw.object, 'Normal', eventReason(action), describeAction(action));
    }
  }

  const pods = await api.listPods(namespace, name);
  // The rolling upgrade moves only when the membership plan has nothing left to do.
  if (plan.kind === 'act' && plan.actions.length === 0 && plan.waiting.length === 0 && plan.targetMain === undefined) {
    const step = planUpgrade({ cluster, view, pods, dataRevision: dataSts?.status?.updateRevision, coordinatorRevision: coordSts?.status?.updateRevision });
    if (step.kind === 'wait') plan.waiting.push(step.reason);
    else if (step.kind === 'deletePod') {
      await api.deletePod(namespace, step.pod);
      await api.event(raw.object, 'Normal', 'UpgradingPod', step.reason);
      ran++;
    } else if (step.kind === 'switchover') {
      try {
        await access.run({ kind: 'demoteInstance', name: step.from });
        await access.run({ kind: 'setInstanceToMain', name: step.to });
        await api.event(raw.object, 'Normal', 'UpgradeSwitchover', `MAIN moved from ${step.from} to ${step.to} to upgrade it`);
        ran++;
      } catch (e) {
        failure = `upgrade switchover from ${step.from} to ${step.to}: ${e instanceof Error ? e.message : String(e)}`;
        await api.event(raw.object, 'Warning', 'AdminStatementFailed', failure);
      }
    }
  }

  const labels = planPodLabels(cluster, pods, view);
  for (const change of labels.changes) await api.patchPodLabels(namespace, change.pod, change.labels);

  const status = computeStatus({ cluster, previous: raw.status, view, plan, dataReplicas: sizes.data, now });
  if (labels.splitBrain.length > 0 && raw.status?.phase !== PHASES.splitBrain) {
    await api.event(raw.object, 'Warning', 'MultipleMains', `${labels.splitBrain.join(' and ')} claim MAIN; none is labelled main`);
  }
  if (raw.status?.currentMain !== undefined && status.currentMain !== undefined && status.currentMain !== raw.status.currentMain) {
    await api.event(raw.object, 'Normal', 'MainChanged', `MAIN moved from ${raw.status.currentMain} to ${status.currentMain}`);
  }
  const degradedBefore = raw.status?.conditions?.find((c) => c.type === 'Degraded')?.message ?? '';
  for (const d of plan.kind === 'act' ? plan.drift : []) {
    if (!degradedBefore.includes(d)) await api.event(raw.object, 'Warning', 'Drift', d);
  }
  await writeStatus(api, raw, status);

  if (failure !== undefined) throw new AdminStatementError(failure);
  if (ran > 0) return { requeueAfterMs: AFTER_ACTIONS_MS };
  if (!view.known || status.phase !== PHASES.healthy) return { requeueAfterMs: PROGRESS_MS };
  return { requeueAfterMs: RESYNC_MS };
}
