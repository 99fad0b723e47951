import { parseConfig } from '../../../../dataplane/config.js';
import { DEFAULT_CONTEXT } from '../../../../operator/resources/context.js';
import {
  COORDINATOR_COMMAND,
  buildCoordinatorStatefulSet,
  buildDataStatefulSet,
} from '../../../../operator/resources/statefulsets.js';
import { cluster } from '../fixtures.js';

// What the kubelet does to $(VAR) and $$ in command and args.
function expand(s: string, env: Record<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name: string | undefined) => (m === '$$' ? '$' : (env[name ?? ''] ?? m)));
}

describe('data StatefulSet', () => {
  const sts = buildDataStatefulSet(cluster(), DEFAULT_CONTEXT);
  const pod = sts.spec!.template.spec!;
  const c = pod.containers[0];

  test('name, owner, OnDelete, selector on tier labels only', () => {
    expect(sts.metadata).toMatchObject({
      name: 'graph-data',
      namespace: 'ns',
      labels: { 'mgha.io/cluster': 'graph', 'mgha.io/component': 'data' },
      ownerReferences: [{ apiVersion: 'mgha.io/v1alpha1', kind: 'MemgraphCluster', name: 'graph', uid: 'uid-1', controller: true, blockOwnerDeletion: true }],
    });
    expect(sts.spec).toMatchObject({ replicas: 2, serviceName: 'graph-data-hl', updateStrategy: { type: 'OnDelete' } });
    expect(sts.spec!.selector.matchLabels).toEqual({ 'mgha.io/cluster': 'graph', 'mgha.io/component': 'data' });
    expect(sts.spec!.template.metadata!.labels).toMatchObject(sts.spec!.selector.matchLabels!);
    expect(sts.spec!.template.metadata!.labels).not.toHaveProperty('mgha.io/role');
  });

  test('the args parse with the data plane own flag parser as an HA data instance', () => {
    const args = c.args!.map((a) => expand(a, { POD_NAME: 'graph-data-1' }));
    const config = parseConfig(args, {}, 'graph-data-1');
    expect(config).toMatchObject({
      boltPort: 7687,
      managementPort: 10000,
      metricsPort: 9091,
      coordinatorId: 0,
      dataDirectory: '/var/lib/memgraph',
      instanceName: 'graph-data-1',
      boltAdvertisedAddress: 'graph-data-1.graph-data-hl.ns.svc.cluster.local:7687',
    });
    expect(c.command).toBeUndefined();
  });

  test('probes hit /livez and /readyz on the metrics port', () => {
    expect(c.readinessProbe!.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    expect(c.livenessProbe!.httpGet).toEqual({ path: '/livez', port: 'metrics' });
    expect(c.startupProbe!.httpGet).toEqual({ path: '/livez', port: 'metrics' });
    expect(c.ports!.map((p) => [p.name, p.containerPort])).toEqual([
      ['bolt', 7687],
      ['management', 10000],
      ['replication', 20000],
      ['metrics', 9091],
    ]);
  });

  test('the data directory is a volume claim of the spec size, default class', () => {
    expect(c.volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/memgraph' });
    expect(sts.spec!.volumeClaimTemplates).toEqual([
      { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } },
    ]);
  });

  test('default anti-affinity spreads the tier over nodes', () => {
    expect(pod.affinity!.podAntiAffinity!.preferredDuringSchedulingIgnoredDuringExecution![0].podAffinityTerm).toEqual({
      labelSelector: { matchLabels: { 'mgha.io/cluster': 'graph', 'mgha.io/component': 'data' } },
      topologyKey: 'kubernetes.io/hostname',
    });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, fsGroup: 1000 });
  });

  test('spec fields reach the pod: replicas override, extra args, resources, scheduling, image policy', () => {
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } };
    const s = buildDataStatefulSet(
      cluster({
        data: { replicas: 3, args: ['--storage-wal-file-flush-every-n-tx=1'], resources: { limits: { memory: '2Gi', cpu: 1 } }, storage: { size: '5Gi', storageClassName: 'fast' } },
        affinity,
        tolerations: [{ key: 'dedicated', operator: 'Exists' }],
        topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }],
        imagePullPolicy: 'Always',
        imagePullSecrets: [{ name: 'regcred' }],
      }),
      DEFAULT_CONTEXT,
      4,
    );
    const p = s.spec!.template.spec!;
    expect(s.spec!.replicas).toBe(4);
    expect(p.containers[0].args!.at(-1)).toBe('--storage-wal-file-flush-every-n-tx=1');
    expect(p.containers[0].resources).toEqual({ limits: { memory: '2Gi', cpu: '1' } });
    expect(p.containers[0].imagePullPolicy).toBe('Always');
    expect(p.affinity).toEqual(affinity);
    expect(p.tolerations).toEqual([{ key: 'dedicated', operator: 'Exists' }]);
    expect(p.topologySpreadConstraints).toHaveLength(1);
    expect(p.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(s.spec!.volumeClaimTemplates![0].spec).toMatchObject({ storageClassName: 'fast', resources: { requests: { storage: '5Gi' } } });
  });

  test('another cluster domain reaches the advertised address', () => {
    const s = buildDataStatefulSet(cluster(), { ...DEFAULT_CONTEXT, clusterDomain: 'corp.internal' });
    expect(s.spec!.template.spec!.containers[0].args).toContain('--bolt-advertised-address=$(POD_NAME).graph-data-hl.ns.svc.corp.internal:7687');
  });
});

