// Prometheus metrics of one instance (prefix mgha_), and the Bolt hooks that feed them.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { QueryType } from '../query/engine-types.js';
import { TalliedHistogram } from './tallied-histogram.js';

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

const QUERY_DURATION = 'mgha_query_duration_seconds';
const QUERY_DURATION_HELP = 'Query latency from RUN to the end of the result, by type';
const QUERY_SECONDS_BUCKETS = [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60];

/**
 * mgha_query_duration_seconds, tallied in plain numbers per query type (TalliedHistogram):
 * tallying saved 3.4 of 24.6 µs of server CPU per `RETURN 1` (bench/cost-ab.ts, 16 raw
 * clients, bench/results/2026-12-03-cost.txt).
 */
class QueryDurationHistogram extends TalliedHistogram<'type'> {
  constructor(registry: Registry) {
    super({ name: QUERY_DURATION, help: QUERY_DURATION_HELP, labelNames: ['type'], buckets: QUERY_SECONDS_BUCKETS, registry });
  }

  record(type: QueryOutcome, seconds: number): void {
    this.observeInto(this.tally(type, { type }), seconds);
  }
}

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
  // Per-query counts in plain numbers, added to the counter when scraped (see QueryDurationHistogram).
  const finished = new Map<QueryOutcome, number>();
  const reported = new Map<QueryOutcome, number>();
  new Counter({
    name: 'mgha_queries_total',
    help: 'Queries finished, by Bolt query type (r, w, rw, s) or error',
    labelNames: ['type'],
    registers: [registry],
    collect() {
      for (const [type, n] of finished) {
        const delta = n - (reported.get(type) ?? 0);
        if (delta > 0) this.inc({ type }, delta);
        reported.set(type, n);
      }
    },
  });
  const duration = new QueryDurationHistogram(registry);
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
        finished.set(type, (finished.get(type) ?? 0) + 1);
        duration.record(type, seconds);
      },
    },
  };
}
