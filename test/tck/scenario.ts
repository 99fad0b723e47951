// Runs one TCK scenario's steps through neo4j-driver against a live server. The graph is
// assumed empty when it starts (the suite clears it between scenarios).
import fs from 'node:fs';
import path from 'node:path';
import type { Driver, Session } from 'neo4j-driver';
import { Codes } from '../../dataplane/errors.js';
import { elementKey, fromDriver, toDriver } from './driver-values.js';
import type { TckScenario, TckStep } from './features.js';
import { canonical, display, parseTckValue, type TckValue } from './values.js';

export type Outcome = { status: 'passed' } | { status: 'failed'; reason: string } | { status: 'skipped'; reason: string };

/** Thrown by a step to end the scenario with a failure. */
class StepFailure extends Error {}

type QueryOutcome = { ok: true; keys: string[]; rows: TckValue[][] } | { ok: false; code: string; message: string };

interface GraphState {
  nodes: Set<string>;
  relationships: Set<string>;
  properties: Set<string>;
  labels: Set<string>;
}

const SIDE_EFFECT_KEYS = ['nodes', 'relationships', 'properties', 'labels'] as const;

/** Why a scenario cannot run here, or null. */
export function skipReason(s: TckScenario): string | null {
  if (s.tags.includes('@ignore')) return 'tagged @ignore';
  return null;
}

function errorOf(e: unknown): { code: string; message: string } {
  const err = e as { code?: unknown; message?: unknown };
  return { code: typeof err.code === 'string' ? err.code : 'NoCode', message: typeof err.message === 'string' ? err.message : String(e) };
}

/** Transport-level failures mean the server (not the query) is in trouble. */
export function isConnectionError(code: string): boolean {
  return code === 'ServiceUnavailable' || code === 'SessionExpired' || code === 'NoCode';
}

async function runQuery(session: Session, query: string, params: Record<string, unknown>): Promise<QueryOutcome> {
  try {
    const result = session.run(query, params);
    const keys = await result.keys();
    const { records } = await result;
    return { ok: true, keys: [...keys].map(String), rows: records.map((r) => keys.map((k) => fromDriver(r.get(k)))) };
  } catch (e) {
    return { ok: false, ...errorOf(e) };
  }
}

async function mustRun(session: Session, query: string, what: string): Promise<unknown[][]> {
  try {
    const { records } = await session.run(query);
    return records.map((r) => r.keys.map((k) => r.get(k)));
  } catch (e) {
    const { code, message } = errorOf(e);
    throw new StepFailure(`${what} failed: ${code}: ${message}`);
  }
}

/** The TCK's observation queries, evaluated on the client so only two simple queries are needed. */
async function observe(session: Session): Promise<GraphState> {
  const state: GraphState = { nodes: new Set(), relationships: new Set(), properties: new Set(), labels: new Set() };
  type Entity = { labels?: string[]; properties: Record<string, unknown>; elementId?: string };
  const addProps = (prefix: string, e: Entity): void => {
    for (const [k, v] of Object.entries(e.properties)) state.properties.add(`${prefix}\u0000${k}\u0000${canonical(fromDriver(v))}`);
  };
  for (const [n] of await mustRun(session, 'MATCH (n) RETURN n', 'observing nodes')) {
    const node = n as Entity;
    const id = elementKey(node);
    state.nodes.add(id);
    for (const l of node.labels ?? []) state.labels.add(l);
    addProps(`n${id}`, node);
  }
  for (const [r] of await mustRun(session, 'MATCH ()-[r]->() RETURN r', 'observing relationships')) {
    const rel = r as Entity;
    const id = elementKey(rel);
    state.relationships.add(id);
    addProps(`r${id}`, rel);
  }
  return state;
}

function diff(before: GraphState, after: GraphState): Map<string, number> {
  const out = new Map<string, number>();
  const count = (a: Set<string>, b: Set<string>): number => [...a].filter((x) => !b.has(x)).length;
  for (const k of SIDE_EFFECT_KEYS) {
    out.set(`+${k}`, count(after[k], before[k]));
    out.set(`-${k}`, count(before[k], after[k]));
  }
  return out;
}

function expectedErrorMatches(type: string, code: string): boolean {
  const mapped = (Codes as Record<string, string>)[type];
  if (mapped === code) return true;
  if (type === 'ProcedureError' && code === Codes.ProcedureNotFound) return true;
  return code.split('.').pop() === type;
}

function describeRows(rows: string[][]): string {
  return rows.length === 0 ? '(no rows)' : rows.map((r) => `| ${r.join(' | ')} |`).join('\n');
}

function compareResult(result: QueryOutcome | null, table: string[][], inOrder: boolean, ignoreListOrder: boolean): void {
  if (result === null) throw new StepFailure('no query was executed');
  if (!result.ok) throw new StepFailure(`query failed: ${result.code}: ${result.message}`);
  const [header, ...body] = table;
  const columns = [...header];
  if ([...columns].sort().join('\u0000') !== [...result.keys].sort().join('\u0000')) {
    throw new StepFailure(`columns differ: expected ${JSON.stringify(columns)}, got ${JSON.stringify(result.keys)}`);
  }
  const indexes = columns.map((c) => result.keys.indexOf(c));
  const expected = body.map((row) => row.map((cell) => canonical(parseTckValue(cell), ignoreListOrder)));
  const actualValues = result.rows.map((row) => indexes.map((i) => row[i]));
  const actual = actualValues.map((row) => row.map((v) => canonical(v, ignoreListOrder)));
  const key = (r: string[]): string => r.join('\u0001');
  const exp = expected.map(key);
  const act = actual.map(key);
  if (!inOrder) {
    exp.sort();
    act.sort();
  }
  if (exp.length !== act.length || exp.some((x, i) => x !== act[i])) {
    throw new StepFailure(
      `result differs${inOrder ? ' (in order)' : ''}\nexpected:\n${describeRows(body)}\nactual:\n${describeRows(actualValues.map((r) => r.map(display)))}`,
    );
  }
}

