// Leader election on a coordination.k8s.io/v1 Lease, as client-go does it: the holder renews
// the lease every retry period; another candidate takes it over only after it expired;
// a leader that cannot renew within the renew deadline stops leading (the process exits and
// restarts as a candidate, so two operators never reconcile at once). Writes carry the
// resourceVersion read, so two candidates cannot both win one round.
import { ApiException, CoordinationV1Api, type KubeConfig, type V1Lease } from '@kubernetes/client-node';

export interface LeaseRecord {
  holder?: string;
  /** Epoch milliseconds. */
  renewTime?: number;
  durationSeconds?: number;
  transitions?: number;
  resourceVersion?: string;
}

export type LeaseStep = 'create' | 'renew' | 'takeover' | 'wait';

/** What a candidate does with the lease it read (null: none exists). */
export function decideLease(lease: LeaseRecord | null, identity: string, nowMs: number): LeaseStep {
  if (!lease) return 'create';
  if (lease.holder === identity) return 'renew';
  const expires = (lease.renewTime ?? 0) + (lease.durationSeconds ?? 0) * 1000;
  return lease.holder === undefined || lease.holder === '' || expires <= nowMs ? 'takeover' : 'wait';
}

export interface LeaseStore {
  get(): Promise<LeaseRecord | null>;
  create(record: LeaseRecord): Promise<void>;
  /** Refused (throws) when the lease changed since `record.resourceVersion`. */
  update(record: LeaseRecord): Promise<void>;
}

export interface ElectionOptions {
  identity: string;
  leaseDurationSeconds: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

export const DEFAULT_ELECTION: Omit<ElectionOptions, 'identity'> = { leaseDurationSeconds: 15, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

/** One round: true when this candidate holds the lease afterwards. */
export async function tryAcquireOrRenew(store: LeaseStore, options: ElectionOptions, nowMs: number): Promise<boolean> {
  const lease = await store.get();
  const step = decideLease(lease, options.identity, nowMs);
  const mine: LeaseRecord = { holder: options.identity, renewTime: nowMs, durationSeconds: options.leaseDurationSeconds };
  try {
    if (step === 'create') await store.create({ ...mine, transitions: 0 });
    else if (step === 'renew') await store.update({ ...lease, ...mine });
    else if (step === 'takeover') await store.update({ ...lease, ...mine, transitions: (lease?.transitions ?? 0) + 1 });
    else return false;
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until leading, calls `onStarted`, then renews until a renewal misses the deadline or
 * `signal` aborts; then calls `onStopped` once.
 */
export async function runLeaderElection(
  store: LeaseStore,
  options: ElectionOptions,
  callbacks: { onStarted(): void; onStopped(): void },
  signal: AbortSignal,
  now: () => number = Date.now,
): Promise<void> {
  while (!signal.aborted && !(await tryAcquireOrRenew(store, options, now()).catch(() => false))) await sleep(options.retryPeriodMs);
  if (signal.aborted) return;
  callbacks.onStarted();
  let lastRenew = now();
  while (!signal.aborted) {
    await sleep(options.retryPeriodMs);
    if (await tryAcquireOrRenew(store, options, now()).catch(() => false)) lastRenew = now();
    else if (now() - lastRenew > options.renewDeadlineMs) break;
  }
  callbacks.onStopped();
}

/** The LeaseStore of a Lease object through the API server. */
/**
 * A Kubernetes MicroTime: RFC 3339 with exactly six fractional digits. The API server refuses
 * anything else with 400 (`cannot parse ".132Z" as ".000000"`), and client-node would send a
 * Date as toISOString(), which has three.
 */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function kubeLeaseStore(kc: KubeConfig, namespace: string, name: string): LeaseStore {
  const api = kc.makeApiClient(CoordinationV1Api);
  const body = (r: LeaseRecord): V1Lease => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace, ...(r.resourceVersion ? { resourceVersion: r.resourceVersion } : {}) },
    spec: {
      holderIdentity: r.holder,
      leaseDurationSeconds: r.durationSeconds,
      // A string passes client-node's serializer untouched; see microTime.
      renewTime: r.renewTime === undefined ? undefined : (microTime(r.renewTime) as unknown as Date),
      leaseTransitions: r.transitions,
    },
  });
  return {
    async get() {
      try {
        const l = await api.readNamespacedLease({ namespace, name });
        return {
          holder: l.spec?.holderIdentity,
          renewTime: l.spec?.renewTime ? new Date(l.spec.renewTime).getTime() : undefined,
          durationSeconds: l.spec?.leaseDurationSeconds,
          transitions: l.spec?.leaseTransitions,
          resourceVersion: l.metadata?.resourceVersion,
        };
      } catch (e) {
        if (e instanceof ApiException && e.code === 404) return null;
        throw e;
      }
    },
    async create(r) {
      await api.createNamespacedLease({ namespace, body: body(r) });
    },
    async update(r) {
      await api.replaceNamespacedLease({ namespace, name, body: body(r) });
    },
  };
}
