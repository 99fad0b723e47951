// Command-line flags and MEMGRAPH_* environment variables → a typed Config (pure: no I/O).
// Flag names and defaults follow Memgraph's so Memgraph users feel at home. Forms accepted
// (gflags style): `--flag=value`, `--flag value`, `--flag` / `--noflag` for booleans,
// one or two leading dashes, `_` or `-` inside names. Every flag also reads
// `MEMGRAPH_<FLAG_IN_CAPS_WITH_UNDERSCORES>`; the command line wins over the environment.

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Memgraph's log levels, mapped onto pino's. */
export const LOG_LEVELS = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARNING: 'warn',
  ERROR: 'error',
  CRITICAL: 'fatal',
} as const;
export type PinoLevel = (typeof LOG_LEVELS)[keyof typeof LOG_LEVELS];

type FlagKind = 'bool' | 'string' | 'port' | 'optionalPort' | 'int' | 'seconds' | 'logLevel';

interface FlagSpec {
  name: string;
  kind: FlagKind;
  default: string;
  help: string;
  group: 'general' | 'bolt' | 'observability' | 'ha' | 'replication' | 'durability' | 'query';
}

export const DEFAULT_SERVER_NAME = 'Neo4j/v5.11.0 compatible graph database server - mgha';

export const FLAGS: readonly FlagSpec[] = [
  { name: 'help', kind: 'bool', default: 'false', group: 'general', help: 'Print this help and exit.' },
  { name: 'version', kind: 'bool', default: 'false', group: 'general', help: 'Print the version and exit.' },
  { name: 'data-directory', kind: 'string', default: './mgha-data', group: 'general', help: 'Directory for durable state (Memgraph uses /var/lib/memgraph; the image sets that).' },
  { name: 'instance-name', kind: 'string', default: '', group: 'general', help: 'Name in logs, metrics and /v1/instance (default: the host name).' },
  { name: 'bolt-address', kind: 'string', default: '0.0.0.0', group: 'bolt', help: 'Address Bolt listens on.' },
  { name: 'bolt-port', kind: 'port', default: '7687', group: 'bolt', help: 'Bolt port.' },
  { name: 'bolt-advertised-address', kind: 'string', default: '', group: 'bolt', help: 'host:port clients are routed to (default: bolt-address:bolt-port, 0.0.0.0 replaced by the host name).' },
  { name: 'bolt-server-name-for-init', kind: 'string', default: DEFAULT_SERVER_NAME, group: 'bolt', help: 'Server agent sent in the Bolt HELLO reply.' },
  { name: 'bolt-session-inactivity-timeout', kind: 'seconds', default: '1800', group: 'bolt', help: "Close a session idle this long between requests (its open transaction rolls back); 0 = never (Memgraph's flag)." },
  { name: 'bolt-handshake-timeout-sec', kind: 'seconds', default: '20', group: 'bolt', help: 'Close a connection that has not completed the Bolt handshake this long after connecting; 0 = never (mgha).' },
  { name: 'bolt-recv-timeout-hint-sec', kind: 'seconds', default: '0', group: 'bolt', help: "Bolt 4.3+ hint connection.recv_timeout_seconds: drivers drop a connection silent this long while they await a reply, so a paused or cut-off server is left for another (keep-alive NOOPs go out while a request runs); 0 = no hint. Not set: 15 on HA instances, 0 otherwise (mgha)." },
  { name: 'bolt-num-workers', kind: 'int', default: '0', group: 'bolt', help: 'Accepted for compatibility and ignored: one event loop serves all sessions.' },
  { name: 'log-level', kind: 'logLevel', default: 'INFO', group: 'observability', help: 'TRACE, DEBUG, INFO, WARNING, ERROR or CRITICAL (Memgraph defaults to WARNING).' },
  { name: 'also-log-to-stderr', kind: 'bool', default: 'false', group: 'observability', help: 'Copy log lines to stderr as well as stdout.' },
  { name: 'metrics-address', kind: 'string', default: '0.0.0.0', group: 'observability', help: 'Address of the HTTP server (/metrics, /livez, /readyz, /v1/instance).' },
  { name: 'metrics-port', kind: 'port', default: '9091', group: 'observability', help: 'Port of the HTTP server.' },
  { name: 'query-execution-timeout-sec', kind: 'seconds', default: '600', group: 'query', help: "Time limit of a transaction (an auto-commit query is one); 0 = none. A client's own timeout wins." },
  { name: 'memory-limit', kind: 'int', default: '0', group: 'query', help: "Memory limit of the process in MiB; a query running past it fails with Memgraph's out-of-memory error; 0 = none (Memgraph's flag; there 0 means 90% of RAM)." },
  { name: 'allow-load-csv', kind: 'bool', default: 'true', group: 'query', help: 'Whether LOAD CSV may run (Memgraph\'s flag).' },
  { name: 'schema-info-enabled', kind: 'bool', default: 'false', group: 'query', help: "Accepted for compatibility and ignored: SHOW SCHEMA INFO scans the graph when asked, so it always answers (Memgraph's flag)." },
  { name: 'test-procedures', kind: 'bool', default: 'false', group: 'query', help: 'Test-only: adds mgha.test.register_procedure() so a test harness (the openCypher TCK runner) can declare table-backed procedures. Never enable in production.' },
  { name: 'storage-gc-cycle-sec', kind: 'seconds', default: '30', group: 'query', help: 'Interval of storage garbage collection.' },
  { name: 'management-port', kind: 'optionalPort', default: '0', group: 'ha', help: 'Management RPC port; set on HA data instances and coordinators (0 = unset).' },
  { name: 'coordinator-id', kind: 'int', default: '0', group: 'ha', help: 'Coordinator id (>= 1) on coordinators (0 = not a coordinator).' },
  { name: 'coordinator-port', kind: 'optionalPort', default: '0', group: 'ha', help: 'Raft port on coordinators (0 = unset).' },
  { name: 'coordinator-hostname', kind: 'string', default: '', group: 'ha', help: 'Host name other coordinators use to reach this one.' },
  { name: 'coordinator-election-timeout-ms', kind: 'int', default: '1000', group: 'ha', help: 'Raft election timeout on coordinators (mgha; heartbeats every tenth of it). Memgraph uses 2000-4000.' },
  { name: 'coordinator-routing-ttl-sec', kind: 'int', default: '300', group: 'ha', help: 'TTL of the routing table coordinators answer ROUTE with (mgha; Memgraph: 300).' },
  { name: 'replication-replica-check-frequency-sec', kind: 'seconds', default: '1', group: 'replication', help: 'How often MAIN checks each replica (heartbeat); below 1 disables the checks, and with them automatic recovery.' },
  { name: 'replication-restore-state-on-startup', kind: 'bool', default: 'true', group: 'replication', help: 'Restore the replication role and registered replicas on startup.' },
  { name: 'management-address', kind: 'string', default: '0.0.0.0', group: 'ha', help: 'Address the management RPC server listens on (mgha; Memgraph always uses all interfaces).' },
  { name: 'coordinator-address', kind: 'string', default: '0.0.0.0', group: 'ha', help: 'Address the Raft server listens on (mgha; Memgraph always uses all interfaces).' },
  { name: 'replication-address', kind: 'string', default: '', group: 'ha', help: 'Address a REPLICA\'s replication server listens on (mgha; default: --bolt-address).' },
  { name: 'storage-wal-enabled', kind: 'bool', default: 'true', group: 'durability', help: 'Write-ahead log.' },
  { name: 'storage-wal-file-size-kib', kind: 'int', default: '20480', group: 'durability', help: 'WAL file size before rotation.' },
  { name: 'storage-wal-file-flush-every-n-tx', kind: 'int', default: '100000', group: 'durability', help: 'fsync the WAL every n transactions (1 = every commit).' },
  { name: 'storage-snapshot-interval-sec', kind: 'seconds', default: '300', group: 'durability', help: 'Snapshot interval; 0 disables periodic snapshots.' },
  { name: 'storage-snapshot-interval', kind: 'string', default: '', group: 'durability', help: 'Memgraph 3 form of the interval: seconds; when given it wins over --storage-snapshot-interval-sec, and an empty value disables periodic snapshots (cron schedules are not supported).' },
  { name: 'storage-snapshot-on-exit', kind: 'bool', default: 'true', group: 'durability', help: 'Write a snapshot on shutdown.' },
  { name: 'storage-snapshot-retention-count', kind: 'int', default: '3', group: 'durability', help: 'Snapshots to keep.' },
  { name: 'data-recovery-on-startup', kind: 'bool', default: 'true', group: 'durability', help: 'Recover from snapshots and WAL at startup.' },
  { name: 'storage-enable-backup-dir', kind: 'bool', default: 'true', group: 'durability', help: 'Keep the files a forced resynchronisation replaces in snapshots/.old and wal/.old (one generation); false deletes them.' },
  { name: 'storage-recover-on-startup', kind: 'bool', default: 'true', group: 'durability', help: "Memgraph's older name of --data-recovery-on-startup, used when that one is not given." },
];

