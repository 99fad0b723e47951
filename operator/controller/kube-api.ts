// ClusterApi on @kubernetes/client-node: server-side apply for owned objects, merge patches
// for pod labels, status patches guarded by resourceVersion (optimistic concurrency: a 409
// fails the reconcile, which is retried on the fresh object), core/v1 Events.
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type KubernetesObject,
  type V1StatefulSet,
} from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION, type MemgraphClusterStatus } from '../api/types.js';
import { LABELS, MANAGER, type Component } from '../resources/names.js';
import type { ClusterApi, RawCluster } from './interfaces.js';
import type { ObservedPod } from './labels.js';

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

function notFound(e: unknown): boolean {
  return e instanceof ApiException && e.code === 404;
}

export class KubeClusterApi implements ClusterApi {
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly custom: CustomObjectsApi;
  private readonly objects: KubernetesObjectApi;

  constructor(kc: KubeConfig, private readonly now: () => Date = () => new Date()) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.apps = kc.makeApiClient(AppsV1Api);
    this.custom = kc.makeApiClient(CustomObjectsApi);
    this.objects = KubernetesObjectApi.makeApiClient(kc);
  }

  async getCluster(namespace: string, name: string): Promise<RawCluster | null> {
    try {
      const object = (await this.custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL, name })) as RawCluster['object'] & {
        status?: MemgraphClusterStatus;
      };
      const { status, ...rest } = object;
      return status === undefined ? { object: rest } : { object: rest, status };
    } catch (e) {
      if (notFound(e)) return null;
      throw e;
    }
  }

  async getStatefulSet(namespace: string, name: string): Promise<V1StatefulSet | null> {
    try {
      return await this.apps.readNamespacedStatefulSet({ namespace, name });
    } catch (e) {
      if (notFound(e)) return null;
      throw e;
    }
  }

  async listPods(namespace: string, clusterName: string): Promise<ObservedPod[]> {
    const list = await this.core.listNamespacedPod({ namespace, labelSelector: `${LABELS.cluster}=${clusterName}` });
    const pods: ObservedPod[] = [];
    for (const p of list.items) {
      const component = p.metadata?.labels?.[LABELS.component];
      if (component !== 'data' && component !== 'coordinator') continue;
      const pod: ObservedPod = {
        name: p.metadata!.name!,
        component: component as Component,
        labels: p.metadata?.labels ?? {},
        ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      };
      const revision = p.metadata?.labels?.['controller-revision-hash'];
      if (revision !== undefined) pod.revision = revision;
      pods.push(pod);
    }
    return pods;
  }

  async apply(object: KubernetesObject): Promise<void> {
    // force: the operator owns these fields even if someone edited them by hand.
    await this.objects.patch(object, undefined, undefined, MANAGER, true, PatchStrategy.ServerSideApply);
  }

  async deletePod(namespace: string, pod: string): Promise<void> {
    await this.core.deleteNamespacedPod({ namespace, name: pod });
  }

  async patchPodLabels(namespace: string, pod: string, labels: Record<string, string | null>): Promise<void> {
    await this.core.patchNamespacedPod({ namespace, name: pod, body: { metadata: { labels } } }, mergePatch);
  }

  async patchStatus(namespace: string, name: string, resourceVersion: string | undefined, status: MemgraphClusterStatus): Promise<void> {
    const metadata = resourceVersion === undefined ? {} : { resourceVersion };
    await this.custom.patchNamespacedCustomObjectStatus(
      { group: GROUP, version: VERSION, namespace, plural: PLURAL, name, body: { metadata, status } },
      mergePatch,
    );
  }

  async event(object: RawCluster['object'], type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const m = object.metadata;
    const namespace = m.namespace ?? 'default';
    const at = this.now();
    await this.core.createNamespacedEvent({
      namespace,
      body: {
        metadata: { generateName: `${m.name}.`, namespace },
        involvedObject: { apiVersion: `${GROUP}/${VERSION}`, kind: 'MemgraphCluster', name: m.name, namespace, uid: m.uid, resourceVersion: m.resourceVersion },
        type,
        reason,
        // The API server limits an Event message to 1024 bytes.
        message: message.length > 1000 ? `${message.slice(0, 1000)}…` : message,
        source: { component: MANAGER },
        reportingComponent: MANAGER,
        firstTimestamp: at,
        lastTimestamp: at,
        count: 1,
      },
    });
  }
}
