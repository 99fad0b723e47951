// The leader's management RPC clients, one per data instance at its registered
// `management_server`: state checks, and each reconciliation action as its RPC
// (management-rpc.ts). A client is dropped when its instance is unregistered or moves.

import { RpcClient } from '../rpc/client.js';
import { parseHostPort } from './raft-host.js';
import {
  DemoteToReplica,
  ForceResync,
  PromoteToMain,
  RegisterReplicaOnMain,
  StateCheck,
  SwapMainUuid,
  UnregisterReplicaOnMain,
  UpdateDataInstanceConfig,
  type WireReport,
} from './management-rpc.js';
import type { InstanceReport, ReconcileAction } from './reconcile.js';
import type { ClusterState, DataInstance } from './types.js';

function toReport(w: WireReport): InstanceReport {
  return { ...w, role: w.role === 'main' ? 'main' : 'replica' };
}

/** The instance an action is sent to. */
export function actionTarget(action: ReconcileAction): string {
  return action.kind === 'registerReplica' || action.kind === 'unregisterReplica' ? action.main : action.instance;
}

export class DataInstanceClients {
  private readonly clients = new Map<string, { address: string; client: RpcClient }>();

  /** Keeps clients for exactly the registered instances. */
  sync(state: ClusterState): void {
    for (const [name, c] of this.clients) {
      const i = state.instances.find((x) => x.name === name);
      if (i === undefined || i.managementServer !== c.address) {
        c.client.close();
        this.clients.delete(name);
      }
    }
  }

  /**
   * `leaseMs`: how long after `sentAtMs` (now) the instance may accept writes (management-rpc.ts
   * StateCheck). The leader gives the Raft MAIN `instance_down_timeout_sec` and everyone else
   * 0: the lease runs out no later than the leader could declare the MAIN down and fail over.
   */
  async stateCheck(instance: DataInstance, timeoutMs: number, leaseMs: number): Promise<InstanceReport> {
    return toReport(await this.client(instance).call(StateCheck, { leaseMs, sentAtMs: Date.now() }, { timeoutMs }));
  }

  async perform(action: ReconcileAction, state: ClusterState): Promise<void> {
    const find = (name: string): DataInstance => {
      const i = state.instances.find((x) => x.name === name);
      if (i === undefined) throw new Error(`instance ${name} is not registered`);
      return i;
    };
    switch (action.kind) {
      case 'demote': {
        const i = find(action.instance);
        await this.client(i).call(DemoteToReplica, { mainUuid: action.mainUuid, replicationServer: i.replicationServer });
        return;
      }
      case 'swapMainUuid':
        await this.client(find(action.instance)).call(SwapMainUuid, { mainUuid: action.mainUuid });
        return;
      case 'promote':
        await this.client(find(action.instance)).call(PromoteToMain, {
          mainUuid: action.mainUuid,
          replicas: action.replicas.map((r) => ({ ...r })),
          writingEnabled: action.writingEnabled,
        });
        return;
      case 'registerReplica':
        await this.client(find(action.main)).call(RegisterReplicaOnMain, { mainUuid: action.mainUuid, replica: { ...action.replica } });
        return;
      case 'unregisterReplica':
        await this.client(find(action.main)).call(UnregisterReplicaOnMain, { replica: action.replica });
        return;
      case 'forceResync':
        await this.client(find(action.instance)).call(ForceResync, { main: action.main });
        return;
      case 'updateConfig':
        await this.client(find(action.instance)).call(UpdateDataInstanceConfig, {
          deltasBatchProgressSize: action.deltasBatchProgressSize,
          writingEnabled: action.writingEnabled ?? null,
        });
        return;
    }
  }

  closeAll(): void {
    for (const c of this.clients.values()) c.client.close();
    this.clients.clear();
  }

  private client(instance: DataInstance): RpcClient {
    const existing = this.clients.get(instance.name);
    if (existing !== undefined && existing.address === instance.managementServer) return existing.client;
    existing?.client.close();
    const address = parseHostPort(instance.managementServer);
    if (address === null) throw new Error(`bad management_server ${instance.managementServer}`);
    // A dead instance must not hold a round for the default 5 s connect timeout.
    const client = new RpcClient({ host: address.host, port: address.port, connectTimeoutMs: 1000 });
    this.clients.set(instance.name, { address: instance.managementServer, client });
    return client;
  }
}
