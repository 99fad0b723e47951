// The two StatefulSets: `<name>-data` (data instances) and `<name>-coord` (Raft coordinators).
// Both use `OnDelete`, so pods change only when the operator deletes them in the order an
// HA upgrade needs (replicas, switchover, old MAIN, coordinator followers, leader).
import type {
  V1Affinity,
  V1Container,
  V1EnvVar,
  V1PersistentVolumeClaim,
  V1PodSpec,
  V1Probe,
  V1ResourceRequirements,
  V1StatefulSet,
} from '@kubernetes/client-node';
import type { MemgraphCluster, ResourcesSpec, StorageSpec } from '../api/types.js';
import { ownedMeta } from './metadata.js';
import {
  DATA_DIRECTORY,
  PORTS,
  clusterLabels,
  names,
  namespaceOf,
  tierSelector,
  type Component,
} from './names.js';
import type { BuildContext } from './context.js';

const CONTAINER = 'mgha';
const DATA_VOLUME = 'data';
/** Where Dockerfile.dataplane puts the server. */
const SERVER = '/app/dist/dataplane/main.js';
// The node user of the node:20 images, which the data-plane image runs as.
const UID = 1000;

const env: V1EnvVar[] = [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }];

/** `$(POD_NAME).<headless>.<ns>.svc.<domain>`: expanded by the kubelet per pod. */
function ownHost(cluster: MemgraphCluster, headless: string, ctx: BuildContext): string {
  return `$(POD_NAME).${headless}.${namespaceOf(cluster)}.svc.${ctx.clusterDomain}`;
}

export function dataArgs(cluster: MemgraphCluster, ctx: BuildContext): string[] {
  const n = names(cluster.metadata.name);
  return [
    `--bolt-port=${PORTS.bolt}`,
    `--management-port=${PORTS.management}`,
    `--metrics-port=${PORTS.metrics}`,
    `--data-directory=${DATA_DIRECTORY}`,
    '--instance-name=$(POD_NAME)',
    `--bolt-advertised-address=${ownHost(cluster, n.dataHeadless, ctx)}:${PORTS.bolt}`,
    ...(cluster.spec.data.args ?? []),
  ];
}

export function coordinatorArgs(cluster: MemgraphCluster, ctx: BuildContext): string[] {
  const n = names(cluster.metadata.name);
  return [
    `--bolt-port=${PORTS.bolt}`,
    `--management-port=${PORTS.management}`,
    `--coordinator-port=${PORTS.coordinator}`,
    `--coordinator-hostname=${ownHost(cluster, n.coordHeadless, ctx)}`,
    `--metrics-port=${PORTS.metrics}`,
    `--data-directory=${DATA_DIRECTORY}`,
    '--instance-name=$(POD_NAME)',
    `--bolt-advertised-address=${ownHost(cluster, n.coordHeadless, ctx)}:${PORTS.bolt}`,
    ...(cluster.spec.coordinators.args ?? []),
  ];
}

/**
 * A coordinator's id is its ordinal + 1 (DESIGN §5), but one pod template serves all
 * ordinals and Kubernetes 1.20 has no pod-index label, so a POSIX shell derives it from the
 * pod name. `$$` is the kubelet's escape for a literal `$`; the remaining args follow as "$@".
 */
export const COORDINATOR_COMMAND = [
  '/bin/sh',
  '-c',
  `exec node ${SERVER} --coordinator-id="$$((\${POD_NAME##*-} + 1))" "$@"`,
  'mgha',
];

function probe(path: string, periodSeconds: number, failureThreshold: number): V1Probe {
  return { httpGet: { path, port: 'metrics' }, periodSeconds, failureThreshold, timeoutSeconds: 5 };
}

function resources(spec: ResourcesSpec | undefined): V1ResourceRequirements | undefined {
  if (!spec) return undefined;
  const strings = (m: Record<string, string | number> | undefined) =>
    m && Object.fromEntries(Object.entries(m).map(([k, v]) => [k, String(v)]));
  const out: V1ResourceRequirements = {};
  if (spec.limits) out.limits = strings(spec.limits);
  if (spec.requests) out.requests = strings(spec.requests);
  return out;
}

function claim(storage: StorageSpec): V1PersistentVolumeClaim {
  return {
    metadata: { name: DATA_VOLUME },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: String(storage.size) } },
      ...(storage.storageClassName !== undefined ? { storageClassName: storage.storageClassName } : {}),
    },
  };
}

// Without user affinity, prefer one pod of a tier per node: losing a node then costs at most
// one coordinator (quorum kept) and one data instance.
function affinity(cluster: MemgraphCluster, component: Component): V1Affinity {
  return (
    cluster.spec.affinity ?? {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            podAffinityTerm: {
              labelSelector: { matchLabels: tierSelector(cluster.metadata.name, component) },
              topologyKey: 'kubernetes.io/hostname',
            },
          },
        ],
      },
    }
  );
}

