// Replication of one instance (community mode, reference §1): its role, the replication
// queries, the write guard of a REPLICA, the replica server or the replica clients, the
// persisted state, metrics and what ROUTE and /v1/instance say. main.ts calls
// startReplication() once; everything replication does hangs off the returned handle.

import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Durability } from '../durability/durability.js';
import { Codes, MghaError } from '../errors.js';
import type { Notification } from '../notifications.js';
import type { RegisterReplica, SetReplicationRole } from '../query/admin-ast.js';
import { InTransaction, type AdminResult } from '../query/admin-registry.js';
import type { QueryEngine } from '../query/engine.js';
import type { InMemoryStorage } from '../storage/storage.js';
import type { Value } from '../values/model.js';
import { MainReplication } from './main-side.js';
import * as M from './messages.js';
import { createReplicationMetrics, type ReplicationMetrics } from './metrics.js';
import { ReplicaClient } from './replica-client.js';
import { hasDiverged } from './replica-state.js';
import { ReplicaServer } from './replica-server.js';
import { loadReplicationState, saveReplicationState, stateFile } from './state-store.js';
import type { PersistedReplicationState, ReplicaRegistration, ReplicationRole } from './types.js';

/** Memgraph's kDefaultReplicationPort. */
export const DEFAULT_REPLICATION_PORT = 10000;

export interface ReplicationConfig {
  dataDirectory: string;
  /** Bind address of the replication server: --replication-address, default the Bolt bind address (tests: 127.0.0.1). */
  bindAddress: string;
  boltPort: number;
  /** Bolt address routing tables advertise. */
  advertisedAddress: string;
  /** --replication-replica-check-frequency-sec */
  checkFrequencySec: number;
  /** --replication-restore-state-on-startup */
  restoreStateOnStartup: boolean;
  /** --management-port set: an HA data instance refuses the manual replication queries. */
  haDataInstance: boolean;
}

export interface ReplicationDeps {
  config: ReplicationConfig;
  storage: InMemoryStorage;
  durability: Durability;
  engine: QueryEngine;
  log: Logger;
  registry?: Registry;
  /** The role changed (metrics, logs). */
  onRoleChange?(role: ReplicationRole): void;
}

export interface ReplicationInstanceInfo {
  role: ReplicationRole;
  epoch: string;
  mainUuid: string | null;
  lastCommitTimestamp: number;
}

/** Parses `host` or `host:port` (IPv6 in brackets); null when malformed. */
export function parseSocketAddress(address: string): { host: string; port: number } | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]+))(?::(\d{1,5}))?$/.exec(address.trim());
  if (m === null) return null;
  const host = m[1] ?? m[2];
  const port = m[3] === undefined ? DEFAULT_REPLICATION_PORT : Number(m[3]);
  if (port < 1 || port > 65535) return null;
  return { host, port };
}

export class Replication {
  private role: ReplicationRole = 'main';
  private port: number | null = null;
  private mainUuid: string | null = null;
  private server: ReplicaServer | null = null;
  private readonly main: MainReplication;
  private readonly metrics: ReplicationMetrics | null;
  private readonly file: string;

  constructor(private readonly deps: ReplicationDeps) {
    this.main = new MainReplication(deps.log);
    this.file = stateFile(deps.config.dataDirectory);
    this.metrics =
      deps.registry === undefined
        ? null
        : createReplicationMetrics(deps.registry, {
            replicas: () =>
              this.role !== 'main'
                ? []
                : [...this.main.clients.values()].map((c) => ({
                    name: c.registration.name,
                    status: c.state.status,
                    lagTransactions: Math.max(0, deps.storage.lastCommitTimestamp() - (c.state.progress?.ts ?? 0)),
                    lagSeconds: c.lagSeconds(Date.now()),
                  })),
            appliedTimestamp: () => (this.role === 'replica' ? deps.storage.lastCommitTimestamp() : null),
          });
  }

  /** Restores the persisted role (unless disabled), wires the stage, guard and statements. */
  async start(): Promise<void> {
    const { storage, engine, config, log } = this.deps;
    storage.addCommitStage(this.main.stage());
    engine.addWriteGuard(() => (this.role === 'replica' ? new MghaError(Codes.MemgraphClientError, M.WRITE_ON_REPLICA) : null));
    this.registerStatements();
    const saved = config.restoreStateOnStartup ? loadReplicationState(this.file) : null;
    if (saved?.role === 'replica' && saved.port !== null) {
      this.mainUuid = saved.mainUuid;
      try {
        await this.becomeReplica(saved.port);
      } catch (e) {
        log.error({ err: e, port: saved.port }, 'could not restore the REPLICA role: the replication port is not available');
        throw e;
      }
      log.info({ port: saved.port, mainUuid: saved.mainUuid }, 'restored the REPLICA role');
      return;
    }
    this.role = 'main';
    this.mainUuid = saved?.role === 'main' && saved.mainUuid !== null ? saved.mainUuid : randomUUID();
    this.main.setActive(true);
    for (const r of saved?.replicas ?? []) this.addClient(r).start();
    // Without restoring, the saved state is left as it was until a replication query changes it.
    if (config.restoreStateOnStartup) this.persist();
    else this.deps.onRoleChange?.(this.role);
    if ((saved?.replicas.length ?? 0) > 0) log.info({ replicas: saved?.replicas.map((r) => r.name) }, 'restored replica registrations');
  }

