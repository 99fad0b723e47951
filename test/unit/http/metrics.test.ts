import { createMetrics } from '../../../dataplane/http/metrics.js';

const storage = { counts: () => ({ vertexCount: 0, edgeCount: 0 }) };

test('query counts and latencies tallied per query come out as Prometheus counter and histogram samples', async () => {
  const m = createMetrics(storage, 'main');
  m.hooks.queryFinished('r', 0.0002);
  m.hooks.queryFinished('r', 0.002);
  m.hooks.queryFinished('w', 100);
  const text = await m.registry.metrics();
  expect(text).toMatch(/^mgha_queries_total\{type="r"\} 2$/m);
  expect(text).toMatch(/^mgha_queries_total\{type="w"\} 1$/m);
  expect(text).toMatch(/^mgha_query_duration_seconds_bucket\{le="0.0005",type="r"\} 1$/m);
  expect(text).toMatch(/^mgha_query_duration_seconds_bucket\{le="0.005",type="r"\} 2$/m);
  expect(text).toMatch(/^mgha_query_duration_seconds_bucket\{le="60",type="w"\} 0$/m);
  expect(text).toMatch(/^mgha_query_duration_seconds_bucket\{le="\+Inf",type="w"\} 1$/m);
  expect(text).toMatch(/^mgha_query_duration_seconds_sum\{type="r"\} 0.0022$/m);
  expect(text).toMatch(/^mgha_query_duration_seconds_count\{type="r"\} 2$/m);
  expect(text).toMatch(/^# TYPE mgha_query_duration_seconds histogram$/m);

  // A second scrape adds only what finished since the first.
  m.hooks.queryFinished('r', 0.0002);
  expect(await m.registry.metrics()).toMatch(/^mgha_queries_total\{type="r"\} 3$/m);
});
