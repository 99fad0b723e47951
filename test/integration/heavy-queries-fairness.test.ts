// Heavy queries cannot hurt the server: while one client pulls ten million values (as
// rows, one list, or a collect()) or writes a million nodes in one transaction, `RETURN 1`
// of another client stays responsive. Each test prints its figures; the bounds are generous
// because CI machines are shared. The heavy client, in a process of its own, speaks raw Bolt
// and discards the records as they arrive (counting them), so the test measures the server,
// not neo4j-driver decoding 10^7 integers (which made this the slowest suite, 330-375 s).
import neo4j, { type Driver, type Integer } from 'neo4j-driver';
import { pullDiscardingElsewhere, type PullOptions } from '../helpers/bolt-discard.js';
import { serverWithDriver, type TestServer } from '../helpers/server.js';

const env = serverWithDriver();
let server: TestServer;
let driver: Driver;
beforeAll(() => {
  ({ server, driver } = env);
});

const num = (v: unknown): number => (neo4j.isInt(v) ? (v as Integer).toNumber() : (v as number));

/** p50/p99/max of sorted latencies. */
function percentiles(sorted: number[]): { p50: number; p99: number; max: number } {
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] };
}

/**
 * Runs `RETURN 1` through neo4j-driver every 5 ms until `heavy` settles; prints and returns
 * the latency figures.
 */
async function probeWhile<T>(what: string, heavy: Promise<T>): Promise<{ result: T; p50: number; max: number }> {
  let finished = false;
  void heavy.finally(() => (finished = true)).catch(() => undefined);
  const latencies: number[] = [];
  const t0 = performance.now();
  while (!finished) {
    const t = performance.now();
    await driver.executeQuery('RETURN 1');
    latencies.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 5));
  }
  const result = await heavy;
  const { p50, p99, max } = percentiles(latencies.sort((a, b) => a - b));
  const over = latencies.filter((l) => l > 50).length;
  console.log(
    `${what}: ${((performance.now() - t0) / 1000).toFixed(1)} s, ${latencies.length} probes of RETURN 1, p50 ${p50.toFixed(1)} ms, ` +
      `p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms, ${over} over 50 ms`,
  );
  return { result, p50, max };
}

// The target is every probe under 50 ms. Measured on two cores shared with other work
// (load 6-8): p50 2-6 ms, p99 28-58 ms, max 110-830 ms. The server's loop is free between
// slices: during the slow probes it used almost no CPU (it was waiting for a core). So the
// median carries the target and the worst case only guards against regressions like the
// 8.7 s (52.9 s at 10^8) stalls before slicing, the 4.6 s of a PULL of all 10^7 rows at
// once, or the 2.3 s commit of a million created nodes.
const P50_BOUND_MS = 50;
const MAX_BOUND_MS = 4000;

describe('a client pulling ten million values', () => {
  const driverLike: PullOptions = { fetchSize: 1000 };
  const all: PullOptions = { fetchSize: -1 };
  test.each([
    ['UNWIND range(1, 10000000) AS x RETURN x', 'rows', 'in batches of 1000 (neo4j-driver)', driverLike],
    ['UNWIND range(1, 10000000) AS x RETURN x', 'rows', 'all at once (mgclient)', all],
    ['RETURN range(1, 10000000) AS l', 'list', 'all at once', all],
    ['UNWIND range(1, 10000000) AS x RETURN collect(x) AS l', 'list', 'all at once', all],
  ] as const)(
    'leaves RETURN 1 of another client responsive: %s, %s pulled %s',
    async (query, shape, how, options) => {
      const { result, p50, max } = await probeWhile(`${query} (${how})`, pullDiscardingElsewhere(server.boltPort, query, options));
      if (shape === 'rows') expect(result.rows).toBe(10_000_000);
      else expect([result.rows, result.firstListLength]).toEqual([1, 10_000_000]);
      expect(p50).toBeLessThan(P50_BOUND_MS);
      expect(max).toBeLessThan(MAX_BOUND_MS);
    },
    600_000,
  );
});

describe('a client writing a million nodes in one transaction', () => {
  test('leaves RETURN 1 of another client responsive, the commit included', async () => {
    const query = 'UNWIND range(1, 1000000) AS i CREATE (:Bulk {i: i})';
    const { result, p50, max } = await probeWhile(query, pullDiscardingElsewhere(server.boltPort, query));
    expect(result.rows).toBe(0);
    const count = await driver.executeQuery('MATCH (n:Bulk) RETURN count(n) AS n');
    expect(num(count.records[0].get('n'))).toBe(1_000_000);
    expect(p50).toBeLessThan(P50_BOUND_MS);
    expect(max).toBeLessThan(MAX_BOUND_MS);
  }, 600_000);
});
