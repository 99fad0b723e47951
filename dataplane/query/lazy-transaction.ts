// A storage transaction that starts on first use. An auto-commit query that never reads
// or writes the graph (`RETURN 1`, parameter echoes, driver health checks) then costs no
// storage begin/commit bookkeeping; one that does gets its snapshot when it first touches
// storage, which a single-statement transaction cannot tell apart from taking it at RUN.

import { Codes, MghaError } from '../errors.js';
import type {
  CommitResult,
  Delta,
  MaybePromise,
  EdgeAccessor,
  EdgeIndexQuery,
  Gid,
  IndexSpec,
  PointRegion,
  PropertyFilter,
  Storage,
  StorageTransaction,
  VertexAccessor,
  WriteStats,
} from '../storage/types.js';
import { emptyWriteStats } from '../storage/types.js';

const NO_WRITES: WriteStats = Object.freeze(emptyWriteStats());

export class LazyStorageTransaction implements StorageTransaction {
  private tx: StorageTransaction | null = null;
  /** Committed or aborted before it ever started. */
  private ended = false;

  constructor(private readonly storage: Storage) {}

  private started(): StorageTransaction {
    if (this.tx !== null) return this.tx;
    this.checkNotEnded();
    this.tx = this.storage.begin();
    return this.tx;
  }

  /** The same error a real transaction gives once it has ended. */
  private checkNotEnded(): void {
    if (this.ended) throw new MghaError(Codes.MemgraphClientError, 'The transaction is no longer active.');
  }

  get startTimestamp(): number {
    return this.started().startTimestamp;
  }

  get stats(): WriteStats {
    return this.tx === null ? NO_WRITES : this.tx.stats;
  }

  createVertex(): VertexAccessor {
    return this.started().createVertex();
  }

  createEdge(from: VertexAccessor, to: VertexAccessor, type: string): EdgeAccessor {
    return this.started().createEdge(from, to, type);
  }

  vertex(gid: Gid): VertexAccessor | null {
    return this.started().vertex(gid);
  }

  edge(gid: Gid): EdgeAccessor | null {
    return this.started().edge(gid);
  }

  vertices(): Iterable<VertexAccessor> {
    return this.started().vertices();
  }

  verticesByLabel(label: string): Iterable<VertexAccessor> {
    return this.started().verticesByLabel(label);
  }

  verticesByLabelProperty(label: string, property: string, filter: PropertyFilter): Iterable<VertexAccessor> {
    return this.started().verticesByLabelProperty(label, property, filter);
  }

  verticesByLabelProperties(label: string, paths: readonly (readonly string[])[], filters: readonly PropertyFilter[]): Iterable<VertexAccessor> {
    return this.started().verticesByLabelProperties(label, paths, filters);
  }

  verticesByPointIndex(label: string, property: string, region: PointRegion | null): Iterable<VertexAccessor> {
    return this.started().verticesByPointIndex(label, property, region);
  }

  edgesByIndex(query: EdgeIndexQuery): Iterable<EdgeAccessor> {
    return this.started().edgesByIndex(query);
  }

  indexSize(spec: IndexSpec): number | null {
    return this.started().indexSize(spec);
  }

  estimateCount(label?: string, property?: string): number {
    return this.started().estimateCount(label, property);
  }

  deleteVertex(v: VertexAccessor, detach: boolean): void {
    this.started().deleteVertex(v, detach);
  }

  deleteEdge(e: EdgeAccessor): void {
    this.started().deleteEdge(e);
  }

  commit(): MaybePromise<CommitResult> {
    if (this.tx !== null) return this.tx.commit();
    this.checkNotEnded();
    this.ended = true;
    return { commitTimestamp: this.storage.lastCommitTimestamp(), deltas: [], notifications: [] };
  }

  commitBatch(): MaybePromise<CommitResult> {
    if (this.tx !== null) return this.tx.commitBatch();
    this.checkNotEnded();
    return { commitTimestamp: this.storage.lastCommitTimestamp(), deltas: [], notifications: [] };
  }

  abort(): void {
    if (this.tx !== null) this.tx.abort();
    else this.ended = true;
  }

  isActive(): boolean {
    return this.tx !== null ? this.tx.isActive() : !this.ended;
  }

  pendingDeltas(): readonly Delta[] {
    return this.tx !== null ? this.tx.pendingDeltas() : [];
  }
}
