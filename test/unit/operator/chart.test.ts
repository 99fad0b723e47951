// The Helm chart has no renderer here; these checks keep it in step with the operator.
import fs from 'node:fs';
import path from 'node:path';
import { OPERATOR_NAME } from '../../../operator/resources/rbac.js';
import { repoRoot } from '../../helpers/repo-root.js';

const chart = (f: string) => fs.readFileSync(path.join(repoRoot, 'charts', 'mgha-operator', f), 'utf8');

test('the Deployment sets every environment variable the operator reads', () => {
  const options = fs.readFileSync(path.join(repoRoot, 'operator', 'options.ts'), 'utf8');
  const read = new Set([...options.matchAll(/env\.([A-Z_]+)/g), ...options.matchAll(/'(MGHA_[A-Z_]+)'/g)].map((m) => m[1]));
  const deployment = chart('templates/deployment.yaml');
  const set = new Set([...deployment.matchAll(/- name: ([A-Z_]+)/g)].map((m) => m[1]));
  // MGHA_METRICS_ADDRESS keeps its default (all interfaces) in a pod.
  read.delete('MGHA_METRICS_ADDRESS');
  expect([...read].sort()).toEqual([...set].sort());
});

test('the Deployment runs as the service account the generated RBAC binds', () => {
  expect(chart('templates/deployment.yaml')).toContain(`serviceAccountName: ${OPERATOR_NAME}`);
  expect(chart('templates/rbac.yaml')).toContain(`kind: ServiceAccount\nmetadata:\n  name: ${OPERATOR_NAME}`);
});

test('every value the templates use is in values.yaml', () => {
  const values = chart('values.yaml');
  const used = new Set([...chart('templates/deployment.yaml').matchAll(/\.Values\.([A-Za-z]+)/g)].map((m) => m[1]));
  for (const key of used) expect([key, new RegExp(`^${key}:`, 'm').test(values)]).toEqual([key, true]);
});
