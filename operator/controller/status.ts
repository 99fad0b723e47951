// The MemgraphCluster status from what the operator observed: the coordinators' view, the
// plan it made, and the StatefulSet size it chose. A human-readable phase (like
// CloudNativePG's) plus standard conditions for tools: Ready, Available (a healthy MAIN takes
// writes), Degraded, Progressing, each with observedGeneration.
import { formatErrors, type FieldError } from '../api/validation.js';
import type { MemgraphCluster, MemgraphClusterStatus } from '../api/types.js';
import { LABELS, names } from '../resources/names.js';
import { describeAction } from './admin.js';
import { setCondition, type ConditionType, type ConditionValue } from './conditions.js';
import type { Plan } from './membership.js';
import { pendingSwitchoverTarget } from './membership.js';
import { mains, type ClusterView } from './view.js';

export const PHASES = {
  invalid: 'Invalid spec',
  waiting: 'Waiting for the coordinators',
  settingUp: 'Setting up cluster',
  splitBrain: 'More than one MAIN',
  noMain: 'No MAIN',
  failingOver: 'Failing over',
  switchover: 'Switchover in progress',
  scaling: 'Scaling',
  reconciling: 'Applying the spec',
  degraded: 'Degraded',
  healthy: 'Cluster in healthy state',
} as const;

export interface StatusInput {
  cluster: MemgraphCluster;
  previous?: MemgraphClusterStatus;
  view: ClusterView;
  plan: Plan;
  /** The data StatefulSet size the operator chose (scale.ts). */
  dataReplicas: number;
  /** RFC 3339 time of this reconcile. */
  now: string;
}

type Conditions = Record<ConditionType, ConditionValue>;

const cond = (status: ConditionValue['status'], reason: string, message: string): ConditionValue => ({ status, reason, message });

function withConditions(
  base: MemgraphClusterStatus,
  previous: MemgraphClusterStatus | undefined,
  generation: number | undefined,
  now: string,
  values: Conditions,
): MemgraphClusterStatus {
  const types = Object.keys(values) as ConditionType[];
  return { ...base, conditions: types.map((t) => setCondition(previous?.conditions, t, values[t], generation, now)) };
}

/** The status of a spec that failed validation: the rest is left as last observed. */
export function invalidStatus(
  previous: MemgraphClusterStatus | undefined,
  generation: number | undefined,
  errors: readonly FieldError[],
  now: string,
): MemgraphClusterStatus {
  const message = formatErrors(errors);
  const lastAvailable = previous?.conditions?.find((c) => c.type === 'Available');
  const base: MemgraphClusterStatus = { ...previous, phase: PHASES.invalid, phaseReason: message };
  if (generation !== undefined) base.observedGeneration = generation;
  return withConditions(base, previous, generation, now, {
    Ready: cond('False', 'InvalidSpec', message),
    // Pods keep running on the last valid spec; whether they serve is still what it was.
    Available: lastAvailable ? cond(lastAvailable.status, lastAvailable.reason, lastAvailable.message) : cond('Unknown', 'InvalidSpec', 'not reconciled'),
    Degraded: cond('True', 'InvalidSpec', message),
    Progressing: cond('False', 'InvalidSpec', 'waiting for a valid spec'),
  });
}