  async close(): Promise<void> {
    this.main.setActive(false);
    await Promise.all([...this.main.clients.values()].map((c) => c.close()));
    await this.server?.close();
  }

  get currentRole(): ReplicationRole {
    return this.role;
  }

  info(): ReplicationInstanceInfo {
    return {
      role: this.role,
      epoch: this.deps.durability.epoch.epochId,
      mainUuid: this.mainUuid,
      lastCommitTimestamp: this.deps.storage.lastCommitTimestamp(),
    };
  }

  /** ROUTE: a REPLICA is a reader and a router, never a writer. */
  routingTable(): { ttlSeconds: number; routers: string[]; readers: string[]; writers: string[] } {
    const self = this.deps.config.advertisedAddress;
    return { ttlSeconds: 300, routers: [self], readers: [self], writers: this.role === 'main' ? [self] : [] };
  }

  private persist(): void {
    this.deps.onRoleChange?.(this.role);
    const state: PersistedReplicationState = {
      role: this.role,
      port: this.port,
      mainUuid: this.mainUuid,
      replicas: [...this.main.clients.values()].map((c) => c.registration),
    };
    saveReplicationState(this.file, state);
  }

  private registerStatements(): void {
    const admin = this.deps.engine.admin;
    const opts = { refusedInTransaction: InTransaction.replication };
    const ha = (text: string): void => {
      if (this.deps.config.haDataInstance) throw M.clientError(text);
    };
    admin.register('SetReplicationRole', async (s) => (ha("Can't set role manually on instance with coordinator server port."), this.setRole(s)), opts);
    admin.register('ShowReplicationRole', async () => ({ columns: ['replication role'], rows: [[this.role]] }), opts);
    admin.register('RegisterReplica', async (s) => (ha("Can't register replica manually on instance with coordinator server port."), this.register(s)), opts);
    admin.register('DropReplica', async (s) => (ha("Can't drop replica manually on instance with coordinator server port."), this.drop(s.name)), opts);
    admin.register('ShowReplicas', async () => this.showReplicas(), opts);
  }

  private async setRole(s: SetReplicationRole): Promise<AdminResult> {
    const notifications: Notification[] = [];
    if (s.role === 'replica') {
      if (s.port === null) throw M.clientError(M.PORT_INVALID);
      if (this.role === 'replica') throw M.clientError(M.COULDNT_SET_REPLICA);
      if (s.port === 7687 || s.port === this.deps.config.boltPort) {
        notifications.push({ severity: 'WARNING', code: 'ReplicaPortWarning', title: 'Be careful the replication port must be different from the memgraph port!' });
      }
      const clients = [...this.main.clients.values()];
      this.main.setActive(false);
      this.main.clients.clear();
      this.mainUuid = null;
      try {
        await this.becomeReplica(s.port);
      } catch (e) {
        this.deps.log.error({ err: e, port: s.port }, 'SET REPLICATION ROLE TO REPLICA failed');
        for (const c of clients) this.main.clients.set(c.registration.name, c);
        this.main.setActive(true);
        this.role = 'main';
        throw M.clientError(M.COULDNT_SET_REPLICA);
      }
      await Promise.all(clients.map((c) => c.close()));
      this.deps.engine.abortWriteTransactions(new MghaError(Codes.MemgraphClientError, M.WRITE_ON_REPLICA));
      notifications.push(M.info('SetReplica', 'Replica role set to REPLICA.'));
      return { columns: [], rows: [], notifications };
    }
    if (this.role === 'main') throw M.clientError(M.COULDNT_SET_MAIN);
    await this.server?.close();
    this.server = null;
    this.port = null;
    // A new epoch and a new main UUID on every promotion (reference §1.6, DESIGN §3).
    this.deps.durability.newEpoch();
    this.mainUuid = randomUUID();
    this.role = 'main';
    this.main.setActive(true);
    this.persist();
    this.deps.log.info({ epoch: this.deps.durability.epoch.epochId, mainUuid: this.mainUuid }, 'promoted to MAIN');
    return { columns: [], rows: [], notifications: [M.info('SetReplica', 'Replica role set to MAIN.')] };
  }

  private async becomeReplica(port: number): Promise<void> {
    const { config, storage, durability, log } = this.deps;
    const server = new ReplicaServer({
      host: config.bindAddress,
      port,
      storage,
      durability,
      log,
      mainUuid: () => this.mainUuid,
      setMainUuid: (uuid) => {
        this.mainUuid = uuid;
        this.persist();
      },
      onCall: this.metrics?.onCall,
      onSchemaChanged: () => this.deps.engine.schemaChanged(),
    });
    await server.listen();
    this.server = server;
    this.role = 'replica';
    this.port = port;
    this.persist();
    log.info({ host: config.bindAddress, port: server.port }, 'REPLICA role: replication server listening');
  }

