// Storage contract: an in-memory MVCC property graph with snapshot isolation
// (Memgraph's model: per-object undo-delta chains, start/commit timestamps, GC).
// The query engine only talks to these interfaces.

import type { NodeValue, RelationshipValue, Value } from '../values/model.js';
import type { Notification } from '../notifications.js';

/** Global id of a vertex or an edge (separate id spaces), never reused. */
export type Gid = number;

export interface PropertyBound {
  value: Value;
  inclusive: boolean;
}

/** A predicate a label+property index can answer: equality or a range. */
export type PropertyFilter =
  | { kind: 'equal'; value: Value }
  | { kind: 'range'; lower: PropertyBound | null; upper: PropertyBound | null };

export interface VertexAccessor extends NodeValue {
  readonly gid: Gid;
  /** True when the vertex is deleted in the view of this transaction. */
  isDeleted(): boolean;
  labels(): readonly string[];
  hasLabel(label: string): boolean;
  /** Returns false when the label was already there. */
  addLabel(label: string): boolean;
  removeLabel(label: string): boolean;
  /** null when absent. */
  getProperty(key: string): Value;
  /** null removes. Returns the previous value. Throws TypeError for graph entities. */
  setProperty(key: string, value: Value): Value;
  properties(): ReadonlyMap<string, Value>;
  /** Removes every property. */
  clearProperties(): void;
  /** Outgoing edges, optionally only of these types and/or only towards `to`. */
  outEdges(types?: readonly string[] | null, to?: VertexAccessor | null): Iterable<EdgeAccessor>;
  inEdges(types?: readonly string[] | null, from?: VertexAccessor | null): Iterable<EdgeAccessor>;
  outDegree(): number;
  inDegree(): number;
}

export interface EdgeAccessor extends RelationshipValue {
  readonly gid: Gid;
  isDeleted(): boolean;
  from(): VertexAccessor;
  to(): VertexAccessor;
  getProperty(key: string): Value;
  setProperty(key: string, value: Value): Value;
  properties(): ReadonlyMap<string, Value>;
  clearProperties(): void;
}

/** Change counters of one transaction (Bolt `stats`). */
export interface WriteStats {
  nodesCreated: number;
  nodesDeleted: number;
  relationshipsCreated: number;
  relationshipsDeleted: number;
  propertiesSet: number;
  labelsAdded: number;
  labelsRemoved: number;
}

export function emptyWriteStats(): WriteStats {
  return {
    nodesCreated: 0,
    nodesDeleted: 0,
    relationshipsCreated: 0,
    relationshipsDeleted: 0,
    propertiesSet: 0,
    labelsAdded: 0,
    labelsRemoved: 0,
  };
}

/**
 * One committed change, in commit order. This is the unit the WAL writes and replication
 * ships (DESIGN §3), so it carries everything needed to replay it on an empty store.
 */
export type Delta =
  | { op: 'createVertex'; gid: Gid }
  | { op: 'deleteVertex'; gid: Gid }
  | { op: 'addLabel'; gid: Gid; label: string }
  | { op: 'removeLabel'; gid: Gid; label: string }
  | { op: 'setVertexProperty'; gid: Gid; key: string; value: Value }
  | { op: 'createEdge'; gid: Gid; from: Gid; to: Gid; type: string }
  | { op: 'deleteEdge'; gid: Gid }
  | { op: 'setEdgeProperty'; gid: Gid; key: string; value: Value }
  | SchemaDelta;

/**
 * Index and constraint changes. Like Memgraph's global operations, each one is committed
 * alone with its own commit timestamp (a CommittedTransaction holding just that delta).
 */
export type SchemaDelta =
  | { op: 'createIndex'; label: string; property: string | null }
  | { op: 'dropIndex'; label: string; property: string | null }
  /** Any other index kind (composite, nested, edge, point); label and single-property ones use the ops above. */
  | { op: 'createIndexSpec'; index: IndexSpec }
  | { op: 'dropIndexSpec'; index: IndexSpec }
  | { op: 'createConstraint'; type: 'exists' | 'unique'; label: string; properties: string[] }
  | { op: 'dropConstraint'; type: 'exists' | 'unique'; label: string; properties: string[] }
  | MetaDelta;

/**
 * Server metadata a Memgraph user manages with statements (enums, server-side parameters,
 * descriptions): a namespaced key set to a value, or removed (null). Committed alone like
 * the other schema changes, so the WAL, snapshots and replication carry it.
 */
