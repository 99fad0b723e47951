// Operator settings from the environment (the Helm chart sets them), parsed without I/O.

export interface OperatorOptions {
  /** Empty: every namespace. */
  watchNamespace: string;
  clusterDomain: string;
  /** Leader-election identity, the pod name. */
  identity: string;
  /** Namespace of the leader-election Lease, the operator's own. */
  namespace: string;
  leaderElect: boolean;
  metricsAddress: string;
  metricsPort: number;
  workers: number;
}

export class OptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptionsError';
  }
}

function positiveInt(env: Readonly<Record<string, string | undefined>>, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new OptionsError(`${name} must be an integer from 1 to ${max}, not '${raw}'`);
  return n;
}

export function parseOptions(env: Readonly<Record<string, string | undefined>>, hostname: string): OperatorOptions {
  const elect = (env.MGHA_LEADER_ELECT ?? 'true').toLowerCase();
  if (elect !== 'true' && elect !== 'false') throw new OptionsError(`MGHA_LEADER_ELECT must be true or false, not '${env.MGHA_LEADER_ELECT}'`);
  return {
    watchNamespace: env.MGHA_WATCH_NAMESPACE ?? '',
    clusterDomain: env.MGHA_CLUSTER_DOMAIN || 'cluster.local',
    identity: env.POD_NAME || hostname,
    namespace: env.POD_NAMESPACE || 'default',
    leaderElect: elect === 'true',
    metricsAddress: env.MGHA_METRICS_ADDRESS || '0.0.0.0',
    metricsPort: positiveInt(env, 'MGHA_METRICS_PORT', 8080, 65535),
    workers: positiveInt(env, 'MGHA_WORKERS', 2, 64),
  };
}
