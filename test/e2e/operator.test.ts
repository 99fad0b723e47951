// The operator end to end against a REAL kube-apiserver and kube-controller-manager (built by
// scripts/k8s-control-plane.sh), with the kubelet stand-in running every pod as a local mgha
// process on its own loopback address. One MemgraphCluster goes through its life: objects,
// bootstrap, writes through the routing entry point, MAIN killed → failover, switchover,
// scale out and in, rolling upgrade, deletion. The tests run in order and share the cluster.
import fs from 'node:fs';
import path from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { controlPlaneMissing } from '../helpers/k8s/control-plane.js';
import { startE2eEnv, until, type E2eEnv } from '../helpers/k8s/e2e-env.js';
import { installHostsLookup } from '../helpers/k8s/hosts-lookup.js';
import { repoRoot } from '../helpers/repo-root.js';
import { LEADER_ELECTION_RULES, OPERATOR_RULES } from '../../operator/resources/rbac.js';

const missing = controlPlaneMissing();
// One visible line, not jest's console block.
if (missing) process.stderr.write(`operator e2e skipped: ${missing}\n`);
const suite = missing ? describe.skip : describe;
// The coordinators' wiring (Raft membership, /v1/cluster, automatic failover) is being merged
// from the HA work; until its coordinator process exists, the tests that need it are skipped.
const haMissing = !fs.existsSync(path.join(repoRoot, 'dataplane', 'coordination', 'coordinator.ts'));
if (!missing && haMissing) process.stderr.write('operator e2e: bootstrap, failover, switchover, scale and upgrade skipped: no HA coordinator in this build\n');
const haTest = haMissing ? test.skip : test;

const NS = 'e2e';
const NAME = 'graph';
const DOMAIN = 'cluster.local';
const MGC = `/apis/mgha.io/v1alpha1/namespaces/${NS}/memgraphclusters`;
const APPS = `/apis/apps/v1/namespaces/${NS}`;
const CORE = `/api/v1/namespaces/${NS}`;

interface Meta {
  name: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: Array<{ kind: string; name: string; controller?: boolean }>;
  deletionTimestamp?: string;
}
interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}
interface Mgc {
  metadata: Meta;
  spec: Record<string, unknown>;
  status?: {
    phase?: string;
    phaseReason?: string;
    currentMain?: string;
    leaderCoordinator?: string;
    instances?: Array<{ name: string; role: string; health: string }>;
    lastFailover?: { at: string; from?: string; to: string };
    switchover?: { target: string; phase: string };
    conditions?: Condition[];
  };
}
interface Pod {
  metadata: Meta;
  spec: { containers: Array<{ image: string }> };
  status?: { podIP?: string; phase?: string };
}
interface Endpoints {
  subsets?: Array<{ addresses?: Array<{ ip: string; targetRef?: { name: string } }> }>;
}

const COMMON_LABELS = {
  'app.kubernetes.io/name': 'mgha',
  'app.kubernetes.io/instance': NAME,
  'app.kubernetes.io/managed-by': 'mgha-operator',
  'mgha.io/cluster': NAME,
};

