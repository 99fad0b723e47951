// Heavy queries cannot hurt the server: a million-hop walk answers (no stack overflow).
// Each test prints its figures. (Event-loop fairness: heavy-queries-fairness.test.ts.)
import neo4j, { type Driver, type Integer } from 'neo4j-driver';
import { serverWithDriver } from '../helpers/server.js';

const env = serverWithDriver();
let driver: Driver;
beforeAll(() => {
  ({ driver } = env);
});

const num = (v: unknown): number => (neo4j.isInt(v) ? (v as Integer).toNumber() : (v as number));

async function timed<T>(what: string, f: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const r = await f();
  console.log(`${what}: ${(performance.now() - t0).toFixed(0)} ms`);
  return r;
}

describe('a 1,000,000-hop chain', () => {
  const HOPS = 1_000_000;

  beforeAll(async () => {
    const session = driver.session();
    await session.run('CREATE INDEX ON :C(i)').finally(() => session.close());
    await timed('chain nodes', () => driver.executeQuery(`UNWIND range(0, ${HOPS}) AS i CREATE (:C {i: i})`));
    await timed('chain relationships', () => driver.executeQuery('MATCH (a:C), (b:C) WHERE b.i = a.i + 1 CREATE (a)-[:N]->(b)'));
    await driver.executeQuery(`MATCH (a:C {i: 0}), (b:C {i: ${HOPS}}) SET a:First, b:Last`);
  }, 600_000);

  test.each([
    ['*', 'MATCH (a:First)-[r *]->(b:Last) RETURN size(r) AS hops'],
    ['*BFS', 'MATCH (a:First)-[r *BFS]->(b:Last) RETURN size(r) AS hops'],
    ['*WSHORTEST', 'MATCH (a:First)-[r *WSHORTEST (e, n | 1) total]->(b:Last) RETURN total AS hops'],
    ['shortestPath', 'MATCH (a:First), (b:Last) MATCH p = shortestPath((a)-[*]->(b)) RETURN length(p) AS hops'],
  ])('%s walks it to the end', async (kind, query) => {
    const res = await timed(`${kind} over ${HOPS} hops`, () => driver.executeQuery(query));
    expect(num(res.records[0].get('hops'))).toBe(HOPS);
  }, 300_000);
});
