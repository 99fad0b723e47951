// The kubelet stand-in's pure parts: Kubernetes' $(VAR) expansion, a real operator-built pod
// turned into a process spec, and the cluster DNS it publishes from Endpoints.
import dns from 'node:dns';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { V1EndpointsList, V1Pod } from '@kubernetes/client-node';
import { buildCoordinatorStatefulSet, buildDataStatefulSet } from '../../../operator/resources/statefulsets.js';
import { applyDefaults } from '../../../operator/api/defaults.js';
import { resourceSchema } from '../../../operator/api/schema.js';
import { DEFAULT_CONTEXT } from '../../../operator/resources/context.js';
import { formatHosts, installHostsLookup, parseHosts, writeHostsFile } from '../../helpers/k8s/hosts-lookup.js';
import { dnsFromEndpoints, expand, loopbackOf, mapPaths, mghaImage, podIPOf, podStatus, processSpec } from '../../helpers/k8s/pod-runtime.js';

test('expand follows the kubelet: $$ is a literal $, $(VAR) defined or left as written', () => {
  const vars = { POD_NAME: 'graph-coord-2' };
  expect(expand('--instance-name=$(POD_NAME)', vars)).toBe('--instance-name=graph-coord-2');
  expect(expand('$$((${POD_NAME##*-} + 1))', vars)).toBe('$((${POD_NAME##*-} + 1))');
  expect(expand('$(UNSET) and $(POD_NAME', vars)).toBe('$(UNSET) and $(POD_NAME');
  expect(expand('cost $5', vars)).toBe('cost $5');
});

test('mapPaths rewrites whole path components only', () => {
  const mounts = [{ container: '/var/lib/memgraph', host: '/h/pvc' }, { container: '/app', host: '/repo' }];
  expect(mapPaths('--data-directory=/var/lib/memgraph', mounts)).toBe('--data-directory=/h/pvc');
  expect(mapPaths('exec node /app/dist/dataplane/main.js "$@"', mounts)).toBe('exec node /repo/dist/dataplane/main.js "$@"');
  expect(mapPaths('/application', mounts)).toBe('/application');
  // One pass: a host path that starts with another mount point is not rewritten again.
  expect(mapPaths('--data-directory=/var/lib/memgraph', [{ container: '/var/lib/memgraph', host: '/srv/x/pvc' }, { container: '/tmp', host: '/h/tmp' }])).toBe(
    '--data-directory=/srv/x/pvc',
  );
});

function podFrom(template: ReturnType<typeof buildDataStatefulSet>, name: string): V1Pod {
  return { metadata: { name, namespace: 'ns', uid: 'u' }, spec: template.spec!.template.spec! } as V1Pod;
}

const cluster = applyDefaults(resourceSchema, { apiVersion: 'mgha.io/v1alpha1', kind: 'MemgraphCluster', metadata: { name: 'graph', namespace: 'ns', uid: 'c1' }, spec: { image: 'mgha:1' } });
const ctx = { ip: '127.9.9.3', image: mghaImage('/repo'), volumes: { data: '/h/pvc', tmp: '/h/tmp' }, hostEnv: { PATH: '/bin', MGHA_TEST_HOSTS_FILE: '/run/e2e/hosts' }, nodeBinary: '/usr/bin/node' };

test('a data pod runs the image entrypoint with its args, its name expanded, its volume mapped, listeners on its address', () => {
  const pod = podFrom(buildDataStatefulSet(cluster, DEFAULT_CONTEXT), 'graph-data-1');
  const spec = processSpec(pod, pod.spec!.containers[0]!, ctx);
  expect(spec.file).toBe('/usr/bin/node');
  expect(spec.cwd).toBe('/repo');
  expect(spec.args[0]).toBe('dist/dataplane/main.js');
  expect(spec.args).toContain('--instance-name=graph-data-1');
  expect(spec.args).toContain('--data-directory=/h/pvc');
  expect(spec.args).toContain('--bolt-advertised-address=graph-data-1.graph-data-hl.ns.svc.cluster.local:7687');
  expect(spec.env).toMatchObject({ POD_NAME: 'graph-data-1', MEMGRAPH_BOLT_ADDRESS: '127.9.9.3', MEMGRAPH_REPLICATION_ADDRESS: '127.9.9.3', MEMGRAPH_DATA_DIRECTORY: '/h/pvc' });
  // The pod mounts a volume at /tmp; the stand-in's own host paths are not container paths.
  expect(spec.env.MGHA_TEST_HOSTS_FILE).toBe('/run/e2e/hosts');
});