interface Tier {
  component: Component;
  name: string;
  headless: string;
  replicas: number;
  container: V1Container;
  storage: StorageSpec;
}

function statefulSet(cluster: MemgraphCluster, tier: Tier): V1StatefulSet {
  const podSpec: V1PodSpec = {
    containers: [tier.container],
    affinity: affinity(cluster, tier.component),
    securityContext: { runAsNonRoot: true, runAsUser: UID, runAsGroup: UID, fsGroup: UID, seccompProfile: { type: 'RuntimeDefault' } },
    // Room for the snapshot Memgraph writes on exit.
    terminationGracePeriodSeconds: 60,
    volumes: [{ name: 'tmp', emptyDir: {} }],
  };
  if (cluster.spec.tolerations) podSpec.tolerations = cluster.spec.tolerations;
  if (cluster.spec.topologySpreadConstraints) podSpec.topologySpreadConstraints = cluster.spec.topologySpreadConstraints;
  if (cluster.spec.imagePullSecrets) podSpec.imagePullSecrets = cluster.spec.imagePullSecrets;
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: ownedMeta(cluster, tier.name, tier.component),
    spec: {
      serviceName: tier.headless,
      replicas: tier.replicas,
      selector: { matchLabels: tierSelector(cluster.metadata.name, tier.component) },
      // Coordinators need each other to form a quorum; data pods are independent. Neither
      // benefits from ordered start.
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'OnDelete' },
      template: {
        metadata: { labels: clusterLabels(cluster.metadata.name, tier.component) },
        spec: podSpec,
      },
      volumeClaimTemplates: [claim(tier.storage)],
    },
  };
}

function container(cluster: MemgraphCluster, component: Component, args: string[], res: ResourcesSpec | undefined): V1Container {
  const ports =
    component === 'data'
      ? [
          { name: 'bolt', containerPort: PORTS.bolt },
          { name: 'management', containerPort: PORTS.management },
          { name: 'replication', containerPort: PORTS.replication },
          { name: 'metrics', containerPort: PORTS.metrics },
        ]
      : [
          { name: 'bolt', containerPort: PORTS.bolt },
          { name: 'management', containerPort: PORTS.management },
          { name: 'coordinator', containerPort: PORTS.coordinator },
          { name: 'metrics', containerPort: PORTS.metrics },
        ];
  const c: V1Container = {
    name: CONTAINER,
    image: cluster.spec.image,
    args,
    env,
    ports,
    // Recovery of a large data directory can take long: the startup probe allows an hour
    // before liveness takes over.
    startupProbe: probe('/livez', 5, 720),
    livenessProbe: probe('/livez', 10, 3),
    readinessProbe: probe('/readyz', 5, 2),
    volumeMounts: [
      { name: DATA_VOLUME, mountPath: DATA_DIRECTORY },
      { name: 'tmp', mountPath: '/tmp' },
    ],
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
  };
  if (component === 'coordinator') c.command = COORDINATOR_COMMAND;
  if (cluster.spec.imagePullPolicy) c.imagePullPolicy = cluster.spec.imagePullPolicy;
  const r = resources(res);
  if (r) c.resources = r;
  return c;
}

/**
 * `replicas` is the controller's choice (scale.ts): it keeps pods of instances that are still
 * registered while a scale-in unregisters them.
 */
export function buildDataStatefulSet(cluster: MemgraphCluster, ctx: BuildContext, replicas = cluster.spec.data.replicas): V1StatefulSet {
  const n = names(cluster.metadata.name);
  return statefulSet(cluster, {
    component: 'data',
    name: n.dataStatefulSet,
    headless: n.dataHeadless,
    replicas,
    container: container(cluster, 'data', dataArgs(cluster, ctx), cluster.spec.data.resources),
    storage: cluster.spec.data.storage,
  });
}

/** `replicas`, as for data: coordinators still in Raft keep their pods (scale.ts). */
export function buildCoordinatorStatefulSet(
  cluster: MemgraphCluster,
  ctx: BuildContext,
  replicas = cluster.spec.coordinators.replicas,
): V1StatefulSet {
  const n = names(cluster.metadata.name);
  return statefulSet(cluster, {
    component: 'coordinator',
    name: n.coordStatefulSet,
    headless: n.coordHeadless,
    replicas,
    container: container(cluster, 'coordinator', coordinatorArgs(cluster, ctx), cluster.spec.coordinators.resources),
    storage: cluster.spec.coordinators.storage,
  });
}
