import { healthOf, healthTable, isUp, succeeded, unwatch, watch, type LivenessTable } from '../../../dataplane/coordination/health.js';

describe('health from the last successful response', () => {
  test.each([
    // [last success ago (ms), down timeout (s), up?]
    [0, 5, true],
    [4999, 5, true],
    [5000, 5, false],
    [5001, 5, false],
    [999, 1, true],
    [1000, 1, false],
  ])('%d ms since the last success with instance_down_timeout_sec=%d → up=%p', (ago, timeout, up) => {
    expect(healthOf({ lastSuccessAt: 100_000 - ago, watchedSince: 0 }, 100_000, timeout)).toEqual({ up, lastSuccMs: ago });
  });

  test('an instance that never answered counts from when watching began', () => {
    const l = { lastSuccessAt: null, watchedSince: 10_000 };
    expect(healthOf(l, 14_000, 5)).toEqual({ up: true, lastSuccMs: 4000 });
    expect(healthOf(l, 15_000, 5)).toEqual({ up: false, lastSuccMs: 5000 });
  });

  test('a clock that reads before the last success gives 0 ms, not negative', () => {
    expect(healthOf({ lastSuccessAt: 2000, watchedSince: 0 }, 1000, 5)).toEqual({ up: true, lastSuccMs: 0 });
  });

  test('the table: watch, succeed, unwatch; late reports never move time back; unwatched is down', () => {
    let t: LivenessTable<string> = new Map();
    t = watch(t, 'instance_1', 1000);
    t = watch(t, 'instance_1', 9000);
    expect(t.get('instance_1')).toEqual({ lastSuccessAt: null, watchedSince: 1000 });
    t = succeeded(t, 'instance_1', 3000);
    t = succeeded(t, 'instance_1', 2500);
    t = succeeded(t, 'instance_2', 4000);
    expect(t.get('instance_1')).toEqual({ lastSuccessAt: 3000, watchedSince: 1000 });
    const h = healthTable(t, 8500, 5);
    expect(h.get('instance_1')).toEqual({ up: false, lastSuccMs: 5500 });
    expect(h.get('instance_2')).toEqual({ up: true, lastSuccMs: 4500 });
    t = unwatch(t, 'instance_2');
    expect(isUp(healthTable(t, 8500, 5), 'instance_2')).toBe(false);
  });

  test('the input table is never mutated', () => {
    const t: LivenessTable<number> = new Map([[1, { lastSuccessAt: 5, watchedSince: 0 }]]);
    succeeded(t, 1, 10);
    unwatch(t, 1);
    watch(t, 2, 0);
    expect([...t]).toEqual([[1, { lastSuccessAt: 5, watchedSince: 0 }]]);
  });
});
