// Memgraph's user-visible replication texts, verbatim (reference §1.2–§1.4, e2e
// behaviours): clients and Memgraph's own tests match on them, typos included.

import { Codes, MghaError } from '../errors.js';
import type { Notification } from '../notifications.js';

export const WRITE_ON_REPLICA =
  'Write queries are forbidden on the replica instance. Replica instances accept only read queries, while the main ' +
  'instance accepts read and write queries. Please retry your query on the main instance.';

/** A MAIN whose writes are off: an HA MAIN until a coordinator promotes it, or `global_read_only`. */
export const WRITE_FORBIDDEN_ON_MAIN =
  'Write queries currently forbidden on the main instance. Either the cluster is in read-only mode, or a new main ' +
  'instance is being set up. Please retry the query later on if this is transient.';

/** Bolt ROUTE on an HA data instance (Memgraph v3.12+): only coordinators route. */
export const ROUTE_ON_DATA_INSTANCE = 'Cannot fetch routing table from a data instance!';

export const SHOW_REPLICAS_ON_REPLICA = 'Show replicas query should only be run on the main instance.';
export const REPLICA_CANT_REGISTER = "Replica can't register another replica!";
export const REPLICA_CANT_UNREGISTER = "Replica can't unregister a replica! Please rerun the query on main in order to unregister a replica from it.";
export const PORT_INVALID = 'Port number invalid!';
export const COULDNT_SET_REPLICA = "Couldn't set role to replica!";
export const COULDNT_SET_MAIN = "Couldn't set replication role to main!";
export const MIXED_MODES = 'Cluster cannot consists of both STRICT_SYNC and SYNC replicas. The valid cluster consists of either STRICT_SYNC and ASYNC or SYNC and ASYNC replicas.';
export const INVALID_SOCKET_ADDRESS = 'Invalid socket address. Address should be of form <ip>:<port> or <hostname>:<port>.';

/** Memgraph's RegisterReplicaError enum indices, as `Couldn't register replica <n>. Error: <i>` prints them. */
export const RegisterError = {
  NameExists: 1,
  EndpointExists: 2,
  ConnectionFailed: 3,
  CouldNotBePersisted: 4,
  ErrorAcceptingMain: 5,
} as const;

export function registerFailed(name: string, error: number): MghaError {
  return new MghaError(Codes.MemgraphClientError, `Couldn't register replica ${name}. Error: ${error}`);
}

export function dropFailed(name: string): MghaError {
  return new MghaError(Codes.MemgraphClientError, `Failed to unregister the replica ${name}.`);
}

export function clientError(text: string): MghaError {
  return new MghaError(Codes.MemgraphClientError, text);
}

/** Why a replica did not confirm a commit, in Memgraph's words. */
export type FailureReason = 'unreachable' | 'rpc' | 'diverged' | 'timeout' | 'fenced';

function reasonText(reason: FailureReason, plural: boolean): string {
  switch (reason) {
    // Community: a replica that follows another MAIN is, for this one, not in sync.
    case 'unreachable':
    case 'fenced':
      return plural ? 'replicas are not reachable or not in sync with the main' : 'replica is not reachable or not in sync with the main';
    case 'rpc':
      return 'RPC communication error';
    case 'diverged':
      return plural ? 'replicas have diverged from main' : 'replica has diverged from main';
    case 'timeout':
      return 'RPC timeout while replicating';
  }
}

/** `'a'`, `'a' and 'b'`, `'a', 'b' and 'c'`. */
function quotedNames(names: readonly string[]): string {
  const q = names.map((n) => `'${n}'`);
  return q.length === 1 ? q[0] : `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`;
}

export interface ReplicaFailure {
  name: string;
  reason: FailureReason;
}

/**
 * When any failure was an RPC timeout, Memgraph appends this after the outcome sentence
 * (storage_error.cpp FormatReplicationError): the timed-out replicas' names, unquoted.
 */
export function rpcTimeoutText(names: readonly string[]): string {
  return (
    `Main reached an RPC timeout while replicating to [${names.join(', ')}]. ` +
    'One possible reason for this error is that the replica is down and in that case make sure to recover it. ' +
    'If all of your replicas are up and running normally, then please try setting a smaller parameter value for ' +
    "'deltas_batch_progress_size' using 'SET COORDINATOR SETTING' query on the coordinator."
  );
}

/**
 * Memgraph's message for failed replicas of one mode (v3.10+ format, FormatReplicationError):
 * one sentence per reason, in order of first appearance, naming the replicas that failed
 * for it; then recovery and outcome; then, if any replica timed out, the timeout text.
 */
export function replicationFailureMessage(mode: 'SYNC' | 'STRICT_SYNC', failures: readonly ReplicaFailure[]): string {
  // Grouped by the reason's text, as Memgraph does ('fenced' reads as 'unreachable').
  const groups = new Map<string, { reason: FailureReason; names: string[] }>();
  for (const f of failures) {
    const key = reasonText(f.reason, false);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { reason: f.reason, names: [f.name] });
    else group.names.push(f.name);
  }
  const sentences = [...groups.values()].map(({ reason, names }) => {
    const plural = names.length > 1;
    return `Failed to replicate to ${mode} ${plural ? 'replicas' : 'replica'} ${quotedNames(names)}: ${reasonText(reason, plural)}.`;
  });
  sentences.push(failures.length > 1 ? 'Replicas will be recovered automatically.' : 'Replica will be recovered automatically.');
  sentences.push(mode === 'SYNC' ? 'Transaction is still committed on the main instance and other alive replicas.' : 'Transaction was aborted on all instances.');
  const timedOut = failures.filter((f) => f.reason === 'timeout').map((f) => f.name);
  if (timedOut.length > 0) sentences.push(rpcTimeoutText(timedOut));
  sentences.push("Check the status of the replicas using 'SHOW REPLICAS' query.");
  return sentences.join(' ');
}

/** The one WARNING a SYNC failure adds to a commit that still succeeded (Memgraph master, PR#4601). */
export function syncFailureNotice(failures: readonly ReplicaFailure[]): Notification {
  return { severity: 'WARNING', code: 'SyncReplicationFailure', title: replicationFailureMessage('SYNC', failures) };
}

/** A STRICT_SYNC failure aborts the commit everywhere: Memgraph's ReplicationException. */
export function strictSyncAbort(failures: readonly ReplicaFailure[]): MghaError {
  return new MghaError(Codes.MemgraphClientError, `Replication Exception: ${replicationFailureMessage('STRICT_SYNC', failures)}`);
}

export function info(code: string, title: string): Notification {
  return { severity: 'INFO', code, title };
}

/**
 * HA: a replica refused the commit because the coordinators told it to follow another
 * MAIN, so this instance was deposed. It must acknowledge nothing: the commit fails (mgha's
 * text; Memgraph's fencing has no client-visible message for it).
 */
export function fencedCommit(names: readonly string[]): MghaError {
  return new MghaError(
    Codes.MemgraphClientError,
    `Replication Exception: ${quotedNames(names)} ${names.length > 1 ? 'follow' : 'follows'} another main: this instance is no longer the main. ` +
      'The transaction was not committed. Please retry the query on the current main instance.',
  );
}
