// Up or down, from the time of the last successful state check (reference §3.6): an
// instance is up while less than `instance_down_timeout_sec` has passed since its last
// success. Watching starts when the leader starts checking it (registration, becoming
// leader) and counts as a success, as in Memgraph, so a freshly watched instance is not
// declared down before it had a chance to answer. The same rule serves coordinators
// (their last successful Raft contact). Pure: the caller passes `now`.

import type { Health } from './types.js';

export interface Liveness {
  /** Epoch ms of the last successful response; null if it never answered. */
  lastSuccessAt: number | null;
  /** Epoch ms when the leader started watching it. */
  watchedSince: number;
}

export type LivenessTable<K> = ReadonlyMap<K, Liveness>;

/** Starts watching `key` at `now`; a key already watched keeps its record. */
export function watch<K>(table: LivenessTable<K>, key: K, now: number): LivenessTable<K> {
  if (table.has(key)) return table;
  return new Map(table).set(key, { lastSuccessAt: null, watchedSince: now });
}

/** A successful response from `key` at `now` (watching starts if it had not). */
export function succeeded<K>(table: LivenessTable<K>, key: K, now: number): LivenessTable<K> {
  const prev = table.get(key);
  // Responses can be reported out of order; time never goes back for a member.
  const at = Math.max(now, prev?.lastSuccessAt ?? -Infinity);
  return new Map(table).set(key, { lastSuccessAt: at, watchedSince: prev?.watchedSince ?? now });
}

/** Stops watching (unregistered, removed, or this coordinator is no longer leader). */
export function unwatch<K>(table: LivenessTable<K>, key: K): LivenessTable<K> {
  if (!table.has(key)) return table;
  const next = new Map(table);
  next.delete(key);
  return next;
}

export function healthOf(liveness: Liveness, now: number, downTimeoutSec: number): Health {
  const since = liveness.lastSuccessAt ?? liveness.watchedSince;
  const lastSuccMs = Math.max(0, now - since);
  return { up: lastSuccMs < downTimeoutSec * 1000, lastSuccMs };
}

/** Health of every watched member; an unwatched one is absent (callers treat absent as down). */
export function healthTable<K>(table: LivenessTable<K>, now: number, downTimeoutSec: number): Map<K, Health> {
  const out = new Map<K, Health>();
  for (const [key, liveness] of table) out.set(key, healthOf(liveness, now, downTimeoutSec));
  return out;
}

export function isUp<K>(health: ReadonlyMap<K, Health>, key: K): boolean {
  return health.get(key)?.up ?? false;
}
