// A tiny stand-in for `helm template` (helm cannot be installed here): it renders the few
// template forms the chart's monitoring templates use, and throws on any other action so a
// new form cannot slip through untested. Forms: if / if and … (.Capabilities.APIVersions.Has
// "…"), with … + toYaml . | nindent N, end, .Values.x.y [| default .Release.Namespace],
// .Release.Name / .Release.Namespace, .Files.Get "path" | indent N, and {{`raw`}}.
import { dump } from 'js-yaml';

export interface RenderContext {
  values: Record<string, unknown>;
  release: { name: string; namespace: string };
  /** API group versions the cluster serves (.Capabilities.APIVersions.Has). */
  apiVersions: string[];
  files: (path: string) => string;
}

const ACTION = /\{\{(-)?\s*((?:`[^`]*`|[^`}])*?)\s*(-)?\}\}/g;

function lookup(values: Record<string, unknown>, dotted: string): unknown {
  let v: unknown = values;
  for (const key of dotted.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

const truthy = (v: unknown): boolean =>
  !(v === undefined || v === null || v === false || v === 0 || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && Object.keys(v as object).length === 0));

const indentLines = (text: string, n: number): string =>
  text
    .split('\n')
    .map((l) => ' '.repeat(n) + l)
    .join('\n');

function toYaml(v: unknown): string {
  return dump(v).replace(/\n$/, '');
}

export function renderTemplate(template: string, ctx: RenderContext): string {
  // Split into text and actions, applying the {{- and -}} whitespace trims.
  type Part = { text: string } | { action: string };
  const parts: Part[] = [];
  let last = 0;
  let trimNext = false;
  for (const m of template.matchAll(ACTION)) {
    let text = template.slice(last, m.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (m[1] === '-') text = text.replace(/\s+$/, '');
    parts.push({ text }, { action: m[2]! });
    trimNext = m[3] === '-';
    last = m.index! + m[0].length;
  }
  let tail = template.slice(last);
  if (trimNext) tail = tail.replace(/^\s+/, '');
  parts.push({ text: tail });

  const value = (expr: string, dot: unknown): unknown => {
    if (expr === '.') return dot;
    if (expr === '.Release.Name') return ctx.release.name;
    if (expr === '.Release.Namespace') return ctx.release.namespace;
    const has = /^\(\.Capabilities\.APIVersions\.Has "([^"]+)"\)$/.exec(expr);
    if (has) return ctx.apiVersions.includes(has[1]!);
    if (expr.startsWith('.Values.')) return lookup(ctx.values, expr.slice('.Values.'.length));
    throw new Error(`chart-render: unsupported expression ${expr}`);
  };
  const condition = (expr: string, dot: unknown): boolean => {
    const and = /^and (\S+) (\(.*\))$/.exec(expr);
    if (and) return truthy(value(and[1]!, dot)) && truthy(value(and[2]!, dot));
    return truthy(value(expr, dot));
  };
  const pipeline = (action: string, dot: unknown): string => {
    const raw = /^`([^`]*)`$/.exec(action);
    if (raw) return raw[1]!;
    const files = /^\.Files\.Get "([^"]+)" \| indent (\d+)$/.exec(action);
    if (files) return indentLines(ctx.files(files[1]!), Number(files[2]));
    const toYamlN = /^toYaml \. \| nindent (\d+)$/.exec(action);
    if (toYamlN) return '\n' + indentLines(toYaml(dot), Number(toYamlN[1]));
    const withDefault = /^(\S+) \| default (\S+)$/.exec(action);
    if (withDefault) {
      const v = value(withDefault[1]!, dot);
      return String(truthy(v) ? v : value(withDefault[2]!, dot));
    }
    if (/^\.[A-Za-z0-9.]+$/.test(action)) return String(value(action, dot));
    throw new Error(`chart-render: unsupported action {{ ${action} }}`);
  };

  // Blocks: each frame says whether its body is emitted and what `.` is inside it.
  const stack: { emit: boolean; dot: unknown }[] = [{ emit: true, dot: ctx.values }];
  let out = '';
  for (const p of parts) {
    const top = stack[stack.length - 1]!;
    if ('text' in p) {
      if (top.emit) out += p.text;
      continue;
    }
    const a = p.action;
    if (a === 'end') {
      if (stack.length === 1) throw new Error('chart-render: unmatched end');
      stack.pop();
    } else if (a.startsWith('if ')) {
      stack.push({ emit: top.emit && condition(a.slice(3), top.dot), dot: top.dot });
    } else if (a.startsWith('with ')) {
      const v = top.emit ? value(a.slice(5), top.dot) : undefined;
      stack.push({ emit: top.emit && truthy(v), dot: v });
    } else if (top.emit) {
      out += pipeline(a, top.dot);
    }
  }
  if (stack.length !== 1) throw new Error('chart-render: unclosed block');
  return out;
}
