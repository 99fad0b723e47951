// storage/ — Memgraph-style in-memory MVCC property graph (storage/v2):
// - records (records.ts) hold the newest state; per-object undo deltas lead back to older
//   versions, and snapshot reads walk them (mvcc.ts);
// - transactions (transaction.ts) get a start timestamp, see commits ≤ it plus their own
//   changes, detect write-write conflicts, and emit redo deltas on commit;
// - indexes.ts / constraints.ts keep superset entries checked on read / at commit;
// - gc.ts frees versions no open snapshot needs and unlinks deleted objects.

import { Codes, MghaError } from '../errors.js';
import type {
  CommitResult,
  CommitStage,
  CommittedTransaction,
  MaybePromise,
  ConstraintInfo,
  IndexInfo,
  IndexSpec,
  SchemaDelta,
  Storage,
  StorageCounts,
  StorageTransaction,
} from './types.js';
import { StorageCore } from './core.js';
import { pruneIndexStats, type ServerMetadata } from './metadata.js';
import type { Value } from '../values/model.js';
import { collectGarbage } from './gc.js';
import { TxInfo } from './records.js';
import { ReplayBatch, replayDeltas, rollBackLocalWriters } from './replay.js';
import { Transaction } from './transaction.js';
import { indexDelta, indexOfDelta } from './index-spec.js';
import type { PropPath } from './indexes.js';
import { CommitPipeline, type CommitEncoder, type CommitPreEncoder, type PipelineMember } from './commit-pipeline.js';

export class InMemoryStorage implements Storage {
  /** One pipeline for the life of the storage: its stages survive a replacement of the graph. */
  private readonly pipeline: CommitPipeline;
  private core: StorageCore;

  /** `pipeline`: only replaceContents() passes one (the fresh graph joins the storage's pipeline). */
  constructor(pipeline?: CommitPipeline) {
    this.pipeline = pipeline ?? new CommitPipeline(() => this.core.lastCommitTs);
    this.core = new StorageCore(this.pipeline);
  }
  private schemaCommit: MaybePromise<CommitResult> | null = null;

  begin(): StorageTransaction {
    return new Transaction(this.core);
  }

  createIndex(label: string, property: string | null): boolean {
    return this.commitSchema({ op: 'createIndex', label, property });
  }

  dropIndex(label: string, property: string | null): boolean {
    return this.commitSchema({ op: 'dropIndex', label, property });
  }

  hasIndex(label: string, property: string | null): boolean {
    const l = this.core.names.lookup(label);
    const p = property === null ? null : this.core.names.lookup(property);
    if (l < 0 || p === -1) return false;
    return this.core.indexes.has(l, p);
  }

  createIndexOf(spec: IndexSpec): boolean {
    checkSpec(spec);
    return this.commitSchema(indexDelta(spec, true));
  }

  dropIndexOf(spec: IndexSpec): boolean {
    checkSpec(spec);
    return this.commitSchema(indexDelta(spec, false));
  }

  createConstraint(type: 'exists' | 'unique', label: string, properties: string[]): boolean {
    if (properties.length === 0) throw new MghaError(Codes.SemanticError, 'A constraint needs at least one property.');
    return this.commitSchema({ op: 'createConstraint', type, label, properties });
  }

  dropConstraint(type: 'exists' | 'unique', label: string, properties: string[]): boolean {
    return this.commitSchema({ op: 'dropConstraint', type, label, properties });
  }

  /** Sets (null removes) a server-metadata key (enums, parameters, descriptions); see metadata.ts. */
  setMetadata(key: string, value: Value): boolean {
    return this.commitSchema({ op: 'setMeta', key, value });
  }

  metadata(): ServerMetadata {
    return this.core.meta;
  }

