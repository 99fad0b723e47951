// Notifications a statement returns with a successful result (Bolt SUCCESS `notifications`),
// with Memgraph's fields: severity, code, title, description. Memgraph's INFO
// notifications confirm admin statements (`RegisterReplica`: "Replica r1 is registered.");
// its WARNINGs report trouble that did not fail the query (`SyncReplicationFailure`).

import type { Value } from './values/model.js';

export interface Notification {
  severity: 'INFO' | 'WARNING';
  /** Memgraph's code, e.g. `RegisterReplica`, `LeaderNotReachable`. */
  code: string;
  title: string;
  description?: string;
}

/** The Bolt map a driver reads (`summary.notifications`). */
export function notificationValue(n: Notification): Map<string, Value> {
  return new Map<string, Value>([
    ['severity', n.severity],
    ['code', n.code],
    ['title', n.title],
    ['description', n.description ?? ''],
  ]);
}
