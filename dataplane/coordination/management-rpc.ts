// The management RPCs (coordinator leader → data instance, over dataplane/rpc on the data
// instance's --management-port), one per reconciliation action (reconcile.ts) plus the
// state check that feeds health, failover and reconciliation (Memgraph's StateCheckRpc,
// PromoteToMainRpc, DemoteMainToReplicaRpc, RegisterReplicaOnMainRpc,
// UnregisterReplicaRpc, SwapMainUUIDRpc, UpdateDataInstanceConfigRpc). Both sides import
// these definitions, so a message's shape lives here only. Every call is idempotent: the
// leader repeats whatever reconciliation still finds missing.

import { defineRpc, p, type PayloadOf } from '../rpc/messages.js';

const history = p.list(p.struct({ epochId: p.string, lastCommitTs: p.uint }));

/** What a data instance reports (reconcile.ts InstanceReport, field for field). */
const report = p.struct({
  role: p.string,
  mainUuid: p.optional(p.string),
  writingEnabled: p.bool,
  deltasBatchProgressSize: p.uint,
  replicas: p.list(p.string),
  /** On a MAIN: the replicas it holds in sync (ready or shipping the newest commit, not catching up). */
  replicasInSync: p.list(p.string),
  epochId: p.string,
  history,
  lastCommitTs: p.uint,
});
export type WireReport = PayloadOf<typeof report>;

const replicaConfig = p.struct({ name: p.string, mode: p.string, replicationServer: p.string });
export type WireReplicaConfig = PayloadOf<typeof replicaConfig>;

const done = p.empty;

/**
 * Health and position: answered at every health-check tick. It also carries the write
 * lease: the Raft MAIN may accept writes until `sentAtMs + leaseMs` (`sentAtMs`: the leader's
 * wall clock when it sent the check), which is when the leader would declare it down (its last
 * success + `instance_down_timeout_sec`); every other instance gets 0 and accepts none. So a MAIN cut off from the leader (partitioned,
 * paused) stops acknowledging writes before a failover can be committed without it, and a
 * check that sat in a paused MAIN's socket renews nothing when it is finally read. Clocks
 * are assumed synchronised (NTP): a data instance whose clock runs behind the leader's by d
 * holds its lease up to d longer.
 */
export const StateCheck = defineRpc({ type: 201, name: 'StateCheck', timeoutMs: 2000, request: p.struct({ leaseMs: p.uint, sentAtMs: p.uint }), response: report });

/**
 * Become MAIN under `mainUuid` (a new epoch unless already MAIN under it), replicate to
 * `replicas` (each told to follow `mainUuid`), writes enabled or not.
 */
export const PromoteToMain = defineRpc({
  type: 202,
  name: 'PromoteToMain',
  timeoutMs: 10_000,
  request: p.struct({ mainUuid: p.string, replicas: p.list(replicaConfig), writingEnabled: p.bool }),
  response: done,
});

/**
 * Become a REPLICA listening on the port of its registered replication server, following
 * `mainUuid` (null: no MAIN yet; replication from anyone is refused until a swap). Open
 * write transactions are aborted.
 */
export const DemoteToReplica = defineRpc({
  type: 203,
  name: 'DemoteToReplica',
  timeoutMs: 10_000,
  request: p.struct({ mainUuid: p.optional(p.string), replicationServer: p.string }),
  response: done,
});

/** A REPLICA follows `mainUuid` from now on; replication from any other MAIN is refused. */
export const SwapMainUuid = defineRpc({ type: 204, name: 'SwapMainUuid', timeoutMs: 5000, request: p.struct({ mainUuid: p.string }), response: done });

/** On the MAIN: start replicating to one more replica (no-op when already registered alike). */
export const RegisterReplicaOnMain = defineRpc({
  type: 205,
  name: 'RegisterReplicaOnMain',
  timeoutMs: 10_000,
  request: p.struct({ mainUuid: p.string, replica: replicaConfig }),
  response: done,
});

/** On the MAIN: stop replicating to `replica` (no-op when not registered). */
export const UnregisterReplicaOnMain = defineRpc({
  type: 206,
  name: 'UnregisterReplicaOnMain',
  timeoutMs: 5000,
  request: p.struct({ replica: p.string }),
  response: done,
});

/**
 * On a diverged REPLICA: move its data files to `.old/` and start empty, so that the MAIN
 * catches it up from scratch (snapshot, then WAL).
 */
export const ForceResync = defineRpc({ type: 207, name: 'ForceResync', timeoutMs: 30_000, request: p.struct({ main: p.string }), response: done });

/** Settings the coordinators push; `writingEnabled` only to the MAIN (null: unchanged). */
export const UpdateDataInstanceConfig = defineRpc({
  type: 208,
  name: 'UpdateDataInstanceConfig',
  timeoutMs: 5000,
  request: p.struct({ deltasBatchProgressSize: p.uint, writingEnabled: p.optional(p.bool) }),
  response: done,
});