export type MetaDelta = { op: 'setMeta'; key: string; value: Value };

export interface CommittedTransaction {
  commitTimestamp: number;
  deltas: Delta[];
}

/** A value now, or a Promise of it when the work has to wait for the event loop. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * A notification a commit returns to the client beside success (Bolt `notifications`),
 * e.g. Memgraph's `SyncReplicationFailure` warning when a SYNC replica did not confirm.
 */
export type CommitNotice = Notification;

/** What a commit returns once it is published (and as durable as the stages promise). */
export interface CommitResult extends CommittedTransaction {
  notifications: CommitNotice[];
}

/**
 * A transaction in the commit pipeline: prepared (constraints checked, timestamp
 * reserved) but not yet visible. What the commit stages see.
 */
export interface PipelineCommit {
  readonly commitTimestamp: number;
  readonly deltas: readonly Delta[];
  /**
   * True when a stage may still refuse the commit after earlier stages ran (a STRICT_SYNC
   * replica): durable records are then written as prepare + finalise (two-phase).
   */
  readonly twoPhase: boolean;
  /**
   * The transaction encoded once by the pipeline's encoder (the WAL's and replication's
   * bytes). The view is reused by the next commit: a stage that keeps it past its
   * synchronous run must copy it.
   */
  encoded(): Buffer;
}

/** What a stage's run may return: nothing, or notices for the client. */
export type StageOutcome = void | CommitNotice[];

/**
 * One step every commit passes between prepare and publish (DESIGN §3): the WAL, then
 * replication. Stages run in order for each commit, and each stage sees commits in
 * commit-timestamp order (its synchronous part runs in that order; its promise may settle
 * in any order). A stage that throws or rejects aborts the commit: nothing of it becomes
 * visible, and the commits prepared after it abort too (their timestamps are reused).
 */
export interface CommitStage {
  readonly name: string;
  /** Whether this stage may refuse commits prepared from now on (asked at prepare). */
  mayAbort?(): boolean;
  run(commit: PipelineCommit): StageOutcome | Promise<StageOutcome>;
  /**
   * Once per commit whose run was called, in commit order, after the commit was published
   * (`committed` true) or aborted. A promise delays the commit's acknowledgement (not its
   * visibility): the WAL waits for the fsync of the finalising record here.
   */
  settle?(commit: PipelineCommit, committed: boolean): void | Promise<void>;
}

export interface StorageTransaction {
  readonly startTimestamp: number;
  readonly stats: WriteStats;
  createVertex(): VertexAccessor;
  createEdge(from: VertexAccessor, to: VertexAccessor, type: string): EdgeAccessor;
  /** Visible vertex by gid, or null. */
  vertex(gid: Gid): VertexAccessor | null;
  edge(gid: Gid): EdgeAccessor | null;
  /** All visible vertices. */
  vertices(): Iterable<VertexAccessor>;
  /** Visible vertices with the label (label index when present, else a filtered scan). */
  verticesByLabel(label: string): Iterable<VertexAccessor>;
  /**
   * Visible vertices with the label whose property matches the filter, using the
   * label+property index. Throws if there is no such index (check `hasIndex` first).
   */
  verticesByLabelProperty(label: string, property: string, filter: PropertyFilter): Iterable<VertexAccessor>;
  /**
   * Visible vertices with the label matched through the label+property index on `paths`
   * (composite or nested): `filters` constrain a prefix of the paths. Throws if there is no
   * such index.
   */
  verticesByLabelProperties(label: string, paths: readonly (readonly string[])[], filters: readonly PropertyFilter[]): Iterable<VertexAccessor>;
  /** Candidates from the point index on :label(property) whose visible value lies in the region (callers still filter). */
  verticesByPointIndex(label: string, property: string, region: PointRegion | null): Iterable<VertexAccessor>;
  /** Visible edges through an edge-type, edge-type+property or global edge-property index. */
  edgesByIndex(query: EdgeIndexQuery): Iterable<EdgeAccessor>;
  /** Entries of an index (planner estimates), or null when there is no such index. */
  indexSize(spec: IndexSpec): number | null;
  /** Estimated count for the planner (index sizes, no visibility check). */
  estimateCount(label?: string, property?: string): number;
  /** Throws a ClientError when the vertex still has edges and `detach` is false. */
  deleteVertex(v: VertexAccessor, detach: boolean): void;
  deleteEdge(e: EdgeAccessor): void;
  /**
   * Validates constraints, reserves a commit timestamp, passes the commit stages and makes
   * the changes visible, in commit-timestamp order. Throws ConstraintValidationFailed (and
   * aborts) on violation; a stage failure rejects and leaves nothing visible. Synchronous
   * when every stage is.
   */
  commit(): MaybePromise<CommitResult>;
  abort(): void;
  /** True until commit() or abort(). */
  isActive(): boolean;
  /** The redo deltas written so far, in order (what triggers are computed from before commit). */
  pendingDeltas(): readonly Delta[];
  /**
   * Periodic commit: commits the changes so far (as commit()) and continues as a new
   * transaction on a fresh snapshot; handles it gave out stay usable.
   */
  commitBatch(): MaybePromise<CommitResult>;
}

