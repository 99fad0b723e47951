// Bookmarks (Bolt causal chaining): `mgha:<epoch>:<ts>`, the commit timestamp and the epoch
// (timeline) it was committed in; `mgha:<ts>` without a timeline (an engine without
// durability, and bookmarks from older builds). The epoch makes a bookmark from a timeline a
// failover abandoned answerable: a MAIN that lost the other branch's last writes (allowed for
// ASYNC and warned SYNC commits) would otherwise make every client holding such a bookmark wait
// for timestamps it will reach only by unrelated writes, or never. Pure.

import type { EpochHistoryEntry } from '../durability/epoch.js';

export const BOOKMARK_PREFIX = 'mgha:';

export interface Timeline {
  epochId: string;
  /** Earlier epochs with the last commit this instance holds from each (oldest first). */
  history: readonly EpochHistoryEntry[];
}

export interface ParsedBookmark {
  epochId: string | null;
  ts: number;
}

export function formatBookmark(timeline: Timeline | null, ts: number): string {
  return timeline === null ? `${BOOKMARK_PREFIX}${ts}` : `${BOOKMARK_PREFIX}${timeline.epochId}:${ts}`;
}

/** Null when it is not an mgha bookmark. */
export function parseBookmark(b: string): ParsedBookmark | null {
  const m = /^mgha:(?:([0-9A-Za-z-]{1,64}):)?(\d{1,16})$/.exec(b);
  return m === null ? null : { epochId: m[1] ?? null, ts: Number(m[2]) };
}

/**
 * The commit timestamp this instance must have applied before it may serve a transaction
 * that follows the bookmark, or 'unknownEpoch' when its timeline does not (yet) contain the
 * bookmark's epoch (a replica behind a promotion: it may learn it from its MAIN). An epoch in
 * the history counts only up to where this timeline left it: commits beyond that were on a
 * branch the cluster abandoned and will never arrive here.
 */
export function bookmarkTarget(b: ParsedBookmark, timeline: Timeline | null): number | 'unknownEpoch' {
  if (b.epochId === null || timeline === null || b.epochId === timeline.epochId) return b.ts;
  const entry = timeline.history.find((h) => h.epochId === b.epochId);
  return entry === undefined ? 'unknownEpoch' : Math.min(b.ts, entry.lastCommitTs);
}
