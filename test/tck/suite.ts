// Runs TCK scenarios against one real mgha process through one driver: clears the graph
// between scenarios, bounds each scenario by a timeout, and restarts the server if it stops
// answering so one hang or crash cannot stall the whole run.
import fs from 'node:fs';
import path from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { repoRoot, startServer, type TestServer } from '../helpers/server.js';
import { loadScenarios, type TckScenario } from './features.js';
import { tckFeaturesDir, tckMissingNotice, tckRoot } from './location.js';
import { declaresProcedures, runScenario, skipReason, type Outcome } from './scenario.js';
import { Scoreboard } from './scoreboard.js';

export interface SuiteOptions {
  /** Substring of a feature path or scenario name. */
  filter?: string;
  timeoutMs?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

export const scoreboardFile = path.join(repoRoot, 'test', 'tck', 'last-scoreboard.txt');
export const failuresFile = path.join(repoRoot, 'test', 'tck', 'last-failures.txt');

const SERVER_ARGS = ['--log-level=WARNING', '--test-procedures'];

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(onTimeout), ms)));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

function newDriver(server: TestServer): Driver {
  return neo4j.driver(server.boltUrl, neo4j.auth.basic('', ''), {
    connectionTimeout: 5000,
    connectionAcquisitionTimeout: 5000,
    maxTransactionRetryTime: 0,
  });
}

async function healthy(driver: Driver): Promise<boolean> {
  const session = driver.session();
  const ok = withTimeout(
    session.run('RETURN 1').then(
      () => true,
      () => false,
    ),
    3000,
    false,
  );
  const result = await ok;
  void session.close().catch(() => undefined);
  return result;
}

/** Deletes all nodes (and, if asked, all indexes and constraints and test procedures); returns an error message or null. */
export async function clearGraph(driver: Driver, dropSchema: boolean, dropProcedures = false): Promise<string | null> {
  const session = driver.session();
  try {
    await session.run('MATCH (n) DETACH DELETE n');
    if (dropProcedures) await session.run('CALL mgha.test.clear_procedures()');
    if (dropSchema) {
      for (const r of (await session.run('SHOW INDEX INFO')).records) {
        const label = r.get('label') as string;
        const prop = r.get('property') as string | null;
        await session.run(prop ? `DROP INDEX ON :\`${label}\`(\`${prop}\`)` : `DROP INDEX ON :\`${label}\``);
      }
      for (const r of (await session.run('SHOW CONSTRAINT INFO')).records) {
        const type = r.get('constraint type') as string;
        const label = r.get('label') as string;
        // Memgraph shows one property as a string (existence) and several as a list (unique).
        const raw = r.get('properties') as string | string[];
        const props = (Array.isArray(raw) ? raw : [raw]).map((p) => `n.\`${p}\``);
        const assert = type === 'unique' ? `${props.join(', ')} IS UNIQUE` : `EXISTS (${props[0]})`;
        await session.run(`DROP CONSTRAINT ON (n:\`${label}\`) ASSERT ${assert}`);
      }
    }
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    await session.close().catch(() => undefined);
  }
}

const touchesSchema = (s: TckScenario): boolean => s.steps.some((st) => /\b(INDEX|CONSTRAINT)\b/i.test(st.docString ?? ''));

/** Runs the suite; null if the TCK is not checked out next to the repository. */
export async function runTck(options: SuiteOptions = {}): Promise<Scoreboard | null> {
  const log = options.log ?? (() => undefined);
  const featuresDir = tckFeaturesDir(repoRoot);
  if (featuresDir === null) {
    log(tckMissingNotice(repoRoot));
    return null;
  }
  const scenarios = loadScenarios(featuresDir, options.filter);
  const timeoutMs = options.timeoutMs ?? 5000;
  const board = new Scoreboard();
  log(`running ${scenarios.length} TCK scenarios from ${featuresDir}`);

  let server = await startServer(SERVER_ARGS);
  let driver = newDriver(server);
  const restart = async (why: string): Promise<void> => {
    log(`restarting the server: ${why}`);
    void driver.close().catch(() => undefined);
    await server.kill();
    server = await startServer(SERVER_ARGS);
    driver = newDriver(server);
  };

  try {
    let dirtySchema = false;
    let dirtyProcedures = false;
    for (const [i, scenario] of scenarios.entries()) {
      const skip = skipReason(scenario);
      if (skip) {
        board.record(scenario, { status: 'skipped', reason: skip });
        continue;
      }
      const clearError = await withTimeout(clearGraph(driver, dirtySchema, dirtyProcedures), timeoutMs, 'timed out');
      dirtySchema = touchesSchema(scenario);
      dirtyProcedures = declaresProcedures(scenario);
      let outcome: Outcome;
      if (clearError !== null) {
        outcome = { status: 'failed', reason: `could not clear the graph: ${clearError}` };
      } else {
        outcome = await withTimeout(runScenario({ driver, graphsDir: path.join(tckRoot(repoRoot), 'graphs') }, scenario), timeoutMs, {
          status: 'failed',
          reason: `timed out after ${timeoutMs} ms`,
        });
      }
      board.record(scenario, outcome);
      // A timed-out query may still be running and would write into the next scenario's graph.
      const timedOut = outcome.status === 'failed' && outcome.reason.startsWith('timed out');
      const suspect = outcome.status === 'failed' && /connection failed|could not clear|ServiceUnavailable|SessionExpired/.test(outcome.reason);
      if (timedOut || (suspect && !(await healthy(driver)))) {
        await restart(`${scenario.feature}:${scenario.line} ${timedOut ? 'timed out' : 'left it unresponsive'}`);
        dirtySchema = false;
      }
      if ((i + 1) % 500 === 0) log(`${i + 1}/${scenarios.length}: ${board.total.passed} passed, ${board.total.failed} failed`);
    }
  } finally {
    await driver.close().catch(() => undefined);
    await server.stop();
  }
  return board;
}

/** Writes last-scoreboard.txt and last-failures.txt (both git-ignored) for developers. */
export function writeReports(board: Scoreboard): void {
  fs.writeFileSync(scoreboardFile, board.format());
  fs.writeFileSync(failuresFile, board.formatFailures());
}
