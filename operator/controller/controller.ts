// The work loop: keys (`namespace/name`) come from watches and timers, one reconcile per key
// at a time; success schedules the requeue the reconcile asked for, failure backs off per key.
import type { ControllerMetrics } from './metrics.js';
import type { ReconcileResult } from './reconciler.js';
import type { WorkQueue } from './workqueue.js';

export type ReconcileFn = (namespace: string, name: string) => Promise<ReconcileResult>;

export interface ControllerLog {
  error(fields: Record<string, unknown>, message: string): void;
}

export function clusterKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}

export class Controller {
  constructor(
    private readonly queue: WorkQueue,
    private readonly reconcile: ReconcileFn,
    private readonly metrics: ControllerMetrics,
    private readonly log: ControllerLog,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  enqueue(namespace: string, name: string): void {
    this.queue.add(clusterKey(namespace, name));
  }

  /** Processes keys until the queue shuts down; `workers` keys at a time (never the same key twice). */
  async run(workers = 1): Promise<void> {
    await Promise.all(Array.from({ length: workers }, () => this.worker()));
  }

  private async worker(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      await this.process(key);
    }
  }

  /** One key; exposed for tests. */
  async process(key: string): Promise<void> {
    const started = this.clock();
    try {
      const result = await this.reconcile(...splitKey(key));
      this.queue.forget(key);
      this.metrics.observe('success', (this.clock() - started) / 1000);
      if (result.requeueAfterMs !== undefined) this.queue.addAfter(key, result.requeueAfterMs);
    } catch (e) {
      this.metrics.observe('error', (this.clock() - started) / 1000);
      const delayMs = this.queue.addRateLimited(key);
      this.log.error({ cluster: key, err: e instanceof Error ? e.message : String(e), retryInMs: delayMs }, 'reconcile failed');
    } finally {
      this.queue.done(key);
    }
  }
}
