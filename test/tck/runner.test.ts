// The scenario runner against a real server: it must pass what is right and fail what is wrong.
import neo4j, { type Driver } from 'neo4j-driver';
import { startServer, type TestServer } from '../helpers/server.js';
import { parseFeature } from './features.js';
import { runScenario, skipReason } from './scenario.js';
import { clearGraph } from './suite.js';

let server: TestServer;
let driver: Driver;

beforeAll(async () => {
  server = await startServer(['--log-level=WARNING', '--test-procedures']);
  driver = neo4j.driver(server.boltUrl, neo4j.auth.basic('', ''));
});

afterAll(async () => {
  await driver?.close();
  await server?.stop();
});

async function run(steps: string): Promise<{ status: string; reason?: string }> {
  const session = driver.session();
  await session.run('MATCH (n) DETACH DELETE n');
  await session.close();
  const [scenario] = parseFeature(`Feature: F\n  Scenario: s\n${steps}`, 'f.feature');
  return runScenario({ driver, graphsDir: '/nonexistent' }, scenario);
}

const q = (text: string): string => `      """\n      ${text}\n      """\n`;

test('a matching result and side effects pass', async () => {
  const r = await run(
    `    Given an empty graph\n    When executing query:\n${q("CREATE (n:A {p: 1}) RETURN n, 1.0 AS f, [1, 'x'] AS l")}` +
      `    Then the result should be, in any order:\n      | n            | f   | l        |\n      | (:A {p: 1}) | 1.0 | [1, 'x'] |\n` +
      `    And the side effects should be:\n      | +nodes      | 1 |\n      | +labels     | 1 |\n      | +properties | 1 |\n`,
  );
  expect(r).toEqual({ status: 'passed' });
});

test('an integer where a float is expected fails', async () => {
  const r = await run(`    Given any graph\n    When executing query:\n${q('RETURN 1 AS x')}    Then the result should be, in any order:\n      | x   |\n      | 1.0 |\n`);
  expect(r.status).toBe('failed');
  expect(r.reason).toMatch(/result differs/);
});

test('wrong row order fails only when order matters', async () => {
  const query = q('UNWIND [1, 2] AS x RETURN x');
  const table = '      | x |\n      | 2 |\n      | 1 |\n';
  expect(await run(`    Given any graph\n    When executing query:\n${query}    Then the result should be, in any order:\n${table}`)).toEqual({ status: 'passed' });
  expect((await run(`    Given any graph\n    When executing query:\n${query}    Then the result should be, in order:\n${table}`)).status).toBe('failed');
});

test('unexpected side effects fail', async () => {
  const r = await run(`    Given an empty graph\n    When executing query:\n${q('CREATE ()')}    Then the result should be empty\n    And no side effects\n`);
  expect(r.status).toBe('failed');
  expect(r.reason).toMatch(/\+nodes expected 0, got 1/);
});

test('an expected error passes; a different error or success fails', async () => {
  const bad = q('RETURN (');
  expect(await run(`    Given any graph\n    When executing query:\n${bad}    Then a SyntaxError should be raised at compile time: UnexpectedSyntax\n`)).toEqual({ status: 'passed' });
  expect((await run(`    Given any graph\n    When executing query:\n${bad}    Then a TypeError should be raised at runtime: InvalidArgumentType\n`)).status).toBe('failed');
  expect((await run(`    Given any graph\n    When executing query:\n${q('RETURN 1')}    Then a SyntaxError should be raised at compile time: X\n`)).status).toBe('failed');
});

test('parameters reach the query with integer and float types intact', async () => {
  const r = await run(
    `    Given any graph\n    And parameters are:\n      | i | 1   |\n      | f | 2.0 |\n    When executing query:\n${q('RETURN $i AS i, $f AS f')}` +
      `    Then the result should be, in any order:\n      | i | f   |\n      | 1 | 2.0 |\n`,
  );
  expect(r).toEqual({ status: 'passed' });
});

test('a declared test procedure is registered for the scenario and cleared after it', async () => {
  const feature =
    'Feature: F\n  Scenario: s\n    Given an empty graph\n' +
    '    And there exists a procedure test.my.proc(in :: INTEGER?) :: (out :: STRING?):\n      | in | out |\n      | 1  | \'a\' |\n      | 2  | \'b\' |\n' +
    '    When executing query:\n      """\n      CALL test.my.proc(2)\n      """\n    Then the result should be, in any order:\n      | out |\n      | \'b\' |\n';
  const [s] = parseFeature(feature, 'f.feature');
  expect(skipReason(s)).toBeNull();
  expect(await runScenario({ driver, graphsDir: '' }, s)).toEqual({ status: 'passed' });
  expect(await clearGraph(driver, false, true)).toBeNull();
  await expect(driver.executeQuery('CALL test.my.proc(2) YIELD out RETURN out')).rejects.toMatchObject({ message: "There is no procedure named 'test.my.proc'." });
});

test('clearing between scenarios removes data, indexes and constraints', async () => {
  const session = driver.session();
  try {
    for (const q of ['CREATE (:A {p: 1, q: 2})-[:T]->(:B)', 'CREATE INDEX ON :A(p)', 'CREATE INDEX ON :B', 'CREATE CONSTRAINT ON (n:A) ASSERT n.p IS UNIQUE', 'CREATE CONSTRAINT ON (n:A) ASSERT EXISTS (n.q)']) {
      await session.run(q);
    }
    expect(await clearGraph(driver, true)).toBeNull();
    expect((await session.run('MATCH (n) RETURN count(n) AS c')).records[0].get('c').toNumber()).toBe(0);
    expect((await session.run('SHOW INDEX INFO')).records).toHaveLength(0);
    expect((await session.run('SHOW CONSTRAINT INFO')).records).toHaveLength(0);
  } finally {
    await session.close();
  }
});
