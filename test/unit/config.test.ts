import { ConfigError, advertisedAddress, envName, helpText, instanceKind, parseConfig, DEFAULT_SERVER_NAME } from '../../dataplane/config.js';

const parse = (argv: string[], env: Record<string, string> = {}) => parseConfig(argv, env, 'host-a');
const fails = (argv: string[], env: Record<string, string> = {}): string => {
  try {
    parse(argv, env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error(`expected a ConfigError for ${argv.join(' ')}`);
};

describe('defaults', () => {
  test('no flags gives Memgraph defaults', () => {
    const c = parse([]);
    expect(c.boltPort).toBe(7687);
    expect(c.boltAddress).toBe('0.0.0.0');
    expect(c.metricsPort).toBe(9091);
    expect(c.metricsAddress).toBe('0.0.0.0');
    expect(c.serverName).toBe(DEFAULT_SERVER_NAME);
    expect(c.dataDirectory).toBe('./mgha-data');
    expect(c.logLevel).toBe('info');
    expect(c.storageGcCycleSec).toBe(30);
    expect(c.queryExecutionTimeoutSec).toBe(600);
    expect(c.managementPort).toBe(0);
    expect(c.durability).toEqual({
      walEnabled: true,
      walFileSizeKib: 20480,
      walFileFlushEveryNTx: 100000,
      snapshotIntervalSec: 300,
      snapshotOnExit: true,
      snapshotRetentionCount: 3,
      recoveryOnStartup: true,
      enableBackupDir: true,
    });
    expect(c.help).toBe(false);
    expect(c.version).toBe(false);
    expect(instanceKind(c)).toBe('standalone');
  });

  test('instance name defaults to the host name', () => {
    expect(parse([]).instanceName).toBe('host-a');
    expect(parse(['--instance-name=db-0']).instanceName).toBe('db-0');
  });

  test('every listener has a bind address; the replication server follows --bolt-address unless told', () => {
    expect(parse([])).toMatchObject({ managementAddress: '0.0.0.0', coordinatorAddress: '0.0.0.0', replicationAddress: '0.0.0.0' });
    expect(parse(['--bolt-address=127.0.0.2'])).toMatchObject({ replicationAddress: '127.0.0.2', managementAddress: '0.0.0.0' });
    expect(parse(['--bolt-address=127.0.0.2', '--replication-address=127.0.0.3', '--management-address=127.0.0.4', '--coordinator-address=127.0.0.5'])).toMatchObject({
      replicationAddress: '127.0.0.3',
      managementAddress: '127.0.0.4',
      coordinatorAddress: '127.0.0.5',
    });
  });

  test('advertised address replaces a wildcard bind address with the host name', () => {
    expect(parse([]).boltAdvertisedAddress).toBe('host-a:7687');
    expect(parse(['--bolt-address=127.0.0.1', '--bolt-port=7700']).boltAdvertisedAddress).toBe('127.0.0.1:7700');
    expect(parse(['--bolt-advertised-address=db.example:7687']).boltAdvertisedAddress).toBe('db.example:7687');
    expect(advertisedAddress('::1', 7687, 'h')).toBe('[::1]:7687');
    expect(advertisedAddress('::', 7687, 'h')).toBe('h:7687');
  });
});

describe('flag forms', () => {
  test('--flag=value and --flag value', () => {
    expect(parse(['--bolt-port=7000']).boltPort).toBe(7000);
    expect(parse(['--bolt-port', '7001']).boltPort).toBe(7001);
  });

  test('single dash and underscores are accepted like gflags', () => {
    expect(parse(['-bolt_port=7002']).boltPort).toBe(7002);
  });

  test('booleans: bare, =true/false, --noflag', () => {
    expect(parse(['--also-log-to-stderr']).alsoLogToStderr).toBe(true);
    expect(parse(['--also-log-to-stderr=false']).alsoLogToStderr).toBe(false);
    expect(parse(['--storage-wal-enabled=0']).durability.walEnabled).toBe(false);
    expect(parse(['--nostorage-wal-enabled']).durability.walEnabled).toBe(false);
    // A bare boolean does not swallow the next argument.
    const c = parse(['--also-log-to-stderr', '--bolt-port=7003']);
    expect(c.alsoLogToStderr).toBe(true);
    expect(c.boltPort).toBe(7003);
  });

  test('log levels map Memgraph names to pino levels, case-insensitively', () => {
    const levels: Record<string, string> = { TRACE: 'trace', debug: 'debug', Info: 'info', WARNING: 'warn', ERROR: 'error', CRITICAL: 'fatal' };
    for (const [given, expected] of Object.entries(levels)) expect(parse([`--log-level=${given}`]).logLevel).toBe(expected);
  });

  test('--help and --version', () => {
    expect(parse(['--help']).help).toBe(true);
    expect(parse(['--version']).version).toBe(true);
    expect(helpText()).toContain('--bolt-port (default 7687)');
    expect(helpText()).toContain('Durability (WAL, snapshots, recovery; Memgraph defaults)');
  });

  test('--storage-snapshot-interval (Memgraph 3) wins over -sec when given; empty disables; cron is refused', () => {
    expect(parse(['--storage-snapshot-interval-sec=120']).durability.snapshotIntervalSec).toBe(120);
    expect(parse(['--storage-snapshot-interval=60', '--storage-snapshot-interval-sec=120']).durability.snapshotIntervalSec).toBe(60);
    expect(parse([], { MEMGRAPH_STORAGE_SNAPSHOT_INTERVAL: '45' }).durability.snapshotIntervalSec).toBe(45);
    expect(parse(['--storage-snapshot-interval=']).durability.snapshotIntervalSec).toBe(0);
    expect(fails(['--storage-snapshot-interval=0 */5 * * * *'])).toMatch(/cron schedules are not supported/);
    expect(fails(['--storage-snapshot-interval=soon'])).toMatch(/expected a number of seconds/);
  });

  test('--storage-recover-on-startup (the older name) applies unless --data-recovery-on-startup is given', () => {
    expect(parse(['--storage-recover-on-startup=false']).durability.recoveryOnStartup).toBe(false);
    expect(parse(['--storage-recover-on-startup=false', '--data-recovery-on-startup=true']).durability.recoveryOnStartup).toBe(true);
    expect(parse([]).durability.recoveryOnStartup).toBe(true);
  });

  test('query timeout accepts 0 (no limit) and fractions', () => {
    expect(parse(['--query-execution-timeout-sec=0']).queryExecutionTimeoutSec).toBe(0);
    expect(parse(['--query-execution-timeout-sec=0.5']).queryExecutionTimeoutSec).toBe(0.5);
  });

  test('--bolt-recv-timeout-hint-sec: 15 on HA instances, 0 standalone, the flag or environment wins', () => {
    expect(parse([]).boltRecvTimeoutHintSec).toBe(0);
    expect(parse(['--management-port=10000']).boltRecvTimeoutHintSec).toBe(15);
    expect(parse(['--coordinator-id=1', '--coordinator-port=10111', '--coordinator-hostname=127.0.0.1', '--management-port=10121']).boltRecvTimeoutHintSec).toBe(15);
    expect(parse(['--management-port=10000', '--bolt-recv-timeout-hint-sec=0']).boltRecvTimeoutHintSec).toBe(0);
    expect(parse([], { MEMGRAPH_BOLT_RECV_TIMEOUT_HINT_SEC: '7' }).boltRecvTimeoutHintSec).toBe(7);
    expect(() => parse(['--bolt-recv-timeout-hint-sec=-1'])).toThrow(ConfigError);
  });

  test('--schema-info-enabled is accepted (SHOW SCHEMA INFO needs no flag)', () => {
    expect(() => parse(['--schema-info-enabled=true'])).not.toThrow();
  });

  test('--bolt-num-workers is accepted', () => {
    expect(parse(['--bolt-num-workers=8']).boltNumWorkers).toBe(8);
  });
});

describe('environment', () => {
  test('env names are MEMGRAPH_ + flag in caps with underscores', () => {
    expect(envName('bolt-port')).toBe('MEMGRAPH_BOLT_PORT');
    expect(envName('storage-wal-file-flush-every-n-tx')).toBe('MEMGRAPH_STORAGE_WAL_FILE_FLUSH_EVERY_N_TX');
  });

  test('every flag reads its env var', () => {
    const c = parse([], {
      MEMGRAPH_BOLT_PORT: '7100',
      MEMGRAPH_LOG_LEVEL: 'ERROR',
      MEMGRAPH_ALSO_LOG_TO_STDERR: 'true',
      MEMGRAPH_STORAGE_SNAPSHOT_ON_EXIT: 'false',
      MEMGRAPH_DATA_DIRECTORY: '/d',
    });
    expect(c.boltPort).toBe(7100);
    expect(c.logLevel).toBe('error');
    expect(c.alsoLogToStderr).toBe(true);
    expect(c.durability.snapshotOnExit).toBe(false);
    expect(c.dataDirectory).toBe('/d');
  });

  test('the command line wins over the environment', () => {
    expect(parse(['--bolt-port=7200'], { MEMGRAPH_BOLT_PORT: '7100' }).boltPort).toBe(7200);
  });

  test('unrelated MEMGRAPH_ variables are ignored', () => {
    expect(parse([], { MEMGRAPH_USER: 'u', MEMGRAPH_PASSWORD: 'p' }).boltPort).toBe(7687);
  });
});

describe('errors', () => {
  test('unknown flag', () => {
    expect(fails(['--bolt-prot=1'])).toBe('unknown flag --bolt-prot');
    expect(fails(['--nobolt-port'])).toBe('unknown flag --nobolt-port');
  });

  test('positional argument', () => {
    expect(fails(['serve'])).toMatch(/unexpected argument 'serve'/);
  });

  test('missing value', () => {
    expect(fails(['--bolt-port'])).toBe('flag --bolt-port needs a value');
  });

  test('port out of range or not an integer', () => {
    expect(fails(['--bolt-port=0'])).toMatch(/invalid value '0' for --bolt-port: port must be between 1 and 65535/);
    expect(fails(['--bolt-port=65536'])).toMatch(/between 1 and 65535/);
    expect(fails(['--metrics-port=abc'])).toMatch(/invalid value 'abc' for --metrics-port: expected an integer/);
    expect(fails(['--bolt-port=1.5'])).toMatch(/expected an integer/);
    expect(fails(['--management-port=-1'])).toMatch(/between 0 \(unset\) and 65535/);
  });

  test('bad value in the environment names the variable', () => {
    expect(fails([], { MEMGRAPH_BOLT_PORT: 'x' })).toMatch(/for MEMGRAPH_BOLT_PORT: expected an integer/);
  });

  test('bad log level', () => {
    expect(fails(['--log-level=LOUD'])).toMatch(/expected one of TRACE, DEBUG, INFO, WARNING, ERROR, CRITICAL/);
  });

  test('bad boolean', () => {
    expect(fails(['--also-log-to-stderr=maybe'])).toMatch(/expected true or false/);
  });

  test('negative or non-numeric counts and seconds', () => {
    expect(fails(['--storage-snapshot-retention-count=-1'])).toMatch(/must not be negative/);
    expect(fails(['--query-execution-timeout-sec=-5'])).toMatch(/must not be negative/);
    expect(fails(['--query-execution-timeout-sec=soon'])).toMatch(/expected a number of seconds/);
    expect(fails(['--storage-gc-cycle-sec=0'])).toMatch(/--storage-gc-cycle-sec must be greater than 0/);
  });

  test('empty addresses', () => {
    expect(fails(['--bolt-address='])).toMatch(/--bolt-address must not be empty/);
  });

  test('incomplete coordinator flags', () => {
    expect(fails(['--coordinator-id=1'])).toMatch(/a coordinator needs --coordinator-port and --coordinator-hostname/);
    expect(fails(['--coordinator-id=1', '--coordinator-port=12000', '--coordinator-hostname=c1'])).toBe('a coordinator needs --management-port');
  });

  test('the same port twice', () => {
    expect(fails(['--management-port=7687'])).toMatch(/--management-port and --bolt-port are both 7687/);
  });

  test('an HA data instance needs the WAL (a coordinator has no graph, so it does not)', () => {
    expect(fails(['--management-port=10000', '--storage-wal-enabled=false'])).toBe(
      'an HA data instance (--management-port) needs the WAL: --storage-wal-enabled=false is not allowed',
    );
    const c = parse(['--coordinator-id=1', '--coordinator-port=12000', '--coordinator-hostname=c1', '--management-port=10000', '--storage-wal-enabled=false']);
    expect(instanceKind(c)).toBe('coordinator');
  });
});

describe('instance kinds', () => {
  test('management port alone makes an HA data instance', () => {
    expect(instanceKind(parse(['--management-port=10000']))).toBe('data');
  });

  test('--storage-enable-backup-dir=false: replaced files are deleted, not kept in .old', () => {
    expect(parse(['--storage-enable-backup-dir=false']).durability.enableBackupDir).toBe(false);
    expect(parse(['--nostorage-enable-backup-dir']).durability.enableBackupDir).toBe(false);
  });

  test('all coordinator flags make a coordinator', () => {
    const c = parse(['--coordinator-id=1', '--coordinator-port=12000', '--coordinator-hostname=c1', '--management-port=10000']);
    expect(instanceKind(c)).toBe('coordinator');
    expect(c.coordinatorId).toBe(1);
  });
});
