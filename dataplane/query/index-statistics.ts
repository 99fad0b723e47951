// Memgraph's ANALYZE GRAPH statistics: per label index the node count and average degree,
// per label+property index (and every prefix of a composite one) the number of indexed
// nodes, of distinct values, the average group size, the chi-squared statistic of the
// group sizes against a uniform distribution, and the average degree. The planner
// (executor/index-choice.ts) uses them to choose between label+property indexes as
// Memgraph does. Kept in memory: unlike Memgraph, not persisted or replicated.

import type { IndexSpec, StorageTransaction, VertexAccessor } from '../storage/types.js';
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

const pathsKey = (label: string, paths: Paths): string => JSON.stringify([label, paths]);

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

/** The statistics ANALYZE GRAPH computed, by label index and by label+property prefix. */
export class IndexStatistics {
  private readonly labels = new Map<string, LabelStats>();
  private readonly props = new Map<string, { label: string; paths: Paths; stats: LabelPropertyStats }>();

  /**
   * Computes and keeps the statistics of the label and label+property indexes of `specs`
   * (on `only` labels when given); returns Memgraph's rows, label indexes first.
   */
  analyze(tx: StorageTransaction, specs: readonly IndexSpec[], only: readonly string[] | null): Value[][] {
    const wanted = (l: string | null): l is string => l !== null && (only === null || only.includes(l));
    const labelRows: Value[][] = [];
    const propRows: Value[][] = [];
    const labelSpecs = specs.filter((s) => s.type === 'label' && wanted(s.label)).sort((a, b) => cmp(a.label as string, b.label as string));
    for (const s of labelSpecs) {
      const label = s.label as string;
      const st = labelStats(tx.verticesByLabel(label));
      this.labels.set(label, st);
      labelRows.push([label, null, BigInt(st.count), null, null, null, st.avgDegree]);
    }
    const seen = new Set<string>();
    const propSpecs = specs.filter((s) => s.type === 'label+property' && wanted(s.label));
    for (const s of propSpecs) {
      const label = s.label as string;
      // Memgraph keeps statistics for every prefix of a composite index.
      for (let k = 1; k <= s.properties.length; k++) {
        const paths = s.properties.slice(0, k);
        const key = pathsKey(label, paths);
        if (seen.has(key)) continue;
        seen.add(key);
        const stats = labelPropertyStats(tx.verticesByLabel(label), paths);
        this.props.set(key, { label, paths, stats });
        propRows.push([label, paths.map(pathText), BigInt(stats.count), BigInt(stats.distinct), stats.avgGroupSize, stats.chiSquared, stats.avgDegree]);
      }
    }
    propRows.sort((a, b) => cmp(rowText(a[0] as string, (a[1] as string[]).map((p) => [p])), rowText(b[0] as string, (b[1] as string[]).map((p) => [p]))));
    return [...labelRows, ...propRows];
  }

  /** Drops the statistics (of `only` labels when given); returns Memgraph's (label, property) rows. */
  delete(only: readonly string[] | null): Value[][] {
    const wanted = (l: string): boolean => only === null || only.includes(l);
    const rows: Value[][] = [];
    for (const label of [...this.labels.keys()].sort(cmp)) {
      if (!wanted(label)) continue;
      this.labels.delete(label);
      rows.push([label, '']);
    }
    const props = [...this.props.entries()].filter(([, e]) => wanted(e.label)).sort(([, a], [, b]) => cmp(rowText(a.label, a.paths), rowText(b.label, b.paths)));
    for (const [key, e] of props) {
      this.props.delete(key);
      rows.push([e.label, e.paths.map(pathText)]);
    }
    return rows;
  }

  /** Forgets the statistics of indexes that no longer exist (Memgraph drops them with the index). */
  prune(specs: readonly IndexSpec[]): void {
    const labels = new Set(specs.filter((s) => s.type === 'label').map((s) => s.label));
    for (const l of [...this.labels.keys()]) if (!labels.has(l)) this.labels.delete(l);
    const prefixes = new Set<string>();
    for (const s of specs) {
      if (s.type !== 'label+property' || s.label === null) continue;
      for (let k = 1; k <= s.properties.length; k++) prefixes.add(pathsKey(s.label, s.properties.slice(0, k)));
    }
    for (const k of [...this.props.keys()]) if (!prefixes.has(k)) this.props.delete(k);
  }

  labelPropertyStats(label: string, paths: Paths): LabelPropertyStats | null {
    return this.props.get(pathsKey(label, paths))?.stats ?? null;
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