describe('coordinator StatefulSet', () => {
  const sts = buildCoordinatorStatefulSet(cluster({ coordinators: { replicas: 5 } }), DEFAULT_CONTEXT);
  const c = sts.spec!.template.spec!.containers[0];

  test('name, replicas, OnDelete, its own headless Service and a small volume', () => {
    expect(sts.metadata!.name).toBe('graph-coord');
    expect(sts.spec).toMatchObject({ replicas: 5, serviceName: 'graph-coord-hl', updateStrategy: { type: 'OnDelete' } });
    expect(sts.spec!.volumeClaimTemplates![0].spec!.resources!.requests).toEqual({ storage: '1Gi' });
  });

  test('each pod gets coordinator id = ordinal + 1, and args the data plane accepts as a coordinator', () => {
    const env = { POD_NAME: 'graph-coord-2' };
    const [sh, flag, script, argv0] = COORDINATOR_COMMAND.map((s) => expand(s, env));
    expect([sh, flag, argv0]).toEqual(['/bin/sh', '-c', 'mgha']);
    // What the shell computes: ${POD_NAME##*-} is the ordinal.
    const idArg = /--coordinator-id="\$\(\(\$\{POD_NAME##\*-\} \+ 1\)\)"/.exec(script);
    expect(idArg).not.toBeNull();
    expect(c.command).toEqual(COORDINATOR_COMMAND);
    const args = [...c.args!.map((a) => expand(a, env)), `--coordinator-id=${Number('graph-coord-2'.split('-').at(-1)) + 1}`];
    expect(parseConfig(args, {}, 'graph-coord-2')).toMatchObject({
      coordinatorId: 3,
      coordinatorPort: 12000,
      managementPort: 10000,
      coordinatorHostname: 'graph-coord-2.graph-coord-hl.ns.svc.cluster.local',
      boltPort: 7687,
    });
  });

  test('the shell line really computes the id', async () => {
    const { execFileSync } = await import('node:child_process');
    const script = expand(COORDINATOR_COMMAND[2], {}).replace('exec node /app/dist/dataplane/main.js', 'printf "%s\\n"');
    const out = execFileSync('/bin/sh', ['-c', script, 'mgha', '--bolt-port=7687'], { env: { POD_NAME: 'graph-coord-2' } }).toString();
    expect(out.trim().split('\n')).toEqual(['--coordinator-id=3', '--bolt-port=7687']);
  });

  test('ports include Raft', () => {
    expect(c.ports!.map((p) => p.name)).toEqual(['bolt', 'management', 'coordinator', 'metrics']);
  });
});
