// What the coordinator's SHOW statements answer (reference §3.3), as AdminResults the
// admin registry hands to Bolt: Memgraph's columns, row order and value strings.
// `SHOW INSTANCES` and `SHOW REPLICATION LAG` come from the ready leader only (a follower
// forwards and prints the leader's answer); without one, zero rows and a warning.

import { Texts, leaderNotReachable, replicationLagUnavailable } from './messages.js';
import { settingText } from './settings.js';
import { currentMain } from './cluster-state.js';
import { SETTING_NAMES, type ClusterState, type Health } from './types.js';
import type { AdminResult } from '../query/admin-registry.js';
import type { Value } from '../values/model.js';

export const SHOW_INSTANCES_COLUMNS = ['name', 'bolt_server', 'coordinator_server', 'management_server', 'health', 'role', 'last_succ_resp_ms'];
export const SHOW_INSTANCE_COLUMNS = ['name', 'bolt_server', 'coordinator_server', 'management_server', 'role'];
export const SHOW_REPLICATION_LAG_COLUMNS = ['instance_name', 'data_info'];
export const SHOW_COORDINATOR_SETTINGS_COLUMNS = ['setting_name', 'setting_value'];

/** The only database mgha has (Memgraph's default). */
export const DEFAULT_DATABASE = 'memgraph';

export function coordinatorName(id: number): string {
  return `coordinator_${id}`;
}

/** What the ready leader knows when it answers SHOW INSTANCES. */
export interface LeaderSnapshot {
  state: ClusterState;
  leaderId: number;
  /** Last successful Raft contact with each follower. */
  coordinatorHealth: ReadonlyMap<number, Health>;
  instanceHealth: ReadonlyMap<string, Health>;
}

/**
 * Coordinators first (`leader`/`follower`; the leader is up with 0 ms), then data
 * instances in registration order with their Raft role (a down ex-MAIN shows `main` until
 * failover rewrites Raft) and `""` as coordinator_server. Null: no ready leader.
 */
export function showInstances(leader: LeaderSnapshot | null): AdminResult {
  if (leader === null) return { columns: SHOW_INSTANCES_COLUMNS, rows: [], notifications: [leaderNotReachable()] };
  const { state, leaderId, coordinatorHealth, instanceHealth } = leader;
  const health = (h: Health | undefined): [string, bigint] => [h?.up ? 'up' : 'down', BigInt(Math.round(h?.lastSuccMs ?? 0))];
  const rows: Value[][] = [];
  for (const c of state.coordinators) {
    const isLeader = c.id === leaderId;
    const [up, ms] = isLeader ? ['up', 0n] : health(coordinatorHealth.get(c.id));
    rows.push([coordinatorName(c.id), c.boltServer, c.coordinatorServer, c.managementServer, up, isLeader ? 'leader' : 'follower', ms]);
  }
  for (const i of state.instances) {
    const [up, ms] = health(instanceHealth.get(i.name));
    rows.push([i.name, i.boltServer, '', i.managementServer, up, i.role, ms]);
  }
  return { columns: SHOW_INSTANCES_COLUMNS, rows };
}

/** This coordinator as it knows itself (its servers from its flags; bolt_server once added). */
export interface SelfView {
  id: number;
  coordinatorServer: string;
  managementServer: string;
  leaderId: number | null;
  state: ClusterState;
}

/** `SHOW INSTANCE`: one row; `bolt_server` is `""` until `ADD COORDINATOR` ran for it. */
export function showInstance(self: SelfView): AdminResult {
  const bolt = self.state.coordinators.find((c) => c.id === self.id)?.boltServer ?? '';
  const role = self.leaderId === self.id ? 'leader' : 'follower';
  return { columns: SHOW_INSTANCE_COLUMNS, rows: [[coordinatorName(self.id), bolt, self.coordinatorServer, self.managementServer, role]] };
}

/** Why the lag could not be had from the MAIN. */
export type LagUnavailable = 'leader_not_ready' | 'no_main' | 'main_unresponsive';

/** MAIN's answer to the lag request: its own committed count and its cached count per replica. */
export interface MainLag {
  mainCommittedTxns: number;
  replicaCommittedTxns: ReadonlyMap<string, number>;
}

/**
 * `SHOW REPLICATION LAG`: rows by instance name (Memgraph's map order), `data_info` =
 * `{memgraph: {num_committed_txns, num_txns_behind_main}}`, the MAIN behind by 0. Behind
 * is MAIN's count minus the replica's and, as in Memgraph, can be negative after a failover
 * to a less up-to-date replica.
 */
export function showReplicationLag(state: ClusterState, lag: MainLag | LagUnavailable): AdminResult {
  const main = currentMain(state);
  if (typeof lag === 'string' || main === null) {
    const reason = typeof lag !== 'string' || lag === 'no_main' ? Texts.noMainForLag : lag === 'leader_not_ready' ? Texts.leaderNotReachable : Texts.mainUnresponsive(main?.name ?? '');
    return { columns: SHOW_REPLICATION_LAG_COLUMNS, rows: [], notifications: [replicationLagUnavailable(reason)] };
  }
  const counts = new Map<string, number>([[main.name, lag.mainCommittedTxns]]);
  for (const [name, committed] of lag.replicaCommittedTxns) if (name !== main.name) counts.set(name, committed);
  const rows = [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, committed]): Value[] => [
      name,
      new Map<string, Value>([
        [
          DEFAULT_DATABASE,
          new Map<string, Value>([
            ['num_committed_txns', BigInt(committed)],
            ['num_txns_behind_main', BigInt(lag.mainCommittedTxns - committed)],
          ]),
        ],
      ]),
    ]);
  return { columns: SHOW_REPLICATION_LAG_COLUMNS, rows };
}

/** `SHOW COORDINATOR SETTINGS`: every setting as a string, in Memgraph's order. */
export function showCoordinatorSettings(state: ClusterState): AdminResult {
  return { columns: SHOW_COORDINATOR_SETTINGS_COLUMNS, rows: SETTING_NAMES.map((n) => [n, settingText(state.settings, n)]) };
}
