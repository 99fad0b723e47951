// Starts and stops the real control plane of scripts/k8s-control-plane.sh (etcd,
// kube-apiserver, kube-controller-manager on 127.0.0.1, ports picked free) for one test file.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../ports.js';
import { repoRoot } from '../repo-root.js';
import { onAbnormalExit } from './exit-cleanup.js';

const run = promisify(execFile);
const script = path.join(repoRoot, 'scripts', 'k8s-control-plane.sh');

export interface ControlPlane {
  dir: string;
  /** Cluster admin. */
  kubeconfig: string;
  /** The operator's ServiceAccount `<operatorNamespace>/mgha-operator`: only what RBAC grants. */
  operatorKubeconfig: string;
  operatorNamespace: string;
  stop(): Promise<void>;
}

/** Why the control plane cannot run here, or undefined when its binaries are built. */
export function controlPlaneMissing(): string | undefined {
  if (!fs.existsSync('/usr/bin/etcd')) return 'etcd is not installed (Debian etcd-server)';
  const cache = process.env.MGHA_K8S_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'mgha-k8s');
  const bin = path.join(cache, '1.20.2', 'bin');
  for (const b of ['kube-apiserver', 'kube-controller-manager']) {
    if (!fs.existsSync(path.join(bin, b))) return `${path.join(bin, b)} is not built (scripts/k8s-control-plane.sh build)`;
  }
  return undefined;
}

export async function startControlPlane(operatorNamespace = 'mgha-system'): Promise<ControlPlane> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-k8s-'));
  const env = {
    ...process.env,
    ETCD_PORT: String(await freePort()),
    ETCD_PEER_PORT: String(await freePort()),
    APISERVER_PORT: String(await freePort()),
    OPERATOR_NAMESPACE: operatorNamespace,
  };
  const forget = onAbnormalExit(() => execFileSync(script, ['stop', dir], { env, stdio: 'ignore' }));
  const stop = async () => {
    forget();
    await run(script, ['stop', dir], { env });
  };
  try {
    await run(script, ['start', dir], { env, timeout: 180000 });
  } catch (err) {
    const logs = ['etcd', 'apiserver', 'controller-manager']
      .map((n) => path.join(dir, `${n}.log`))
      .filter((f) => fs.existsSync(f))
      .map((f) => `${path.basename(f)}:\n${fs.readFileSync(f, 'utf8').split('\n').slice(-15).join('\n')}`);
    await stop().catch(() => undefined);
    throw new Error(`control plane did not start: ${err instanceof Error ? err.message : String(err)}\n${logs.join('\n')}`);
  }
  return {
    dir,
    kubeconfig: path.join(dir, 'kubeconfig'),
    operatorKubeconfig: path.join(dir, 'operator.kubeconfig'),
    operatorNamespace,
    stop,
  };
}
