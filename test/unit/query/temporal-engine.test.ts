// Temporal values, operators and functions through the real parser, planner and executor.

import { QueryEngine } from '../../../dataplane/query/engine.js';
import { formatValue } from '../../../dataplane/values/temporal.js';
import { InMemoryStorage } from '../../../dataplane/storage/storage.js';
import type { Value } from '../../../dataplane/values/model.js';

async function rows(query: string): Promise<string[][]> {
  const engine = new QueryEngine(new InMemoryStorage());
  const tx = await engine.begin({
    bookmarks: [],
    timeoutMs: null,
    metadata: new Map(),
    mode: 'w',
    database: null,
    implicit: true,
  });
  const rs = await tx.run(query, new Map<string, Value>());
  const batch = await rs.pull(-1);
  await tx.commit();
  return batch.records.map((r) => r.map(formatValue));
}

test('temporal arithmetic and component access', async () => {
  expect(
    await rows("RETURN date('2015-07-21') + duration('P1M'), datetime('2015-07-21T21:40:32.142+0100').epochMillis"),
  ).toEqual([['2015-08-21', '1437511232142']]);
});

test('duration.between result components', async () => {
  expect(
    await rows(
      "WITH duration.between(localdatetime('2018-01-02T10:00:00.1'), localdatetime('2018-01-01T10:00:00.2')) AS d " +
        'RETURN d, d.seconds, d.nanosecondsOfSecond',
    ),
  ).toEqual([['PT-23H-59M-59.9S', '-86400', '100000000']]);
});

test('stored temporals keep their zone', async () => {
  expect(
    await rows("CREATE (n:P {t: datetime({year: 2020, month: 7, timezone: 'Europe/Stockholm'})}) RETURN n.t, n.t.offset"),
  ).toEqual([['2020-07-01T00:00+02:00[Europe/Stockholm]', '+02:00']]);
});

test('scalar functions and integer arithmetic', async () => {
  expect(await rows("RETURN date.truncate('week', date('2024-02-29')), range(1, 5, 2), 7 / 2, 7 % -3, 2 ^ 3, toUpper('a') + 1")).toEqual([
    ['2024-02-26', '[1, 3, 5]', '3', '1', '8.0', 'A1'],
  ]);
});

test('counter() is per statement', async () => {
  expect(await rows("UNWIND [1, 2, 3] AS x RETURN counter('c', 0)")).toEqual([['0'], ['1'], ['2']]);
});
