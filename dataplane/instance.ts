// Builds one mgha instance from its kind (DESIGN §2) and runs it: the storage, durability
// and engine of a data instance, or the coordinator's statement-only engine (no graph
// storage, no snapshots/ or wal/), then the HTTP and Bolt listeners, each on its own bind
// address; stop() shuts down in order (not ready → Bolt, rolling back open transactions →
// durability → HTTP). main.ts owns flags, the logger and signals.

import type { Logger } from 'pino';
import { instanceKind, type Config, type InstanceKind } from './config.js';
import { createHttpApp } from './http/app.js';
import { createMetrics, type InstanceMetrics } from './http/metrics.js';
import { listenHttp, type HttpServer } from './http/server.js';
import { InMemoryStorage } from './storage/storage.js';
import { openDurability, type Durability } from './durability/durability.js';
import { QueryEngine } from './query/engine.js';
import { testProcedureRegistrar } from './query/procedures/test-procedures.js';
import type { Engine } from './query/engine-types.js';
import { startBoltServer, type BoltServer } from './bolt/server.js';
import type { RoutingProvider } from './bolt/session.js';
import { systemClock, type Clock } from './clock.js';
import { graphDigest } from './storage/digest.js';
import { startReplication, type Replication } from './replication/replication.js';
import { Coordinator } from './coordination/coordinator.js';
import { raftTiming } from './coordination/raft-host.js';
import { registerCoordinatorOnlyRefusals } from './coordination/coordinator-only.js';
import { createManagementServer } from './replication/management-server.js';
import type { RpcServer } from './rpc/server.js';

export interface Instance {
  readonly kind: InstanceKind;
  readonly engine: QueryEngine;
  /** Null on a coordinator. */
  readonly durability: Durability | null;
  /** Null on a coordinator. */
  readonly replication: Replication | null;
  /** Only on a coordinator. */
  readonly coordinator: Coordinator | null;
  readonly metrics: InstanceMetrics;
  readonly bolt: BoltServer;
  readonly http: HttpServer;
  /** Orderly shutdown; the caller exits afterwards. */
  stop(): Promise<void>;
  /** Best effort on any process exit: buffered WAL records go to the OS. */
  flushOnExit(): void;
}

/** Where startup failed: before listening (bad data directory …) or while binding a port. */
export class InstanceStartError extends Error {
  constructor(
    message: string,
    readonly phase: 'open' | 'listen',
    override readonly cause: unknown,
  ) {
    super(message);
    this.name = 'InstanceStartError';
  }
}

/**
 * --query-execution-timeout-sec as the default transaction timeout: a client's own timeout
 * wins, 0 means none. It bounds a whole transaction (an auto-commit query is one).
 */
function withDefaultTimeout(engine: Engine, seconds: number): Engine {
  if (seconds <= 0) return engine;
  const timeoutMs = seconds * 1000;
  return {
    // The options are the session's own per-request object: set in place rather than copied per query.
    begin: (options) => {
      if (options.timeoutMs === null) options.timeoutMs = timeoutMs;
      return engine.begin(options);
    },
    currentBookmark: () => engine.currentBookmark(),
  };
}

/** Standalone routing: this instance is the router, the reader and the writer. */
function standaloneRouting(advertised: string): RoutingProvider {
  return {
    routingTable: () => ({ ttlSeconds: 300, routers: [advertised], readers: [advertised], writers: [advertised] }),
  };
}

function describeListenError(e: unknown, config: Config): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'EADDRINUSE' || err.code === 'EADDRNOTAVAIL' || err.code === 'EACCES') {
    const addr = err.message.match(/ (\S+:\d+)$/)?.[1] ?? '';
    return `cannot listen${addr ? ` on ${addr}` : ''}: ${err.code} (check --bolt-address/--bolt-port, --metrics-address/--metrics-port and --management-address/--management-port; bolt ${config.boltAddress}:${config.boltPort}, http ${config.metricsAddress}:${config.metricsPort}${config.managementPort > 0 ? `, management ${config.managementAddress}:${config.managementPort}` : ''})`;
  }
  return err instanceof Error ? err.message : String(e);
}

