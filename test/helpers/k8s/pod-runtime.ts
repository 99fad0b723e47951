// Pure parts of the kubelet stand-in: how a Pod becomes a local process (command, args and env
// with the kubelet's $(VAR) expansion, the image's entrypoint and files, volumes mapped to host
// directories, listeners on the pod's own loopback address), the Pod status it reports, and
// the DNS names that Endpoints publish.
import type { V1Container, V1EndpointsList, V1EnvVar, V1Pod, V1PodStatus, V1Probe } from '@kubernetes/client-node';

/** What the stand-in knows of an image: the Dockerfile's ENTRYPOINT, WORKDIR and ENV. */
export interface ImageSpec {
  entrypoint: string[];
  /** Where the image's WORKDIR tree lives on this host (the repository, for mgha). */
  workdir: { image: string; host: string };
  env: Record<string, string>;
}

/** Dockerfile.dataplane, with /app being the built repository. */
export function mghaImage(repoRoot: string): ImageSpec {
  return {
    entrypoint: ['node', 'dist/dataplane/main.js'],
    workdir: { image: '/app', host: repoRoot },
    env: { NODE_ENV: 'production', MEMGRAPH_DATA_DIRECTORY: '/var/lib/memgraph' },
  };
}

/**
 * The pod's network namespace, approximated: each mgha listener binds the pod's address
 * (every listener has a bind-address flag, read from MEMGRAPH_* like all flags).
 */
export function podNetworkEnv(ip: string): Record<string, string> {
  return {
    MEMGRAPH_BOLT_ADDRESS: ip,
    MEMGRAPH_METRICS_ADDRESS: ip,
    MEMGRAPH_MANAGEMENT_ADDRESS: ip,
    MEMGRAPH_COORDINATOR_ADDRESS: ip,
    MEMGRAPH_REPLICATION_ADDRESS: ip,
  };
}

/**
 * Kubernetes' $(VAR) expansion of command, args and env values: `$$` is a literal `$`,
 * `$(NAME)` becomes the variable when defined and stays as written otherwise.
 */
export function expand(input: string, vars: Readonly<Record<string, string>>): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c !== '$' || i + 1 >= input.length) {
      out += c;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      out += Object.hasOwn(vars, name) ? vars[name] : `$(${name})`;
      i = close;
    } else {
      out += c;
    }
  }
  return out;
}

/** Env of the container: `value`s expanded in order, `fieldRef`s from the pod. */
export function containerEnv(pod: V1Pod, env: readonly V1EnvVar[], base: Readonly<Record<string, string>>): Record<string, string> {
  const vars: Record<string, string> = { ...base };
  for (const e of env) {
    if (e.value !== undefined) vars[e.name] = expand(e.value, vars);
    else if (e.valueFrom?.fieldRef) vars[e.name] = fieldRef(pod, e.valueFrom.fieldRef.fieldPath);
    else throw new Error(`env ${e.name}: only value and fieldRef are supported by the kubelet stand-in`);
  }
  return vars;
}

function fieldRef(pod: V1Pod, path: string): string {
  switch (path) {
    case 'metadata.name':
      return pod.metadata?.name ?? '';
    case 'metadata.namespace':
      return pod.metadata?.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata?.uid ?? '';
    case 'status.podIP':
      return pod.status?.podIP ?? '';
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    default:
      throw new Error(`fieldRef ${path} is not supported by the kubelet stand-in`);
  }
}

/** Rewrites container paths (mount points, the image's WORKDIR) to host paths, in one pass. */
export function mapPaths(value: string, mounts: ReadonlyArray<{ container: string; host: string }>): string {
  if (mounts.length === 0) return value;
  const byPath = new Map(mounts.map((m) => [m.container, m.host]));
  // Longest first, so /var/lib/memgraph wins over a mount at /var.
  const alternatives = [...byPath.keys()].sort((a, b) => b.length - a.length).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(`(^|[=\\s"':])(${alternatives.join('|')})(?=$|[/\\s"':])`, 'g');
  return value.replace(re, (_all, lead: string, p: string) => `${lead}${byPath.get(p)}`);
}

/**
 * The pod network. Endpoints refuse loopback addresses, so a pod's IP in the API is
 * 10.b.c.d while its process listens on 127.b.c.d; the stand-in's resolver hands out the
 * loopback twin. Nothing in mgha dials a pod IP directly: every address is a DNS name.
 */
export function loopbackOf(podIP: string): string {
  const m = /^10\.(\d+\.\d+\.\d+)$/.exec(podIP);
  if (!m) throw new Error(`${podIP} is not a pod address of the kubelet stand-in`);
  return `127.${m[1]}`;
}

export function podIPOf(loopback: string): string {
  const m = /^127\.(\d+\.\d+\.\d+)$/.exec(loopback);
  if (!m) throw new Error(`${loopback} is not a loopback address`);
  return `10.${m[1]}`;
}

