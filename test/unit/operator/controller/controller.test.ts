import { Registry } from 'prom-client';
import { Controller, clusterKey, splitKey } from '../../../../operator/controller/controller.js';
import { controllerMetrics } from '../../../../operator/controller/metrics.js';
import { WorkQueue, type Timers } from '../../../../operator/controller/workqueue.js';

// Timers that record delays and never fire on their own.
class RecordingTimers implements Timers {
  readonly delays: number[] = [];
  setTimeout(_fn: () => void, ms: number): unknown {
    this.delays.push(ms);
    return this.delays.length;
  }
  clearTimeout(): void {}
}

function setup(reconcile: (ns: string, name: string) => Promise<{ requeueAfterMs?: number }>) {
  const timers = new RecordingTimers();
  const queue = new WorkQueue(timers, { baseMs: 100, maxMs: 1000 }, () => 0);
  const registry = new Registry();
  const errors: string[] = [];
  const retries: unknown[] = [];
  const controller = new Controller(queue, reconcile, controllerMetrics(registry, () => queue.depth()), {
    error: (f, m) => {
      errors.push(m);
      retries.push(f.retryInMs);
    },
  });
  return { timers, queue, registry, errors, retries, controller };
}

test('keys are namespace/name', () => {
  expect(clusterKey('ns', 'graph')).toBe('ns/graph');
  expect(splitKey('ns/graph')).toEqual(['ns', 'graph']);
});

test('success: the requested requeue is scheduled and counted', async () => {
  const seen: string[] = [];
  const { timers, registry, controller } = setup(async (ns, name) => {
    seen.push(`${ns}/${name}`);
    return { requeueAfterMs: 30_000 };
  });
  await controller.process('ns/graph');
  expect(seen).toEqual(['ns/graph']);
  expect(timers.delays).toEqual([30_000]);
  expect(await registry.getSingleMetricAsString('mgha_operator_reconcile_total')).toContain('mgha_operator_reconcile_total{result="success"} 1');
});

test('failure: exponential backoff per key, logged and counted; success resets it', async () => {
  let fail = true;
  const { retries, registry, errors, controller, queue } = setup(async () => {
    if (fail) throw new Error('apiserver down');
    return {};
  });
  await controller.process('ns/graph');
  await controller.process('ns/graph');
  await controller.process('ns/graph');
  expect(retries).toEqual([100, 200, 400]);
  expect(errors).toEqual(['reconcile failed', 'reconcile failed', 'reconcile failed']);
  expect(await registry.getSingleMetricAsString('mgha_operator_reconcile_errors_total')).toContain('mgha_operator_reconcile_errors_total 3');
  fail = false;
  await controller.process('ns/graph');
  expect(queue.failuresOf('ns/graph')).toBe(0);
});

test('run drains the queue with workers and returns on shutdown; queue depth is a metric', async () => {
  const seen: string[] = [];
  const { controller, queue, registry } = setup(async (_ns, name) => {
    seen.push(name);
    return {};
  });
  controller.enqueue('ns', 'a');
  controller.enqueue('ns', 'b');
  expect(await registry.getSingleMetricAsString('mgha_operator_queue_depth')).toContain('mgha_operator_queue_depth 2');
  const running = controller.run(2);
  await new Promise((r) => setTimeout(r, 10));
  queue.shutDown();
  await running;
  expect(seen.sort()).toEqual(['a', 'b']);
});