export interface ScenarioEnv {
  driver: Driver;
  graphsDir: string;
}

/** Whether a scenario declares test procedures (the suite clears them before the next one). */
export function declaresProcedures(s: TckScenario): boolean {
  return s.steps.some((st) => st.text.startsWith('there exists a procedure'));
}

/** Declares a table-backed procedure through the server's test-only registrar (--test-procedures). */
async function registerProcedure(session: Session, signature: string, table: string[][]): Promise<void> {
  const [header, ...body] = table;
  const rows = body.map((r) => Object.fromEntries(header.map((h, i) => [h, toDriver(parseTckValue(r[i]))])));
  try {
    await session.run('CALL mgha.test.register_procedure($signature, $rows)', { signature, rows });
  } catch (e) {
    throw new StepFailure(`could not register ${signature}: ${errorOf(e).message}`);
  }
}

export async function runScenario(env: ScenarioEnv, scenario: TckScenario): Promise<Outcome> {
  const session = env.driver.session();
  let params: Record<string, unknown> = {};
  let last: QueryOutcome | null = null;
  let before: GraphState | null = null;
  let afterQuery: GraphState | null = null;
  let step: TckStep | null = null;
  try {
    for (step of scenario.steps) {
      const t = step.text;
      let m: RegExpExecArray | null;
      if (t === 'an empty graph' || t === 'any graph') continue;
      if ((m = /^the (\S+) graph$/.exec(t))) {
        const file = path.join(env.graphsDir, m[1], `${m[1]}.cypher`);
        if (!fs.existsSync(file)) throw new StepFailure(`named graph ${m[1]} not found at ${file}`);
        await mustRun(session, fs.readFileSync(file, 'utf8'), `creating the ${m[1]} graph`);
      } else if (t === 'having executed:') {
        await mustRun(session, step.docString ?? '', 'setup query');
      } else if ((m = /^there exists a procedure (.+?)\s*:$/.exec(t))) {
        await registerProcedure(session, m[1], step.table ?? [[]]);
      } else if (t === 'parameters are:') {
        params = { ...params };
        for (const [name, value] of step.table ?? []) params[name] = toDriver(parseTckValue(value));
      } else if (t === 'executing query:') {
        before = await observe(session);
        afterQuery = null;
        last = await runQuery(session, step.docString ?? '', params);
        if (!last.ok && isConnectionError(last.code)) throw new StepFailure(`connection failed: ${last.message}`);
      } else if (t === 'executing control query:') {
        last = await runQuery(session, step.docString ?? '', params);
      } else if ((m = /^the result should be(, in (any )?order)?( \(ignoring element order for lists\))?:$/.exec(t))) {
        const inOrder = m[1] !== undefined && m[2] === undefined;
        compareResult(last, step.table ?? [[]], inOrder, m[3] !== undefined);
      } else if (t === 'the result should be empty') {
        if (last === null) throw new StepFailure('no query was executed');
        if (!last.ok) throw new StepFailure(`query failed: ${last.code}: ${last.message}`);
        if (last.rows.length > 0) throw new StepFailure(`expected no rows, got ${last.rows.length}:\n${describeRows(last.rows.map((r) => r.map(display)))}`);
      } else if ((m = /^an? (\w+) should be raised at ([a-z ]+): (.+)$/.exec(t))) {
        if (last === null) throw new StepFailure('no query was executed');
        if (last.ok) throw new StepFailure(`expected ${m[1]} (${m[3]}), but the query succeeded with ${last.rows.length} row(s)`);
        if (!expectedErrorMatches(m[1], last.code)) {
          throw new StepFailure(`expected ${m[1]} (${m[3]}), got ${last.code}: ${last.message}`);
        }
      } else if (t === 'no side effects' || t === 'the side effects should be:') {
        if (before === null) throw new StepFailure('no query was executed');
        afterQuery ??= await observe(session);
        const actual = diff(before, afterQuery);
        const expected = new Map<string, number>([...actual.keys()].map((k) => [k, 0]));
        for (const [k, v] of step.table ?? []) expected.set(k, Number(v));
        const wrong = [...expected].filter(([k, v]) => actual.get(k) !== v);
        if (wrong.length > 0) {
          throw new StepFailure(`side effects differ: ${wrong.map(([k, v]) => `${k} expected ${v}, got ${actual.get(k) ?? '?'}`).join('; ')}`);
        }
      } else {
        throw new StepFailure(`unsupported step: ${t}`);
      }
    }
    return { status: 'passed' };
  } catch (e) {
    const where = step ? ` [step: ${step.text}]` : '';
    if (e instanceof StepFailure) return { status: 'failed', reason: e.message + where };
    return { status: 'failed', reason: `runner error: ${e instanceof Error ? e.message : String(e)}${where}` };
  } finally {
    await session.close().catch(() => undefined);
  }
}
