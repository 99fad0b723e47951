// Memgraph's ANALYZE GRAPH statistics: per label index the node count and average degree,
// per label+property index (and every prefix of a composite one) the number of indexed
// nodes, of distinct values, the average group size, the chi-squared statistic of the
// group sizes against a uniform distribution, and the average degree. The planner
// (executor/index-choice.ts) uses them to choose between label+property indexes as
// Memgraph does. Kept as storage metadata (storage/metadata.ts keys), so, as in Memgraph,
// they survive restarts and reach replicas; dropping an index drops its statistics.

import type { IndexSpec, MetadataView, StorageTransaction, VertexAccessor } from '../storage/types.js';
import { LABEL_STATS, labelStatsKey, PROP_STATS, propStatsKey } from '../storage/metadata.js';
import { nestedValue, pathText } from '../storage/index-spec.js';
import { groupKey } from '../values/ops.js';
import type { Value } from '../values/model.js';

export interface LabelStats {
  count: number;
  avgDegree: number;
}

export interface LabelPropertyStats {
  count: number;
  distinct: number;
  avgGroupSize: number;
  chiSquared: number;
  avgDegree: number;
}

type Paths = readonly (readonly string[])[];

/** What a statistics statement answers, and the metadata writes (null: remove) that keep its result. */
export interface StatisticsChange {
  rows: Value[][];
  writes: [string, Value][];
}

/** `ANALYZE GRAPH` result columns (Memgraph's names). */
export const ANALYZE_COLUMNS = ['label', 'property', 'num estimation nodes', 'num groups', 'avg group size', 'chi-squared value', 'avg degree'];
/** `ANALYZE GRAPH DELETE STATISTICS` result columns. */
export const DELETE_COLUMNS = ['label', 'property'];

const degree = (v: VertexAccessor): number => v.outDegree() + v.inDegree();

/** The statistics of one label+property prefix, from the nodes of its label. */
export function labelPropertyStats(nodes: Iterable<VertexAccessor>, paths: Paths): LabelPropertyStats {
  const groups = new Map<string, number>();
  let count = 0;
  let degrees = 0;
  for (const v of nodes) {
    const values: Value[] = paths.map((p) => nestedValue(v.getProperty(p[0]), p));
    // As the index: a node gets an entry unless every indexed value is null.
    if (values.every((x) => x === null)) continue;
    const key = groupKey(values.length === 1 ? values[0] : values);
    groups.set(key, (groups.get(key) ?? 0) + 1);
    count++;
    degrees += degree(v);
  }
  const avgGroupSize = groups.size === 0 ? 0 : count / groups.size;
  let chiSquared = 0;
  for (const n of groups.values()) chiSquared += (n - avgGroupSize) ** 2 / avgGroupSize;
  return { count, distinct: groups.size, avgGroupSize, chiSquared, avgDegree: count === 0 ? 0 : degrees / count };
}