/** Memgraph's durability flags (durability/durability.ts adds the data directory). */
export interface DurabilityFlags {
  walEnabled: boolean;
  walFileSizeKib: number;
  /** 1 = fsync every commit before it is acknowledged. */
  walFileFlushEveryNTx: number;
  /** 0 disables periodic snapshots. */
  snapshotIntervalSec: number;
  snapshotOnExit: boolean;
  snapshotRetentionCount: number;
  recoveryOnStartup: boolean;
  /** --storage-enable-backup-dir: replaced files go to `.old/` (absent: true); false deletes them. */
  enableBackupDir?: boolean;
}

export interface Config {
  help: boolean;
  version: boolean;
  dataDirectory: string;
  instanceName: string;
  boltAddress: string;
  boltPort: number;
  /** host:port that routing tables advertise. */
  boltAdvertisedAddress: string;
  serverName: string;
  boltNumWorkers: number;
  /** Seconds; 0 = never. */
  boltSessionInactivityTimeoutSec: number;
  /** Seconds; 0 = never. */
  boltHandshakeTimeoutSec: number;
  /** 0 = no receive-timeout hint to drivers. */
  boltRecvTimeoutHintSec: number;
  logLevel: PinoLevel;
  alsoLogToStderr: boolean;
  metricsAddress: string;
  metricsPort: number;
  /** Seconds; 0 = no limit. */
  queryExecutionTimeoutSec: number;
  storageGcCycleSec: number;
  /** `--test-procedures`: the TCK runner may register table-backed procedures. */
  testProcedures: boolean;
  allowLoadCsv: boolean;
  /** MiB; 0 = none. */
  memoryLimitMib: number;
  /** 0 = unset. */
  managementPort: number;
  /** 0 = not a coordinator. */
  coordinatorId: number;
  coordinatorPort: number;
  coordinatorHostname: string;
  /** Bind addresses of the management RPC, Raft and replication listeners. */
  managementAddress: string;
  coordinatorAddress: string;
  /** Raft election timeout of a coordinator. */
  coordinatorElectionTimeoutMs: number;
  coordinatorRoutingTtlSec: number;
  /** MEMGRAPH_HA_CLUSTER_INIT_QUERIES: a file of setup queries a coordinator runs at start ('' = none). */
  haClusterInitQueries: string;
  replicationAddress: string;
  durability: DurabilityFlags;
  replication: ReplicationFlags;
}

