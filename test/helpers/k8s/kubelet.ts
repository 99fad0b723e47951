// A test-only kubelet stand-in. Pods stay Pending without a kubelet, so this registers one
// Node, binds unscheduled pods to it, runs each pod's container as a local process of the
// built mgha executable on the pod's own loopback address, reports status and readiness
// (its httpGet readiness probe, at the probe's period), restarts exited containers with
// kubelet-like backoff, honours deletion (SIGTERM, grace period, SIGKILL, final delete), and
// keeps a hosts file of cluster DNS names from Endpoints that every pod process (and the
// operator) resolves through (hosts-lookup.ts). Tests can send any signal to a pod's process.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { V1Endpoints, V1EndpointsList, V1Pod } from '@kubernetes/client-node';
import { formatHosts, HOSTS_FILE_ENV, writeHostsFile } from './hosts-lookup.js';
import { onAbnormalExit } from './exit-cleanup.js';
import type { KubeHttp } from './kube-http.js';
import { ListWatch } from './list-watch.js';
import { dnsFromEndpoints, podIPOf, podStatus, probeUrl, processSpec, type ContainerState, type ImageSpec, type ObservedContainer } from './pod-runtime.js';

export interface KubeletOptions {
  api: KubeHttp;
  nodeName: string;
  stateDir: string;
  /** First three octets with the dot, e.g. `127.86.4.`: pods listen on .2 to .254 (pod IPs 10.86.4.x). */
  addressPrefix: string;
  clusterDomain: string;
  image: ImageSpec;
  /** The compiled hosts-preload.js every pod process loads with --import. */
  preload: string;
  /** First restart delay; doubles per crash up to 5 minutes, like the kubelet's (10 s). */
  restartBackoffMs?: number;
}

interface PodRecord {
  uid: string;
  namespace: string;
  name: string;
  pod: V1Pod;
  ip: string;
  startTime: Date;
  volumes: Record<string, string>;
  container: ObservedContainer;
  child: ChildProcess | undefined;
  terminating: boolean;
  gone: boolean;
  probeTimer: NodeJS.Timeout | undefined;
  restartTimer: NodeJS.Timeout | undefined;
  probeFailures: number;
  statusChain: Promise<void>;
}

export interface PodEvent {
  at: number;
  kind: 'started' | 'exited' | 'ready' | 'unready' | 'deleted';
  namespace: string;
  name: string;
  detail?: string;
}

export class Kubelet {
  readonly hostsFile: string;
  /** What happened to which pod, in order: tests read rollout order and restarts from it. */
  readonly events: PodEvent[] = [];
  private readonly pods = new Map<string, PodRecord>();
  private readonly endpoints = new Map<string, V1Endpoints>();
  private readonly usedIps = new Set<string>();
  private nextIp = 2;
  private podWatch: ListWatch<V1Pod> | undefined;
  private endpointsWatch: ListWatch<V1Endpoints> | undefined;
  private stopped = false;
  readonly errors: string[] = [];
  private readonly forgetExitHook = onAbnormalExit(() => {
    for (const rec of this.pods.values()) rec.child?.kill('SIGKILL');
  });

  constructor(private readonly o: KubeletOptions) {
    fs.mkdirSync(path.join(o.stateDir, 'logs'), { recursive: true });
    this.hostsFile = path.join(o.stateDir, 'hosts');
    writeHostsFile(this.hostsFile, '');
  }

  /** Env that makes another process (the operator, a client) resolve cluster names like pods do. */
  resolverEnv(): Record<string, string> {
    return { [HOSTS_FILE_ENV]: this.hostsFile, NODE_OPTIONS: `--import=${pathToFileURL(this.o.preload).href}` };
  }

  logFile(namespace: string, name: string): string {
    return path.join(this.o.stateDir, 'logs', `${namespace}_${name}.log`);
  }

