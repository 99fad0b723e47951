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
    const names = this.core.names;
    const l = names.id(label);
    return property === null
      ? this.core.indexes.createLabel(l, this.core.vertices)
      : this.core.indexes.createLabelProperty(l, names.id(property), this.core.vertices);
  }

  dropIndex(label: string, property: string | null): boolean {
    const l = this.core.names.lookup(label);
    const p = property === null ? null : this.core.names.lookup(property);
    if (l < 0 || p === -1) return false;
    return this.core.indexes.drop(l, p);
  }

  hasIndex(label: string, property: string | null): boolean {
    const l = this.core.names.lookup(label);
    const p = property === null ? null : this.core.names.lookup(property);
    if (l < 0 || p === -1) return false;
    return this.core.indexes.has(l, p);
  }

  createConstraint(type: 'exists' | 'unique', label: string, properties: string[]): boolean {
    if (properties.length === 0) throw new MghaError(Codes.SemanticError, 'A constraint needs at least one property.');
    const names = this.core.names;
    // Verified against the latest committed state.
    const view = { info: new TxInfo(), startTimestamp: this.core.lastCommitTs };
    return this.core.constraints.create(
      type,
      names.id(label),
      properties.map((p) => names.id(p)),
      this.core.vertices,
      view,
    );
  }

  dropConstraint(type: 'exists' | 'unique', label: string, properties: string[]): boolean {
    const l = this.core.names.lookup(label);
    const ps = properties.map((p) => this.core.names.lookup(p));
    if (l < 0 || ps.includes(-1)) return false;
    return this.core.constraints.drop(type, l, ps);
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
        }
      }
      tx.commitAt(committed.commitTimestamp, false);
    } catch (e) {
      tx.abort();
      throw e;
    }
  }
}