/** Memgraph's replication flags. */
export interface ReplicationFlags {
  /** Seconds between MAIN's checks of each replica; < 1 disables them. */
  replicaCheckFrequencySec: number;
  restoreStateOnStartup: boolean;
}

export type InstanceKind = 'standalone' | 'data' | 'coordinator';

/** The receive-timeout hint HA instances send when the flag is not given. */
export const HA_RECV_TIMEOUT_HINT_SEC = 15;

/** One row of SHOW CONFIG. */
export interface FlagSetting {
  /** Memgraph's (gflags) spelling, with underscores. */
  name: string;
  defaultValue: string;
  currentValue: string;
  description: string;
}

/** SHOW CONFIG's rows: every flag but help and version (as Memgraph), values as text. Pure. */
export function flagSettings(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): FlagSetting[] {
  const fromArgs = scanArgs(argv);
  return FLAGS.filter((f) => f.name !== 'help' && f.name !== 'version').map((f) => ({
    name: f.name.replace(/-/g, '_'),
    defaultValue: f.default,
    currentValue: fromArgs.get(f.name) ?? env[envName(f.name)] ?? f.default,
    description: f.help,
  }));
}

/** Standalone (community mode), HA data instance (management port) or coordinator. */
export function instanceKind(config: Config): InstanceKind {
  if (config.coordinatorId > 0) return 'coordinator';
  if (config.managementPort > 0) return 'data';
  return 'standalone';
}