  async start(): Promise<void> {
    const { api, nodeName } = this.o;
    await api.must('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName, labels: { 'kubernetes.io/hostname': nodeName } } }, undefined, [409]);
    await api.mergePatch(`/api/v1/nodes/${nodeName}/status`, {
      status: {
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'mgha test kubelet stand-in', lastHeartbeatTime: new Date(), lastTransitionTime: new Date() }],
        addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: nodeName }],
        capacity: { cpu: String(os.cpus().length), memory: `${Math.floor(os.totalmem() / 1024)}Ki`, pods: '250' },
        allocatable: { cpu: String(os.cpus().length), memory: `${Math.floor(os.totalmem() / 1024)}Ki`, pods: '250' },
      },
    });
    this.endpointsWatch = new ListWatch<V1Endpoints>(api, '/api/v1/endpoints', {
      list: (items) => {
        this.endpoints.clear();
        for (const e of items) this.endpoints.set(key(e), e);
        this.writeHosts();
      },
      event: (type, e) => {
        if (type === 'DELETED') this.endpoints.delete(key(e));
        else this.endpoints.set(key(e), e);
        this.writeHosts();
      },
      error: (err) => this.error('endpoints watch', err),
    });
    this.podWatch = new ListWatch<V1Pod>(api, '/api/v1/pods', {
      list: (items) => {
        const uids = new Set(items.map((p) => p.metadata?.uid));
        for (const rec of this.pods.values()) if (!uids.has(rec.uid)) this.forget(rec);
        for (const p of items) this.onPod(p);
      },
      event: (type, p) => (type === 'DELETED' ? this.onPodDeleted(p) : this.onPod(p)),
      error: (err) => this.error('pod watch', err),
    });
    await this.endpointsWatch.start();
    await this.podWatch.start();
  }

  /** Sends a signal to the pod's container process; resolves with its pid. */
  signal(namespace: string, name: string, signal: NodeJS.Signals): number {
    const rec = [...this.pods.values()].find((r) => r.namespace === namespace && r.name === name && !r.gone);
    const pid = rec?.child?.pid;
    if (!rec?.child || pid === undefined || rec.child.exitCode !== null || rec.child.signalCode !== null) {
      throw new Error(`pod ${namespace}/${name} has no running process`);
    }
    rec.child.kill(signal);
    return pid;
  }

  /** The loopback address of a running pod. */
  address(namespace: string, name: string): string | undefined {
    return [...this.pods.values()].find((r) => r.namespace === namespace && r.name === name && !r.gone)?.ip;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.forgetExitHook();
    await Promise.all([this.podWatch?.stop(), this.endpointsWatch?.stop()]);
    const exits: Promise<unknown>[] = [];
    for (const rec of this.pods.values()) {
      clearTimeout(rec.probeTimer);
      clearTimeout(rec.restartTimer);
      const child = rec.child;
      if (child && child.exitCode === null && child.signalCode === null) {
        exits.push(new Promise((r) => child.once('exit', r)));
        child.kill('SIGKILL');
      }
    }
    await Promise.all(exits);
    this.pods.clear();
  }

  private error(what: string, err: unknown): void {
    if (this.stopped) return;
    this.errors.push(`${new Date().toISOString()} ${what}: ${err instanceof Error ? err.message : String(err)}`);
  }

  private record(kind: PodEvent['kind'], rec: PodRecord, detail?: string): void {
    this.events.push({ at: Date.now(), kind, namespace: rec.namespace, name: rec.name, ...(detail ? { detail } : {}) });
  }

  private writeHosts(): void {
    const list: V1EndpointsList = { items: [...this.endpoints.values()] } as V1EndpointsList;
    writeHostsFile(this.hostsFile, formatHosts(dnsFromEndpoints(list, this.o.clusterDomain)));
  }

  private onPod(pod: V1Pod): void {
    if (this.stopped) return;
    const uid = pod.metadata!.uid!;
    if (!pod.spec?.nodeName) {
      if (!pod.metadata?.deletionTimestamp) void this.bind(pod);
      return;
    }
    if (pod.spec.nodeName !== this.o.nodeName) return;
    const rec = this.pods.get(uid);
    if (!rec) {
      if (pod.metadata?.deletionTimestamp) void this.finalDelete(pod.metadata.namespace!, pod.metadata.name!, uid);
      else if (pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed') this.admit(pod);
      return;
    }
    rec.pod = pod;
    if (pod.metadata?.deletionTimestamp && !rec.terminating) this.terminate(rec);
  }

  private onPodDeleted(pod: V1Pod): void {
    const rec = this.pods.get(pod.metadata!.uid!);
    if (rec) this.forget(rec);
  }

  private async bind(pod: V1Pod): Promise<void> {
    const { namespace, name } = pod.metadata as { namespace: string; name: string };
    try {
      await this.o.api.must('POST', `/api/v1/namespaces/${namespace}/pods/${name}/binding`, {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name, namespace, uid: pod.metadata!.uid },
        target: { apiVersion: 'v1', kind: 'Node', name: this.o.nodeName },
      }, undefined, [409, 404]);
    } catch (err) {
      this.error(`bind ${namespace}/${name}`, err);
    }
  }

  private allocateIp(): string {
    for (let i = 0; i < 253; i++) {
      const n = ((this.nextIp - 2 + i) % 253) + 2;
      const ip = `${this.o.addressPrefix}${n}`;
      if (!this.usedIps.has(ip)) {
        this.usedIps.add(ip);
        this.nextIp = n + 1;
        return ip;
      }
    }
    throw new Error('no free pod address');
  }

  private admit(pod: V1Pod): void {
    const { namespace, name, uid } = pod.metadata as { namespace: string; name: string; uid: string };
    const volumes: Record<string, string> = {};
    for (const v of pod.spec?.volumes ?? []) {
      // A claim outlives its pods, as a PersistentVolume would; other volumes live with the pod.
      const dir = v.persistentVolumeClaim
        ? path.join(this.o.stateDir, 'volumes', namespace, v.persistentVolumeClaim.claimName)
        : path.join(this.o.stateDir, 'pods', uid, v.name);
      fs.mkdirSync(dir, { recursive: true });
      volumes[v.name] = dir;
    }
    const c = pod.spec!.containers[0]!;
    const rec: PodRecord = {
      uid,
      namespace,
      name,
      pod,
      ip: this.allocateIp(),
      startTime: new Date(),
      volumes,
      container: { name: c.name, image: c.image ?? '', state: { kind: 'waiting', reason: 'ContainerCreating' }, ready: false, restartCount: 0 },
      child: undefined,
      terminating: false,
      gone: false,
      probeTimer: undefined,
      restartTimer: undefined,
      probeFailures: 0,
      statusChain: Promise.resolve(),
    };
    this.pods.set(uid, rec);
    this.launch(rec);
  }

  private launch(rec: PodRecord): void {
    if (rec.terminating || rec.gone || this.stopped) return;
    const container = rec.pod.spec!.containers[0]!;
    let spec;
    try {
      spec = processSpec(rec.pod, container, {
        ip: rec.ip,
        image: this.o.image,
        volumes: rec.volumes,
        nodeBinary: process.execPath,
        hostEnv: { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, ...this.resolverEnv() },
      });
    } catch (err) {
      rec.container.state = { kind: 'waiting', reason: 'CreateContainerConfigError', message: err instanceof Error ? err.message : String(err) };
      this.pushStatus(rec);
      return;
    }
    const log = fs.openSync(this.logFile(rec.namespace, rec.name), 'a');
    fs.writeSync(log, `--- ${new Date().toISOString()} start ${[spec.file, ...spec.args].join(' ')}\n`);
    const child = spawn(spec.file, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    rec.child = child;
    const startedAt = new Date();
    rec.container.state = { kind: 'running', startedAt };
    rec.container.ready = false;
    rec.probeFailures = 0;
    this.record('started', rec, `pid ${child.pid} ip ${rec.ip}`);
    this.pushStatus(rec);
    this.scheduleProbe(rec, child, (container.readinessProbe?.initialDelaySeconds ?? 0) * 1000 + 300);
    child.once('exit', (code, signal) => {
      if (rec.child !== child) return;
      clearTimeout(rec.probeTimer);
      const terminated: Extract<ContainerState, { kind: 'terminated' }> = {
        kind: 'terminated',
        exitCode: code ?? 128 + (signal ? os.constants.signals[signal] : 0),
        ...(signal ? { signal: os.constants.signals[signal] } : {}),
        reason: code === 0 ? 'Completed' : 'Error',
        startedAt,
        finishedAt: new Date(),
      };
      rec.container.lastTerminated = terminated;
      rec.container.ready = false;
      this.record('exited', rec, signal ?? `code ${code}`);
      if (rec.terminating) {
        rec.container.state = terminated;
        void this.finalDelete(rec.namespace, rec.name, rec.uid).then(() => this.forget(rec));
        return;
      }
      if (this.stopped || rec.gone) return;
      // restartPolicy Always, with the kubelet's doubling back-off.
      const base = this.o.restartBackoffMs ?? 10000;
      const delay = Math.min(base * 2 ** Math.min(rec.container.restartCount, 10), 300000);
      rec.container.state = { kind: 'waiting', reason: 'CrashLoopBackOff', message: `back-off ${Math.round(delay / 1000)}s restarting failed container` };
      this.pushStatus(rec);
      rec.restartTimer = setTimeout(() => {
        rec.container.restartCount++;
        this.launch(rec);
      }, delay);
    });
  }

  private scheduleProbe(rec: PodRecord, child: ChildProcess, delayMs: number): void {
    const container = rec.pod.spec!.containers[0]!;
    const probe = container.readinessProbe;
    rec.probeTimer = setTimeout(async () => {
      if (rec.child !== child || child.exitCode !== null || child.signalCode !== null || rec.terminating) return;
      let ok = true;
      if (probe) {
        const url = probeUrl(probe, container, rec.ip);
        try {
          const res = url ? await fetch(url, { signal: AbortSignal.timeout((probe.timeoutSeconds ?? 1) * 1000) }) : undefined;
          ok = res === undefined || (res.status >= 200 && res.status < 400);
          await res?.arrayBuffer();
        } catch {
          ok = false;
        }
      }
      if (rec.child !== child || rec.terminating) return;
      rec.probeFailures = ok ? 0 : rec.probeFailures + 1;
      const ready = ok ? true : rec.probeFailures >= (probe?.failureThreshold ?? 3) ? false : rec.container.ready;
      if (ready !== rec.container.ready) {
        rec.container.ready = ready;
        this.record(ready ? 'ready' : 'unready', rec);
        this.pushStatus(rec);
      }
      this.scheduleProbe(rec, child, (probe?.periodSeconds ?? 10) * 1000);
    }, delayMs);
  }

  private pushStatus(rec: PodRecord): void {
    const status = podStatus(podIPOf(rec.ip), '127.0.0.1', rec.startTime, { ...rec.container });
    rec.statusChain = rec.statusChain.then(async () => {
      if (rec.gone || this.stopped) return;
      const r = await this.o.api.request('PATCH', `/api/v1/namespaces/${rec.namespace}/pods/${rec.name}/status`, { metadata: { uid: rec.uid }, status }, 'application/merge-patch+json');
      if (r.status >= 300 && r.status !== 404 && r.status !== 409) this.error(`status of ${rec.namespace}/${rec.name}`, `${r.status} ${JSON.stringify(r.body)}`);
    }).catch((err: unknown) => this.error(`status of ${rec.namespace}/${rec.name}`, err));
  }

  private terminate(rec: PodRecord): void {
    rec.terminating = true;
    clearTimeout(rec.probeTimer);
    clearTimeout(rec.restartTimer);
    const child = rec.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      void this.finalDelete(rec.namespace, rec.name, rec.uid).then(() => this.forget(rec));
      return;
    }
    const grace = rec.pod.metadata?.deletionGracePeriodSeconds ?? rec.pod.spec?.terminationGracePeriodSeconds ?? 30;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), grace * 1000);
    child.once('exit', () => clearTimeout(timer));
  }

  /** The kubelet's last word on a terminated pod: delete it with no further grace. */
  private async finalDelete(namespace: string, name: string, uid: string): Promise<void> {
    try {
      const r = await this.o.api.request('DELETE', `/api/v1/namespaces/${namespace}/pods/${name}`, { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid } });
      if (r.status >= 300 && r.status !== 404) this.error(`delete ${namespace}/${name}`, `${r.status} ${JSON.stringify(r.body)}`);
    } catch (err) {
      this.error(`delete ${namespace}/${name}`, err);
    }
  }

  private forget(rec: PodRecord): void {
    if (rec.gone) return;
    rec.gone = true;
    clearTimeout(rec.probeTimer);
    clearTimeout(rec.restartTimer);
    if (rec.child && rec.child.exitCode === null && rec.child.signalCode === null) rec.child.kill('SIGKILL');
    this.record('deleted', rec);
    this.pods.delete(rec.uid);
    this.usedIps.delete(rec.ip);
    fs.rmSync(path.join(this.o.stateDir, 'pods', rec.uid), { recursive: true, force: true });
  }
}

function key(o: { metadata?: { namespace?: string; name?: string } }): string {
  return `${o.metadata?.namespace}/${o.metadata?.name}`;
}
