// Operator metrics (prom-client, prefix mgha_operator_): reconcile count by result,
// duration, errors, queue depth.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface ControllerMetrics {
  observe(result: 'success' | 'error', seconds: number): void;
}

export function controllerMetrics(registry: Registry, depth: () => number): ControllerMetrics {
  const total = new Counter({ name: 'mgha_operator_reconcile_total', help: 'Reconciles by result.', labelNames: ['result'], registers: [registry] });
  const errors = new Counter({ name: 'mgha_operator_reconcile_errors_total', help: 'Reconciles that failed and were retried with backoff.', registers: [registry] });
  const duration = new Histogram({
    name: 'mgha_operator_reconcile_duration_seconds',
    help: 'Time of one reconcile.',
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  new Gauge({
    name: 'mgha_operator_queue_depth',
    help: 'Clusters waiting to be reconciled.',
    registers: [registry],
    collect() {
      this.set(depth());
    },
  });
  return {
    observe(result, seconds) {
      total.inc({ result });
      if (result === 'error') errors.inc();
      duration.observe(seconds);
    },
  };
}
