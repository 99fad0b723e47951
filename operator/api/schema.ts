// MemgraphCluster v1alpha1: the one declaration the TypeScript types (types.ts), the CRD
// (crd.ts → crds/memgraphclusters.mgha.io.yaml), the defaults and the validation come from.
import type { V1Affinity, V1Toleration, V1TopologySpreadConstraint } from '@kubernetes/client-node';
import {
  arr,
  bool,
  defaulted,
  enumOf,
  int,
  intOrString,
  listMap,
  map,
  obj,
  objectMeta,
  opaque,
  optional,
  required,
  str,
  withRules,
} from './schema-dsl.js';

export const REPLICATION_MODES = ['SYNC', 'ASYNC', 'STRICT_SYNC'] as const;
export type ReplicationMode = (typeof REPLICATION_MODES)[number];

/** Flags the operator sets itself; extra args must not override them. */
export const OPERATOR_OWNED_FLAGS = [
  'bolt-port',
  'bolt-address',
  'bolt-advertised-address',
  'management-port',
  'coordinator-id',
  'coordinator-port',
  'coordinator-hostname',
  'data-directory',
  'metrics-port',
  'metrics-address',
  'instance-name',
] as const;
// One pattern for CEL (RE2) and JavaScript: gflags accepts `-` or `--` and `_` for `-`.
const OWNED_FLAG_PATTERN = `^--?(${OPERATOR_OWNED_FLAGS.map((f) => f.replace(/-/g, '[-_]')).join('|')})(=|$)`;
const ownedFlag = new RegExp(OWNED_FLAG_PATTERN);

const HOST_PORT = '^[A-Za-z0-9.-]+:[0-9]{1,5}$|^\\[[0-9A-Fa-f:.]+\\]:[0-9]{1,5}$';

// Kubernetes' own quantity pattern (as controller-gen emits it for resource.Quantity).
const quantity = intOrString({
  pattern: '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$',
});
const MAX_DATA = 64;
const MAX_COORDINATORS = 9;

const resources = obj(
  {
    limits: optional(map(quantity)),
    requests: optional(map(quantity)),
  },
  { description: 'CPU and memory, as in a container spec.' },
);

const storage = (defaultSize: string) =>
  withRules(
    obj(
      {
        size: defaulted(quantity, defaultSize),
        storageClassName: optional(str({ description: 'Unset: the cluster default class.' })),
      },
      { description: 'The persistent volume of each pod (data directory).' },
    ),
    {
      cel: 'self == oldSelf',
      message: 'storage is immutable: a StatefulSet cannot change its volume claim templates',
      transition: true,
      check: (self, old) =>
        old === undefined || (String(self.size) === String(old.size) && self.storageClassName === old.storageClassName),
    },
  );

const extraArgs = withRules(
  arr(str({ maxLength: 4096 }), { maxItems: 64, description: 'Extra flags for the server, e.g. --storage-wal-file-flush-every-n-tx=1.' }),
  {
    cel: `self.all(a, !a.matches('${OWNED_FLAG_PATTERN}'))`,
    message: `must not set flags the operator owns: ${OPERATOR_OWNED_FLAGS.map((f) => `--${f}`).join(', ')}`,
    check: (self) => self.every((a) => !ownedFlag.test(a)),
  },
);

const mode = enumOf(REPLICATION_MODES, { description: 'Replication mode of a replica (REGISTER INSTANCE … AS).' });

