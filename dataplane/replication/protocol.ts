// The replication RPCs (MAIN → REPLICA) over dataplane/rpc. Records travel as the WAL
// stores them: a record kind (COMMIT, PREPARE, FINALIZE_*) , the commit timestamp and the
// body bytes the commit pipeline encoded once, so a replica appends them to its own WAL
// unchanged and replays them with the recovery rules (durability/replay.ts).

import { defineRpc, p } from '../rpc/messages.js';

const record = p.struct({ kind: p.uint, ts: p.uint, body: p.bytes });
export type ShippedRecord = { kind: number; ts: number; body: Buffer };

const progress = p.struct({ epochId: p.string, ts: p.uint });

/** MAIN's epoch with its history: a replica adopts both (the branching-point rule needs them after a promotion). */
const epoch = p.struct({ epochId: p.string, history: p.list(p.struct({ epochId: p.string, lastCommitTs: p.uint })) });

/** Registration: the replica follows this MAIN from now on (Memgraph's SwapMainUUIDRpc). */
export const SwapMainUuid = defineRpc({
  type: 101,
  name: 'SwapMainUuid',
  timeoutMs: 5000,
  request: p.struct({ mainUuid: p.string }),
  response: progress,
});

/** Liveness and progress (Memgraph's HeartbeatRpc); refused from another MAIN. */
export const Heartbeat = defineRpc({
  type: 102,
  name: 'Heartbeat',
  timeoutMs: 5000,
  request: p.struct({ mainUuid: p.string, epochId: p.string, mainTs: p.uint }),
  response: progress,
});

/**
 * Records in log order: one live commit (or its prepare / finalisation), or a batch read
 * from MAIN's WAL during catch-up. Answered once they are applied (prepares: held) and
 * appended to the replica's WAL (and fsynced when its flush policy says every commit).
 */
export const AppendRecords = defineRpc({
  type: 103,
  name: 'AppendRecords',
  timeoutMs: 30_000,
  request: p.struct({ mainUuid: p.string, epoch, records: p.list(record) }),
  response: progress,
});

/**
 * Catch-up when MAIN's WAL no longer reaches back: MAIN's newest snapshot; the replica
 * replaces its whole graph with it (then WAL records follow).
 */
export const TransferSnapshot = defineRpc({
  type: 104,
  name: 'TransferSnapshot',
  timeoutMs: 60_000,
  request: p.struct({ mainUuid: p.string, epoch, name: p.string }),
  response: progress,
});
