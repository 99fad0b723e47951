// PROFILE: Memgraph's columns, one row per operator in EXPLAIN order, pulls counted.
import { newEngine, run } from './engine-helpers.js';

describe('PROFILE', () => {
  test('reports every operator with its hits and times, and runs the query', async () => {
    const e = newEngine();
    await run(e, 'UNWIND range(1, 5) AS i CREATE (:N {i: i})');
    const r = await run(e, 'PROFILE MATCH (n:N) WHERE n.i > 2 RETURN n.i');
    expect(r.fields).toEqual(['OPERATOR', 'ACTUAL HITS', 'RELATIVE TIME', 'ABSOLUTE TIME']);
    expect(r.rows.map((row) => [row[0], row[1]])).toEqual([
      [' * Produce {n.i}', 4n],
      [' * Filter', 4n],
      [' * ScanAllByLabel (n :N)', 6n],
      [' * Once', 2n],
    ]);
    for (const row of r.rows) {
      expect(row[2]).toMatch(/^ *\d+\.\d{6} %$/);
      expect(row[3]).toMatch(/^ *\d+\.\d{6} ms$/);
    }
  });

  test('writes of a profiled query happen', async () => {
    const e = newEngine();
    await run(e, 'PROFILE CREATE (:P)');
    const r = await run(e, 'MATCH (p:P) RETURN count(p)');
    expect(r.rows).toEqual([[1n]]);
  });
});
