// Replication metrics (DESIGN §6; Memgraph offers none of these): per-replica lag and
// state on MAIN, RPC latency histograms on both sides, the applied timestamp on replicas.
// Gauges are read at scrape time from the live state.

import { Gauge, type Registry } from 'prom-client';
import { TalliedHistogram, type Tally } from '../http/tallied-histogram.js';
import type { RpcCallHook } from '../rpc/types.js';
import { REPLICA_STATUSES, type ReplicaStatus } from './types.js';

export interface ReplicaLagSource {
  name: string;
  status: ReplicaStatus;
  /** Commits (timestamps) the replica is behind MAIN. */
  lagTransactions: number;
  lagSeconds: number;
}

export interface ReplicationMetricsSource {
  replicas(): ReplicaLagSource[];
  /** On a replica: its last applied commit timestamp; null on MAIN. */
  appliedTimestamp(): number | null;
}

export interface ReplicationMetrics {
  /** Feeds the RPC latency histograms (client and server side). */
  onCall: RpcCallHook;
}

export function createReplicationMetrics(registry: Registry, source: ReplicationMetricsSource): ReplicationMetrics {
  const registers = [registry];
  new Gauge({
    name: 'mgha_replica_lag_transactions',
    help: 'Commits a registered replica is behind MAIN',
    labelNames: ['replica'],
    registers,
    collect() {
      this.reset();
      for (const r of source.replicas()) this.set({ replica: r.name }, r.lagTransactions);
    },
  });
  new Gauge({
    name: 'mgha_replica_lag_seconds',
    help: 'Age of the oldest commit a registered replica has not acknowledged',
    labelNames: ['replica'],
    registers,
    collect() {
      this.reset();
      for (const r of source.replicas()) this.set({ replica: r.name }, r.lagSeconds);
    },
  });
  new Gauge({
    name: 'mgha_replica_state',
    help: "1 for a registered replica's current state (as SHOW REPLICAS prints it), 0 for the others",
    labelNames: ['replica', 'state'],
    registers,
    collect() {
      this.reset();
      for (const r of source.replicas()) for (const s of REPLICA_STATUSES) this.set({ replica: r.name, state: s }, r.status === s ? 1 : 0);
    },
  });
  new Gauge({
    name: 'mgha_replication_applied_timestamp',
    help: 'On a replica: the last commit timestamp applied from MAIN',
    registers,
    collect() {
      this.reset();
      const ts = source.appliedTimestamp();
      if (ts !== null) this.set(ts);
    },
  });
  // Tallied in plain numbers (TalliedHistogram): prom-client's observe() per call was ~4%
  // of a replica's CPU under SYNC load (bench/profile-replication.ts).
  const rpcSeconds = new TalliedHistogram<'rpc' | 'ok'>({
    name: 'mgha_replication_rpc_duration_seconds',
    help: 'Latency of replication RPCs, by message and outcome',
    labelNames: ['rpc', 'ok'],
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5, 30],
    registry,
  });
  const ok = new Map<string, Tally>();
  const failed = new Map<string, Tally>();
  return {
    onCall: (e) => {
      const byName = e.ok ? ok : failed;
      let t = byName.get(e.name);
      if (t === undefined) {
        t = rpcSeconds.tally(`${e.name}\u0000${e.ok}`, { rpc: e.name, ok: e.ok ? 'true' : 'false' });
        byName.set(e.name, t);
      }
      rpcSeconds.observeInto(t, e.seconds);
    },
  };
}
