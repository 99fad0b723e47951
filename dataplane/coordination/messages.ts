// Memgraph's coordinator texts, verbatim (reference §3.2–§3.4, Memgraph's interpreter.cpp
// and coordinator_instance.cpp), so that users and Memgraph's own tests match them. Typos
// are Memgraph's ("consists", "unregisted").

import { Codes, MghaError } from '../errors.js';
import type { Notification } from '../notifications.js';

export const Texts = {
  nameExists: "Couldn't register replica instance since instance with such name already exists!",
  managementExists: "Couldn't register replica instance since instance with such management server already exists!",
  replicationExists: "Couldn't register replica instance since instance with such replication endpoint already exists!",
  strictSyncAndSync:
    'Cluster cannot consists of both STRICT_SYNC and SYNC replicas. The valid cluster consists of either ' +
    'STRICT_SYNC and ASYNC or SYNC and ASYNC replicas.',
  noInstance: 'No instance with such name!',
  mainExists: "Couldn't set instance to main since there is already a main instance in cluster!",
  aliveMain: "Alive main instance can't be unregistered! Shut it down to trigger failover and then unregister it!",
  noMainForUnregister:
    'The replica cannot be unregisted because the current main is down. Retry when the cluster has an active leader!',
  alreadyReplica: (name: string): string => `Instance ${name} is already a replica!`,
  coordinatorIdExists: "Couldn't add coordinator since instance with such id already exists!",
  coordinatorManagementExists: "Couldn't add coordinator since instance with such management endpoint already exists!",
  coordinatorServerExists: "Couldn't add coordinator since instance with such coordinator server already exists!",
  noCoordinator: (id: number): string => `Couldn't remove coordinator instance because coordinator with id ${id} doesn't exist!`,
  /** mgha's text: Memgraph's for UPDATE CONFIG of an unknown coordinator was not found. */
  noCoordinatorToUpdate: (id: number): string =>
    `Couldn't update config for coordinator because coordinator with id ${id} doesn't exist!`,
  removeLeader: (id: number): string => `Request for removing coordinator ${id} failed because the current leader cannot be removed!`,
  unknownSetting: (name: string): string => `Setting ${name} doesn't exist on coordinators.`,
  invalidSetting: (name: string): string => `Invalid argument detected while trying to update setting ${name}`,
  leaderNotReachable: "Couldn't reach the leader coordinator, so the state of the cluster is unknown. Please retry the query.",
  noMainForLag: 'No instance is currently main, so there is no replication lag to report.',
  /** mgha's text: Memgraph's for an unresponsive MAIN was not found. */
  mainUnresponsive: (name: string): string => `Main instance ${name} did not answer, so there is no replication lag to report.`,
  registered: (bolt: string, name: string): string => `Coordinator has registered replication instance on ${bolt} for instance ${name}.`,
  forceReset: 'Coordinator has force reset cluster state.',
  raftWriteFailed: 'Writing to Raft log failed. Please retry the operation.',
  leaderNotFound: "Tried to forward the request to the current leader but the leader couldn't be found!",
} as const;

/** A coordinator statement refused: Memgraph's QueryRuntimeException → its generic ClientError. */
export function refusal(message: string): MghaError {
  return new MghaError(Codes.MemgraphClientError, message);
}

export function leaderNotReachable(): Notification {
  return { severity: 'WARNING', code: 'LeaderNotReachable', title: Texts.leaderNotReachable };
}

export function replicationLagUnavailable(reason: string): Notification {
  return { severity: 'WARNING', code: 'ReplicationLagUnavailable', title: reason };
}

/** What Memgraph says a statement could not do, when a follower cannot hand it to a leader. */
const NOT_LEADER_WHAT: Partial<Record<string, string>> = {
  RegisterInstance: "Couldn't register replica instance",
  UnregisterInstance: "Couldn't unregister replica instance",
  DemoteInstance: "Couldn't demote instance to replica",
  SetInstanceToMain: "Couldn't set instance to main",
};

/**
 * Memgraph's not-leader refusal (`Couldn't <op> since coordinator is not a leader! Current
 * leader is coordinator with id N with bolt socket address …`), for statements a follower
 * cannot forward. Statements Memgraph has no such text for get the forwarding failure.
 */
export function notLeader(kind: string, leader: { id: number; boltServer: string } | null): MghaError {
  const what = NOT_LEADER_WHAT[kind];
  if (what === undefined) return refusal(Texts.leaderNotFound);
  const common = `${what} since coordinator is not a leader!`;
  return refusal(
    leader === null
      ? `${common} Try contacting other coordinators as there might be leader election happening or other coordinators are down.`
      : `${common} Current leader is coordinator with id ${leader.id} with bolt socket address ${leader.boltServer}`,
  );
}

/** A proposal Raft did not commit (Memgraph v3.10+, Raft first). */
export function raftWriteFailed(): MghaError {
  return refusal(Texts.raftWriteFailed);
}