export function labelStats(nodes: Iterable<VertexAccessor>): LabelStats {
  let count = 0;
  let degrees = 0;
  for (const v of nodes) {
    count++;
    degrees += degree(v);
  }
  return { count, avgDegree: count === 0 ? 0 : degrees / count };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** Rows sort by label, then property paths (a prefix first). */
const rowText = (label: string, paths: Paths): string => `${label}\u0000${paths.map(pathText).join('\u0000')}`;

/** Stored as lists of floats: [count, avgDegree] and [count, distinct, avgGroupSize, chiSquared, avgDegree]. */
const labelValue = (st: LabelStats): Value => [st.count, st.avgDegree];
const propValue = (st: LabelPropertyStats): Value => [st.count, st.distinct, st.avgGroupSize, st.chiSquared, st.avgDegree];

/** A label+property key's label and paths (propStatsKey's layout). */
function parsePropKey(key: string): { label: string; paths: Paths } {
  const [label, paths] = JSON.parse(key.slice(PROP_STATS.length)) as [string, string[][]];
  return { label, paths };
}

/** ANALYZE GRAPH's statistics over the storage's metadata: computed here, committed by the caller. */
export class IndexStatistics {
  /** `meta` is asked anew each time: a replica that loads a snapshot gets new metadata. */
  constructor(private readonly meta: () => MetadataView) {}

  /**
   * Computes the statistics of the label and label+property indexes of `specs` (on `only`
   * labels when given): Memgraph's rows, label indexes first, and the writes that keep them.
   */
  analyze(tx: StorageTransaction, specs: readonly IndexSpec[], only: readonly string[] | null): StatisticsChange {
    const wanted = (l: string | null): l is string => l !== null && (only === null || only.includes(l));
    const labelRows: Value[][] = [];
    const propRows: Value[][] = [];
    const writes: [string, Value][] = [];
    const labelSpecs = specs.filter((s) => s.type === 'label' && wanted(s.label)).sort((a, b) => cmp(a.label as string, b.label as string));
    for (const s of labelSpecs) {
      const label = s.label as string;
      const st = labelStats(tx.verticesByLabel(label));
      writes.push([labelStatsKey(label), labelValue(st)]);
      labelRows.push([label, null, BigInt(st.count), null, null, null, st.avgDegree]);
    }
    const seen = new Set<string>();
    const propSpecs = specs.filter((s) => s.type === 'label+property' && wanted(s.label));
    for (const s of propSpecs) {
      const label = s.label as string;
      // Memgraph keeps statistics for every prefix of a composite index.
      for (let k = 1; k <= s.properties.length; k++) {
        const paths = s.properties.slice(0, k);
        const key = propStatsKey(label, paths);
        if (seen.has(key)) continue;
        seen.add(key);
        const stats = labelPropertyStats(tx.verticesByLabel(label), paths);
        writes.push([key, propValue(stats)]);
        propRows.push([label, paths.map(pathText), BigInt(stats.count), BigInt(stats.distinct), stats.avgGroupSize, stats.chiSquared, stats.avgDegree]);
      }
    }
    propRows.sort((a, b) => cmp(rowText(a[0] as string, (a[1] as string[]).map((p) => [p])), rowText(b[0] as string, (b[1] as string[]).map((p) => [p]))));
    return { rows: [...labelRows, ...propRows], writes };
  }

  /** Drops the statistics (of `only` labels when given): Memgraph's (label, property) rows and the removals. */
  delete(only: readonly string[] | null): StatisticsChange {
    const wanted = (l: string): boolean => only === null || only.includes(l);
    const meta = this.meta();
    const rows: Value[][] = [];
    const writes: [string, Value][] = [];
    const labels = meta.withPrefix(LABEL_STATS).map(([key]) => key.slice(LABEL_STATS.length));
    for (const label of labels.sort(cmp)) {
      if (!wanted(label)) continue;
      writes.push([labelStatsKey(label), null]);
      rows.push([label, '']);
    }
    const props = meta
      .withPrefix(PROP_STATS)
      .map(([key]) => ({ key, ...parsePropKey(key) }))
      .filter((e) => wanted(e.label))
      .sort((a, b) => cmp(rowText(a.label, a.paths), rowText(b.label, b.paths)));
    for (const e of props) {
      writes.push([e.key, null]);
      rows.push([e.label, e.paths.map(pathText)]);
    }
    return { rows, writes };
  }

  labelPropertyStats(label: string, paths: Paths): LabelPropertyStats | null {
    const v = this.meta().get(propStatsKey(label, paths));
    if (!Array.isArray(v) || v.length !== 5) return null;
    const [count, distinct, avgGroupSize, chiSquared, avgDegree] = v as number[];
    return { count, distinct, avgGroupSize, chiSquared, avgDegree };
  }
}

/**
 * Memgraph's choice between two label+property indexes with statistics: one with at least
 * 10x fewer nodes wins; otherwise the smaller average group size, then the distribution
 * closer to uniform (smaller chi-squared), then fewer nodes. Negative: `a` is better.
 */
export function compareByStatistics(a: LabelPropertyStats, b: LabelPropertyStats): number {
  if (a.count * 10 <= b.count) return -1;
  if (b.count * 10 <= a.count) return 1;
  if (a.avgGroupSize !== b.avgGroupSize) return a.avgGroupSize - b.avgGroupSize;
  if (a.chiSquared !== b.chiSquared) return a.chiSquared - b.chiSquared;
  return a.count - b.count;
}
