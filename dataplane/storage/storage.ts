// storage/ — Memgraph-style in-memory MVCC property graph (storage/v2):
// - records (records.ts) hold the newest state; per-object undo deltas lead back to older
//   versions, and snapshot reads walk them (mvcc.ts);
// - transactions (transaction.ts) get a start timestamp, see commits ≤ it plus their own
//   changes, detect write-write conflicts, and emit redo deltas on commit;
// - indexes.ts / constraints.ts keep superset entries checked on read / at commit;
// - gc.ts frees versions no open snapshot needs and unlinks deleted objects.

import { Codes, MghaError } from '../errors.js';
import type {
  CommittedTransaction,
  ConstraintInfo,
  IndexInfo,
  SchemaDelta,
  Storage,
  StorageCounts,
  StorageTransaction,
} from './types.js';
import { StorageCore } from './core.js';
import { collectGarbage } from './gc.js';
import { TxInfo, type EdgeRecord, type VertexRecord } from './records.js';
import { Transaction } from './transaction.js';

export class InMemoryStorage implements Storage {
  private readonly core = new StorageCore();

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

  createConstraint(type: 'exists' | 'unique', label: string, properties: string[]): boolean {
    if (properties.length === 0) throw new MghaError(Codes.SemanticError, 'A constraint needs at least one property.');
    return this.commitSchema({ op: 'createConstraint', type, label, properties });
  }

  dropConstraint(type: 'exists' | 'unique', label: string, properties: string[]): boolean {
    return this.commitSchema({ op: 'dropConstraint', type, label, properties });
  }

  /** A schema change that took effect gets its own commit timestamp and is announced. */
  private commitSchema(delta: SchemaDelta, ts: number | null = null): boolean {
    if (ts !== null && ts <= this.core.lastCommitTs) {
      throw new MghaError(Codes.DatabaseError, `Commit timestamp ${ts} is not after ${this.core.lastCommitTs}.`);
    }
    if (!this.applySchema(delta)) return false;
    const commitTimestamp = ts ?? this.core.lastCommitTs + 1;
    this.core.lastCommitTs = commitTimestamp;
    const committed: CommittedTransaction = { commitTimestamp, deltas: [delta] };
    for (const listener of this.core.listeners) listener(committed);
    return true;
  }

  private applySchema(d: SchemaDelta): boolean {
    const core = this.core;
    const names = core.names;
    switch (d.op) {
      case 'createIndex': {
        const l = names.id(d.label);
        return d.property === null
          ? core.indexes.createLabel(l, core.vertices)
          : core.indexes.createLabelProperty(l, names.id(d.property), core.vertices);
      }
      case 'dropIndex': {
        const l = names.lookup(d.label);
        const p = d.property === null ? null : names.lookup(d.property);
        if (l < 0 || p === -1) return false;
        return core.indexes.drop(l, p);
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

  onCommit(listener: (tx: CommittedTransaction) => void): void {
    this.core.listeners.push(listener);
  }

  /**
   * Replays a transaction committed elsewhere (a replica applying MAIN's deltas, or WAL
   * recovery): same gids, same commit timestamp; onCommit listeners see it like any commit.
   */
  applyCommitted(committed: CommittedTransaction): void {
    const schema = schemaDeltaOf(committed);
    if (schema !== null) {
      this.commitSchema(schema, committed.commitTimestamp);
      return;
    }
    this.replay(committed, true);
  }

  /**
   * Recovery from a snapshot: applies data or schema deltas (possibly none) as committed
   * at `committed.commitTimestamp`, which may repeat the last commit timestamp (a
   * snapshot loads in batches at its own timestamp). No onCommit listener is told.
   */
  loadCommitted(committed: CommittedTransaction): void {
    if (committed.commitTimestamp < this.core.lastCommitTs) {
      throw new MghaError(Codes.DatabaseError, `Commit timestamp ${committed.commitTimestamp} is before ${this.core.lastCommitTs}.`);
    }
    const schema = schemaDeltaOf(committed);
    if (schema === null) this.replay(committed, false);
    else this.applySchema(schema);
    // Also when there was nothing to apply: the clock moves to the loaded state's timestamp.
    this.core.lastCommitTs = committed.commitTimestamp;
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

  private replay(committed: CommittedTransaction, notify: boolean): void {
    const core = this.core;
    const tx = new Transaction(core);
    const vertex = (gid: number): VertexRecord => {
      const rec = core.vertices[gid];
      if (rec === undefined) throw new MghaError(Codes.DatabaseError, `Replay: vertex ${gid} does not exist.`);
      return rec;
    };
    const edge = (gid: number): EdgeRecord => {
      const rec = core.edges[gid];
      if (rec === undefined) throw new MghaError(Codes.DatabaseError, `Replay: edge ${gid} does not exist.`);
      return rec;
    };
    try {
      for (const d of committed.deltas) {
        switch (d.op) {
          case 'createVertex':
            tx.createVertexRecord(d.gid);
            break;
          case 'deleteVertex':
            // The source logged the edge deletions before this delta.
            tx.deleteVertexRecord(vertex(d.gid), false);
            break;
          case 'addLabel':
            tx.addLabel(vertex(d.gid), d.label);
            break;
          case 'removeLabel':
            tx.removeLabel(vertex(d.gid), d.label);
            break;
          case 'setVertexProperty':
            tx.setProperty(vertex(d.gid), d.key, d.value);
            break;
          case 'createEdge':
            tx.createEdgeRecord(d.gid, vertex(d.from), vertex(d.to), d.type);
            break;
          case 'deleteEdge':
            tx.deleteEdgeRecord(edge(d.gid));
            break;
          case 'setEdgeProperty':
            tx.setProperty(edge(d.gid), d.key, d.value);
            break;
          default:
            throw new MghaError(Codes.DatabaseError, `Replay: ${d.op} must be committed alone.`);
        }
      }
      tx.commitAt(committed.commitTimestamp, false, notify);
    } catch (e) {
      tx.abort();
      throw e;
    }
  }
}

const SCHEMA_OPS = new Set(['createIndex', 'dropIndex', 'createConstraint', 'dropConstraint']);

/** The schema delta a committed transaction consists of, or null for data changes. */
function schemaDeltaOf(committed: CommittedTransaction): SchemaDelta | null {
  const first = committed.deltas[0];
  if (first === undefined || !SCHEMA_OPS.has(first.op)) return null;
  if (committed.deltas.length !== 1) {
    throw new MghaError(Codes.DatabaseError, `Replay: ${first.op} must be committed alone.`);
  }
  return first as SchemaDelta;
}