export interface ProcessSpec {
  file: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

export interface ProcessContext {
  ip: string;
  image: ImageSpec;
  /** Volume name → host directory. */
  volumes: Readonly<Record<string, string>>;
  /** PATH, NODE_OPTIONS and the like from the stand-in. */
  hostEnv: Record<string, string>;
  /** `node` of the image: the running Node binary. */
  nodeBinary: string;
}

export function processSpec(pod: V1Pod, container: V1Container, ctx: ProcessContext): ProcessSpec {
  const mounts = [
    { container: ctx.image.workdir.image, host: ctx.image.workdir.host },
    ...(container.volumeMounts ?? []).map((m) => {
      const host = ctx.volumes[m.name];
      if (!host) throw new Error(`volume ${m.name} of pod ${pod.metadata?.name} has no host directory`);
      return { container: m.mountPath, host };
    }),
  ];
  const base = { ...ctx.image.env, HOSTNAME: pod.metadata?.name ?? '', ...podNetworkEnv(ctx.ip) };
  const declared = containerEnv(pod, container.env ?? [], base);
  // The stand-in's own variables name host paths already (its hosts file may well live under
  // /tmp, a mount point in the pod): they are added after the container paths are mapped.
  const env = { ...Object.fromEntries(Object.entries(declared).map(([k, v]) => [k, mapPaths(v, mounts)])), ...ctx.hostEnv };
  const vars = declared;
  // Kubernetes: `command` replaces ENTRYPOINT; `args` replace CMD (mgha's image has none).
  const command = container.command ? container.command.map((c) => expand(c, vars)) : ctx.image.entrypoint;
  const args = (container.args ?? []).map((a) => expand(a, vars));
  const argv = [...command, ...args].map((a) => mapPaths(a, mounts));
  const file = argv[0] === 'node' ? ctx.nodeBinary : argv[0]!;
  return { file, args: argv.slice(1), env, cwd: ctx.image.workdir.host };
}

/** The httpGet probe's URL on the pod's address, named ports resolved. */
export function probeUrl(probe: V1Probe, container: V1Container, ip: string): string | undefined {
  const get = probe.httpGet;
  if (!get) return undefined;
  let port = get.port as number | string;
  if (typeof port === 'string' && !/^\d+$/.test(port)) {
    const named = container.ports?.find((p) => p.name === port);
    if (!named) throw new Error(`probe port ${port} is not a container port`);
    port = named.containerPort;
  }
  return `http://${ip}:${port}${get.path ?? '/'}`;
}

export type ContainerState =
  | { kind: 'running'; startedAt: Date }
  | { kind: 'waiting'; reason: string; message?: string }
  | { kind: 'terminated'; exitCode: number; signal?: number; reason: string; startedAt: Date; finishedAt: Date };

export interface ObservedContainer {
  name: string;
  image: string;
  state: ContainerState;
  lastTerminated?: Extract<ContainerState, { kind: 'terminated' }>;
  ready: boolean;
  restartCount: number;
}

/** The status subresource a kubelet would write for a one-container pod. */
export function podStatus(ip: string, hostIP: string, startTime: Date, c: ObservedContainer): V1PodStatus {
  const condition = (type: string, ok: boolean) => ({ type, status: ok ? 'True' : 'False', lastTransitionTime: startTime });
  const state = (s: ContainerState) =>
    s.kind === 'running'
      ? { running: { startedAt: s.startedAt } }
      : s.kind === 'waiting'
        ? { waiting: { reason: s.reason, ...(s.message ? { message: s.message } : {}) } }
        : { terminated: { exitCode: s.exitCode, ...(s.signal ? { signal: s.signal } : {}), reason: s.reason, startedAt: s.startedAt, finishedAt: s.finishedAt } };
  return {
    phase: 'Running',
    podIP: ip,
    podIPs: [{ ip }],
    hostIP,
    startTime,
    conditions: [
      condition('Initialized', true),
      condition('Ready', c.ready),
      condition('ContainersReady', c.ready),
      condition('PodScheduled', true),
    ],
    containerStatuses: [
      {
        name: c.name,
        image: c.image,
        imageID: `mgha-test://${c.image}`,
        ready: c.ready,
        started: c.state.kind === 'running',
        restartCount: c.restartCount,
        state: state(c.state),
        ...(c.lastTerminated ? { lastState: state(c.lastTerminated) } : {}),
      },
    ],
  } as V1PodStatus;
}

/**
 * Cluster DNS from Endpoints (pod IPs translated to their loopback twins):
 * `<svc>.<ns>.svc.<domain>` → every ready address (for a Service
 * with a ClusterIP this stands in for kube-proxy; mgha's Services use port = targetPort), and
 * `<hostname>.<svc>.<ns>.svc.<domain>` → that pod, as for StatefulSet pods.
 */
export function dnsFromEndpoints(list: V1EndpointsList, clusterDomain: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (name: string, ip: string) => out.set(name, [...(out.get(name) ?? []), ip]);
  for (const ep of list.items) {
    const svc = `${ep.metadata?.name}.${ep.metadata?.namespace}.svc`;
    for (const subset of ep.subsets ?? []) {
      for (const a of subset.addresses ?? []) {
        const ip = loopbackOf(a.ip);
        if (!(out.get(`${svc}.${clusterDomain}`) ?? []).includes(ip)) {
          add(`${svc}.${clusterDomain}`, ip);
          add(svc, ip);
        }
        if (a.hostname) {
          out.set(`${a.hostname}.${svc}.${clusterDomain}`, [ip]);
          out.set(`${a.hostname}.${svc}`, [ip]);
        }
      }
    }
  }
  return out;
}