  /**
   * A schema change takes effect in memory at once (indexes and constraints are not
   * versioned), then commits alone on its own timestamp through the commit pipeline; if a
   * stage refuses it, it is undone. The commit is left for takeSchemaCommit().
   */
  private commitSchema(delta: SchemaDelta): boolean {
    this.schemaCommit = null;
    // A metadata change is undone by restoring what the key held before.
    const undo: SchemaDelta = delta.op === 'setMeta' ? { op: 'setMeta', key: delta.key, value: this.core.meta.get(delta.key) } : inverseOf(delta);
    if (!this.applySchema(delta)) return false;
    const member: PipelineMember = {
      publishPrepared: (ts) => {
        this.core.lastCommitTs = ts;
      },
      abortPrepared: () => {
        this.applySchema(undo);
      },
    };
    this.schemaCommit = this.core.pipeline.submit([delta], member);
    // Nobody may ask (a storage used without an engine): a refused change must not go unhandled.
    if (this.schemaCommit instanceof Promise) this.schemaCommit.catch(() => undefined);
    return true;
  }

  takeSchemaCommit(): MaybePromise<CommitResult> | null {
    const commit = this.schemaCommit;
    this.schemaCommit = null;
    return commit;
  }

  private applySchema(d: SchemaDelta): boolean {
    const core = this.core;
    const names = core.names;
    switch (d.op) {
      case 'createIndex':
      case 'createIndexSpec':
      case 'dropIndex':
      case 'dropIndexSpec': {
        const { spec, create } = indexOfDelta(d) as { spec: IndexSpec; create: boolean };
        if (create) return this.createIndexNow(spec);
        if (!this.dropIndexNow(spec)) return false;
        // Its ANALYZE GRAPH statistics go with it, as in Memgraph (an aborted drop does not bring them back).
        pruneIndexStats(core.meta, this.indexes());
        return true;
      }
      case 'createConstraint': {
        // Verified against the latest committed state.
        const view = { info: new TxInfo(), startTimestamp: core.lastCommitTs };
        return core.constraints.create(
          d.type,
          names.id(d.label),
          d.properties.map((p) => names.id(p)),
          core.vertices,
          view,
        );
      }
      case 'dropConstraint': {
        const l = names.lookup(d.label);
        const ps = d.properties.map((p) => names.lookup(p));
        if (l < 0 || ps.includes(-1)) return false;
        return core.constraints.drop(d.type, l, ps);
      }
      case 'setMeta':
        return core.meta.set(d.key, d.value);
    }
  }

  private createIndexNow(spec: IndexSpec): boolean {
    const { names, indexes, vertices, edges } = this.core;
    const label = spec.label === null ? null : names.id(spec.label);
    const paths = spec.properties.map((keys): PropPath => ({ prop: names.id(keys[0]), keys: [...keys] }));
    switch (spec.type) {
      case 'label':
        return indexes.createLabel(label as number, vertices);
      case 'label+property':
      case 'point':
        return indexes.createPaths(label as number, paths, spec.type === 'point', vertices);
      case 'edge-type':
        return indexes.edges.create(label, null, edges);
      case 'edge-type+property':
      case 'edge-property':
        return indexes.edges.create(label, paths[0].prop, edges);
    }
  }

  private dropIndexNow(spec: IndexSpec): boolean {
    const { names, indexes } = this.core;
    const label = spec.label === null ? null : names.lookup(spec.label);
    const props = spec.properties.map((keys) => names.lookup(keys[0]));
    if (label === -1 || props.includes(-1)) return false;
    const paths = spec.properties.map((keys, i): PropPath => ({ prop: props[i], keys: [...keys] }));
    switch (spec.type) {
      case 'label':
        return indexes.drop(label as number, null);
      case 'label+property':
      case 'point':
        return indexes.dropPaths(label as number, paths, spec.type === 'point');
      case 'edge-type':
        return indexes.edges.drop(label, null);
      case 'edge-type+property':
      case 'edge-property':
        return indexes.edges.drop(label, props[0]);
    }
  }

  indexes(): IndexInfo[] {
    return this.core.indexes.info(this.core.names);
  }

  constraints(): ConstraintInfo[] {
    return this.core.constraints.info();
  }

