import { WorkQueue, type Timers } from '../../../../operator/controller/workqueue.js';

// Timers that fire only when the test advances the clock.
class FakeTimers implements Timers {
  now = 0;
  private next = 1;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { at: this.now + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  advance(ms: number): void {
    this.now += ms;
    for (const [id, t] of [...this.pending].sort((a, b) => a[1].at - b[1].at)) {
      if (t.at <= this.now) {
        this.pending.delete(id);
        t.fn();
      }
    }
  }
  count(): number {
    return this.pending.size;
  }
}

function setup() {
  const timers = new FakeTimers();
  const q = new WorkQueue(timers, { baseMs: 10, maxMs: 100 }, () => timers.now);
  return { timers, q };
}

test('a key is queued once however often it is added', async () => {
  const { q } = setup();
  q.add('ns/a');
  q.add('ns/a');
  q.add('ns/b');
  expect(q.depth()).toBe(2);
  expect(await q.get()).toBe('ns/a');
  expect(await q.get()).toBe('ns/b');
});

test('a key added while processed is handed out again only after done', async () => {
  const { q } = setup();
  q.add('k');
  expect(await q.get()).toBe('k');
  q.add('k');
  expect(q.depth()).toBe(0);
  q.done('k');
  expect(q.depth()).toBe(1);
  expect(await q.get()).toBe('k');
});

test('a waiting get receives the next key', async () => {
  const { q } = setup();
  const next = q.get();
  q.add('k');
  expect(await next).toBe('k');
});

test('failures back off exponentially per key, capped; forget resets', () => {
  const { q } = setup();
  expect([1, 2, 3, 4, 5].map(() => q.addRateLimited('k'))).toEqual([10, 20, 40, 80, 100]);
  expect(q.addRateLimited('other')).toBe(10);
  q.forget('k');
  expect(q.addRateLimited('k')).toBe(10);
});

test('addAfter delays; the earliest delay wins', async () => {
  const { q, timers } = setup();
  q.addAfter('k', 50);
  q.addAfter('k', 20);
  q.addAfter('k', 80);
  expect(timers.count()).toBe(1);
  timers.advance(19);
  expect(q.depth()).toBe(0);
  timers.advance(1);
  expect(q.depth()).toBe(1);
  expect(await q.get()).toBe('k');
});

test('shutDown releases waiters and cancels delays', async () => {
  const { q, timers } = setup();
  q.addAfter('k', 10);
  const waiting = q.get();
  q.shutDown();
  expect(await waiting).toBeUndefined();
  expect(timers.count()).toBe(0);
  q.add('k');
  expect(await q.get()).toBeUndefined();
});
