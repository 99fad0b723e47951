// SHOW INSTANCES as the text table `npm run cluster` prints (Memgraph's columns, in order).

import type { InstanceRow } from './processes.js';

export function formatTable(rows: InstanceRow[] | null): string {
  if (rows === null) return "(no leader reachable: LeaderNotReachable — the state of the cluster is unknown; retrying)\n";
  const cols = ['name', 'bolt_server', 'coordinator_server', 'management_server', 'health', 'role', 'last_succ_resp_ms'] as const;
  const cells = rows.map((r) => cols.map((c) => String(r[c])));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (vals: readonly string[]): string => `| ${vals.map((x, i) => x.padEnd(widths[i])).join(' | ')} |`;
  const sep = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  return [sep, line(cols), sep, ...cells.map(line), sep].join('\n') + '\n';
}
