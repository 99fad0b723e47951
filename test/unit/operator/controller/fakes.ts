// Fakes of the reconciler's edges: an in-memory API server and a coordinator group that
// applies admin statements to its state the way Memgraph's coordinators do (simplified).
import type { KubernetesObject, V1StatefulSet } from '@kubernetes/client-node';
import type { AdminAction } from '../../../../operator/controller/admin.js';
import type { ClusterApi, CoordinatorAccess, RawCluster } from '../../../../operator/controller/interfaces.js';
import type { ObservedPod } from '../../../../operator/controller/labels.js';
import type { KnownView } from '../../../../operator/controller/view.js';
import type { MemgraphClusterStatus } from '../../../../operator/api/types.js';

export interface RecordedEvent {
  type: string;
  reason: string;
  message: string;
}

export class FakeApi implements ClusterApi {
  cluster: RawCluster | null;
  readonly applied = new Map<string, KubernetesObject>();
  readonly podLabels = new Map<string, Record<string, string>>();
  readonly events: RecordedEvent[] = [];
  readonly deleted: string[] = [];
  /** The StatefulSet controller's updateRevision per StatefulSet; pods start at 'r1'. */
  readonly updateRevision = new Map<string, string>();
  readonly podRevision = new Map<string, string>();
  statusPatches = 0;
  private version = 1;

  constructor(object: RawCluster['object']) {
    this.cluster = { object: { ...object, metadata: { ...object.metadata, resourceVersion: '1' } } };
  }

  async getCluster(): Promise<RawCluster | null> {
    return this.cluster && structuredClone(this.cluster);
  }
  async getStatefulSet(_ns: string, name: string): Promise<V1StatefulSet | null> {
    const sts = this.applied.get(`StatefulSet/${name}`) as V1StatefulSet | undefined;
    return sts ? { ...sts, status: { replicas: sts.spec!.replicas!, updateRevision: this.updateRevision.get(name) ?? 'r1' } } : null;
  }
  // The StatefulSet controller's part: a pod per ordinal below replicas.
  async listPods(): Promise<ObservedPod[]> {
    const pods: ObservedPod[] = [];
    for (const [component, sts] of [['data', 'graph-data'], ['coordinator', 'graph-coord']] as const) {
      const replicas = (this.applied.get(`StatefulSet/${sts}`) as V1StatefulSet | undefined)?.spec?.replicas ?? 0;
      for (let i = 0; i < replicas; i++) {
        const name = `${sts}-${i}`;
        pods.push({ name, component, labels: { ...(this.podLabels.get(name) ?? {}) }, revision: this.podRevision.get(name) ?? 'r1', ready: true });
      }
    }
    return pods;
  }
  async apply(object: KubernetesObject): Promise<void> {
    this.applied.set(`${object.kind}/${object.metadata!.name}`, structuredClone(object));
  }
  // The pod comes back at once from the StatefulSet's current template.
  async deletePod(_ns: string, pod: string): Promise<void> {
    this.deleted.push(pod);
    this.podRevision.set(pod, this.updateRevision.get(pod.replace(/-[0-9]+$/, '')) ?? 'r1');
  }
  async patchPodLabels(_ns: string, pod: string, labels: Record<string, string | null>): Promise<void> {
    const current = { ...(this.podLabels.get(pod) ?? {}) };
    for (const [k, v] of Object.entries(labels)) {
      if (v === null) delete current[k];
      else current[k] = v;
    }
    this.podLabels.set(pod, current);
  }
  async patchStatus(_ns: string, _name: string, resourceVersion: string | undefined, status: MemgraphClusterStatus): Promise<void> {
    if (!this.cluster) throw new Error('not found');
    if (resourceVersion !== this.cluster.object.metadata.resourceVersion) throw new Error('409 Conflict');
    this.statusPatches++;
    this.cluster = { object: { ...this.cluster.object, metadata: { ...this.cluster.object.metadata, resourceVersion: String(++this.version) } }, status: structuredClone(status) };
  }
  async event(_o: unknown, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    this.events.push({ type, reason, message });
  }
  /** A user edit of the spec: new generation and resource version. */
  editSpec(edit: (spec: Record<string, unknown>) => void): void {
    const c = this.cluster!;
    const spec = structuredClone(c.object.spec as Record<string, unknown>);
    edit(spec);
    c.object = { ...c.object, spec, metadata: { ...c.object.metadata, generation: (c.object.metadata.generation ?? 1) + 1, resourceVersion: String(++this.version) } };
  }
  reasons(): string[] {
    return this.events.map((e) => e.reason);
  }
}

/** Coordinators that apply statements to a view; `reachable: false` answers like a follower without a leader. */
export class FakeCoordinators implements CoordinatorAccess {
  state: KnownView = { known: true, instances: [], coordinators: [] };
  settingsState: Record<string, string> = {};
  reachable = true;
  readonly ran: AdminAction[] = [];
  failOn?: AdminAction['kind'];

  async view() {
    return this.reachable ? structuredClone(this.state) : { known: false as const, reason: 'leader not reachable' };
  }
  async settings() {
    return { ...this.settingsState };
  }
  async run(a: AdminAction): Promise<void> {
    if (a.kind === this.failOn) throw new Error('Writing to Raft log failed. Please retry the operation.');
    this.ran.push(a);
    const s = this.state;
    switch (a.kind) {
      case 'addCoordinator':
        s.coordinators.push({ id: a.id, name: `graph-coord-${a.id - 1}`, role: a.id === 1 ? 'leader' : 'follower', health: 'up', boltServer: a.boltServer });
        if (a.id === 1) s.leader = 'graph-coord-0';
        break;
      case 'registerInstance':
        s.instances.push({ name: a.name, role: 'replica', health: 'up', mode: a.mode.toLowerCase(), boltServer: a.boltServer, committedTxns: 0, lagTxns: 0 });
        break;
      case 'setInstanceToMain':
        if (s.instances.some((i) => i.role === 'main')) throw new Error("Couldn't set instance to main since there is already a main instance in cluster!");
        s.instances.find((i) => i.name === a.name)!.role = 'main';
        break;
      case 'demoteInstance':
        s.instances.find((i) => i.name === a.name)!.role = 'replica';
        break;
      case 'unregisterInstance':
        s.instances = s.instances.filter((i) => i.name !== a.name);
        break;
      case 'setCoordinatorSetting':
        this.settingsState[a.name] = a.value;
        break;
      default:
        throw new Error(`fake coordinators do not model ${a.kind}`);
    }
  }
}
