// Memgraph's replication flags, names and defaults.
import { parseConfig } from '../../../dataplane/config.js';

test('replication flags: Memgraph defaults, command line and MEMGRAPH_* environment', () => {
  expect(parseConfig([], {}, 'h').replication).toEqual({ replicaCheckFrequencySec: 1, restoreStateOnStartup: true });
  expect(parseConfig(['--replication-replica-check-frequency-sec=3', '--replication-restore-state-on-startup=false'], {}, 'h').replication).toEqual({
    replicaCheckFrequencySec: 3,
    restoreStateOnStartup: false,
  });
  expect(parseConfig([], { MEMGRAPH_REPLICATION_REPLICA_CHECK_FREQUENCY_SEC: '2' }, 'h').replication.replicaCheckFrequencySec).toBe(2);
  expect(() => parseConfig(['--replication-replica-check-frequency-sec=x'], {}, 'h')).toThrow(/expected a number of seconds/);
});
