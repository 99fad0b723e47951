// The chart's monitoring pieces as the tests read them: the dashboard's PromQL, and the
// PrometheusRule and dashboard ConfigMap rendered (chart-render.ts) with values.yaml plus
// overrides, parsed as YAML.
import fs from 'node:fs';
import path from 'node:path';
import { load, loadAll } from 'js-yaml';
import { renderTemplate } from './chart-render.js';
import { repoRoot } from './repo-root.js';

export const chartDir = path.join(repoRoot, 'charts', 'mgha-operator');
export const chartFile = (f: string): string => fs.readFileSync(path.join(chartDir, f), 'utf8');

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: AlertRule[];
}

type Json = Record<string, unknown>;

function merge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = v !== null && typeof v === 'object' && !Array.isArray(v) && b !== null && typeof b === 'object' ? merge(b as Json, v as Json) : v;
  }
  return out;
}

export function chartValues(overrides: Json = {}): Json {
  return merge(load(chartFile('values.yaml')) as Json, overrides);
}

/** The documents a template renders to (empty when its condition is false). */
export function renderDocs(template: string, overrides: Json = {}, apiVersions = ['monitoring.coreos.com/v1']): Json[] {
  const text = renderTemplate(chartFile(path.join('templates', template)), {
    values: chartValues(overrides),
    release: { name: 'mgha', namespace: 'mgha-system' },
    apiVersions,
    files: (f) => chartFile(f),
  });
  return (loadAll(text) as unknown[]).filter((d): d is Json => d !== null && d !== undefined);
}

export const ALL_ENABLED: Json = {
  monitoring: { podMonitor: { enabled: true }, grafanaDashboard: { enabled: true }, prometheusRule: { enabled: true } },
};

export function ruleGroups(overrides: Json = ALL_ENABLED): RuleGroup[] {
  const [rule] = renderDocs('prometheusrule.yaml', overrides);
  if (rule === undefined) throw new Error('the PrometheusRule rendered to nothing');
  return (rule.spec as { groups: RuleGroup[] }).groups;
}

interface Panel {
  title?: string;
  type: string;
  targets?: { expr: string }[];
  panels?: Panel[];
}

export interface Dashboard {
  title: string;
  uid: string;
  panels: Panel[];
  annotations: { list: { expr?: string }[] };
  templating: { list: { query?: string | { query: string } }[] };
}

export function dashboard(): Dashboard {
  return JSON.parse(chartFile('dashboards/mgha.json')) as Dashboard;
}

/** Every PromQL expression of the dashboard: panel targets, annotations and variables. */
export function dashboardExpressions(d: Dashboard = dashboard()): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  const visit = (panels: Panel[]): void => {
    for (const p of panels) {
      for (const t of p.targets ?? []) out.push({ where: `panel "${p.title ?? p.type}"`, expr: t.expr });
      visit(p.panels ?? []);
    }
  };
  visit(d.panels);
  for (const a of d.annotations.list) if (a.expr) out.push({ where: 'annotation', expr: a.expr });
  for (const v of d.templating.list) {
    const q = typeof v.query === 'string' ? v.query : v.query?.query;
    // label_values(metric{…}, label): the metric is what must exist.
    const m = q === undefined ? null : /^label_values\((.*),\s*\w+\)$/.exec(q);
    if (m) out.push({ where: 'variable', expr: m[1]! });
  }
  return out;
}
