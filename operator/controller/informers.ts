// Watches with client-node informers (list + watch, re-listed on error): MemgraphClusters,
// and the StatefulSets and pods the operator owns, each change enqueueing its cluster.
// Periodic resync is the reconciler's own requeue (RESYNC_MS), so a missed event costs at
// most that long.
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  makeInformer,
  type Informer,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION } from '../api/types.js';
import { LABELS, MANAGER } from '../resources/names.js';

export interface InformerHandlers {
  /** A cluster, or an object of one, changed. */
  changed(namespace: string, name: string): void;
  /** A cluster was deleted. */
  deleted(namespace: string, name: string): void;
  error(what: string, err: unknown): void;
}

const RESTART_MS = 5000;

// client-node stops an informer on a watch error, and a first list can fail (CRD not yet
// installed, API server restarting): start it again after a pause; it re-lists.
function keep<T extends KubernetesObject>(informer: Informer<T>, what: string, handlers: InformerHandlers): Informer<T> {
  let stopped = false;
  const start = (): void => {
    if (stopped) return;
    informer.start().catch((e: unknown) => {
      handlers.error(what, e);
      setTimeout(start, RESTART_MS);
    });
  };
  informer.on('error', (err: unknown) => {
    handlers.error(what, err);
    setTimeout(start, RESTART_MS);
  });
  const stop = informer.stop.bind(informer);
  informer.stop = async () => {
    stopped = true;
    await stop();
  };
  start();
  return informer;
}

export function startInformers(kc: KubeConfig, namespace: string, handlers: InformerHandlers): Informer<KubernetesObject>[] {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const owned = `${LABELS.managedBy}=${MANAGER}`;
  const ns = namespace === '' ? '' : `/namespaces/${namespace}`;

  const clusters = keep(
    makeInformer<KubernetesObject>(kc, `/apis/${GROUP}/${VERSION}${ns}/${PLURAL}`, async () =>
      (namespace === ''
        ? await custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL })
        : await custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL })) as KubernetesListObject<KubernetesObject>,
    ),
    'memgraphclusters',
    handlers,
  );
  const byName = (o: KubernetesObject) => handlers.changed(o.metadata?.namespace ?? 'default', o.metadata?.name ?? '');
  clusters.on('add', byName);
  clusters.on('update', byName);
  clusters.on('delete', (o) => handlers.deleted(o.metadata?.namespace ?? 'default', o.metadata?.name ?? ''));

  const byClusterLabel = (o: KubernetesObject) => {
    const cluster = o.metadata?.labels?.[LABELS.cluster];
    if (cluster) handlers.changed(o.metadata?.namespace ?? 'default', cluster);
  };
  const statefulSets = keep(
    makeInformer<KubernetesObject>(
      kc,
      `/apis/apps/v1${ns}/statefulsets`,
      () => (namespace === '' ? apps.listStatefulSetForAllNamespaces({ labelSelector: owned }) : apps.listNamespacedStatefulSet({ namespace, labelSelector: owned })),
      owned,
    ),
    'statefulsets',
    handlers,
  );
  const pods = keep(
    makeInformer<KubernetesObject>(
      kc,
      `/api/v1${ns}/pods`,
      () => (namespace === '' ? core.listPodForAllNamespaces({ labelSelector: owned }) : core.listNamespacedPod({ namespace, labelSelector: owned })),
      owned,
    ),
    'pods',
    handlers,
  );
  for (const informer of [statefulSets, pods]) {
    informer.on('add', byClusterLabel);
    informer.on('update', byClusterLabel);
    informer.on('delete', byClusterLabel);
  }
  return [clusters, statefulSets, pods];
}
