// The state shared by the storage and its transactions: records, name tables, indexes,
// constraints, timestamps and the GC bookkeeping.

import type { CommitPipeline } from './commit-pipeline.js';
import { Constraints } from './constraints.js';
import { ServerMetadata } from './metadata.js';
import { Indexes } from './indexes.js';
import { LabelSets, NameTable } from './names.js';
import type { EdgeRecord, StoredObject, UndoDelta, VertexRecord } from './records.js';

/** Undo deltas of one committed transaction, kept until no open snapshot predates it. */
export interface CommittedUndo {
  ts: number;
  undo: UndoDelta[];
  /** How many of `undo` were released already (a huge transaction is released in slices). */
  released: number;
}

/** What the core knows of an open transaction. */
export interface OpenTransaction {
  readonly startTimestamp: number;
  /** Made changes and is not yet in the commit pipeline. */
  isLocalWriter(): boolean;
  /** Rolls back from outside (a replay that must not wait for it); the owner sees it ended. */
  rollBackForReplay(): void;
}

export class StorageCore {
  readonly names = new NameTable();
  readonly labelSets = new LabelSets();
  /** Indexed by gid; a physically removed object leaves `undefined` (gids are never reused). */
  readonly vertices: (VertexRecord | undefined)[] = [];
  readonly edges: (EdgeRecord | undefined)[] = [];
  nextVertexGid = 0;
  nextEdgeGid = 0;
  /** Counts in the latest committed state. */
  vertexCount = 0;
  edgeCount = 0;
  /** Undo deltas alive (in open transactions or kept for old snapshots). */
  pendingVersions = 0;
  lastCommitTs = 0;
  /** Head-state vertices per label id (uncommitted changes included): planner estimates. */
  readonly labelCounts: number[] = [];
  /** Open transactions in begin order, hence in non-decreasing start timestamp. */
  readonly active = new Set<OpenTransaction>();
  /** Commit order. */
  readonly committed: CommittedUndo[] = [];
  /** Objects deleted in a version every snapshot sees, awaiting physical removal. */
  readonly dead: StoredObject[] = [];
  readonly indexes = new Indexes();
  readonly constraints = new Constraints(this.names);
  /** Enums, server-side parameters, descriptions (metadata.ts). */
  readonly meta = new ServerMetadata();
  /**
   * Set when the storage replaced its whole graph (a replica loading MAIN's snapshot):
   * transactions still open on this core may read on, but not commit.
   */
  retired = false;
  /** A slice of releaseDeltas() is scheduled for the next turn of the event loop. */
  releaseScheduled = false;

  /** `pipeline`: prepared commits on their way to publication (commit-pipeline.ts), shared across a replacement. */
  constructor(readonly pipeline: CommitPipeline) {}

  countLabels(labels: readonly number[] | null, by: number): void {
    if (labels === null) return;
    for (const l of labels) this.labelCounts[l] = (this.labelCounts[l] ?? 0) + by;
  }

  oldestActiveStart(): number {
    for (const tx of this.active) return tx.startTimestamp;
    return Number.MAX_SAFE_INTEGER;
  }
}