export function computeStatus(input: StatusInput): MemgraphClusterStatus {
  const { cluster, previous, view, plan, now } = input;
  const generation = cluster.metadata.generation;
  const name = cluster.metadata.name;
  const base: MemgraphClusterStatus = {
    replicas: input.dataReplicas,
    selector: `${LABELS.cluster}=${name},${LABELS.component}=data`,
  };
  if (generation !== undefined) base.observedGeneration = generation;
  const lastFailover = (view.known ? view.lastFailover : undefined) ?? previous?.lastFailover;
  if (lastFailover) base.lastFailover = lastFailover;

  const target = pendingSwitchoverTarget(cluster, previous?.switchover);
  const specTarget = cluster.spec.switchover?.target;

  if (!view.known) {
    // Keep the last known topology: it is the best information a reader has.
    const kept: MemgraphClusterStatus = { ...previous, ...base, phase: PHASES.waiting, phaseReason: view.reason };
    if (specTarget !== undefined) kept.switchover = previous?.switchover ?? { target: specTarget, phase: 'Pending' };
    return withConditions(kept, previous, generation, now, {
      Ready: cond('False', 'ClusterStateUnknown', view.reason),
      Available: cond('Unknown', 'ClusterStateUnknown', view.reason),
      Degraded: cond('Unknown', 'ClusterStateUnknown', view.reason),
      Progressing: cond('Unknown', 'ClusterStateUnknown', view.reason),
    });
  }

  const claimed = mains(view);
  const main = claimed.length === 1 ? claimed[0] : undefined;
  const wanted = new Set(Array.from({ length: cluster.spec.data.replicas }, (_, i) => `${names(name).dataStatefulSet}-${i}`));
  const registered = new Set(view.instances.map((i) => i.name));
  const down = view.instances.filter((i) => i.health !== 'up').map((i) => i.name);
  const coordinatorsDown = view.coordinators.filter((c) => c.health !== 'up').map((c) => c.name);
  const scaling =
    [...wanted].some((n) => !registered.has(n)) || [...registered].some((n) => !wanted.has(n)) || input.dataReplicas !== cluster.spec.data.replicas;
  const actions = plan.kind === 'act' ? plan.actions : [];
  const waiting = plan.kind === 'act' ? plan.waiting : [plan.reason];
  const drift = plan.kind === 'act' ? plan.drift : [];

  const status: MemgraphClusterStatus = {
    ...base,
    readyInstances: view.instances.filter((i) => i.health === 'up').length,
    instances: view.instances.map((i) => {
      const s: NonNullable<MemgraphClusterStatus['instances']>[number] = { name: i.name, role: i.role, health: i.health };
      if (i.mode !== undefined) s.mode = i.mode;
      if (i.lagTxns !== undefined) s.lagTxns = i.lagTxns;
      return s;
    }),
    coordinators: view.coordinators.map((c) => ({ name: c.name, role: c.role, health: c.health })),
  };
  if (main) status.currentMain = main.name;
  if (view.leader !== undefined) status.leaderCoordinator = view.leader;
  const targetMain = plan.kind === 'act' ? plan.targetMain : undefined;
  if (targetMain !== undefined) status.targetMain = targetMain;
  if (specTarget !== undefined) {
    const done = target === undefined || main?.name === specTarget;
    status.switchover = { target: specTarget, phase: done ? 'Completed' : 'Pending' };
    const why = waiting.find((w) => w.includes(specTarget));
    if (!done && why) status.switchover.message = why;
  }

  const progressMessage = [...actions.map(describeAction), ...waiting].join('; ');
  const problems = [
    ...(claimed.length > 1 ? [`${claimed.map((m) => m.name).join(' and ')} claim MAIN`] : []),
    ...(claimed.length === 0 && registered.size > 0 ? ['no MAIN'] : []),
    ...down.map((n) => `${n} is down`),
    ...coordinatorsDown.map((n) => `coordinator ${n} is down`),
    ...drift,
  ];

  let phase: string;
  let phaseReason: string;
  if (claimed.length > 1) [phase, phaseReason] = [PHASES.splitBrain, problems[0]];
  else if (registered.size === 0 || (!main && previous?.currentMain === undefined)) [phase, phaseReason] = [PHASES.settingUp, progressMessage || 'waiting for instances'];
  else if (!main) [phase, phaseReason] = [PHASES.noMain, progressMessage || 'no MAIN'];
  else if (main.health !== 'up') [phase, phaseReason] = [PHASES.failingOver, `MAIN ${main.name} is down; the coordinators choose a new one`];
  else if (target !== undefined && target !== main.name) [phase, phaseReason] = [PHASES.switchover, `from ${main.name} to ${target}${waiting.length ? `: ${waiting.join('; ')}` : ''}`];
  else if (scaling) [phase, phaseReason] = [PHASES.scaling, progressMessage || `to ${cluster.spec.data.replicas} data instances`];
  else if (actions.length > 0 || waiting.length > 0) [phase, phaseReason] = [PHASES.reconciling, progressMessage];
  else if (problems.length > 0) [phase, phaseReason] = [PHASES.degraded, problems.join('; ')];
  else [phase, phaseReason] = [PHASES.healthy, `MAIN ${main.name}, ${view.instances.length - 1} replica(s)`];
  status.phase = phase;
  status.phaseReason = phaseReason;

  const available: ConditionValue =
    claimed.length > 1
      ? cond('False', 'MultipleMains', problems[0])
      : !main
        ? cond('False', 'NoMain', 'no instance is MAIN')
        : main.health !== 'up'
          ? cond('False', 'MainDown', `MAIN ${main.name} is down`)
          : cond('True', 'MainAvailable', `MAIN ${main.name} is up`);
  const progressing = phase !== PHASES.healthy && phase !== PHASES.degraded && (actions.length > 0 || waiting.length > 0 || scaling || target !== undefined);
  return withConditions(status, previous, generation, now, {
    Ready: phase === PHASES.healthy ? cond('True', 'Healthy', phaseReason) : cond('False', phaseReasonCode(phase), phaseReason),
    Available: available,
    Degraded: problems.length > 0 ? cond('True', claimed.length > 1 ? 'MultipleMains' : 'MembersDown', problems.join('; ')) : cond('False', 'AllUp', 'every member is up'),
    Progressing: progressing ? cond('True', phaseReasonCode(phase), progressMessage || phaseReason) : cond('False', 'Settled', 'nothing to do'),
  });
}

/** The phase as a CamelCase reason, as conditions want. */
export function phaseReasonCode(phase: string): string {
  return phase
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}
