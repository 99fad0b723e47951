// Replication of one instance (reference §1): its role, the replication queries, the write
// guard, the replica server or the replica clients, the persisted state, metrics and what
// ROUTE and /v1/instance say. main.ts calls startReplication() once; everything
// replication does hangs off the returned handle.
//
// Role changes are one typed API (promote, demote, swapMainUuid, registerReplica,
// unregisterReplica, forceResync, updateConfig) that the replication queries (community)
// and the management RPC handlers (HA data instance, management-server.ts) share. In HA
// mode the coordinators decide: writes stay off on a MAIN until a PromoteToMain, a replica
// follows only the main UUID a coordinator gave it, and ROUTE is refused.

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
import { hasDiverged, isLive } from './replica-state.js';
import { ReplicaServer } from './replica-server.js';
import { loadReplicationState, saveReplicationState, stateFile } from './state-store.js';
import type { PersistedReplicationState, ReplicaRegistration, ReplicationMode, ReplicationRole } from './types.js';
import type { InstanceReport } from '../coordination/reconcile.js';

/** Memgraph's kDefaultReplicationPort. */
export const DEFAULT_REPLICATION_PORT = 10000;

/** Memgraph's default `deltas_batch_progress_size` (a coordinator setting it pushes). */
export const DEFAULT_DELTAS_BATCH_PROGRESS_SIZE = 100_000;

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
  /** A MAIN taking writes (false on a REPLICA, and on an HA MAIN until promoted or under global_read_only). */
  writingEnabled: boolean;
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

/** A registration from a name, mode and `host[:port]`; a malformed address is a client error. */
export function registrationOf(name: string, mode: ReplicationMode, address: string): ReplicaRegistration {
  const addr = parseSocketAddress(address);
  if (addr === null) throw M.clientError(M.INVALID_SOCKET_ADDRESS);
  return { name, mode, address, host: addr.host, port: addr.port };
}

function sameRegistration(a: ReplicaRegistration, b: ReplicaRegistration): boolean {
  return a.name === b.name && a.mode === b.mode && a.host === b.host && a.port === b.port;
}

