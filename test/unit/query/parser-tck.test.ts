// Runs every query of the openCypher TCK through parse + analyze: queries that the TCK expects
// to compile must be accepted, and those it expects to fail at compile time with a
// SyntaxError/TypeError must be rejected with that code.
import { Codes, MghaError } from '../../../dataplane/errors.js';
import { parse } from '../../../dataplane/query/parser.js';
import { analyze } from '../../../dataplane/query/semantic.js';
import { repoRoot } from '../../helpers/repo-root.js';
import { loadScenarios } from '../../tck/features.js';
import { tckFeaturesDir } from '../../tck/location.js';

const COMPILE_ERROR = /^an? (\w+) should be raised at compile time: (\w+)/;

interface Case {
  where: string;
  query: string;
}

const accepted: Case[] = [];
const rejected: (Case & { type: string; detail: string })[] = [];
/** Scenarios with an expected result table: the table header is the column names. */
const withColumns: (Case & { header: string[] })[] = [];

const featuresDir = tckFeaturesDir(repoRoot);
for (const s of featuresDir === null ? [] : loadScenarios(featuresDir)) {
  const expected = s.steps.map((st) => COMPILE_ERROR.exec(st.text)).find((m) => m !== null);
  const where = `${s.feature}:${s.line}`;
  const main = s.steps.find((st) => /^executing query/.test(st.text))?.docString;
  const table = s.steps.find((st) => /^the result should be/.test(st.text))?.table;
  if (main && table) withColumns.push({ where, query: main, header: table[0] });
  for (const step of s.steps) {
    if (step.docString === null) continue;
    if (/^executing query/.test(step.text) && expected) {
      rejected.push({ where, query: step.docString, type: expected[1], detail: expected[2] });
    } else if (/^(executing query|having executed)/.test(step.text)) {
      accepted.push({ where, query: step.docString });
    }
  }
}

function compile(query: string): void {
  analyze(parse(query));
}

const outcomes = new Map<string, unknown>();

/** The error compiling query throws, or null; each distinct query is compiled once. */
function errorOf(query: string): unknown {
  if (!outcomes.has(query)) {
    try {
      compile(query);
      outcomes.set(query, null);
    } catch (e) {
      outcomes.set(query, e);
    }
  }
  return outcomes.get(query);
}

// Without the TCK (tck/location.ts) the suite is skipped; jest's global setup says so once.
(featuresDir === null ? describe.skip : describe)('openCypher TCK corpus', () => {
  test('finds the TCK queries', () => {
    expect(accepted.length).toBeGreaterThan(3000);
    expect(rejected.length).toBeGreaterThan(300);
  });

  test('accepts at least 98% of the queries the TCK expects to compile (currently all)', () => {
    const failures = accepted
      .map((c) => ({ ...c, error: errorOf(c.query) }))
      .filter((c) => c.error !== null)
      .map((c) => `${c.where}: ${(c.error as Error).message}\n  ${c.query.replace(/\s+/g, ' ')}`);
    expect(failures.length / accepted.length).toBeLessThan(0.02);
    expect(failures).toEqual([]);
  });

  test('every rejection is a MghaError, never a crash', () => {
    for (const c of [...accepted, ...rejected]) {
      const e = errorOf(c.query);
      if (e !== null && !(e instanceof MghaError)) throw new Error(`${c.where} threw ${String(e)}`);
    }
  });

  test('RETURN column names are the source text of unaliased items, as in the result tables', () => {
    let compared = 0;
    const mismatches: string[] = [];
    for (const c of withColumns) {
      const stmt = parse(c.query);
      if (stmt.kind !== 'Query') continue;
      const last = stmt.body.parts[0].clauses.at(-1);
      if (last?.kind !== 'Return' || last.projection.star) continue;
      compared++;
      const names = last.projection.items.map((i) => i.name);
      if (names.join('\u0000') !== c.header.join('\u0000')) mismatches.push(`${c.where}: ${names.join(', ')} vs ${c.header.join(', ')}`);
    }
    expect(compared).toBeGreaterThan(2000);
    expect(mismatches).toEqual([]);
  });

  test('mutated TCK queries only ever fail with MghaError', () => {
    // Deterministic LCG so a failure reproduces.
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = '()[]{}-<>:|*.,\'"`$=+/%^!~ aZ09\\\n';
    const corpus = accepted.map((c) => c.query);
    for (let k = 0; k < 5000; k++) {
      let q = corpus[rnd(corpus.length)];
      for (let e = 1 + rnd(3); e > 0; e--) {
        const at = rnd(q.length + 1);
        const op = rnd(3);
        if (op === 0) q = q.slice(0, at) + q.slice(at + 1);
        else if (op === 1) q = q.slice(0, at) + alphabet[rnd(alphabet.length)] + q.slice(at);
        else {
          const from = rnd(q.length + 1);
          q = q.slice(0, at) + q.slice(from, from + 10) + q.slice(at);
        }
      }
      try {
        compile(q);
      } catch (e) {
        if (!(e instanceof MghaError)) throw new Error(`${String(e)} for: ${q}`);
      }
    }
  });

  test('rejects at least 95% of compile-time SyntaxError/TypeError scenarios with that code', () => {
    const relevant = rejected.filter((c) => c.type === 'SyntaxError' || c.type === 'TypeError');
    const missed = relevant.filter((c) => {
      const e = errorOf(c.query);
      return !(e instanceof MghaError && e.code === Codes[c.type as 'SyntaxError' | 'TypeError']);
    });
    // What remains needs the procedure registry or function table (checked by the engine).
    expect(missed.length / relevant.length).toBeLessThan(0.05);
  });
});
