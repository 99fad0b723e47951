// The management RPC server of an HA data instance (--management-port): the coordinator
// leader's state checks and reconciliation actions (coordination/management-rpc.ts),
// each handed to the role-change API of Replication. Every handler is idempotent, so the
// leader may repeat any of them; a refusal comes back as an RPC error with the reason.

import type { Logger } from 'pino';
import { Histogram, type Registry } from 'prom-client';
import {
  DemoteToReplica,
  ForceResync,
  PromoteToMain,
  RegisterReplicaOnMain,
  StateCheck,
  SwapMainUuid,
  UnregisterReplicaOnMain,
  UpdateDataInstanceConfig,
  type WireReplicaConfig,
  type WireReport,
} from '../coordination/management-rpc.js';
import type { InstanceReport } from '../coordination/reconcile.js';
import { RpcServer } from '../rpc/server.js';
import { RpcError, type RpcCallHook } from '../rpc/types.js';
import * as M from './messages.js';
import { parseSocketAddress, registrationOf, type Replication } from './replication.js';
import type { ReplicaRegistration, ReplicationMode } from './types.js';

/** Error codes of refused management calls (RpcError.code on the coordinator). */
export const ManagementCodes = {
  /** A request field the data instance cannot use (an unknown mode, a bad address). */
  BadRequest: 'ManagementBadRequest',
} as const;

const MODES: readonly ReplicationMode[] = ['sync', 'async', 'strict_sync'];

/** A replica as the coordinators send it → a registration; refuses an unknown mode or a bad address. */
export function registrationFromWire(c: WireReplicaConfig): ReplicaRegistration {
  const mode = MODES.find((m) => m === c.mode);
  if (mode === undefined) throw new RpcError(ManagementCodes.BadRequest, `replica ${c.name}: unknown replication mode '${c.mode}'`);
  if (parseSocketAddress(c.replicationServer) === null) {
    throw new RpcError(ManagementCodes.BadRequest, `replica ${c.name}: ${M.INVALID_SOCKET_ADDRESS}`);
  }
  return registrationOf(c.name, mode, c.replicationServer);
}

/** The port a demoted instance listens on: the one of its registered replication server. */
export function replicationPortFromWire(replicationServer: string): number {
  const addr = parseSocketAddress(replicationServer);
  if (addr === null) throw new RpcError(ManagementCodes.BadRequest, `replication server '${replicationServer}': ${M.INVALID_SOCKET_ADDRESS}`);
  return addr.port;
}

export function reportToWire(r: InstanceReport): WireReport {
  return { ...r, replicas: [...r.replicas], replicasInSync: [...(r.replicasInSync ?? [])], history: r.history.map((h) => ({ epochId: h.epochId, lastCommitTs: h.lastCommitTs })) };
}

export interface ManagementServerOptions {
  host: string;
  port: number;
  replication: Replication;
  log: Logger;
  registry?: Registry;
}

/** Latency of the management RPCs this instance answered, by message and outcome. */
function managementMetrics(registry: Registry): RpcCallHook {
  const seconds = new Histogram({
    name: 'mgha_management_rpc_duration_seconds',
    help: 'Latency of the management RPCs (coordinator to data instance) this instance answered, by message and outcome',
    labelNames: ['rpc', 'ok'],
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10],
    registers: [registry],
  });
  return (e) => seconds.observe({ rpc: e.name, ok: e.ok ? 'true' : 'false' }, e.seconds);
}

export function createManagementServer(options: ManagementServerOptions): RpcServer {
  const { replication, log } = options;
  const onCall = options.registry === undefined ? undefined : managementMetrics(options.registry);
  return new RpcServer({ host: options.host, port: options.port, logger: log, onCall })
    .handle(StateCheck, ({ leaseMs, sentAtMs }) => {
      replication.renewLease(leaseMs - Math.max(0, Date.now() - sentAtMs));
      return reportToWire(replication.report());
    })
    .handle(PromoteToMain, async ({ mainUuid, replicas, writingEnabled }) => {
      await replication.promote(mainUuid, replicas.map(registrationFromWire), writingEnabled);
      return {};
    })
    .handle(DemoteToReplica, async ({ mainUuid, replicationServer }) => {
      await replication.demote(mainUuid, replicationPortFromWire(replicationServer));
      return {};
    })
    .handle(SwapMainUuid, async ({ mainUuid }) => {
      await replication.swapMainUuid(mainUuid);
      return {};
    })
    .handle(RegisterReplicaOnMain, async ({ mainUuid, replica }) => {
      await replication.registerReplica(mainUuid, registrationFromWire(replica));
      return {};
    })
    .handle(UnregisterReplicaOnMain, async ({ replica }) => {
      await replication.unregisterReplica(replica);
      return {};
    })
    .handle(ForceResync, async () => {
      await replication.forceResync();
      return {};
    })
    .handle(UpdateDataInstanceConfig, ({ deltasBatchProgressSize, writingEnabled }) => {
      replication.updateConfig(deltasBatchProgressSize, writingEnabled);
      return {};
    });
}