export class Replication {
  private role: ReplicationRole = 'main';
  private port: number | null = null;
  private mainUuid: string | null = null;
  /** Off on an HA MAIN until a coordinator promotes it, and under `global_read_only`. */
  private writingEnabled = true;
  /**
   * performance.now() after which this HA MAIN refuses writes until the leader checks it
   * again (the lease of StateCheck). Monotonic, so it keeps running while the process is
   * paused: a MAIN resumed after SIGSTOP finds its lease expired.
   */
  private leaseUntil = Infinity;
  private deltasBatchProgressSize = DEFAULT_DELTAS_BATCH_PROGRESS_SIZE;
  private server: ReplicaServer | null = null;
  private readonly main: MainReplication;
  private readonly metrics: ReplicationMetrics | null;
  private readonly file: string;
  /** Role changes run one at a time (a management RPC and a query may race). */
  private changing: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: ReplicationDeps) {
    this.main = new MainReplication(deps.log, deps.config.haDataInstance);
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
    engine.addWriteGuard(() => this.writeRefusal());
    this.registerStatements();
    // HA: a MAIN takes writes only once a coordinator promoted it (Memgraph: writing_enabled=false).
    this.writingEnabled = !config.haDataInstance;
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
    if (config.haDataInstance) log.info({ restored: saved?.role === 'main' }, 'HA data instance starts as MAIN with writes disabled until a coordinator promotes it');
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
      writingEnabled: this.role === 'main' && this.writingEnabled,
    };
  }

  /** ROUTE: a REPLICA is a reader and a router, never a writer. HA: only coordinators route. */
  routingTable(): { ttlSeconds: number; routers: string[]; readers: string[]; writers: string[] } {
    if (this.deps.config.haDataInstance) throw M.clientError(M.ROUTE_ON_DATA_INSTANCE);
    const self = this.deps.config.advertisedAddress;
    return { ttlSeconds: 300, routers: [self], readers: [self], writers: this.role === 'main' ? [self] : [] };
  }

  /**
   * Why a write must be refused here, or null. HA: with NotALeader, so a routing driver
   * drops this writer and asks a coordinator again (issue #11); the text is Memgraph's.
   */
  writeRefusal(): MghaError | null {
    const code = this.deps.config.haDataInstance ? Codes.NotALeader : Codes.MemgraphClientError;
    if (this.role === 'replica') return new MghaError(code, M.WRITE_ON_REPLICA);
    if (!this.writingEnabled) return new MghaError(code, M.WRITE_FORBIDDEN_ON_MAIN);
    // Checked again at commit (write guards are), so a write begun before the lease ran out cannot commit after it.
    if (performance.now() > this.leaseUntil) return new MghaError(code, M.WRITE_FORBIDDEN_ON_MAIN);
    return null;
  }

  /** A leader's state check: as MAIN, writes are accepted for `ms` more (≤ 0: none until the next check). */
  renewLease(ms: number): void {
    this.leaseUntil = performance.now() + ms;
  }

  /** What a coordinator's state check reads (cheap: it runs every second). */
  report(): InstanceReport {
    const isMain = this.role === 'main';
    const epoch = this.deps.durability.epoch;
    const ts = this.deps.storage.lastCommitTimestamp();
    return {
      role: this.role,
      mainUuid: this.mainUuid,
      writingEnabled: isMain && this.writingEnabled,
      deltasBatchProgressSize: this.deltasBatchProgressSize,
      replicas: isMain ? [...this.main.clients.keys()] : [],
      replicasInSync: isMain ? [...this.main.clients.values()].filter((c) => isLive(c.state.status)).map((c) => c.registration.name) : [],
      epochId: epoch.epochId,
      history: epoch.history,
      // A SYNC replica may hold a commit MAIN has not published yet: divergence is judged against it too.
      lastCommitTs: isMain ? Math.max(ts, this.main.lastStaged) : ts,
    };
  }

  /** Runs role changes one after another. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.changing.then(fn, fn);
    this.changing = run.catch(() => undefined);
    return run;
  }

  /**
   * Becomes MAIN under `mainUuid` replicating to exactly `replicas`, writes on or off. A new
   * epoch unless already MAIN under this UUID (then only the replica list and the write
   * switch move: a repeated promotion is a no-op).
   */
  promote(mainUuid: string, replicas: readonly ReplicaRegistration[], writingEnabled: boolean): Promise<void> {
    return this.serial(async () => {
      if (this.role !== 'main' || this.mainUuid !== mainUuid) await this.becomeMain(mainUuid);
      this.writingEnabled = writingEnabled;
      await this.setReplicas(replicas);
    });
  }

  /**
   * Becomes a REPLICA listening on `port`, following `mainUuid` (null: nobody until a swap).
   * A MAIN stops replicating and aborts its open write transactions; a REPLICA already on
   * `port` only changes whom it follows.
   */
  demote(mainUuid: string | null, port: number): Promise<void> {
    return this.serial(async () => {
      if (this.role === 'replica' && this.port === port) {
        if (this.mainUuid !== mainUuid) {
          this.mainUuid = mainUuid;
          this.persist();
        }
        return;
      }
      if (this.role === 'replica') {
        await this.server?.close();
        this.server = null;
        this.mainUuid = mainUuid;
        await this.becomeReplica(port);
        return;
      }
      await this.mainToReplica(port, mainUuid);
    });
  }

  /** A REPLICA follows `mainUuid` from now on. */
  swapMainUuid(mainUuid: string): Promise<void> {
    return this.serial(async () => {
      if (this.role !== 'replica') throw M.clientError('Only a replica can swap the main UUID it follows.');
      if (this.mainUuid === mainUuid) return;
      this.deps.log.info({ mainUuid, previous: this.mainUuid }, 'replica now follows a new MAIN');
      this.mainUuid = mainUuid;
      this.persist();
    });
  }

  /** On MAIN under `mainUuid`: replicate to one more replica (a no-op when registered alike). */
  registerReplica(mainUuid: string, registration: ReplicaRegistration): Promise<void> {
    return this.serial(async () => {
      this.requireMain(mainUuid);
      const existing = this.main.clients.get(registration.name);
      if (existing !== undefined && sameRegistration(existing.registration, registration)) return;
      const others = [...this.main.clients.values()].map((c) => c.registration).filter((r) => r.name !== registration.name);
      await this.setReplicas([...others, registration]);
    });
  }

  /** On MAIN: stop replicating to `name` (a no-op when it is not registered). */
  unregisterReplica(name: string): Promise<void> {
    return this.serial(async () => {
      if (this.role !== 'main') throw M.clientError(M.REPLICA_CANT_UNREGISTER);
      const client = this.main.clients.get(name);
      if (client === undefined) return;
      this.main.clients.delete(name);
      this.persist();
      await client.close();
    });
  }

  /**
   * A diverged REPLICA drops its data (old files to `.old/`, or deleted with
   * --storage-enable-backup-dir=false) and starts empty, so its MAIN sends it everything.
   */
  forceResync(): Promise<void> {
    return this.serial(async () => {
      if (this.role !== 'replica') throw M.clientError('Only a replica can be resynchronised.');
      await this.deps.durability.resetToEmpty();
      this.server?.reset();
      this.deps.engine.schemaChanged();
      this.deps.log.warn({ mainUuid: this.mainUuid }, 'forced resynchronisation: storage emptied, waiting for the MAIN to send everything');
    });
  }

  /** Settings the coordinators push; `writingEnabled` (null: unchanged) counts only on a MAIN. */
  updateConfig(deltasBatchProgressSize: number, writingEnabled: boolean | null): void {
    this.deltasBatchProgressSize = deltasBatchProgressSize;
    if (writingEnabled !== null && this.role === 'main') this.writingEnabled = writingEnabled;
  }

  private requireMain(mainUuid: string): void {
    if (this.role !== 'main') throw M.clientError(M.REPLICA_CANT_REGISTER);
    if (this.mainUuid !== mainUuid) throw M.clientError(`This instance is MAIN under ${this.mainUuid ?? '(none)'}, not ${mainUuid}.`);
  }

  /**
   * Makes the registered replicas exactly `wanted`: unchanged ones keep their clients.
   * HA: no registration handshake (the coordinators already pointed each replica at this
   * MAIN's UUID); heartbeats bring each one to ready or recovery.
   */
  private async setReplicas(wanted: readonly ReplicaRegistration[]): Promise<void> {
    const closing: ReplicaClient[] = [];
    for (const [name, c] of this.main.clients) {
      const w = wanted.find((r) => r.name === name);
      if (w === undefined || !sameRegistration(w, c.registration)) {
        this.main.clients.delete(name);
        closing.push(c);
      }
    }
    for (const r of wanted) if (!this.main.clients.has(r.name)) this.addClient(r).start();
    this.persist();
    await Promise.all(closing.map((c) => c.close()));
  }

  /** Any role → MAIN under `mainUuid`: a new epoch; the replica server (if any) stops. */
  private async becomeMain(mainUuid: string): Promise<void> {
    await this.server?.close();
    this.server = null;
    this.port = null;
    // A new epoch and a new main UUID on every promotion (reference §1.6, DESIGN §3).
    this.deps.durability.newEpoch();
    this.mainUuid = mainUuid;
    this.role = 'main';
    this.main.setActive(true);
    this.persist();
    this.deps.log.info({ epoch: this.deps.durability.epoch.epochId, mainUuid }, 'promoted to MAIN');
  }

  /**
   * MAIN → REPLICA on `port` following `mainUuid`: replication stops, open write
   * transactions abort. If the port cannot be bound, it stays MAIN (writes as they were in
   * community mode; off in HA) and the error is thrown.
   */
  private async mainToReplica(port: number, mainUuid: string | null): Promise<void> {
    const clients = [...this.main.clients.values()];
    const previousUuid = this.mainUuid;
    this.main.setActive(false);
    this.main.clients.clear();
    this.mainUuid = mainUuid;
    try {
      await this.becomeReplica(port);
    } catch (e) {
      for (const c of clients) this.main.clients.set(c.registration.name, c);
      this.main.setActive(true);
      this.role = 'main';
      this.mainUuid = previousUuid;
      if (this.deps.config.haDataInstance) this.writingEnabled = false;
      throw e;
    }
    // HA: should it ever be MAIN again, only a promotion turns writes back on.
    if (this.deps.config.haDataInstance) this.writingEnabled = false;
    await Promise.all(clients.map((c) => c.close()));
    this.deps.engine.abortWriteTransactions(this.writeRefusal() ?? new MghaError(Codes.MemgraphClientError, M.WRITE_ON_REPLICA));
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
      const port = s.port;
      if (this.role === 'replica') throw M.clientError(M.COULDNT_SET_REPLICA);
      if (port === 7687 || port === this.deps.config.boltPort) {
        notifications.push({ severity: 'WARNING', code: 'ReplicaPortWarning', title: 'Be careful the replication port must be different from the memgraph port!' });
      }
      try {
        await this.serial(() => this.mainToReplica(port, null));
      } catch (e) {
        this.deps.log.error({ err: e, port }, 'SET REPLICATION ROLE TO REPLICA failed');
        throw M.clientError(M.COULDNT_SET_REPLICA);
      }
      notifications.push(M.info('SetReplica', 'Replica role set to REPLICA.'));
      return { columns: [], rows: [], notifications };
    }
    if (this.role === 'main') throw M.clientError(M.COULDNT_SET_MAIN);
    await this.serial(() => this.becomeMain(randomUUID()));
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
      coordinatorFenced: config.haDataInstance,
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
      recoverFromDivergence: config.haDataInstance,
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