export function envName(flag: string): string {
  return `MEMGRAPH_${flag.toUpperCase().replace(/-/g, '_')}`;
}

const byName = new Map(FLAGS.map((f) => [f.name, f]));

function lookup(rawName: string): FlagSpec | undefined {
  return byName.get(rawName.replace(/_/g, '-'));
}

/** Raw string values from the command line, by canonical flag name. */
function scanArgs(argv: readonly string[]): Map<string, string> {
  const raw = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const m = /^--?([A-Za-z0-9][A-Za-z0-9_-]*)(?:=(.*))?$/s.exec(arg);
    if (!m) throw new ConfigError(`unexpected argument '${arg}' (flags look like --bolt-port=7687)`);
    const [, name, inline] = m;
    let spec = lookup(name);
    let value = inline;
    if (!spec && name.startsWith('no') && inline === undefined) {
      const negated = lookup(name.slice(2));
      if (negated?.kind === 'bool') {
        spec = negated;
        value = 'false';
      }
    }
    if (!spec) throw new ConfigError(`unknown flag --${name}`);
    if (value === undefined) {
      if (spec.kind === 'bool') value = 'true';
      else if (i + 1 < argv.length) value = argv[++i];
      else throw new ConfigError(`flag --${spec.name} needs a value`);
    }
    raw.set(spec.name, value);
  }
  return raw;
}

function parseValue(spec: FlagSpec, value: string, source: string): string | number | boolean {
  const bad = (what: string): ConfigError =>
    new ConfigError(`invalid value '${value}' for ${source}: ${what}`);
  const integer = (): number => {
    if (!/^[+-]?\d+$/.test(value.trim())) throw bad('expected an integer');
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw bad('integer out of range');
    return n;
  };
  switch (spec.kind) {
    case 'bool': {
      const v = value.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(v)) return true;
      if (['false', '0', 'no', 'off'].includes(v)) return false;
      throw bad('expected true or false');
    }
    case 'string':
      return value;
    case 'port': {
      const n = integer();
      if (n < 1 || n > 65535) throw bad('port must be between 1 and 65535');
      return n;
    }
    case 'optionalPort': {
      const n = integer();
      if (n < 0 || n > 65535) throw bad('port must be between 0 (unset) and 65535');
      return n;
    }
    case 'int': {
      const n = integer();
      if (n < 0) throw bad('must not be negative');
      return n;
    }
    case 'seconds': {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) throw bad('expected a number of seconds');
      if (n < 0) throw bad('must not be negative');
      return n;
    }
    case 'logLevel': {
      const v = value.trim().toUpperCase();
      if (!(v in LOG_LEVELS)) throw bad(`expected one of ${Object.keys(LOG_LEVELS).join(', ')}`);
      return LOG_LEVELS[v as keyof typeof LOG_LEVELS];
    }
  }
}

/** `--storage-snapshot-interval`: seconds, or empty for no periodic snapshots; Memgraph's cron form is refused. */
export function snapshotInterval(value: string): number {
  const v = value.trim();
  if (v === '') return 0;
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  if (v.split(/\s+/).length === 6) {
    throw new ConfigError(
      `invalid value '${value}' for --storage-snapshot-interval: cron schedules are not supported (in Memgraph they are an Enterprise feature); give the interval in seconds`,
    );
  }
  throw new ConfigError(`invalid value '${value}' for --storage-snapshot-interval: expected a number of seconds`);
}

