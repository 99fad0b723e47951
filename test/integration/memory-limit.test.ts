// Memory limits through neo4j-driver against a real mgha: `--memory-limit` (MiB, the
// process) and `QUERY MEMORY LIMIT n MB` (one query) stop a query that grows past them
// with Memgraph's out-of-memory error, and the server keeps serving.
import neo4j, { type Driver } from 'neo4j-driver';
import { serverWithDriver, type TestServer } from '../helpers/server.js';

const LIMIT_MIB = 400;
const env = serverWithDriver([`--memory-limit=${LIMIT_MIB}`]);
let server: TestServer;
let driver: Driver;
beforeAll(() => {
  ({ server, driver } = env);
});

/** session.run, not executeQuery: the error is transient, which executeQuery would retry. */
async function run(query: string): Promise<unknown[]> {
  const session = driver.session();
  try {
    const res = await session.run(query);
    return res.records.map((r) => r.get(0) as unknown);
  } finally {
    await session.close();
  }
}

const OOM = /^Memory limit exceeded! Current use is \d+\.\d\dMiB, while the maximum allowed size for allocation is set to (\d+\.\d\d)MiB\.$/;

test('QUERY MEMORY LIMIT stops a query that grows past it; a small one and UNLIMITED run', async () => {
  const err = (await run('UNWIND range(1, 5000000) AS x WITH collect(x) AS l RETURN size(l) QUERY MEMORY LIMIT 10 MB').catch((e: unknown) => e)) as {
    code: string;
    message: string;
  };
  expect(err.code).toBe('Memgraph.TransientError.MemgraphError.MemgraphError');
  expect(err.message).toMatch(OOM);
  expect(OOM.exec(err.message)?.[1]).toBe('10.00');
  expect(await run('UNWIND range(1, 1000) AS x WITH collect(x) AS l RETURN size(l) QUERY MEMORY LIMIT 100 MB')).toEqual([neo4j.int(1000)]);
  expect(await run('UNWIND range(1, 1000) AS x WITH collect(x) AS l RETURN size(l) QUERY MEMORY UNLIMITED')).toEqual([neo4j.int(1000)]);
});

test('range() is capped by the memory limits, not an element count: the query limit, then the process limit', async () => {
  // 1,000,000 elements are about 32 MB of heap: over a 10 MB query limit, under a 100 MB one.
  const q = (await run('RETURN size(range(1, 1000000)) QUERY MEMORY LIMIT 10 MB').catch((e: unknown) => e)) as { code: string; message: string };
  expect(q.code).toBe('Memgraph.TransientError.MemgraphError.MemgraphError');
  expect(q.message).toMatch(OOM);
  expect(OOM.exec(q.message)?.[1]).toBe('10.00');
  expect(await run('RETURN size(range(1, 1000000)) QUERY MEMORY LIMIT 100 MB')).toEqual([neo4j.int(1000000)]);
  // 20,000,000 elements (about 640 MB) pass the 400 MiB process limit: refused before building.
  const p = (await run('RETURN size(range(1, 20000000))').catch((e: unknown) => e)) as { message: string };
  expect(p.message).toMatch(OOM);
  expect(OOM.exec(p.message)?.[1]).toBe(`${LIMIT_MIB}.00`);
  expect(await run('RETURN size(range(1, 200000))')).toEqual([neo4j.int(200000)]);
});

test('--memory-limit stops a query before the process grows past it, and the server keeps serving', async () => {
  const started = Date.now();
  const err = (await run('UNWIND range(1, 60000000) AS x WITH collect(x) AS l RETURN size(l)').catch((e: unknown) => e)) as { message: string };
  console.log(`--memory-limit=${LIMIT_MIB}: "${err.message}" after ${Date.now() - started} ms`);
  expect(err.message).toMatch(OOM);
  expect(OOM.exec(err.message)?.[1]).toBe(`${LIMIT_MIB}.00`);
  expect(await run('RETURN 1')).toEqual([neo4j.int(1)]);
});
