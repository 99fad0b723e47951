// Tallies scenario outcomes per feature file and formats the scoreboard table.
import type { Outcome } from './scenario.js';
import type { TckScenario } from './features.js';

export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

export interface Failure {
  feature: string;
  line: number;
  name: string;
  reason: string;
}

export class Scoreboard {
  readonly byFeature = new Map<string, Tally>();
  readonly total: Tally = { passed: 0, failed: 0, skipped: 0 };
  readonly failures: Failure[] = [];

  record(s: TckScenario, outcome: Outcome): void {
    let t = this.byFeature.get(s.feature);
    if (!t) this.byFeature.set(s.feature, (t = { passed: 0, failed: 0, skipped: 0 }));
    t[outcome.status]++;
    this.total[outcome.status]++;
    if (outcome.status === 'failed') this.failures.push({ feature: s.feature, line: s.line, name: s.name, reason: outcome.reason });
  }

  /** Per feature file, then per area (the feature's directory), each ending with the total. */
  format(): string {
    const byArea = new Map<string, Tally>();
    for (const [f, t] of this.byFeature) {
      const area = f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : '.';
      const a = byArea.get(area) ?? { passed: 0, failed: 0, skipped: 0 };
      byArea.set(area, { passed: a.passed + t.passed, failed: a.failed + t.failed, skipped: a.skipped + t.skipped });
    }
    return `${this.table('feature', this.byFeature)}\n${this.table('area', byArea)}`;
  }

  private table(title: string, tallies: Map<string, Tally>): string {
    const rows: [string, Tally][] = [...tallies].sort(([a], [b]) => a.localeCompare(b));
    rows.push(['TOTAL', this.total]);
    const width = Math.max(7, ...rows.map(([f]) => f.length));
    const line = (f: string, p: string, x: string, s: string): string => `${f.padEnd(width)}  ${p.padStart(6)}  ${x.padStart(6)}  ${s.padStart(7)}`;
    const out = [line(title, 'passed', 'failed', 'skipped'), '-'.repeat(width + 25)];
    for (const [f, t] of rows) {
      if (f === 'TOTAL') out.push('-'.repeat(width + 25));
      out.push(line(f, String(t.passed), String(t.failed), String(t.skipped)));
    }
    return out.join('\n') + '\n';
  }

  formatFailures(): string {
    return this.failures.map((f) => `${f.feature}:${f.line} ${f.name}\n  ${f.reason.replace(/\n/g, '\n  ')}\n`).join('\n');
  }
}
