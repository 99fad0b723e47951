// Garbage collection: drops undo deltas no open snapshot needs, then physically removes
// objects whose deletion every snapshot sees, and sweeps stale index entries.

import type { StorageCore } from './core.js';
import {
  CREATED,
  DELETED,
  EdgeRecord,
  unlinkDelta,
  VertexRecord,
  unlinkEdges,
} from './records.js';

/** Undo deltas released per turn of the event loop after a commit (a few milliseconds). */
export const RELEASE_SLICE = 50_000;

/**
 * Unlinks the undo deltas of transactions committed at or before the oldest open
 * snapshot. Cheap (proportional to what it frees); runs after every commit and abort. At
 * most `budget` deltas go at once: the rest of a huge transaction's follow in later turns
 * of the event loop, so its commit does not stall other sessions (readers skip committed
 * deltas meanwhile, so only memory waits).
 */
export function releaseDeltas(core: StorageCore, budget = RELEASE_SLICE): void {
  const oldest = core.oldestActiveStart();
  let n = 0;
  let left = budget;
  while (n < core.committed.length && core.committed[n].ts <= oldest) {
    const c = core.committed[n];
    const end = Math.min(c.undo.length, c.released + left);
    for (let i = c.released; i < end; i++) {
      const d = c.undo[i];
      unlinkDelta(d);
      core.pendingVersions--;
      if (d.action === DELETED) core.dead.push(d.owner);
      // An older label/value is now invisible to everyone: its index entries may be stale.
      else if (d.action !== CREATED) {
        if (d.owner instanceof VertexRecord) core.indexes.dirty = true;
        else core.indexes.edges.dirty = true;
      }
    }
    left -= end - c.released;
    c.released = end;
    if (end < c.undo.length) {
      scheduleRelease(core);
      break;
    }
    n++;
  }
  if (n > 0) core.committed.splice(0, n);
}

function scheduleRelease(core: StorageCore): void {
  if (core.releaseScheduled) return;
  core.releaseScheduled = true;
  setImmediate(() => {
    core.releaseScheduled = false;
    releaseDeltas(core);
  });
}

/** Removes edges from their endpoints' adjacency lists (one pass per touched vertex). */
export function detachEdges(edges: Iterable<EdgeRecord>): void {
  const gone = new Set(edges);
  const touched = new Set<VertexRecord>();
  for (const e of gone) {
    touched.add(e.from);
    touched.add(e.to);
  }
  for (const v of touched) unlinkEdges(v, gone);
}

export function collectGarbage(core: StorageCore): void {
  releaseDeltas(core, Infinity);
  if (core.dead.length > 0) {
    const deadEdges: EdgeRecord[] = [];
    for (const obj of core.dead) {
      if (obj instanceof EdgeRecord) {
        if (core.edges[obj.gid] === obj) core.edges[obj.gid] = undefined;
        deadEdges.push(obj);
      } else if (core.vertices[obj.gid] === obj) {
        core.vertices[obj.gid] = undefined;
      }
    }
    detachEdges(deadEdges);
    core.dead.length = 0;
    core.indexes.dirty = true;
    if (deadEdges.length > 0) core.indexes.edges.dirty = true;
  }
  if (core.indexes.dirty) core.constraints.sweep();
  core.indexes.sweep();
}
