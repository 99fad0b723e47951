// The operator's Bolt query runner against the real data-plane server: rows come back as
// plain values (Bolt integers as numbers) and failures surface as errors.
import { neo4jRunner } from '../../operator/controller/query-runner.js';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.stop();
});

test('rows as plain values, integers as numbers', async () => {
  const runner = neo4jRunner(server.boltUrl);
  try {
    const result = await runner.run("RETURN 1 AS id, 'coordinator_1' AS name, [1, 2] AS list, {port: 7687} AS map");
    expect(result.rows).toEqual([{ id: 1, name: 'coordinator_1', list: [1, 2], map: { port: 7687 } }]);
    expect(result.notifications).toEqual([]);
  } finally {
    await runner.close();
  }
});

test('a refused statement rejects with the server message', async () => {
  const runner = neo4jRunner(server.boltUrl);
  try {
    await expect(runner.run('RETURN nope(')).rejects.toThrow();
  } finally {
    await runner.close();
  }
});