/** Opens and starts the instance the flags describe. Throws InstanceStartError. */
export async function startInstance(config: Config, version: string, log: Logger, clock: Clock = systemClock): Promise<Instance> {
  const kind = instanceKind(config);
  const role = kind === 'coordinator' ? 'coordinator' : 'main';
  const startedAt = clock.now();

  const storage = new InMemoryStorage();
  const metrics = createMetrics(storage, role);
  let durability: Durability | null = null;
  let engine: QueryEngine;
  let replication: Replication | null = null;
  let coordinator: Coordinator | null = null;
  if (kind === 'coordinator') {
    // No graph: the storage stays empty; only raft/ is written under the data directory.
    engine = new QueryEngine(storage, { clock, coordinator: true });
    try {
      coordinator = await Coordinator.start({
        id: config.coordinatorId,
        dataDirectory: config.dataDirectory,
        hostname: config.coordinatorHostname,
        coordinatorAddress: config.coordinatorAddress,
        coordinatorPort: config.coordinatorPort,
        managementAddress: config.managementAddress,
        managementPort: config.managementPort,
        timing: raftTiming(config.coordinatorElectionTimeoutMs),
        routingTtlSec: config.coordinatorRoutingTtlSec,
        engine,
        registry: metrics.registry,
        log,
      });
    } catch (e) {
      throw new InstanceStartError(e instanceof Error ? e.message : String(e), 'listen', e);
    }
  } else {
    try {
      durability = await openDurability({ dataDirectory: config.dataDirectory, ...config.durability }, storage, log, metrics.registry, clock);
    } catch (e) {
      throw new InstanceStartError(e instanceof Error ? e.message : String(e), 'open', e);
    }
    const timelineOf = durability;
    engine = new QueryEngine(storage, { clock, timeline: () => timelineOf.epoch });
    registerCoordinatorOnlyRefusals(engine.admin);
    durability.registerAdminStatements(engine.admin);
    const d = durability;
    engine.addWriteGuard(() => d.writeRefusal());
    engine.startMaintenance(config.storageGcCycleSec * 1000);
    try {
      replication = await startReplication({
        config: {
          dataDirectory: config.dataDirectory,
          bindAddress: config.replicationAddress,
          boltPort: config.boltPort,
          advertisedAddress: config.boltAdvertisedAddress,
          checkFrequencySec: config.replication.replicaCheckFrequencySec,
          restoreStateOnStartup: config.replication.restoreStateOnStartup,
          haDataInstance: kind === 'data',
        },
        storage,
        durability: d,
        engine,
        log,
        registry: metrics.registry,
        onRoleChange: (r) => metrics.setRole(r),
      });
    } catch (e) {
      await d.close({ snapshotOnExit: false }).catch(() => undefined);
      throw new InstanceStartError(e instanceof Error ? e.message : String(e), 'open', e);
    }
    if (config.testProcedures) {
      const target = engine;
      for (const p of testProcedureRegistrar(target.procedures, () => target.schemaChanged())) target.procedures.register(p);
    }
  }

  let ready = false;
  let bolt: BoltServer | null = null;
  let management: RpcServer | null = null;
  const repl = replication;
  const coord = coordinator;
  const app = createHttpApp({
    ...(coord === null
      ? {}
      : { cluster: (q: { watch: boolean; sinceVersion: number; timeoutSec: number }) => (q.watch ? coord.watchCluster(q.sinceVersion, q.timeoutSec) : coord.clusterDocument()) }),
    registry: metrics.registry,
    digest: kind === 'coordinator' ? undefined : () => graphDigest(storage),
    ready: () => ready,
    instance: () => {
      const counts = engine.counts();
      return {
        name: config.instanceName,
        role: repl?.currentRole ?? role,
        version,
        uptimeSeconds: Math.floor((clock.now() - startedAt) / 1000),
        storage: { vertexCount: counts.vertexCount, edgeCount: counts.edgeCount },
        bolt: { address: config.boltAddress, port: bolt?.port ?? config.boltPort, advertisedAddress: config.boltAdvertisedAddress, connections: metrics.connections() },
        ...(repl === null ? {} : { replication: repl.info() }),
      };
    },
  });

  let http: HttpServer;
  try {
    http = await listenHttp(app, config.metricsAddress, config.metricsPort);
    // HA data instance: the coordinators' state checks and role changes (DESIGN §2).
    if (kind === 'data' && repl !== null) {
      management = createManagementServer({ host: config.managementAddress, port: config.managementPort, replication: repl, log, registry: metrics.registry });
      await management.listen();
    }
    bolt = await startBoltServer({
      host: config.boltAddress,
      port: config.boltPort,
      engine: withDefaultTimeout(engine, config.queryExecutionTimeoutSec),
      serverAgent: config.serverName,
      logger: log,
      routing: coord !== null ? coord.routing() : repl === null ? standaloneRouting(config.boltAdvertisedAddress) : { routingTable: () => repl.routingTable() },
      hooks: metrics.hooks,
    });
  } catch (e) {
    await coord?.stop().catch(() => undefined);
    await management?.close().catch(() => undefined);
    await repl?.close().catch(() => undefined);
    await durability?.close({ snapshotOnExit: false }).catch(() => undefined);
    throw new InstanceStartError(describeListenError(e, config), 'listen', e);
  }
  ready = true;
  metrics.setUp(true);
  if (coord !== null && config.haClusterInitQueries !== '') {
    const file = config.haClusterInitQueries;
    void coord.runInitQueries(file).catch((e: unknown) => log.error({ err: e, file }, 'cluster init queries failed'));
  }
  const boltServer = bolt;
  const managementServer = management;
  return {
    kind,
    engine,
    durability,
    replication: repl,
    coordinator: coord,
    metrics,
    bolt: boltServer,
    http,
    async stop() {
      ready = false;
      metrics.setUp(false);
      engine.stop();
      // Coordinators see this instance go down before it stops serving.
      await managementServer?.close();
      await boltServer.close();
      await coord?.stop();
      await repl?.close();
      await durability?.close();
      await http.close();
    },
    flushOnExit() {
      durability?.flushToOs();
    },
  };
}
