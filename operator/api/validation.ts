// Defaulting + validation of a MemgraphCluster as the operator sees it: the schema's checks
// (the same the CRD gives the API server) plus the few that CEL cannot say simply.
import { applyDefaults } from './defaults.js';
import { resourceSchema } from './schema.js';
import type { MemgraphCluster, MemgraphClusterInput } from './types.js';
import { validateAgainst, type FieldError } from './validate.js';

export type { FieldError } from './validate.js';

export type Checked = { ok: true; cluster: MemgraphCluster } | { ok: false; errors: FieldError[] };

function ordinalOf(name: string, prefix: string): number | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9][0-9]*)$/.test(rest) ? Number(rest) : undefined;
}

// Only what CEL cannot express without string parsing: the switchover target must exist.
function crossChecks(c: MemgraphCluster): FieldError[] {
  const target = c.spec.switchover?.target;
  if (target === undefined) return [];
  const ordinal = ordinalOf(target, `${c.metadata.name}-data-`);
  if (ordinal === undefined || ordinal >= c.spec.data.replicas) {
    return [{ field: 'spec.switchover.target', message: `'${target}' is not one of the ${c.spec.data.replicas} data pods` }];
  }
  return [];
}

/**
 * Defaults `input` and validates it. `old` is the previous accepted version (for the
 * immutability rules); on a first sight pass undefined.
 */
export function checkCluster(input: unknown, old?: unknown): Checked {
  const cluster = applyDefaults(resourceSchema, input as MemgraphClusterInput);
  const oldDefaulted = old === undefined ? undefined : applyDefaults(resourceSchema, old as MemgraphClusterInput);
  const errors = validateAgainst(resourceSchema, cluster, oldDefaulted, '');
  if (errors.length === 0) errors.push(...crossChecks(cluster));
  return errors.length === 0 ? { ok: true, cluster } : { ok: false, errors };
}

export function formatErrors(errors: readonly FieldError[]): string {
  // Rules on the whole object carry no field path; their message names the fields.
  return errors.map((e) => (e.field === '' ? e.message : `${e.field}: ${e.message}`)).join('; ');
}