test('a coordinator pod runs its shell command, which derives the coordinator id from the pod name', () => {
  const pod = podFrom(buildCoordinatorStatefulSet(cluster, DEFAULT_CONTEXT), 'graph-coord-2');
  const spec = processSpec(pod, pod.spec!.containers[0]!, ctx);
  expect(spec.file).toBe('/bin/sh');
  expect(spec.args[1]).toBe('exec node /repo/dist/dataplane/main.js --coordinator-id="$((${POD_NAME##*-} + 1))" "$@"');
  expect(spec.args).toContain('--coordinator-hostname=graph-coord-2.graph-coord-hl.ns.svc.cluster.local');
});

test('pod IPs in the API are 10.x twins of the loopback addresses pods listen on', () => {
  expect(podIPOf('127.183.102.7')).toBe('10.183.102.7');
  expect(loopbackOf('10.183.102.7')).toBe('127.183.102.7');
  expect(() => loopbackOf('192.168.1.1')).toThrow('not a pod address');
});

test('podStatus reports a ready running container with its address', () => {
  const s = podStatus('127.9.9.3', '127.0.0.1', new Date(0), { name: 'mgha', image: 'mgha:1', state: { kind: 'running', startedAt: new Date(0) }, ready: true, restartCount: 2 });
  expect(s).toMatchObject({ phase: 'Running', podIP: '127.9.9.3', containerStatuses: [{ ready: true, restartCount: 2, started: true }] });
  expect(s.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
});

test('Endpoints become Service and pod host names on the loopback twins of pod IPs; the hook resolves them and passes other names on', async () => {
  const list = {
    items: [
      {
        metadata: { name: 'graph-data-hl', namespace: 'ns' },
        subsets: [{ addresses: [{ ip: '10.9.9.2', hostname: 'graph-data-0' }, { ip: '10.9.9.3', hostname: 'graph-data-1' }] }],
      },
    ],
  } as V1EndpointsList;
  const names = dnsFromEndpoints(list, 'cluster.local');
  expect(names.get('graph-data-1.graph-data-hl.ns.svc.cluster.local')).toEqual(['127.9.9.3']);
  expect(names.get('graph-data-hl.ns.svc.cluster.local')).toEqual(['127.9.9.2', '127.9.9.3']);
  const text = formatHosts(names);
  expect(parseHosts(text).get('graph-data-0.graph-data-hl.ns.svc.cluster.local')).toEqual(['127.9.9.2']);

  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-hosts-')), 'hosts');
  writeHostsFile(file, text);
  const uninstall = installHostsLookup(file);
  try {
    const one = await new Promise<string>((resolve, reject) =>
      dns.lookup('GRAPH-DATA-1.graph-data-hl.ns.svc.cluster.local.', (err, address) => (err ? reject(err) : resolve(address))),
    );
    expect(one).toBe('127.9.9.3');
    expect((await dns.promises.lookup('graph-data-0.graph-data-hl.ns.svc.cluster.local')).address).toBe('127.9.9.2');
    expect((await dns.promises.lookup('localhost', { family: 4 })).address).toBe('127.0.0.1');
    writeHostsFile(file, '127.9.9.7 graph-data-1.graph-data-hl.ns.svc.cluster.local\n');
    expect((await dns.promises.lookup('graph-data-1.graph-data-hl.ns.svc.cluster.local')).address).toBe('127.9.9.7');
  } finally {
    uninstall();
  }
});