  counts(): StorageCounts {
    return {
      vertexCount: this.core.vertexCount,
      edgeCount: this.core.edgeCount,
      pendingVersions: this.core.pendingVersions,
    };
  }

  collectGarbage(): void {
    collectGarbage(this.core);
  }

  lastCommitTimestamp(): number {
    return this.core.lastCommitTs;
  }

  addCommitStage(stage: CommitStage): void {
    this.core.pipeline.addStage(stage);
  }

  /** How commit stages get a commit's bytes (the WAL codec): encoded once, on first ask. */
  setCommitEncoder(encoder: CommitEncoder): void {
    this.core.pipeline.setEncoder(encoder);
  }

  /** How a huge transaction's deltas are encoded ahead of its commit, in slices (the WAL codec). */
  setCommitPreEncoder(preEncoder: CommitPreEncoder): void {
    this.core.pipeline.setPreEncoder(preEncoder);
  }

  /** Commits prepared and not yet published or aborted. */
  commitsInFlight(): number {
    return this.core.pipeline.inFlight();
  }

  /**
   * Replays a transaction committed elsewhere (a replica applying MAIN's deltas, or WAL
   * recovery): same gids, same commit timestamp, no commit stage (the caller logs it).
   */
  applyCommitted(committed: CommittedTransaction): void {
    const schema = schemaDeltaOf(committed);
    if (schema === null) {
      this.replay(committed, false);
      return;
    }
    const ts = committed.commitTimestamp;
    if (ts <= this.core.lastCommitTs || this.core.pipeline.inFlight() > 0) {
      throw new MghaError(Codes.DatabaseError, `Commit timestamp ${ts} is not after ${this.core.lastCommitTs}.`);
    }
    // The source logged it because it took effect there; here it may be a no-op, and still takes its timestamp.
    this.applySchema(schema);
    this.core.lastCommitTs = ts;
  }

  /**
   * Recovery from a snapshot: applies data or schema deltas (possibly none) as committed
   * at `committed.commitTimestamp`, which may repeat the last commit timestamp (a
   * snapshot loads in batches at its own timestamp). It passes no commit stage.
   */
  loadCommitted(committed: CommittedTransaction): void {
    if (committed.commitTimestamp < this.core.lastCommitTs) {
      throw new MghaError(Codes.DatabaseError, `Commit timestamp ${committed.commitTimestamp} is before ${this.core.lastCommitTs}.`);
    }
    const schema = schemaDeltaOf(committed);
    if (schema === null) this.replay(committed, true);
    else this.applySchema(schema);
    // Also when there was nothing to apply: the clock moves to the loaded state's timestamp.
    this.core.lastCommitTs = committed.commitTimestamp;
  }

  /**
   * Replaces the whole graph while the process runs (a replica re-synchronising from its
   * MAIN's snapshot): `load` fills a fresh storage, which then takes this one's place at
   * once. Transactions open on the old graph may still read it, but cannot commit. Commit
   * stages and the encoder carry over; the caller clears plan caches (indexes changed).
   */
  replaceContents(load: (fresh: InMemoryStorage) => void): void {
    if (this.pipeline.inFlight() > 0) {
      throw new MghaError(Codes.DatabaseError, 'Cannot replace the graph while commits are in flight.');
    }
    const fresh = new InMemoryStorage(this.pipeline);
    load(fresh);
    this.core.retired = true;
    this.core = fresh.core;
  }

  /**
   * applyCommitted for a transaction of any size: applies its deltas in slices of
   * `sliceDeltas`, yielding to the event loop between them (heartbeats and readers go on;
   * nothing is visible until the last slice commits).
   */
  async applyCommittedInSlices(committed: CommittedTransaction, sliceDeltas = 20_000): Promise<void> {
    if (committed.deltas.length <= sliceDeltas || schemaDeltaOf(committed) !== null) {
      this.applyCommitted(committed);
      return;
    }
    rollBackLocalWriters(this.core);
    const tx = new Transaction(this.core);
    try {
      for (let from = 0; from < committed.deltas.length; from += sliceDeltas) {
        if (from > 0) await new Promise<void>((resolve) => setImmediate(resolve));
        replayDeltas(this.core, tx, committed.deltas, from, Math.min(committed.deltas.length, from + sliceDeltas));
      }
      tx.commitReplayed(committed.commitTimestamp, false);
    } catch (e) {
      tx.abort();
      throw e;
    }
  }

