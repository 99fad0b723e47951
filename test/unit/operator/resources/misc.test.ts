import { buildConfigMap } from '../../../../operator/resources/configmap.js';
import { DEFAULT_CONTEXT, choosePdbApiVersion } from '../../../../operator/resources/context.js';
import { desiredObjects } from '../../../../operator/resources/desired.js';
import { ownerReference } from '../../../../operator/resources/metadata.js';
import { buildPodMonitor } from '../../../../operator/resources/podmonitor.js';
import {
  OPERATOR_RULES,
  buildLeaderElectionRole,
  buildOperatorClusterRole,
  buildOperatorClusterRoleBinding,
} from '../../../../operator/resources/rbac.js';
import { cluster } from '../fixtures.js';

describe('discovery', () => {
  test('policy/v1 when served, else v1beta1 (Kubernetes 1.20)', () => {
    expect(choosePdbApiVersion(['v1', 'policy/v1', 'policy/v1beta1'])).toBe('policy/v1');
    expect(choosePdbApiVersion(['v1', 'policy/v1beta1'])).toBe('policy/v1beta1');
    expect(() => choosePdbApiVersion(['v1'])).toThrow(/no PodDisruptionBudget API/);
  });
});

describe('ConfigMap', () => {
  test('renders both tiers flags and the coordinator settings under Memgraph names', () => {
    const cm = buildConfigMap(cluster({ coordinatorSettings: { instanceDownTimeoutSec: 3, enabledReadsOnMain: true } }), DEFAULT_CONTEXT);
    expect(cm.metadata!.name).toBe('graph-config');
    expect(cm.data!['data.flags']).toContain('--management-port=10000\n');
    expect(cm.data!['coordinator.flags']).toContain('--coordinator-port=12000\n');
    expect(cm.data!['coordinator-settings']).toBe('instance_down_timeout_sec=3\nenabled_reads_on_main=true\n');
  });
});

describe('PodMonitor', () => {
  test('only when monitoring.podMonitor is on; scrapes every pod of the cluster', () => {
    expect(buildPodMonitor(cluster())).toBeNull();
    const pm = buildPodMonitor(cluster({ monitoring: { podMonitor: true } }))!;
    expect(pm).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: { name: 'graph', namespace: 'ns' } });
    expect(pm.spec).toEqual({ selector: { matchLabels: { 'mgha.io/cluster': 'graph' } }, podMetricsEndpoints: [{ port: 'metrics', path: '/metrics' }] });
  });
});

describe('ownership', () => {
  test('an object read from the API server has a uid; without it building fails loudly', () => {
    const c = cluster();
    delete c.metadata.uid;
    expect(() => ownerReference(c)).toThrow(/no metadata.uid/);
  });
});

describe('desired objects', () => {
  test('all kinds, Services before StatefulSets, PodMonitor only when asked', () => {
    const kinds = desiredObjects(cluster(), DEFAULT_CONTEXT).map((o) => `${o.kind}/${o.metadata!.name}`);
    expect(kinds).toEqual([
      'ConfigMap/graph-config',
      'Service/graph-data-hl',
      'Service/graph-coord-hl',
      'Service/graph',
      'Service/graph-rw',
      'Service/graph-ro',
      'Service/graph-r',
      'StatefulSet/graph-coord',
      'StatefulSet/graph-data',
      'PodDisruptionBudget/graph-coord',
      'PodDisruptionBudget/graph-data',
    ]);
    expect(desiredObjects(cluster({ monitoring: { podMonitor: true } }), DEFAULT_CONTEXT).at(-1)!.kind).toBe('PodMonitor');
  });
});

describe('operator RBAC', () => {
  const verbs = (group: string, resource: string) =>
    OPERATOR_RULES.filter((r) => r.apiGroups!.includes(group) && r.resources!.includes(resource)).flatMap((r) => r.verbs);

  test('least privilege: no wildcards, no secrets, pods only patched and deleted, PVCs never created', () => {
    for (const r of buildOperatorClusterRole().rules!) {
      expect(r.verbs).not.toContain('*');
      expect(r.resources).not.toContain('*');
      expect(r.resources).not.toContain('secrets');
    }
    expect(verbs('', 'pods').sort()).toEqual(['delete', 'get', 'list', 'patch', 'watch']);
    expect(verbs('', 'persistentvolumeclaims')).not.toContain('create');
    expect(verbs('mgha.io', 'memgraphclusters')).not.toContain('create');
    expect(verbs('mgha.io', 'memgraphclusters/status')).toContain('patch');
  });

  test('leases only in the operator namespace', () => {
    expect(OPERATOR_RULES.some((r) => r.resources!.includes('leases'))).toBe(false);
    expect(buildLeaderElectionRole('mgha-system')).toMatchObject({ kind: 'Role', metadata: { namespace: 'mgha-system' } });
  });

  test('the binding names the operator service account', () => {
    expect(buildOperatorClusterRoleBinding('mgha-system').subjects).toEqual([{ kind: 'ServiceAccount', name: 'mgha-operator', namespace: 'mgha-system' }]);
  });
});
