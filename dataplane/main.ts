#!/usr/bin/env node
// The `mgha` executable: flags → logger → storage → engine → Bolt → HTTP, and an orderly
// shutdown on SIGTERM/SIGINT (not ready → close Bolt, rolling back open transactions →
// close HTTP → exit 0). A second signal exits at once.
import fs from 'node:fs';
import os from 'node:os';
import type { Logger } from 'pino';
import { ConfigError, helpText, instanceKind, parseConfig, type Config } from './config.js';
import { createLogger } from './log.js';
import { createHttpApp } from './http/app.js';
import { createMetrics } from './http/metrics.js';
import { listenHttp, type HttpServer } from './http/server.js';
import { InMemoryStorage } from './storage/storage.js';
import { graphDigest } from './storage/digest.js';
import { openDurability, type Durability } from './durability/durability.js';
import { QueryEngine } from './query/engine.js';
import type { Engine } from './query/engine-types.js';
import { startBoltServer, type BoltServer } from './bolt/server.js';
import { startReplication, type Replication } from './replication/replication.js';

const EXIT_USAGE = 2;
/** Well inside Kubernetes' default 30 s termination grace period. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

function packageVersion(): string {
  const text = fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

function readConfig(): Config {
  try {
    return parseConfig(process.argv.slice(2), process.env, os.hostname());
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`mgha: ${e.message}\nRun 'mgha --help' for the list of flags.\n`);
    process.exit(EXIT_USAGE);
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
    begin: (options) => engine.begin(options.timeoutMs === null ? { ...options, timeoutMs } : options),
    currentBookmark: () => engine.currentBookmark(),
  };
}

function describeStartupError(e: unknown, config: Config): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'EADDRINUSE' || err.code === 'EADDRNOTAVAIL' || err.code === 'EACCES') {
    const addr = err.message.match(/ (\S+:\d+)$/)?.[1] ?? '';
    return `cannot listen${addr ? ` on ${addr}` : ''}: ${err.code} (check --bolt-address/--bolt-port and --metrics-address/--metrics-port; bolt ${config.boltAddress}:${config.boltPort}, http ${config.metricsAddress}:${config.metricsPort})`;
  }
  return err instanceof Error ? err.message : String(e);
}

async function run(config: Config, version: string): Promise<void> {
  const kind = instanceKind(config);
  // Until HA lands every instance, whatever its flags, serves data as its own MAIN.
  const role = 'main';
  const log: Logger = createLogger({ level: config.logLevel, instance: config.instanceName, role, alsoToStderr: config.alsoLogToStderr });

  let started = false;
  process.on('uncaughtException', (e) => {
    log.error({ err: e }, 'uncaught exception');
    if (!started) process.exit(1);
  });
  process.on('unhandledRejection', (e) => {
    log.error({ err: e }, 'unhandled promise rejection');
    if (!started) process.exit(1);
  });

  if (config.boltNumWorkers > 0) log.info({ boltNumWorkers: config.boltNumWorkers }, '--bolt-num-workers is ignored: one event loop serves all sessions');
  if (kind !== 'standalone') log.warn({ kind }, 'HA flags are accepted but HA is not implemented yet; running standalone');

  const startedAt = Date.now();
  const storage = new InMemoryStorage();
  const metrics = createMetrics(storage, role);
  let durability: Durability;
  try {
    durability = await openDurability({ dataDirectory: config.dataDirectory, ...config.durability }, storage, log, metrics.registry);
  } catch (e) {
    log.fatal({ err: e }, 'startup failed');
    process.stderr.write(`mgha: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
  const engine = new QueryEngine(storage);
  durability.registerAdminStatements(engine.admin);
  engine.addWriteGuard(() => durability.writeRefusal());
  // Any exit (a second signal, the shutdown timeout) first hands buffered WAL records to the OS.
  process.on('exit', () => durability.flushToOs());
  let replication: Replication;
  try {
    replication = await startReplication({
      config: {
        dataDirectory: config.dataDirectory,
        bindAddress: config.boltAddress,
        boltPort: config.boltPort,
        advertisedAddress: config.boltAdvertisedAddress,
        checkFrequencySec: config.replication.replicaCheckFrequencySec,
        restoreStateOnStartup: config.replication.restoreStateOnStartup,
        haDataInstance: kind === 'data',
      },
      storage,
      durability,
      engine,
      log,
      registry: metrics.registry,
    });
  } catch (e) {
    log.fatal({ err: e }, 'startup failed');
    process.stderr.write(`mgha: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
  engine.startMaintenance(config.storageGcCycleSec * 1000);
  let ready = false;
  let bolt: BoltServer | null = null;
  let http: HttpServer | null = null;

  const app = createHttpApp({
    registry: metrics.registry,
    digest: () => graphDigest(storage),
    ready: () => ready,
    instance: () => {
      const counts = engine.counts();
      return {
        name: config.instanceName,
        role: replication.currentRole,
        version,
        uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000),
        storage: { vertexCount: counts.vertexCount, edgeCount: counts.edgeCount },
        bolt: { address: config.boltAddress, port: bolt?.port ?? config.boltPort, advertisedAddress: config.boltAdvertisedAddress, connections: metrics.connections() },
        replication: replication.info(),
      };
    },
  });

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting immediately');
      process.exit(1);
    }
    stopping = true;
    ready = false;
    metrics.setUp(false);
    log.info({ signal }, 'shutting down');
    // A connection that never finishes closing must not keep the pod from terminating.
    setTimeout(() => {
      log.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    engine.stop();
    try {
      await bolt?.close();
      await replication.close();
      await durability.close();
      await http?.close();
      log.info('stopped');
      process.exit(0);
    } catch (e) {
      log.error({ err: e }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  try {
    http = await listenHttp(app, config.metricsAddress, config.metricsPort);
    bolt = await startBoltServer({
      host: config.boltAddress,
      port: config.boltPort,
      engine: withDefaultTimeout(engine, config.queryExecutionTimeoutSec),
      serverAgent: config.serverName,
      logger: log,
      routing: { routingTable: () => replication.routingTable() },
      hooks: metrics.hooks,
    });
  } catch (e) {
    log.fatal({ err: e }, 'startup failed');
    process.stderr.write(`mgha: ${describeStartupError(e, config)}\n`);
    process.exit(1);
  }

  ready = true;
  started = true;
  metrics.setUp(true);
  log.info(
    {
      version,
      bolt: `${config.boltAddress}:${bolt.port}`,
      advertised: config.boltAdvertisedAddress,
      http: `${config.metricsAddress}:${http.port}`,
      dataDirectory: config.dataDirectory,
    },
    'mgha started',
  );
}

const config = readConfig();
const version = packageVersion();
if (config.help) {
  process.stdout.write(helpText());
  process.exit(0);
}
if (config.version) {
  process.stdout.write(`mgha ${version}\n`);
  process.exit(0);
}
await run(config, version);