  private addClient(registration: ReplicaRegistration): ReplicaClient {
    const { storage, durability, log, config } = this.deps;
    const client = new ReplicaClient({
      registration,
      log,
      checkFrequencySec: config.checkFrequencySec,
      onCall: this.metrics?.onCall,
      main: {
        mainUuid: () => this.mainUuid ?? '',
        epoch: () => durability.epoch,
        mainTs: (skippedUpTo) => Math.max(storage.lastCommitTimestamp(), this.main.lastStaged, skippedUpTo),
        walDir: () => durability.walDir,
        flushWal: () => durability.flushToOs(),
        retainWalAfter: (ts) => durability.retainWalAfter(ts),
        snapshotForCatchUp: async () => {
          const newest = durability.listSnapshots().at(-1);
          return newest?.path ?? (await durability.createSnapshot()).path;
        },
      },
    });
    this.main.clients.set(registration.name, client);
    return client;
  }

  private async register(s: RegisterReplica): Promise<AdminResult> {
    if (this.role === 'replica') throw M.clientError(M.REPLICA_CANT_REGISTER);
    const addr = parseSocketAddress(s.address);
    if (addr === null) throw M.clientError(M.INVALID_SOCKET_ADDRESS);
    const existing = [...this.main.clients.values()].map((c) => c.registration);
    if (existing.some((r) => r.name === s.name)) throw M.registerFailed(s.name, M.RegisterError.NameExists);
    if (existing.some((r) => r.host === addr.host && r.port === addr.port)) throw M.registerFailed(s.name, M.RegisterError.EndpointExists);
    const mixed =
      (s.mode === 'strict_sync' && existing.some((r) => r.mode === 'sync')) || (s.mode === 'sync' && existing.some((r) => r.mode === 'strict_sync'));
    if (mixed) throw M.clientError(M.MIXED_MODES);
    const registration: ReplicaRegistration = { name: s.name, mode: s.mode, address: s.address, host: addr.host, port: addr.port };
    const client = this.addClient(registration);
    const rollback = async (error: number, why: unknown): Promise<never> => {
      this.main.clients.delete(s.name);
      await client.close();
      this.deps.log.warn({ replica: s.name, address: s.address, err: why }, 'REGISTER REPLICA failed; rolled back');
      throw M.registerFailed(s.name, error);
    };
    let progress;
    try {
      progress = await client.handshake();
    } catch (e) {
      return rollback(M.RegisterError.ErrorAcceptingMain, e);
    }
    const main = { epoch: this.deps.durability.epoch, ts: this.deps.storage.lastCommitTimestamp() };
    if (hasDiverged(progress, main)) {
      this.deps.log.error(
        { replica: s.name },
        `You cannot register Replica ${s.name} to this Main because at one point Replica ${s.name} acted as the Main instance. Both the Main and Replica ${s.name} now hold unique data. Please resolve data conflicts and start the replication on a clean instance.`,
      );
      return rollback(M.RegisterError.ConnectionFailed, 'diverged');
    }
    try {
      this.persist();
    } catch (e) {
      return rollback(M.RegisterError.CouldNotBePersisted, e);
    }
    client.start();
    return { columns: [], rows: [], notifications: [M.info('RegisterReplica', `Replica ${s.name} is registered.`)] };
  }

  private async drop(name: string): Promise<AdminResult> {
    if (this.role === 'replica') throw M.clientError(M.REPLICA_CANT_UNREGISTER);
    const client = this.main.clients.get(name);
    if (client === undefined) throw M.dropFailed(name);
    this.main.clients.delete(name);
    this.persist();
    await client.close();
    return { columns: [], rows: [], notifications: [M.info('DropReplica', `Replica ${name} is dropped.`)] };
  }

  private showReplicas(): AdminResult {
    if (this.role === 'replica') throw M.clientError(M.SHOW_REPLICAS_ON_REPLICA);
    const mainTs = this.deps.storage.lastCommitTimestamp();
    const rows = [...this.main.clients.values()].map((c): Value[] => {
      const ts = c.state.progress?.ts ?? 0;
      const info = new Map<string, Value>([
        ['ts', BigInt(ts)],
        ['behind', BigInt(ts - mainTs)],
        ['status', c.state.status],
      ]);
      return [c.registration.name, c.registration.address, c.registration.mode, null, new Map<string, Value>([['memgraph', info]])];
    });
    return { columns: ['name', 'socket_address', 'sync_mode', 'system_info', 'data_info'], rows };
  }
}

/** Wiring for main.ts: one call. */
export async function startReplication(deps: ReplicationDeps): Promise<Replication> {
  const replication = new Replication(deps);
  await replication.start();
  return replication;
}