const data = withRules(
  obj({
    replicas: defaulted(int({ minimum: 2, maximum: MAX_DATA, description: 'Data instances: one MAIN and at least one REPLICA.' }), 2),
    mode: defaulted(mode, 'SYNC'),
    instances: optional(
      listMap(
        obj({ ordinal: required(int({ minimum: 0 })), mode: required(mode) }),
        'ordinal',
        { maxItems: MAX_DATA, description: 'Per-instance replication mode, by pod ordinal; others use mode.' },
      ),
    ),
    storage: defaulted(storage('10Gi'), {}),
    resources: optional(resources),
    args: optional(extraArgs),
  }),
  {
    cel: '!has(self.instances) || self.instances.all(i, i.ordinal < self.replicas)',
    message: 'instances[].ordinal must be less than replicas',
    check: (self) => (self.instances ?? []).every((i) => i.ordinal < self.replicas),
  },
  {
    // Memgraph refuses to mix SYNC and STRICT_SYNC replicas in one cluster.
    cel:
      "!((self.mode == 'SYNC' || (has(self.instances) && self.instances.exists(i, i.mode == 'SYNC'))) && " +
      "(self.mode == 'STRICT_SYNC' || (has(self.instances) && self.instances.exists(i, i.mode == 'STRICT_SYNC'))))",
    message: 'SYNC and STRICT_SYNC replicas cannot be mixed in one cluster',
    check: (self) => {
      const modes = new Set([self.mode, ...(self.instances ?? []).map((i) => i.mode)]);
      return !(modes.has('SYNC') && modes.has('STRICT_SYNC'));
    },
  },
);

const coordinators = obj({
  replicas: defaulted(
    withRules(int({ minimum: 3, maximum: MAX_COORDINATORS, description: 'Raft coordinators: an odd number, at least 3.' }), {
      cel: 'self % 2 == 1',
      message: 'must be odd (a Raft majority of an even count tolerates no more failures)',
      check: (self) => self % 2 === 1,
    }),
    3,
  ),
  storage: defaulted(storage('1Gi'), {}),
  resources: optional(resources),
  args: optional(extraArgs),
});

const coordinatorSettings = withRules(
  obj(
    {
      instanceHealthCheckFrequencySec: optional(int({ minimum: 1 })),
      instanceDownTimeoutSec: optional(int({ minimum: 1 })),
      enabledReadsOnMain: optional(bool()),
      syncFailoverOnly: optional(bool()),
      maxFailoverReplicaLag: optional(int({ minimum: 0, format: 'int64' })),
      maxReplicaReadLag: optional(int({ minimum: 0, format: 'int64' })),
      deltasBatchProgressSize: optional(int({ minimum: 1, format: 'int64' })),
      globalReadOnly: optional(bool()),
    },
    { description: 'Memgraph coordinator settings, re-applied on every reconcile (Memgraph resets them on upgrade). Unset: Memgraph default.' },
  ),
  {
    cel: '!has(self.instanceDownTimeoutSec) || !has(self.instanceHealthCheckFrequencySec) || self.instanceDownTimeoutSec >= self.instanceHealthCheckFrequencySec',
    message: 'instanceDownTimeoutSec must be at least instanceHealthCheckFrequencySec',
    check: (self) =>
      self.instanceDownTimeoutSec === undefined ||
      self.instanceHealthCheckFrequencySec === undefined ||
      self.instanceDownTimeoutSec >= self.instanceHealthCheckFrequencySec,
  },
);

const advertised = listMap(
  obj({
    ordinal: required(int({ minimum: 0 })),
    boltServer: required(str({ pattern: HOST_PORT, description: 'host:port clients outside the cluster reach this pod at.' })),
  }),
  'ordinal',
  { maxItems: MAX_DATA },
);

const externalAccess = obj(
  {
    data: optional(advertised),
    coordinators: optional(advertised),
  },
  { description: "Advertised bolt_server addresses (routing tables hand them to clients); unset: the pod's DNS name." },
);

const switchover = obj(
  {
    target: required(str({ pattern: '-data-[0-9]+$', description: 'The data pod that should be MAIN, e.g. graph-data-1.' })),
    maxLagTxns: defaulted(int({ minimum: 0, format: 'int64', description: 'Switch only when the target is at most this many transactions behind.' }), 0),
  },
  { description: 'A planned switchover: DEMOTE the MAIN, then SET the target TO MAIN. Clear it to request the same target again.' },
);

const monitoring = obj({
  podMonitor: defaulted(bool({ description: 'Create a Prometheus Operator PodMonitor for all pods.' }), false),
});