/** Memgraph's `index type` column values. */
export type IndexKind = 'label' | 'label+property' | 'edge-type' | 'edge-type+property' | 'edge-property' | 'point';

/** Which index: its kind, label (or edge type) and property paths. */
export interface IndexSpec {
  type: IndexKind;
  /** The label or edge type; null for the global edge-property index. */
  label: string | null;
  /**
   * Property paths: one key for a property, more for a nested one (`a.b` is ['a', 'b']);
   * a composite index has several paths. Empty for label and edge-type indexes.
   */
  properties: readonly (readonly string[])[];
}

export interface IndexInfo extends IndexSpec {
  /** Entries, counting versions open transactions may still see. */
  count: number;
}

/** What an edge index scan matches: its edge type and/or property (by equality or range). */
export interface EdgeIndexQuery {
  type: string | null;
  property: string | null;
  filter: PropertyFilter | null;
}

/** A region of the plane a point index scan covers: points of `srid` with xMin ≤ x ≤ xMax. */
export interface PointRegion {
  srid: number;
  xMin: number;
  xMax: number;
}

export interface ConstraintInfo {
  /** Memgraph's `constraint type` column: 'exists' | 'unique' */
  type: 'exists' | 'unique';
  label: string;
  properties: string[];
}

export interface StorageCounts {
  vertexCount: number;
  edgeCount: number;
  /** Vertex + edge versions kept for open transactions (GC backlog). */
  pendingVersions: number;
}

export interface Storage {
  begin(): StorageTransaction;
  /** Schema changes run outside transactions, as in Memgraph. Return false if it already existed / did not exist. */
  createIndex(label: string, property: string | null): boolean;
  dropIndex(label: string, property: string | null): boolean;
  hasIndex(label: string, property: string | null): boolean;
  /** Any index kind: false when it already existed / did not exist (`indexSize` tells whether one exists). */
  createIndexOf(spec: IndexSpec): boolean;
  dropIndexOf(spec: IndexSpec): boolean;
  /** Throws ConstraintVerificationFailed if existing data violates it. */
  createConstraint(type: 'exists' | 'unique', label: string, properties: string[]): boolean;
  dropConstraint(type: 'exists' | 'unique', label: string, properties: string[]): boolean;
  indexes(): IndexInfo[];
  constraints(): ConstraintInfo[];
  counts(): StorageCounts;
  /** Frees versions no open transaction can see and unlinks deleted objects. */
  collectGarbage(): void;
  lastCommitTimestamp(): number;
  /**
   * Appends a stage every write transaction and every schema change that takes effect
   * passes before it is published (replays of commits made elsewhere pass none).
   */
  addCommitStage(stage: CommitStage): void;
  /**
   * The commit of the schema change just made (createIndex … returned true): the caller
   * waits on it before acknowledging. Null when the last call changed nothing.
   */
  takeSchemaCommit(): MaybePromise<CommitResult> | null;
  /**
   * Sets (null removes) a server-metadata key (enums, server-side parameters,
   * descriptions): takes effect at once and commits alone like a schema change (its
   * commit via takeSchemaCommit()). False when removing a key that is not there.
   */
  setMetadata(key: string, value: Value): boolean;
  /** The server metadata as of now (read-only use). */
  metadata(): MetadataView;
}

export interface MetadataView {
  get(key: string): Value;
  withPrefix(prefix: string): [string, Value][];
}
