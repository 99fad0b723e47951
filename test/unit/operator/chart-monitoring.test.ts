// The chart's Grafana dashboard, PrometheusRule and operator PodMonitor: valid JSON/YAML
// once rendered, toggled by values, thresholds from values, every alert documented. That the
// metric names exist is checked against real processes in
// test/integration/monitoring-metrics.test.ts.
import { renderTemplate } from '../../helpers/chart-render.js';
import { ALL_ENABLED, chartFile, chartValues, dashboard, dashboardExpressions, renderDocs, ruleGroups } from '../../helpers/chart-monitoring.js';
import { promqlMetricNames } from '../../helpers/promql-names.js';

describe('promqlMetricNames', () => {
  test('keeps metric names, drops functions, keywords, labels, durations, strings and variables', () => {
    expect(
      promqlMetricNames(
        'histogram_quantile(0.99, sum by (le, rpc) (rate(mgha_replication_rpc_duration_seconds_bucket{namespace=~"$namespace", rpc!="x y"}[$__rate_interval])))',
      ),
    ).toEqual(['mgha_replication_rpc_duration_seconds_bucket']);
    expect(
      promqlMetricNames('sum by (namespace, job) (mgha_instance_role{role="main"} * on (namespace, pod) group_left mgha_instance_up) > 1 or up offset 5m unless bool 1e3'),
    ).toEqual(['mgha_instance_role', 'mgha_instance_up', 'up']);
    expect(promqlMetricNames('count by (job) (a_b) <= floor(max without (pod) (c:d) / 2) + 1')).toEqual(['a_b', 'c:d']);
  });
});

/** Brackets balance and nest outside strings (no promtool here to parse PromQL fully). */
function balanced(expr: string): boolean {
  const open: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  for (const ch of expr.replace(/"(?:[^"\\]|\\.)*"/g, '""')) {
    if ('([{'.includes(ch)) open.push(ch);
    else if (ch in pairs && open.pop() !== pairs[ch]) return false;
  }
  return open.length === 0;
}

test('every dashboard and alert expression has balanced brackets', () => {
  expect(balanced('sum(rate(x{a="(}"}[5m]))')).toBe(true);
  expect(balanced('sum(rate(x[5m))')).toBe(false);
  const exprs = [...dashboardExpressions().map((e) => e.expr), ...ruleGroups().flatMap((g) => g.rules.map((r) => r.expr))];
  expect(exprs.filter((e) => !balanced(e))).toEqual([]);
});

describe('chart render stand-in', () => {
  const ctx = { values: { a: { on: true, off: false, name: '', labels: { x: '1' } } }, release: { name: 'r', namespace: 'ns' }, apiVersions: ['g/v1'], files: () => 'l1\nl2' };
  test('renders the forms the templates use', () => {
    const t = [
      '{{- if and .Values.a.on (.Capabilities.APIVersions.Has "g/v1") }}',
      'ns: {{ .Values.a.name | default .Release.Namespace }}',
      'labels:',
      '  {{- with .Values.a.labels }}',
      '  {{- toYaml . | nindent 2 }}',
      '  {{- end }}',
      'raw: {{`{{ $labels.x }}`}}',
      'file: |-',
      '{{ .Files.Get "f" | indent 2 }}',
      '{{- end }}',
    ].join('\n');
    expect(renderTemplate(t, ctx)).toBe('\nns: ns\nlabels:\n  x: \'1\'\nraw: {{ $labels.x }}\nfile: |-\n  l1\n  l2');
    expect(renderTemplate('{{- if .Values.a.off }}x{{- end }}', ctx)).toBe('');
    expect(renderTemplate('{{- if and .Values.a.on (.Capabilities.APIVersions.Has "other/v1") }}x{{- end }}', ctx)).toBe('');
  });
  test('refuses a form it does not know', () => {
    expect(() => renderTemplate('{{ .Values.a.name | upper }}', ctx)).toThrow('unsupported action');
    expect(() => renderTemplate('{{- if .Values.a.on }}x', ctx)).toThrow('unclosed block');
  });
});

describe('Grafana dashboard', () => {
  test('parses, has a stable uid, and leads with replication lag, roles and failovers', () => {
    const d = dashboard();
    expect(d.uid).toBe('mgha-overview');
    const exprs = dashboardExpressions(d).map((e) => e.expr).join('\n');
    for (const m of ['mgha_replica_lag_transactions', 'mgha_replica_lag_seconds', 'mgha_replica_state', 'mgha_instance_role', 'mgha_failovers_total', 'mgha_failover_duration_seconds_bucket', 'mgha_raft_term', 'mgha_raft_is_leader', 'mgha_raft_commit_index', 'mgha_query_duration_seconds_bucket', 'mgha_queries_total', 'mgha_bolt_connections', 'mgha_storage_vertices', 'mgha_process_resident_memory_bytes', 'mgha_replication_rpc_duration_seconds_bucket', 'mgha_wal_fsync_duration_seconds_bucket', 'mgha_operator_reconcile_total', 'mgha_operator_queue_depth']) {
      expect([m, exprs.includes(m)]).toEqual([m, true]);
    }
  });

  test('every panel has a title and queries with at least one metric', () => {
    const d = dashboard();
    const panels = d.panels.filter((p) => p.type !== 'row');
    expect(panels.length).toBeGreaterThan(30);
    for (const p of panels) expect([p.title, (p.targets ?? []).length > 0]).toEqual([p.title, true]);
    for (const e of dashboardExpressions(d)) expect([e.where, e.expr, promqlMetricNames(e.expr).length > 0]).toEqual([e.where, e.expr, true]);
  });

  test('ships as a ConfigMap with the Grafana sidecar label, only when enabled', () => {
    expect(renderDocs('grafana-dashboard.yaml')).toEqual([]);
    const [cm] = renderDocs('grafana-dashboard.yaml', ALL_ENABLED);
    expect(cm).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'mgha-dashboard', namespace: 'mgha-system', labels: { grafana_dashboard: '1' } } });
    // The embedded JSON is the file, unchanged.
    expect(JSON.parse((cm!.data as Record<string, string>)['mgha.json']!)).toEqual(dashboard());
    const [moved] = renderDocs('grafana-dashboard.yaml', { monitoring: { grafanaDashboard: { enabled: true, namespace: 'monitoring', labels: { grafana_dashboard: '1', team: 'db' }, annotations: { grafana_folder: 'Databases' } } } });
    expect(moved).toMatchObject({ metadata: { namespace: 'monitoring', labels: { team: 'db', grafana_dashboard: '1' }, annotations: { grafana_folder: 'Databases' } } });
  });
});

