// Chooses whether a MATCH can start on a relationship through an edge index: an
// edge-type+property index (`r.p = x`, `IN`, a range), a global edge-property index (of any
// type; the type is checked per edge) or an edge-type index. Memgraph's operators:
// ScanAllByEdgeType, ScanAllByEdgeTypePropertyValue/Range, ScanAllByEdgePropertyValue/Range.
// The property conjuncts stay pending, so a Filter re-checks them. Pure.

import type { Expr, RelationshipPattern } from '../ast.js';
import type { EdgeIndexQuery } from '../../storage/types.js';
import { compileFilters, propertyCandidates, type Candidates, type IndexCatalog } from './index-choice.js';
import type { CompileEnv } from './expressions.js';
import type { ExecContext, Row } from './types.js';

/** Evaluated per input row: the edge index lookups to do, or null for "no match". */
export type EdgeLookups = (row: Row, ctx: ExecContext) => EdgeIndexQuery[] | null;

export interface EdgeIndexChoice {
  cost: number;
  /** e.g. ScanAllByEdgeTypePropertyValue */
  operator: string;
  /** `{p}` of the description, or null. */
  property: string | null;
  lookups: (env: CompileEnv) => EdgeLookups;
}

interface PendingConjunct {
  expr: Expr | null;
}

function propertyChoice(type: string | null, prop: string, c: Candidates, est: number, base: string): EdgeIndexChoice {
  const [divisor, kind] = c.eq !== null ? [10, 'Value'] : c.in !== null ? [5, 'Value'] : [3, 'Range'];
  return {
    cost: est / divisor,
    operator: `${base}${kind}`,
    property: prop,
    lookups: (env) => {
      const filters = compileFilters(c, env);
      return (row, ctx) => filters(row, ctx)?.map((filter): EdgeIndexQuery => ({ type, property: prop, filter })) ?? null;
    },
  };
}

/** The cheapest edge index start for a single-hop relationship, if any applies. */
export function chooseEdgeIndex(r: RelationshipPattern, pending: PendingConjunct[], ready: (x: Expr) => boolean, catalog: IndexCatalog): EdgeIndexChoice | null {
  if (r.varLength !== null || r.types.length > 1) return null;
  const type = r.types.length === 1 ? r.types[0] : null;
  const byKey = propertyCandidates(r.variable as string, pending, ready);
  let best: EdgeIndexChoice | null = null;
  const consider = (c: EdgeIndexChoice): void => {
    if (best === null || c.cost < best.cost) best = c;
  };
  for (const spec of catalog.indexSpecs()) {
    if (spec.type === 'edge-type' && spec.label === type && type !== null) {
      const est = catalog.indexSize(spec);
      if (est !== null) consider({ cost: est, operator: 'ScanAllByEdgeType', property: null, lookups: () => () => [{ type, property: null, filter: null }] });
      continue;
    }
    if (spec.type !== 'edge-type+property' && spec.type !== 'edge-property') continue;
    if (spec.type === 'edge-type+property' && (type === null || spec.label !== type)) continue;
    const prop = spec.properties[0][0];
    const c = byKey.get(prop);
    const est = c === undefined ? null : catalog.indexSize(spec);
    if (c === undefined || est === null) continue;
    const global = spec.type === 'edge-property';
    // A global index holds every type: the scan checks the pattern's type per edge.
    consider(propertyChoice(global ? null : type, prop, c, est, global ? 'ScanAllByEdgeProperty' : 'ScanAllByEdgeTypeProperty'));
  }
  return best;
}
