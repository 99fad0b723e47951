// Prometheus metrics of one instance (prefix mgha_), and the Bolt hooks that feed them.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { QueryType } from '../query/engine-types.js';

export type QueryOutcome = QueryType | 'error';

/** What the Bolt server reports (the BoltHooks shape of dataplane/bolt/server.ts). */
export interface BoltMetricsHooks {
  connectionOpened(): void;
  connectionClosed(): void;
  queryFinished(type: QueryOutcome, seconds: number): void;
}

export interface StorageCountsSource {
  counts(): { vertexCount: number; edgeCount: number };
}

export interface InstanceMetrics {
  registry: Registry;
  hooks: BoltMetricsHooks;
  /** Bolt connections open now. */
  connections(): number;
  setRole(role: string): void;
  setUp(up: boolean): void;
}

const ROLES = ['main', 'replica', 'coordinator'] as const;

export function createMetrics(storage: StorageCountsSource, initialRole: string): InstanceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mgha_' });

  let open = 0;
  const connections = new Gauge({
    name: 'mgha_bolt_connections',
    help: 'Bolt connections open now',
    registers: [registry],
    collect() {
      this.set(open);
    },
  });
  const connectionsTotal = new Counter({
    name: 'mgha_bolt_connections_total',
    help: 'Bolt connections accepted since start',
    registers: [registry],
  });
  const queries = new Counter({
    name: 'mgha_queries_total',
    help: 'Queries finished, by Bolt query type (r, w, rw, s) or error',
    labelNames: ['type'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'mgha_query_duration_seconds',
    help: 'Query latency from RUN to the end of the result, by type',
    labelNames: ['type'],
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60],
    registers: [registry],
  });
  new Gauge({
    name: 'mgha_storage_vertices',
    help: 'Vertices in storage (latest committed state)',
    registers: [registry],
    collect() {
      this.set(storage.counts().vertexCount);
    },
  });
  new Gauge({
    name: 'mgha_storage_edges',
    help: 'Edges in storage (latest committed state)',
    registers: [registry],
    collect() {
      this.set(storage.counts().edgeCount);
    },
  });
  const role = new Gauge({
    name: 'mgha_instance_role',
    help: '1 for the role this instance has now',
    labelNames: ['role'],
    registers: [registry],
  });
  const up = new Gauge({ name: 'mgha_instance_up', help: '1 while the instance serves queries', registers: [registry] });

  // Label children bound once per query type: labels() per query is measurably slow.
  const byType = new Map<QueryOutcome, { inc(): void; observe(seconds: number): void }>();
  const bindType = (type: QueryOutcome) => {
    const counter = queries.labels({ type });
    const histogram = duration.labels({ type });
    const child = { inc: () => counter.inc(), observe: (seconds: number) => histogram.observe(seconds) };
    byType.set(type, child);
    return child;
  };

  const setRole = (r: string): void => {
    for (const known of ROLES) role.set({ role: known }, known === r ? 1 : 0);
    if (!(ROLES as readonly string[]).includes(r)) role.set({ role: r }, 1);
  };
  setRole(initialRole);
  up.set(0);
  connections.set(0);

  return {
    registry,
    connections: () => open,
    setRole,
    setUp: (v) => up.set(v ? 1 : 0),
    hooks: {
      connectionOpened() {
        open++;
        connectionsTotal.inc();
      },
      connectionClosed() {
        open = Math.max(0, open - 1);
      },
      queryFinished(type, seconds) {
        const child = byType.get(type) ?? bindType(type);
        child.inc();
        child.observe(seconds);
      },
    },
  };
}