/** 0.0.0.0 / :: are not addresses a client can dial: advertise the host name instead. */
export function advertisedAddress(address: string, port: number, hostname: string): string {
  const host = address === '0.0.0.0' || address === '::' || address === '' ? hostname : address;
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Parses argv (without `node main.js`) and the environment.
 * `hostname` is injected so this stays pure.
 */
export function parseConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  hostname: string,
): Config {
  const fromArgs = scanArgs(argv);
  const values = new Map<string, string | number | boolean>();
  for (const spec of FLAGS) {
    const arg = fromArgs.get(spec.name);
    const envValue = env[envName(spec.name)];
    if (arg !== undefined) values.set(spec.name, parseValue(spec, arg, `--${spec.name}`));
    else if (envValue !== undefined) values.set(spec.name, parseValue(spec, envValue, envName(spec.name)));
    else values.set(spec.name, parseValue(spec, spec.default, `default of --${spec.name}`));
  }
  const explicit = (n: string): boolean => fromArgs.has(n) || env[envName(n)] !== undefined;
  const str = (n: string): string => values.get(n) as string;
  const num = (n: string): number => values.get(n) as number;
  const bool = (n: string): boolean => values.get(n) as boolean;

  if (str('bolt-address') === '') throw new ConfigError('--bolt-address must not be empty');
  if (str('metrics-address') === '') throw new ConfigError('--metrics-address must not be empty');
  if (str('data-directory') === '') throw new ConfigError('--data-directory must not be empty');
  if (num('storage-gc-cycle-sec') <= 0) throw new ConfigError('--storage-gc-cycle-sec must be greater than 0');
  if (num('coordinator-election-timeout-ms') < 100) throw new ConfigError('--coordinator-election-timeout-ms must be at least 100');
  if (num('coordinator-routing-ttl-sec') < 1) throw new ConfigError('--coordinator-routing-ttl-sec must be at least 1');

  const config: Config = {
    help: bool('help'),
    version: bool('version'),
    dataDirectory: str('data-directory'),
    instanceName: str('instance-name') || hostname || 'mgha',
    boltAddress: str('bolt-address'),
    boltPort: num('bolt-port'),
    boltAdvertisedAddress:
      str('bolt-advertised-address') || advertisedAddress(str('bolt-address'), num('bolt-port'), hostname || '127.0.0.1'),
    serverName: str('bolt-server-name-for-init'),
    boltNumWorkers: num('bolt-num-workers'),
    boltSessionInactivityTimeoutSec: num('bolt-session-inactivity-timeout'),
    boltHandshakeTimeoutSec: num('bolt-handshake-timeout-sec'),
    // In a cluster, a driver waiting on a paused MAIN should give up and re-route; alone there is nowhere to go.
    boltRecvTimeoutHintSec: explicit('bolt-recv-timeout-hint-sec')
      ? num('bolt-recv-timeout-hint-sec')
      : num('management-port') > 0 || num('coordinator-id') > 0 ? HA_RECV_TIMEOUT_HINT_SEC : 0,
    logLevel: values.get('log-level') as PinoLevel,
    alsoLogToStderr: bool('also-log-to-stderr'),
    metricsAddress: str('metrics-address'),
    metricsPort: num('metrics-port'),
    queryExecutionTimeoutSec: num('query-execution-timeout-sec'),
    storageGcCycleSec: num('storage-gc-cycle-sec'),
    testProcedures: bool('test-procedures'),
    allowLoadCsv: bool('allow-load-csv'),
    memoryLimitMib: num('memory-limit'),
    managementPort: num('management-port'),
    coordinatorId: num('coordinator-id'),
    coordinatorPort: num('coordinator-port'),
    coordinatorHostname: str('coordinator-hostname'),
    managementAddress: str('management-address'),
    coordinatorAddress: str('coordinator-address'),
    coordinatorElectionTimeoutMs: num('coordinator-election-timeout-ms'),
    coordinatorRoutingTtlSec: num('coordinator-routing-ttl-sec'),
    haClusterInitQueries: env.MEMGRAPH_HA_CLUSTER_INIT_QUERIES ?? '',
    replicationAddress: str('replication-address') || str('bolt-address'),
    durability: {
      walEnabled: bool('storage-wal-enabled'),
      walFileSizeKib: num('storage-wal-file-size-kib'),
      walFileFlushEveryNTx: num('storage-wal-file-flush-every-n-tx'),
      snapshotIntervalSec: explicit('storage-snapshot-interval')
        ? snapshotInterval(str('storage-snapshot-interval'))
        : num('storage-snapshot-interval-sec'),
      snapshotOnExit: bool('storage-snapshot-on-exit'),
      snapshotRetentionCount: num('storage-snapshot-retention-count'),
      recoveryOnStartup:
        !explicit('data-recovery-on-startup') && explicit('storage-recover-on-startup')
          ? bool('storage-recover-on-startup')
          : bool('data-recovery-on-startup'),
      enableBackupDir: bool('storage-enable-backup-dir'),
    },
    replication: { replicaCheckFrequencySec: 1, restoreStateOnStartup: true },
  };
  config.replication = {
    replicaCheckFrequencySec: num('replication-replica-check-frequency-sec'),
    restoreStateOnStartup: bool('replication-restore-state-on-startup'),
  };
  validateRoles(config);
  return config;
}