suite('operator end to end on a real kube-apiserver (Kubernetes 1.20)', () => {
  let env: E2eEnv;
  let uninstallLookup: (() => void) | undefined;
  const drivers: Driver[] = [];

  beforeAll(async () => {
    env = await startE2eEnv([NS]);
    // This process resolves pod and Service names like the pods do (routing tables name pods).
    uninstallLookup = installHostsLookup(env.kubelet.hostsFile);
  }, 240000);

  afterAll(async () => {
    await Promise.all(drivers.map((d) => d.close()));
    uninstallLookup?.();
    await env?.stop();
  }, 60000);

  const wait = <T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, ms = 120000) => until(what, fn, ms, env);
  const mgc = (name = NAME) => env.api.get<Mgc>(`${MGC}/${name}`);
  const dataPods = async () =>
    (await env.api.get<{ items: Pod[] }>(`${CORE}/pods?labelSelector=${encodeURIComponent(`mgha.io/cluster=${NAME},mgha.io/component=data`)}`)).items;
  const coordPods = async () =>
    (await env.api.get<{ items: Pod[] }>(`${CORE}/pods?labelSelector=${encodeURIComponent(`mgha.io/cluster=${NAME},mgha.io/component=coordinator`)}`)).items;
  const endpointNames = async (service: string) => {
    const ep = await env.api.get<Endpoints>(`${CORE}/endpoints/${service}`);
    return (ep.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.targetRef?.name ?? a.ip)).sort();
  };
  const driver = (url: string) => {
    const d = neo4j.driver(url, undefined, { connectionTimeout: 5000, maxTransactionRetryTime: 15000 });
    drivers.push(d);
    return d;
  };
  // status.leaderCoordinator is the coordinators' name for it, coordinator_<id>; id = ordinal + 1.
  const leaderPod = (leader: string) => {
    const m = /^coordinator_(\d+)$/.exec(leader);
    return m ? `${NAME}-coord-${Number(m[1]) - 1}` : leader;
  };
  const routingUrl = `neo4j://${NAME}.${NS}.svc.${DOMAIN}:7687`;
  const podUrl = (pod: string) => `bolt://${pod}.${NAME}-data-hl.${NS}.svc.${DOMAIN}:7687`;

  /** The cluster settled: one MAIN labelled and in status, every instance up, -rw on the MAIN. */
  const settled = async (expectedData: number): Promise<{ main: string; leader: string } | undefined> => {
    const m = await mgc();
    const main = m.status?.currentMain;
    if (!main) return undefined;
    const pods = await dataPods();
    if (pods.length !== expectedData) return undefined;
    const roles = Object.fromEntries(pods.map((p) => [p.metadata.name, p.metadata.labels?.['mgha.io/role']]));
    const replicas = pods.map((p) => p.metadata.name).filter((n) => n !== main);
    if (roles[main] !== 'main' || replicas.some((r) => roles[r] !== 'replica')) return undefined;
    const healthy = (m.status?.instances ?? []).filter((i) => i.health === 'up');
    if (healthy.length !== expectedData) return undefined;
    if ((await endpointNames(`${NAME}-rw`)).join() !== main) return undefined;
    if ((await endpointNames(`${NAME}-ro`)).join() !== replicas.sort().join()) return undefined;
    const leader = m.status?.leaderCoordinator;
    if (!leader) return undefined;
    return { main, leader };
  };

  test('the API server rejects an invalid MemgraphCluster and names the field', async () => {
    const r = await env.api.request<{ message: string }>('POST', MGC, {
      apiVersion: 'mgha.io/v1alpha1',
      kind: 'MemgraphCluster',
      metadata: { name: 'bad' },
      spec: { image: 'mgha:e2e', data: { replicas: 1 }, coordinators: { replicas: 3 } },
    });
    expect(r.status).toBe(422);
    expect(r.body.message).toContain('spec.data.replicas');
    expect(r.body.message).toContain('should be greater than or equal to 2');
  });

  test('a rule 1.20 cannot check (no CEL) is judged by the operator: Ready=False naming the field, an Event, no objects', async () => {
    await env.api.must('POST', MGC, {
      apiVersion: 'mgha.io/v1alpha1',
      kind: 'MemgraphCluster',
      metadata: { name: 'even' },
      spec: { image: 'mgha:e2e', coordinators: { replicas: 4 } },
    });
    const got = await wait('the Invalid spec status', async () => {
      const m = await mgc('even');
      return m.status?.phase === 'Invalid spec' ? m : undefined;
    }, 60000);
    expect(got.status?.phaseReason).toContain('spec.coordinators.replicas: must be odd');
    const ready = got.status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False' });
    expect(ready?.message).toContain('spec.coordinators.replicas');
    const events = await env.api.get<{ items: Array<{ reason: string; involvedObject: { name: string } }> }>(`${CORE}/events`);
    expect(events.items.some((e) => e.reason === 'InvalidSpec' && e.involvedObject.name === 'even')).toBe(true);
    expect((await env.api.request('GET', `${APPS}/statefulsets/even-data`)).status).toBe(404);
    await env.api.must('DELETE', `${MGC}/even`);
    await wait('the invalid cluster to go', async () => (await env.api.request('GET', `${MGC}/even`)).status === 404, 60000);
  }, 90000);

  test('a MemgraphCluster gets the objects of DESIGN.md §5, owned by it', async () => {
    await env.api.must('POST', MGC, {
      apiVersion: 'mgha.io/v1alpha1',
      kind: 'MemgraphCluster',
      metadata: { name: NAME },
      spec: { image: 'mgha:e2e-1', data: { replicas: 2 }, coordinators: { replicas: 3 } },
    });
    const objects = {
      [`${APPS}/statefulsets/${NAME}-data`]: 'data',
      [`${APPS}/statefulsets/${NAME}-coord`]: 'coordinator',
      [`${CORE}/services/${NAME}-data-hl`]: 'data',
      [`${CORE}/services/${NAME}-coord-hl`]: 'coordinator',
      [`${CORE}/services/${NAME}`]: 'coordinator',
      [`${CORE}/services/${NAME}-rw`]: 'data',
      [`${CORE}/services/${NAME}-ro`]: 'data',
      [`${CORE}/services/${NAME}-r`]: 'data',
      // 1.20 has no policy/v1: the operator picked v1beta1 by discovery.
      [`/apis/policy/v1beta1/namespaces/${NS}/poddisruptionbudgets/${NAME}-data`]: 'data',
      [`/apis/policy/v1beta1/namespaces/${NS}/poddisruptionbudgets/${NAME}-coord`]: 'coordinator',
      [`${CORE}/configmaps/${NAME}-config`]: undefined,
    };
    const uid = (await mgc()).metadata.uid;
    for (const [url, component] of Object.entries(objects)) {
      const o = await wait(url, async () => {
        const r = await env.api.request<{ metadata: Meta }>('GET', url);
        return r.status === 200 ? r.body : undefined;
      }, 60000);
      expect(o.metadata.labels).toMatchObject(component ? { ...COMMON_LABELS, 'mgha.io/component': component } : COMMON_LABELS);
      expect(o.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'MemgraphCluster', name: NAME, controller: true, uid })]);
    }
    const data = await env.api.get<{ spec: { replicas: number; serviceName: string; updateStrategy: { type: string } } }>(`${APPS}/statefulsets/${NAME}-data`);
    expect(data.spec).toMatchObject({ replicas: 2, serviceName: `${NAME}-data-hl`, updateStrategy: { type: 'OnDelete' } });
    const coord = await env.api.get<{ spec: { replicas: number; updateStrategy: { type: string } } }>(`${APPS}/statefulsets/${NAME}-coord`);
    expect(coord.spec).toMatchObject({ replicas: 3, updateStrategy: { type: 'OnDelete' } });
    const rw = await env.api.get<{ spec: { selector: Record<string, string> } }>(`${CORE}/services/${NAME}-rw`);
    expect(rw.spec.selector).toMatchObject({ 'mgha.io/cluster': NAME, 'mgha.io/component': 'data', 'mgha.io/role': 'main' });
    const ro = await env.api.get<{ spec: { selector: Record<string, string> } }>(`${CORE}/services/${NAME}-ro`);
    expect(ro.spec.selector).toMatchObject({ 'mgha.io/role': 'replica' });
    const hl = await env.api.get<{ spec: { clusterIP: string } }>(`${CORE}/services/${NAME}-data-hl`);
    expect(hl.spec.clusterIP).toBe('None');
    // The controller-manager made the pods from the StatefulSets; the stand-in runs them.
    await wait('5 running pods', async () => {
      const pods = [...(await dataPods()), ...(await coordPods())];
      return pods.length === 5 && pods.every((p) => p.status?.phase === 'Running' && p.status.podIP) ? pods : undefined;
    }, 60000);
  }, 150000);

  haTest('the cluster bootstraps with no manual query: one MAIN, labels, status and Services follow', async () => {
    const { main, leader } = await wait('a bootstrapped cluster', () => settled(2), 180000);
    const coords = await coordPods();
    const coordRoles = coords.map((p) => p.metadata.labels?.['mgha.io/coordinator-role']).sort();
    expect(coordRoles).toEqual(['follower', 'follower', 'leader']);
    expect(coords.find((p) => p.metadata.labels?.['mgha.io/coordinator-role'] === 'leader')?.metadata.name).toBe(leaderPod(leader));
    const m = await mgc();
    expect(m.status?.instances?.find((i) => i.name === main)).toMatchObject({ role: 'main', health: 'up' });
    expect(m.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True' });
    // The coordinators' own view agrees (SHOW INSTANCES through the `graph` Service).
    const session = driver(`bolt://${NAME}.${NS}.svc.${DOMAIN}:7687`).session();
    try {
      const rows = (await session.run('SHOW INSTANCES')).records.map((r) => ({ name: r.get('name') as string, role: r.get('role') as string }));
      expect(rows).toEqual(expect.arrayContaining([{ name: main, role: 'main' }]));
      expect(rows.filter((r) => r.role === 'leader')).toHaveLength(1);
    } finally {
      await session.close();
    }
  }, 200000);

  haTest('writes go through the routing entry point and reach the replicas', async () => {
    const d = driver(routingUrl);
    await d.executeQuery('CREATE (:E2e {n: 1})', {}, { routing: neo4j.routing.WRITE });
    const { main } = await wait('settled', () => settled(2));
    for (const pod of (await dataPods()).map((p) => p.metadata.name).filter((n) => n !== main)) {
      const count = await wait(`the write on ${pod}`, async () => {
        const r = await driver(podUrl(pod)).executeQuery('MATCH (n:E2e) RETURN count(n) AS c');
        const c = (r.records[0]!.get('c') as { toNumber(): number }).toNumber();
        return c === 1 ? c : undefined;
      }, 30000);
      expect(count).toBe(1);
    }
  }, 90000);

  haTest('MAIN killed: the coordinators fail over and labels, status and graph-rw follow', async () => {
    const { main: old } = await wait('settled', () => settled(2));
    const started = Date.now();
    env.kubelet.signal(NS, old, 'SIGKILL');
    const next = await wait('graph-rw on a new MAIN', async () => {
      const rw = await endpointNames(`${NAME}-rw`);
      return rw.length === 1 && rw[0] !== old ? rw[0] : undefined;
    }, 60000);
    const repointedMs = Date.now() - started;
    process.stderr.write(`operator e2e: MAIN SIGKILL → graph-rw re-pointed to the new MAIN in ${repointedMs} ms\n`);
    const m = await wait('status to show the failover', async () => {
      const s = await mgc();
      return s.status?.currentMain === next && s.status.lastFailover?.to === next ? s : undefined;
    }, 30000);
    expect(m.status?.lastFailover?.from).toBe(old);
    const pod = (await dataPods()).find((p) => p.metadata.name === next);
    expect(pod?.metadata.labels?.['mgha.io/role']).toBe('main');
    // The killed pod's process is restarted by the kubelet and rejoins as a REPLICA.
    const after = await wait('the old MAIN back as a replica', () => settled(2), 120000);
    expect(after.main).toBe(next);
    const d = driver(routingUrl);
    await d.executeQuery('CREATE (:E2e {n: 2})', {}, { routing: neo4j.routing.WRITE });
    const count = await d.executeQuery('MATCH (n:E2e) RETURN count(n) AS c', {}, { routing: neo4j.routing.WRITE });
    expect((count.records[0]!.get('c') as { toNumber(): number }).toNumber()).toBe(2);
  }, 240000);

  haTest('switchover from the spec: the target becomes MAIN and graph-rw follows', async () => {
    const { main } = await wait('settled', () => settled(2));
    const target = (await dataPods()).map((p) => p.metadata.name).find((n) => n !== main)!;
    await env.api.mergePatch(`${MGC}/${NAME}`, { spec: { switchover: { target } } });
    const m = await wait('the switchover to complete', async () => {
      const s = await mgc();
      return s.status?.currentMain === target && s.status.switchover?.phase === 'Completed' ? s : undefined;
    }, 120000);
    expect(m.status?.switchover?.target).toBe(target);
    const after = await wait('settled on the target', () => settled(2), 120000);
    expect(after.main).toBe(target);
    await env.api.mergePatch(`${MGC}/${NAME}`, { spec: { switchover: null } });
  }, 260000);

  haTest('scale out registers a new REPLICA; scale in unregisters it and never removes the MAIN', async () => {
    await env.api.mergePatch(`${MGC}/${NAME}`, { spec: { data: { replicas: 3 } } });
    const out = await wait('three settled data instances', () => settled(3), 180000);
    expect(out.main).not.toBe(`${NAME}-data-2`);
    expect((await mgc()).status?.instances?.find((i) => i.name === `${NAME}-data-2`)).toMatchObject({ role: 'replica', health: 'up' });
    await env.api.mergePatch(`${MGC}/${NAME}`, { spec: { data: { replicas: 2 } } });
    const back = await wait('two settled data instances', () => settled(2), 180000);
    expect(back.main).toBe(out.main);
    expect((await mgc()).status?.instances?.map((i) => i.name)).not.toContain(`${NAME}-data-2`);
    const sts = await env.api.get<{ spec: { replicas: number } }>(`${APPS}/statefulsets/${NAME}-data`);
    expect(sts.spec.replicas).toBe(2);
  }, 400000);

  haTest('rolling upgrade (OnDelete): replicas, switchover, the old MAIN, coordinator followers, then the leader', async () => {
    const before = await wait('settled', () => settled(2));
    const since = Date.now();
    await env.api.mergePatch(`${MGC}/${NAME}`, { spec: { image: 'mgha:e2e-2' } });
    await wait('every pod on the new image, settled', async () => {
      const pods = [...(await dataPods()), ...(await coordPods())];
      if (pods.length !== 5 || pods.some((p) => p.spec.containers[0]!.image !== 'mgha:e2e-2')) return undefined;
      return settled(2);
    }, 400000);
    const deleted = env.kubelet.events.filter((e) => e.at >= since && e.kind === 'deleted' && e.namespace === NS).map((e) => e.name);
    const data = deleted.filter((n) => n.startsWith(`${NAME}-data-`));
    const coords = deleted.filter((n) => n.startsWith(`${NAME}-coord-`));
    expect(data).toEqual([...data.filter((n) => n !== before.main), before.main]);
    expect(data).toHaveLength(2);
    expect(coords).toHaveLength(3);
    expect(coords[2]).toBe(leaderPod(before.leader));
    // Every data pod went before any coordinator.
    expect(deleted.indexOf(coords[0]!)).toBeGreaterThan(deleted.indexOf(data[1]!));
    const after = await mgc();
    expect(after.status?.currentMain).not.toBe(before.main);
  }, 460000);

  test('the operator needed nothing beyond the chart RBAC (and the run lists the grants it never used)', async () => {
    const audit = fs
      .readFileSync(path.join(env.cp.dir, 'audit.log'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { verb: string; requestURI: string; objectRef?: { apiGroup?: string; resource?: string; subresource?: string }; responseStatus?: { code: number } });
    const what = (e: (typeof audit)[number]) =>
      e.objectRef?.resource === undefined ? `${e.requestURI}:${e.verb}` : `${e.objectRef.apiGroup ?? ''}/${e.objectRef.resource}${e.objectRef.subresource ? `/${e.objectRef.subresource}` : ''}:${e.verb}`;
    expect(audit.filter((e) => e.responseStatus?.code === 403).map(what)).toEqual([]);
    const used = new Set(audit.map(what));
    expect(used).toContain('mgha.io/memgraphclusters/status:patch');
    // Informers open list+watch; the audit log records the list, the watch only once it ends.
    const granted = [...OPERATOR_RULES, ...LEADER_ELECTION_RULES].flatMap((r) =>
      r.apiGroups!.flatMap((g) => r.resources!.flatMap((res) => r.verbs.map((v) => `${g}/${res}:${v}`))),
    );
    const unused = granted.filter((g) => !used.has(g) && !(g.endsWith(':watch') && used.has(g.replace(/:watch$/, ':list'))));
    process.stderr.write(`operator e2e: RBAC granted but not used in this run: ${unused.join(' ')}\n`);
  });

  test('deleting the MemgraphCluster: its owned objects are garbage-collected, volume claims stay', async () => {
    await env.api.must('DELETE', `${MGC}/${NAME}`);
    await wait('the MemgraphCluster to go', async () => (await env.api.request('GET', `${MGC}/${NAME}`)).status === 404, 120000);
    for (const url of [`${APPS}/statefulsets/${NAME}-data`, `${APPS}/statefulsets/${NAME}-coord`, `${CORE}/services/${NAME}-rw`, `${CORE}/configmaps/${NAME}-config`]) {
      await wait(`${url} to go`, async () => (await env.api.request('GET', url)).status === 404, 60000);
    }
    await wait('every pod to go', async () => {
      const left = [...(await dataPods()), ...(await coordPods())];
      if (left.length > 0) throw new Error(`left: ${left.map((p) => `${p.metadata.name} ${p.metadata.uid} deleting=${p.metadata.deletionTimestamp ?? 'no'}`).join(', ')}`);
      return true;
    }, 120000);
    const claims = await env.api.get<{ items: Array<{ metadata: Meta }> }>(`${CORE}/persistentvolumeclaims`);
    expect(claims.items.map((c) => c.metadata.name)).toContain(`data-${NAME}-data-0`);
  }, 300000);
});