  /** The gids the next created vertex and edge get (snapshots record them). */
  nextGids(): { vertex: number; edge: number } {
    return { vertex: this.core.nextVertexGid, edge: this.core.nextEdgeGid };
  }

  /** Recovery: never hand out gids below these again (deleted objects' gids stay used). */
  reserveGids(next: { vertex: number; edge: number }): void {
    this.core.nextVertexGid = Math.max(this.core.nextVertexGid, next.vertex);
    this.core.nextEdgeGid = Math.max(this.core.nextEdgeGid, next.edge);
  }

  private replay(committed: CommittedTransaction, allowRepeat: boolean): void {
    rollBackLocalWriters(this.core);
    const tx = new Transaction(this.core);
    try {
      replayDeltas(this.core, tx, committed.deltas, 0, committed.deltas.length);
      tx.commitReplayed(committed.commitTimestamp, allowRepeat);
    } catch (e) {
      tx.abort();
      throw e;
    }
  }

  /**
   * A replica's batch of MAIN's commits: each `apply` like applyCommitted, all published
   * at once by `publish()`, which the caller must call before it yields to the event loop.
   */
  beginReplayBatch(): ReplayBatch {
    return new ReplayBatch({
      core: this.core,
      begin: () => new Transaction(this.core),
      applyAlone: (ct) => this.applyCommitted(ct),
      isSchema: (ct) => schemaDeltaOf(ct) !== null,
    });
  }
}

const SCHEMA_OPS = new Set(['createIndex', 'dropIndex', 'createIndexSpec', 'dropIndexSpec', 'createConstraint', 'dropConstraint', 'setMeta']);

/** Shapes the parser cannot produce but a programmatic caller could: refused before any change. */
function checkSpec(spec: IndexSpec): void {
  const n = spec.properties.length;
  const ok =
    spec.properties.every((p) => p.length > 0) &&
    (spec.type === 'label' || spec.type === 'edge-type'
      ? n === 0 && spec.label !== null
      : spec.type === 'label+property'
        ? n > 0 && spec.label !== null
        : spec.type === 'edge-property'
          ? n === 1 && spec.properties[0].length === 1 && spec.label === null
          : n === 1 && spec.properties[0].length === 1 && spec.label !== null);
  if (!ok) throw new MghaError(Codes.SemanticError, `Invalid ${spec.type} index.`);
}

/** The schema delta a committed transaction consists of, or null for data changes. */
function schemaDeltaOf(committed: CommittedTransaction): SchemaDelta | null {
  const first = committed.deltas[0];
  if (first === undefined || !SCHEMA_OPS.has(first.op)) return null;
  if (committed.deltas.length !== 1) {
    throw new MghaError(Codes.DatabaseError, `Replay: ${first.op} must be committed alone.`);
  }
  return first as SchemaDelta;
}

/** The change that undoes a schema delta (a refused schema commit). */
function inverseOf(d: Exclude<SchemaDelta, { op: 'setMeta' }>): SchemaDelta {
  switch (d.op) {
    case 'createIndex':
      return { ...d, op: 'dropIndex' };
    case 'dropIndex':
      return { ...d, op: 'createIndex' };
    case 'createConstraint':
      return { ...d, op: 'dropConstraint' };
    case 'dropConstraint':
      return { ...d, op: 'createConstraint' };
    case 'createIndexSpec':
      return { ...d, op: 'dropIndexSpec' };
    case 'dropIndexSpec':
      return { ...d, op: 'createIndexSpec' };
  }
}