// Memgraph's rule: a coordinator needs id, Raft port, hostname and management port together.
function validateRoles(c: Config): void {
  const coordinatorFlags = [
    ['--coordinator-id', c.coordinatorId > 0],
    ['--coordinator-port', c.coordinatorPort > 0],
    ['--coordinator-hostname', c.coordinatorHostname !== ''],
  ] as const;
  const set = coordinatorFlags.filter(([, isSet]) => isSet);
  if (set.length > 0 && set.length < coordinatorFlags.length) {
    const missing = coordinatorFlags.filter(([, isSet]) => !isSet).map(([n]) => n);
    throw new ConfigError(`a coordinator needs ${missing.join(' and ')} as well as ${set.map(([n]) => n).join(', ')}`);
  }
  if (set.length > 0 && c.managementPort === 0) {
    throw new ConfigError('a coordinator needs --management-port');
  }
  // A replica logs what it applies so it can be promoted at any time; a MAIN's catch-up reads its WAL.
  if (set.length === 0 && c.managementPort > 0 && !c.durability.walEnabled) {
    throw new ConfigError('an HA data instance (--management-port) needs the WAL: --storage-wal-enabled=false is not allowed');
  }
  const ports = [
    ['--bolt-port', c.boltPort],
    ['--management-port', c.managementPort],
    ['--coordinator-port', c.coordinatorPort],
  ] as const;
  const seen = new Map<number, string>();
  for (const [name, port] of ports) {
    if (port === 0) continue;
    const other = seen.get(port);
    if (other) throw new ConfigError(`${name} and ${other} are both ${port}`);
    seen.set(port, name);
  }
}

const GROUP_TITLES: Record<FlagSpec['group'], string> = {
  general: 'General',
  bolt: 'Bolt',
  observability: 'Logging and metrics',
  query: 'Queries and storage',
  ha: 'High availability (accepted and validated; used once HA lands)',
  replication: 'Replication (Memgraph defaults)',
  durability: 'Durability (WAL, snapshots, recovery; Memgraph defaults)',
};

export function helpText(): string {
  const lines = ['Usage: mgha [--flag=value ...]', '', 'Every flag can also be set with MEMGRAPH_<FLAG> (e.g. MEMGRAPH_BOLT_PORT); the command line wins.'];
  for (const group of Object.keys(GROUP_TITLES) as FlagSpec['group'][]) {
    lines.push('', `${GROUP_TITLES[group]}:`);
    for (const f of FLAGS.filter((x) => x.group === group)) {
      const def = f.default === '' ? '' : ` (default ${f.default})`;
      lines.push(`  --${f.name}${def}`, `      ${f.help}`);
    }
  }
  return lines.join('\n') + '\n';
}
