// Reads openCypher TCK feature files into expanded scenarios (outlines × example rows),
// enough for the expression-only temporal features. The TCK is found by tck/location.ts.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TckScenario {
  file: string;
  name: string;
  setup: string[];
  query: string;
  /** Expected rows, header first; null when the scenario expects an error or no table. */
  table: string[][] | null;
  ordered: boolean;
}

function cells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  const out: string[] = [];
  let cur = '';
  let inStr = false;
  for (let k = 0; k < inner.length; k++) {
    const c = inner[k];
    if (c === "'" && inner[k - 1] !== '\\') inStr = !inStr;
    if (c === '|' && !inStr) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  out.push(cur.trim());
  return out;
}

function substitute(text: string, row: Map<string, string>): string {
  return text.replace(/<(\w+)>/g, (m, k: string) => row.get(k) ?? m);
}

export function readScenarios(dir: string): TckScenario[] {
  const out: TckScenario[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.feature')).sort()) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    let k = 0;
    while (k < lines.length) {
      const head = /^\s*Scenario(?: Outline)?:\s*(.*)$/.exec(lines[k]);
      if (head === null) {
        k++;
        continue;
      }
      const name = head[1];
      const setup: string[] = [];
      let query = '';
      let table: string[][] | null = null;
      let ordered = false;
      let examples: string[][] = [];
      k++;
      let mode: 'setup' | 'query' | 'table' | 'examples' | null = null;
      while (k < lines.length && !/^\s*Scenario/.test(lines[k])) {
        const line = lines[k];
        if (/having executed:/.test(line)) mode = 'setup';
        else if (/When executing query:/.test(line)) mode = 'query';
        else if (/Then the result should be/.test(line)) {
          mode = 'table';
          table = [];
          ordered = /in order/.test(line);
        } else if (/^\s*Examples:/.test(line)) mode = 'examples';
        else if (/^\s*"""/.test(line) && (mode === 'setup' || mode === 'query')) {
          const body: string[] = [];
          k++;
          while (!/^\s*"""/.test(lines[k])) body.push(lines[k++]);
          if (mode === 'setup') setup.push(body.join('\n'));
          else query = body.join('\n');
        } else if (/^\s*\|/.test(line)) {
          if (mode === 'table' && table !== null) table.push(cells(line));
          if (mode === 'examples') examples.push(cells(line));
        } else if (/^\s*(And|Then|When|Given)\b/.test(line)) mode = null;
        k++;
      }
      const rows = examples.length > 1 ? examples.slice(1) : [[]];
      for (const row of rows) {
        const vars = new Map(examples.length > 1 ? examples[0].map((h, i): [string, string] => [h, row[i]]) : []);
        out.push({
          file,
          name,
          setup: setup.map((s) => substitute(s, vars)),
          query: substitute(query, vars),
          table: table === null ? null : table.map((r) => r.map((c) => substitute(c, vars))),
          ordered,
        });
      }
      examples = [];
    }
  }
  return out;
}
