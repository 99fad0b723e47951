// The operator's end-to-end environment: a real control plane, the CRD, the chart's RBAC for
// the operator's ServiceAccount, the kubelet stand-in, and the operator process
// (dist/operator/main.js) talking to the API server as that ServiceAccount.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildCrd, CRD_NAME } from '../../../operator/api/crd.js';
import {
  buildLeaderElectionRole,
  buildLeaderElectionRoleBinding,
  buildOperatorClusterRole,
  buildOperatorClusterRoleBinding,
  buildOperatorServiceAccount,
} from '../../../operator/resources/rbac.js';
import { freePort } from '../ports.js';
import { repoRoot } from '../repo-root.js';
import { startControlPlane, type ControlPlane } from './control-plane.js';
import { onAbnormalExit } from './exit-cleanup.js';
import { KubeHttp } from './kube-http.js';
import { Kubelet } from './kubelet.js';
import { mghaImage } from './pod-runtime.js';

export interface E2eEnv {
  cp: ControlPlane;
  api: KubeHttp;
  kubelet: Kubelet;
  stateDir: string;
  operatorLog: string;
  /** MemgraphCluster status, operator output and kubelet errors, for failure messages. */
  diagnostics(): Promise<string>;
  stop(): Promise<void>;
}

export async function until<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, ms: number, env?: E2eEnv): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) {
      const why = last instanceof Error ? ` (last error: ${last.message})` : '';
      throw new Error(`timed out after ${ms} ms waiting for ${what}${why}${env ? `\n${await env.diagnostics()}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

const tail = (file: string, lines: number): string =>
  fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n') : '(no file)';

// The objects the chart's rbac.yaml and crds/ are generated from (test/unit/operator checks the
// files equal them), so the operator runs with exactly the RBAC users install.
async function applyRbac(api: KubeHttp, namespace: string): Promise<void> {
  const rbac = '/apis/rbac.authorization.k8s.io/v1';
  await api.must('POST', `/api/v1/namespaces/${namespace}/serviceaccounts`, buildOperatorServiceAccount(namespace));
  await api.must('POST', `${rbac}/clusterroles`, buildOperatorClusterRole());
  await api.must('POST', `${rbac}/clusterrolebindings`, buildOperatorClusterRoleBinding(namespace));
  await api.must('POST', `${rbac}/namespaces/${namespace}/roles`, buildLeaderElectionRole(namespace));
  await api.must('POST', `${rbac}/namespaces/${namespace}/rolebindings`, buildLeaderElectionRoleBinding(namespace));
}

export async function applyCrd(api: KubeHttp): Promise<void> {
  await api.must('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', buildCrd());
  await until('the CRD to be Established', async () => {
    const got = await api.get<{ status?: { conditions?: Array<{ type: string; status: string }> } }>(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${CRD_NAME}`);
    return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') || undefined;
  }, 30000);
  // Discovery of the new group lags Established by a moment.
  await until('mgha.io in discovery', async () => (await api.request('GET', '/apis/mgha.io/v1alpha1')).status === 200 || undefined, 30000);
}

export async function startE2eEnv(namespaces: string[]): Promise<E2eEnv> {
  const preload = path.join(repoRoot, 'dist', 'test', 'helpers', 'k8s', 'hosts-preload.js');
  const operatorMain = path.join(repoRoot, 'dist', 'operator', 'main.js');
  for (const f of [preload, operatorMain, path.join(repoRoot, 'dist', 'dataplane', 'main.js')]) {
    if (!fs.existsSync(f)) throw new Error(`${f} is missing: run \`npx tsc -p .\` first`);
  }
  const cp = await startControlPlane();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-e2e-'));
  const api = new KubeHttp(cp.kubeconfig);
  let kubelet: Kubelet | undefined;
  let operator: ChildProcess | undefined;
  const operatorLog = path.join(stateDir, 'operator.log');
  const forget = onAbnormalExit(() => operator?.kill('SIGKILL'));
  const stop = async (): Promise<void> => {
    forget();
    if (operator && operator.exitCode === null && operator.signalCode === null) {
      const exited = new Promise((r) => operator!.once('exit', r));
      operator.kill('SIGTERM');
      const timer = setTimeout(() => operator!.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(timer);
    }
    await kubelet?.stop();
    await cp.stop();
    if (!process.env.MGHA_E2E_KEEP) fs.rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    for (const ns of [cp.operatorNamespace, ...namespaces]) {
      await api.must('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    }
    await applyCrd(api);
    await applyRbac(api, cp.operatorNamespace);
    // A random /24 in 127/8, so two runs on one machine do not collide.
    const prefix = `127.${100 + Math.floor(Math.random() * 100)}.${1 + Math.floor(Math.random() * 254)}.`;
    kubelet = new Kubelet({
      api,
      nodeName: 'mgha-e2e-node',
      stateDir,
      addressPrefix: prefix,
      clusterDomain: 'cluster.local',
      image: mghaImage(repoRoot),
      preload,
    });
    await kubelet.start();
    const metricsPort = await freePort();
    const log = fs.openSync(operatorLog, 'a');
    operator = spawn(process.execPath, [operatorMain], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH,
        KUBECONFIG: cp.operatorKubeconfig,
        POD_NAME: 'mgha-operator-0',
        POD_NAMESPACE: cp.operatorNamespace,
        MGHA_METRICS_ADDRESS: '127.0.0.1',
        MGHA_METRICS_PORT: String(metricsPort),
        ...kubelet.resolverEnv(),
      },
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
  } catch (err) {
    await stop();
    throw err;
  }
  const k = kubelet;
  return {
    cp,
    api,
    kubelet: k,
    stateDir,
    operatorLog,
    diagnostics: async () =>
      [
        `clusters:\n${await api
          .get<{ items: Array<{ metadata: { namespace: string; name: string }; status?: unknown }> }>('/apis/mgha.io/v1alpha1/memgraphclusters')
          .then((l) => l.items.map((c) => `${c.metadata.namespace}/${c.metadata.name} ${JSON.stringify(c.status)}`).join('\n'))
          .catch((e: unknown) => String(e))}`,
        `operator (${operatorLog}):\n${tail(operatorLog, 25)}`,
        `kubelet errors:\n${k.errors.slice(-10).join('\n')}`,
        `pod events:\n${k.events.slice(-15).map((e) => `${new Date(e.at).toISOString()} ${e.kind} ${e.namespace}/${e.name} ${e.detail ?? ''}`).join('\n')}`,
      ].join('\n'),
    stop,
  };
}