export const specSchema = withRules(
  obj({
    image: required(str({ minLength: 1, description: 'The mgha data-plane image.' })),
    imagePullPolicy: optional(enumOf(['Always', 'IfNotPresent', 'Never'] as const)),
    imagePullSecrets: optional(arr(obj({ name: required(str({ minLength: 1 })) }))),
    data: defaulted(data, {}),
    coordinators: defaulted(coordinators, {}),
    coordinatorSettings: optional(coordinatorSettings),
    externalAccess: optional(externalAccess),
    affinity: optional(opaque<V1Affinity>('Pod affinity for all pods; unset: spread each tier across nodes (preferred).')),
    tolerations: optional(arr(opaque<V1Toleration>('A pod toleration.'))),
    topologySpreadConstraints: optional(arr(opaque<V1TopologySpreadConstraint>('A topology spread constraint.'))),
    switchover: optional(switchover),
    monitoring: defaulted(monitoring, {}),
  }),
  {
    cel: '!has(self.externalAccess) || !has(self.externalAccess.data) || self.externalAccess.data.all(e, e.ordinal < self.data.replicas)',
    message: 'externalAccess.data[].ordinal must be less than data.replicas',
    check: (self) => (self.externalAccess?.data ?? []).every((e) => e.ordinal < self.data.replicas),
  },
  {
    cel: '!has(self.externalAccess) || !has(self.externalAccess.coordinators) || self.externalAccess.coordinators.all(e, e.ordinal < self.coordinators.replicas)',
    message: 'externalAccess.coordinators[].ordinal must be less than coordinators.replicas',
    check: (self) => (self.externalAccess?.coordinators ?? []).every((e) => e.ordinal < self.coordinators.replicas),
  },
);

const condition = obj({
  type: required(str()),
  status: required(enumOf(['True', 'False', 'Unknown'] as const)),
  reason: required(str()),
  message: required(str()),
  lastTransitionTime: required(str({ format: 'date-time' })),
  observedGeneration: optional(int({ format: 'int64' })),
});

export const statusSchema = obj({
  phase: optional(str()),
  phaseReason: optional(str()),
  observedGeneration: optional(int({ format: 'int64' })),
  currentMain: optional(str()),
  targetMain: optional(str()),
  leaderCoordinator: optional(str()),
  replicas: optional(int({ description: 'Data pods (scale subresource).' })),
  readyInstances: optional(int()),
  selector: optional(str({ description: 'Label selector of the data pods (scale subresource).' })),
  instances: optional(
    listMap(
      obj({
        name: required(str()),
        role: required(str()),
        health: required(str()),
        mode: optional(str()),
        lagTxns: optional(int({ format: 'int64' })),
      }),
      'name',
    ),
  ),
  coordinators: optional(
    listMap(obj({ name: required(str()), role: required(str()), health: required(str()) }), 'name'),
  ),
  lastFailover: optional(obj({ at: required(str()), from: optional(str()), to: required(str()) })),
  switchover: optional(
    obj({ target: required(str()), phase: required(enumOf(['Pending', 'Completed'] as const)), message: optional(str()) }),
  ),
  conditions: optional(listMap(condition, 'type')),
});

/** The metadata fields the operator reads. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  deletionTimestamp?: string;
  finalizers?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

// Service and StatefulSet names are built from metadata.name: a DNS-1035 label, short enough
// that `<name>-coord-<revision hash>` still fits a 63-character label value.
export const MAX_NAME_LENGTH = 40;
const NAME_PATTERN = '^[a-z]([-a-z0-9]*[a-z0-9])?$';

export const resourceSchema = withRules(
  obj({
    apiVersion: optional(str()),
    kind: optional(str()),
    metadata: required(objectMeta<ObjectMeta>()),
    spec: required(specSchema),
    status: optional(statusSchema),
  }),
  {
    cel: `self.metadata.name.matches('${NAME_PATTERN}') && size(self.metadata.name) <= ${MAX_NAME_LENGTH}`,
    message: `metadata.name must be a DNS label of at most ${MAX_NAME_LENGTH} characters (it prefixes Service names)`,
    check: (self) => new RegExp(NAME_PATTERN).test(self.metadata.name) && self.metadata.name.length <= MAX_NAME_LENGTH,
  },
  {
    cel: "!has(self.spec.switchover) || self.spec.switchover.target.startsWith(self.metadata.name + '-data-')",
    message: 'spec.switchover.target must name a data pod of this cluster (<name>-data-<ordinal>)',
    check: (self) => self.spec.switchover === undefined || self.spec.switchover.target.startsWith(`${self.metadata.name}-data-`),
  },
);
