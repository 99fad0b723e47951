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

const QUERY_DURATION = 'mgha_query_duration_seconds';
const QUERY_DURATION_HELP = 'Query latency from RUN to the end of the result, by type';
const QUERY_SECONDS_BUCKETS = [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60];

/** prom-client's internal sample list of a histogram (not in its typings). */
interface HistogramSamples {
  name: string;
  help: string;
  type: 'histogram';
  aggregator: 'sum';
  values: { labels: Record<string, string | number>; sharedLabels: Record<string, string>; value: number; metricName: string }[];
}

/** One query type's latencies: counts per bucket (not cumulative), sum and count. */
interface Tally {
  buckets: number[];
  sum: number;
  count: number;
}

/**
 * mgha_query_duration_seconds, tallied in plain numbers per query and turned into
 * Prometheus samples only when scraped (the same samples prom-client's Histogram gives).
 * prom-client's inc()/observe() convert, validate and hash the labels on every call, even
 * through a bound child: tallying here saved 3.4 of 24.6 µs of server CPU per `RETURN 1`
 * (bench/cost-ab.ts, 16 raw clients, bench/results/2026-12-03-cost.txt).
 */
class QueryDurationHistogram extends Histogram<'type'> {
  private readonly tallies = new Map<QueryOutcome, Tally>();

  constructor(registry: Registry) {
    super({
      name: QUERY_DURATION,
      help: QUERY_DURATION_HELP,
      labelNames: ['type'],
      buckets: QUERY_SECONDS_BUCKETS,
      registers: [registry],
    });
  }

  record(type: QueryOutcome, seconds: number): void {
    let t = this.tallies.get(type);
    if (t === undefined) {
      t = { buckets: QUERY_SECONDS_BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.tallies.set(type, t);
    }
    let i = 0;
    while (i < QUERY_SECONDS_BUCKETS.length && seconds > QUERY_SECONDS_BUCKETS[i]) i++;
    if (i < QUERY_SECONDS_BUCKETS.length) t.buckets[i]++;
    t.sum += seconds;
    t.count++;
  }

  /**
   * What prom-client's registry (and Histogram.get) format a histogram from; its own
   * Histogram builds the same samples from its label hash map here.
   */
  getForPromString(): Promise<HistogramSamples> {
    const name = QUERY_DURATION;
    const values: HistogramSamples['values'] = [];
    for (const [type, t] of this.tallies) {
      let cumulative = 0;
      QUERY_SECONDS_BUCKETS.forEach((le, i) => {
        cumulative += t.buckets[i];
        values.push({ labels: { le }, sharedLabels: { type }, value: cumulative, metricName: `${name}_bucket` });
      });
      values.push({ labels: { le: '+Inf' }, sharedLabels: { type }, value: t.count, metricName: `${name}_bucket` });
      values.push({ labels: {}, sharedLabels: { type }, value: t.sum, metricName: `${name}_sum` });
      values.push({ labels: {}, sharedLabels: { type }, value: t.count, metricName: `${name}_count` });
    }
    return Promise.resolve({ name, help: QUERY_DURATION_HELP, type: 'histogram', values, aggregator: 'sum' });
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
