import { OptionsError, parseOptions } from '../../../operator/options.js';

test('defaults: every namespace, cluster.local, leader election on, identity from the host', () => {
  expect(parseOptions({}, 'op-1')).toEqual({
    watchNamespace: '',
    clusterDomain: 'cluster.local',
    identity: 'op-1',
    namespace: 'default',
    leaderElect: true,
    metricsAddress: '0.0.0.0',
    metricsPort: 8080,
    workers: 2,
  });
});

test('from the environment the chart sets', () => {
  const o = parseOptions(
    { MGHA_WATCH_NAMESPACE: 'db', MGHA_CLUSTER_DOMAIN: 'corp', POD_NAME: 'op-abc', POD_NAMESPACE: 'mgha-system', MGHA_LEADER_ELECT: 'false', MGHA_METRICS_PORT: '9000', MGHA_WORKERS: '4' },
    'h',
  );
  expect(o).toMatchObject({ watchNamespace: 'db', clusterDomain: 'corp', identity: 'op-abc', namespace: 'mgha-system', leaderElect: false, metricsPort: 9000, workers: 4 });
});

test('bad values are named', () => {
  expect(() => parseOptions({ MGHA_METRICS_PORT: '0' }, 'h')).toThrow(new OptionsError("MGHA_METRICS_PORT must be an integer from 1 to 65535, not '0'"));
  expect(() => parseOptions({ MGHA_LEADER_ELECT: 'yes' }, 'h')).toThrow(/MGHA_LEADER_ELECT must be true or false/);
});
