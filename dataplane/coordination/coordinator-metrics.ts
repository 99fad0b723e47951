// A coordinator's Prometheus metrics (prefix mgha_): Raft (term, leader, commit and applied
// index, elections), the data instances as this coordinator's leader loop sees them (up,
// role, last response) and failovers (count and duration). Gauges are read at scrape time.

import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { RaftStatus } from './raft/node.js';
import type { DataRole, Health } from './types.js';

export interface CoordinatorMetricsSource {
  raft(): RaftStatus;
  elections(): number;
  /** The data instances with their Raft role and, on a ready leader, their health (else null). */
  instances(): { name: string; role: DataRole; health: Health | null }[];
}

export interface CoordinatorMetrics {
  failoverCommitted(): void;
  /** From the old MAIN's last successful answer to the new MAIN's acknowledged promotion. */
  failoverCompleted(seconds: number): void;
}

export function registerCoordinatorMetrics(registry: Registry, source: CoordinatorMetricsSource): CoordinatorMetrics {
  const raftGauge = (name: string, help: string, read: (s: RaftStatus) => number): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(source.raft()));
      },
    });
  };
  raftGauge('mgha_raft_term', 'Current Raft term of this coordinator', (s) => s.term);
  raftGauge('mgha_raft_is_leader', '1 if this coordinator is the Raft leader', (s) => (s.role === 'leader' ? 1 : 0));
  raftGauge('mgha_raft_commit_index', 'Raft commit index of this coordinator', (s) => s.commit);
  raftGauge('mgha_raft_applied_index', 'Raft index applied to the cluster state on this coordinator', (s) => s.applied);
  raftGauge('mgha_raft_voters', 'Raft voters this coordinator knows', (s) => s.voters.length);
  new Counter({
    name: 'mgha_raft_elections_total',
    help: 'Elections this coordinator started (times it became a candidate)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(source.elections());
    },
  });
  new Gauge({
    name: 'mgha_cluster_instance_up',
    help: 'Data instance health as the leader sees it (1 up, 0 down; absent when this coordinator is not a ready leader)',
    labelNames: ['instance'],
    registers: [registry],
    collect() {
      this.reset();
      for (const i of source.instances()) if (i.health !== null) this.set({ instance: i.name }, i.health.up ? 1 : 0);
    },
  });
  new Gauge({
    name: 'mgha_cluster_instance_is_main',
    help: 'Data instance role in the cluster state (1 MAIN, 0 REPLICA)',
    labelNames: ['instance'],
    registers: [registry],
    collect() {
      this.reset();
      for (const i of source.instances()) this.set({ instance: i.name }, i.role === 'main' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'mgha_cluster_instance_last_response_ms',
    help: 'Milliseconds since the data instance last answered a state check (on the ready leader)',
    labelNames: ['instance'],
    registers: [registry],
    collect() {
      this.reset();
      for (const i of source.instances()) if (i.health !== null) this.set({ instance: i.name }, i.health.lastSuccMs);
    },
  });
  const failovers = new Counter({ name: 'mgha_failovers_total', help: 'Failovers this coordinator committed as leader', registers: [registry] });
  const duration = new Histogram({
    name: 'mgha_failover_duration_seconds',
    help: "From the old MAIN's last successful state check to the new MAIN's acknowledged promotion",
    buckets: [0.5, 1, 2, 3, 5, 7.5, 10, 15, 30, 60],
    registers: [registry],
  });
  return {
    failoverCommitted: () => failovers.inc(),
    failoverCompleted: (seconds) => duration.observe(seconds),
  };
}