describe('PrometheusRule', () => {
  test('renders only when enabled and the cluster serves monitoring.coreos.com/v1', () => {
    expect(renderDocs('prometheusrule.yaml')).toEqual([]);
    expect(renderDocs('prometheusrule.yaml', ALL_ENABLED, [])).toEqual([]);
    const [rule] = renderDocs('prometheusrule.yaml', ALL_ENABLED);
    expect(rule).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'mgha', namespace: 'mgha-system' } });
  });

  test('has the alerts the issue asks for, each with a severity, summary, description and runbook hint', () => {
    const rules = ruleGroups().flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert).sort()).toEqual(
      [
        'MgHAClusterStateUnknown',
        'MgHACoordinatorQuorumAtRisk',
        'MgHACoordinatorQuorumLost',
        'MgHADataInstanceDown',
        'MgHAFailover',
        'MgHAFrequentLeaderElections',
        'MgHAMultipleMains',
        'MgHANoMain',
        'MgHANoRaftLeader',
        'MgHAOperatorReconcileErrors',
        'MgHAReplicaDiverged',
        'MgHAReplicaInvalid',
        'MgHAReplicaLagSeconds',
        'MgHAReplicaLagTransactions',
        'MgHAWalFailed',
      ].sort(),
    );
    for (const r of rules) {
      expect([r.alert, ['critical', 'warning', 'info'].includes(r.labels.severity!)]).toEqual([r.alert, true]);
      for (const a of ['summary', 'description', 'runbook']) expect([r.alert, a, (r.annotations[a] ?? '').length > 10]).toEqual([r.alert, a, true]);
      expect([r.alert, promqlMetricNames(r.expr).length > 0]).toEqual([r.alert, true]);
    }
    // Prometheus templates reach Prometheus unrendered by Helm.
    expect(rules.find((r) => r.alert === 'MgHAReplicaInvalid')!.annotations.summary).toBe('Replica {{ $labels.replica }} is invalid');
  });

  test('takes lag thresholds and the elections limit from values', () => {
    const find = (groups: ReturnType<typeof ruleGroups>, name: string) => groups.flatMap((g) => g.rules).find((r) => r.alert === name)!;
    const defaults = ruleGroups();
    const pr = (chartValues().monitoring as { prometheusRule: Record<string, unknown> }).prometheusRule;
    expect(find(defaults, 'MgHAReplicaLagTransactions').expr).toMatch(new RegExp(`> ${String(pr.replicaLagTransactions)}$`));
    const custom = ruleGroups({ monitoring: { prometheusRule: { enabled: true, replicaLagTransactions: 50, replicaLagSeconds: 7, replicaLagFor: '90s', electionsPer15m: 9, labels: { release: 'kps' } } } });
    expect(find(custom, 'MgHAReplicaLagTransactions')).toMatchObject({ expr: expect.stringMatching(/mgha_replica_lag_transactions\) > 50$/), for: '90s' });
    expect(find(custom, 'MgHAReplicaLagSeconds').expr).toMatch(/mgha_replica_lag_seconds\) > 7$/);
    expect(find(custom, 'MgHAFrequentLeaderElections').expr).toMatch(/> 9$/);
    const [rule] = renderDocs('prometheusrule.yaml', { monitoring: { prometheusRule: { enabled: true, labels: { release: 'kps' } } } });
    expect(rule).toMatchObject({ metadata: { labels: { release: 'kps', 'app.kubernetes.io/component': 'monitoring' } } });
  });
});

test('the operator PodMonitor keeps the per-cluster labels the operator exports', () => {
  expect(renderDocs('podmonitor.yaml')).toEqual([]);
  const [pm] = renderDocs('podmonitor.yaml', ALL_ENABLED);
  expect(pm).toMatchObject({
    kind: 'PodMonitor',
    spec: { selector: { matchLabels: { 'app.kubernetes.io/component': 'operator' } }, podMetricsEndpoints: [{ port: 'metrics', honorLabels: true }] },
  });
  // It selects the operator's pods and port.
  expect(chartFile('templates/deployment.yaml')).toMatch(/app\.kubernetes\.io\/component: operator[\s\S]*name: metrics/);
});

test('every value the monitoring templates use is in values.yaml', () => {
  const values = chartValues();
  for (const t of ['grafana-dashboard.yaml', 'prometheusrule.yaml', 'podmonitor.yaml']) {
    for (const [, key] of chartFile(`templates/${t}`).matchAll(/\.Values\.([A-Za-z0-9.]+)/g)) {
      let v: unknown = values;
      for (const k of key!.split('.')) v = (v as Record<string, unknown> | undefined)?.[k];
      expect([t, key, v !== undefined]).toEqual([t, key, true]);
    }
  }
});
