// Runs every query of the openCypher TCK through parse + analyze: queries that the TCK expects
// to compile must be accepted, and those it expects to fail at compile time with a
// SyntaxError/TypeError must be rejected with that code.
import path from 'node:path';
import { Codes, MghaError } from '../../../dataplane/errors.js';
import { parse } from '../../../dataplane/query/parser.js';
import { analyze } from '../../../dataplane/query/semantic.js';
import { loadScenarios, tckRoot } from '../../tck/features.js';

const COMPILE_ERROR = /^an? (\w+) should be raised at compile time: (\w+)/;

interface Case {
  where: string;
  query: string;
}

const accepted: Case[] = [];
const rejected: (Case & { type: string; detail: string })[] = [];

for (const s of loadScenarios(path.join(tckRoot(process.cwd()), 'features'))) {
  const expected = s.steps.map((st) => COMPILE_ERROR.exec(st.text)).find((m) => m !== null);
  for (const step of s.steps) {
    if (step.docString === null) continue;
    const where = `${s.feature}:${s.line}`;
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

describe('openCypher TCK corpus', () => {
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
