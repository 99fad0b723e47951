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
