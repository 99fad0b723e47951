#!/usr/bin/env node
// The `mgha` executable: flags → logger → the instance (instance.ts) → an orderly shutdown
// on SIGTERM/SIGINT (not ready → close Bolt, rolling back open transactions → durability →
// close HTTP → exit 0). A second signal exits at once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, flagSettings, helpText, instanceKind, parseConfig, type Config } from './config.js';
import { registerServerInfo } from './query/server-info.js';
import { createLogger } from './log.js';
import { startInstance, type Instance } from './instance.js';

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

async function run(config: Config, version: string): Promise<void> {
  const kind = instanceKind(config);
  const role = kind === 'coordinator' ? 'coordinator' : 'main';
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

  let instance: Instance;
  try {
    instance = await startInstance(config, version, log);
  } catch (e) {
    log.fatal({ err: e }, 'startup failed');
    process.stderr.write(`mgha: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
  // Before the first query can arrive (this runs in the same turn as startInstance's end).
  instance.engine.dialect.allowLoadCsv = config.allowLoadCsv;
  instance.engine.dialect.memoryLimitBytes = config.memoryLimitMib * 1024 * 1024;
  registerServerInfo(instance.engine.admin, { version, flags: () => flagSettings(process.argv.slice(2), process.env) }, kind === 'coordinator');
  if (kind !== 'coordinator') instance.engine.triggers.persistTo(path.join(config.dataDirectory, 'triggers.json'));
  instance.bolt.setTimeouts({
    idleMs: config.boltSessionInactivityTimeoutSec * 1000,
    handshakeMs: config.boltHandshakeTimeoutSec * 1000,
    recvTimeoutHintSec: config.boltRecvTimeoutHintSec,
  });
  instance.engine.onTriggerError = (trigger, err) => log.warn({ trigger, err: err.message }, 'AFTER COMMIT trigger failed');
  // Any exit (a second signal, the shutdown timeout) first hands buffered WAL records to the OS.
  process.on('exit', () => instance.flushOnExit());

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting immediately');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    // A connection that never finishes closing must not keep the pod from terminating.
    setTimeout(() => {
      log.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    try {
      await instance.stop();
      log.info('stopped');
      process.exit(0);
    } catch (e) {
      log.error({ err: e }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  started = true;
  log.info(
    {
      version,
      kind,
      bolt: `${config.boltAddress}:${instance.bolt.port}`,
      advertised: config.boltAdvertisedAddress,
      http: `${config.metricsAddress}:${instance.http.port}`,
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
