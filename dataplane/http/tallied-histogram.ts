// A Prometheus histogram tallied in plain numbers per label set and turned into samples
// only when scraped (the same samples prom-client's Histogram gives). prom-client's
// observe() converts, validates and hashes the labels on every call, even through a bound
// child; on hot paths (a query, a replication RPC) that was a visible share of the CPU.

import { Histogram, type Registry } from 'prom-client';

/** prom-client's internal sample list of a histogram (not in its typings). */
interface HistogramSamples {
  name: string;
  help: string;
  type: 'histogram';
  aggregator: 'sum';
  values: { labels: Record<string, string | number>; sharedLabels: Record<string, string>; value: number; metricName: string }[];
}

/** One label set's observations: counts per bucket (not cumulative), sum and count. */
export interface Tally {
  buckets: number[];
  sum: number;
  count: number;
}

export class TalliedHistogram<L extends string> extends Histogram<L> {
  private readonly tallies = new Map<string, { labels: Record<L, string>; tally: Tally }>();
  private readonly bucketBounds: readonly number[];
  private readonly metricName: string;
  private readonly metricHelp: string;

  constructor(spec: { name: string; help: string; labelNames: readonly L[]; buckets: readonly number[]; registry: Registry }) {
    super({ name: spec.name, help: spec.help, labelNames: spec.labelNames, buckets: [...spec.buckets], registers: [spec.registry] });
    this.bucketBounds = spec.buckets;
    this.metricName = spec.name;
    this.metricHelp = spec.help;
  }

  /**
   * The tally of one label set, created on first use; `key` names the set (callers keep
   * it cheap, e.g. a fixed string per set). Record into it with observeInto().
   */
  tally(key: string, labels: Record<L, string>): Tally {
    let entry = this.tallies.get(key);
    if (entry === undefined) {
      entry = { labels, tally: { buckets: this.bucketBounds.map(() => 0), sum: 0, count: 0 } };
      this.tallies.set(key, entry);
    }
    return entry.tally;
  }

  observeInto(t: Tally, seconds: number): void {
    const bounds = this.bucketBounds;
    let i = 0;
    while (i < bounds.length && seconds > bounds[i]) i++;
    if (i < bounds.length) t.buckets[i]++;
    t.sum += seconds;
    t.count++;
  }

  /** What prom-client's registry formats a histogram from. */
  getForPromString(): Promise<HistogramSamples> {
    const name = this.metricName;
    const values: HistogramSamples['values'] = [];
    for (const { labels, tally } of this.tallies.values()) {
      const sharedLabels: Record<string, string> = labels;
      let cumulative = 0;
      this.bucketBounds.forEach((le, i) => {
        cumulative += tally.buckets[i];
        values.push({ labels: { le }, sharedLabels, value: cumulative, metricName: `${name}_bucket` });
      });
      values.push({ labels: { le: '+Inf' }, sharedLabels, value: tally.count, metricName: `${name}_bucket` });
      values.push({ labels: {}, sharedLabels, value: tally.sum, metricName: `${name}_sum` });
      values.push({ labels: {}, sharedLabels, value: tally.count, metricName: `${name}_count` });
    }
    return Promise.resolve({ name, help: this.metricHelp, type: 'histogram', values, aggregator: 'sum' });
  }
}
