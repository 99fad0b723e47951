import { decideLease, microTime, runLeaderElection, tryAcquireOrRenew, type LeaseRecord, type LeaseStore } from '../../../../operator/controller/leader-election.js';

// A Lease with the API server's optimistic concurrency.
class MemoryLease implements LeaseStore {
  record: LeaseRecord | null = null;
  private version = 0;
  failing = false;
  async get() {
    if (this.failing) throw new Error('apiserver down');
    return this.record && { ...this.record };
  }
  async create(r: LeaseRecord) {
    if (this.record) throw new Error('409 AlreadyExists');
    this.record = { ...r, resourceVersion: String(++this.version) };
  }
  async update(r: LeaseRecord) {
    if (this.failing) throw new Error('apiserver down');
    if (r.resourceVersion !== this.record?.resourceVersion) throw new Error('409 Conflict');
    this.record = { ...r, resourceVersion: String(++this.version) };
  }
}

const opts = (identity: string) => ({ identity, leaseDurationSeconds: 15, renewDeadlineMs: 50, retryPeriodMs: 5 });

test('decisions: create, renew own, wait for a live holder, take over an expired one', () => {
  expect(decideLease(null, 'a', 0)).toBe('create');
  expect(decideLease({ holder: 'a', renewTime: 0, durationSeconds: 15 }, 'a', 1000)).toBe('renew');
  expect(decideLease({ holder: 'b', renewTime: 0, durationSeconds: 15 }, 'a', 14_999)).toBe('wait');
  expect(decideLease({ holder: 'b', renewTime: 0, durationSeconds: 15 }, 'a', 15_000)).toBe('takeover');
  expect(decideLease({ holder: '', renewTime: 0, durationSeconds: 15 }, 'a', 0)).toBe('takeover');
});

test('two candidates: one leads; the other takes over only after expiry, counting the transition', async () => {
  const lease = new MemoryLease();
  expect(await tryAcquireOrRenew(lease, opts('a'), 0)).toBe(true);
  expect(await tryAcquireOrRenew(lease, opts('b'), 1000)).toBe(false);
  expect(await tryAcquireOrRenew(lease, opts('a'), 2000)).toBe(true);
  expect(lease.record).toMatchObject({ holder: 'a', renewTime: 2000, transitions: 0 });
  expect(await tryAcquireOrRenew(lease, opts('b'), 17_000)).toBe(true);
  expect(lease.record).toMatchObject({ holder: 'b', transitions: 1 });
});

test('a stale read loses the race (resourceVersion)', async () => {
  const lease = new MemoryLease();
  await lease.create({ holder: 'x', renewTime: 0, durationSeconds: 1 });
  const stale = { get: async () => ({ ...lease.record!, resourceVersion: '0' }), create: lease.create.bind(lease), update: lease.update.bind(lease) };
  expect(await tryAcquireOrRenew(stale, opts('a'), 5000)).toBe(false);
});

test('run: starts leading, stops when renewals fail past the deadline', async () => {
  const lease = new MemoryLease();
  const events: string[] = [];
  const done = runLeaderElection(lease, opts('a'), { onStarted: () => events.push('started'), onStopped: () => events.push('stopped') }, new AbortController().signal);
  while (events.length === 0) await new Promise((r) => setTimeout(r, 5));
  lease.failing = true;
  await done;
  expect(events).toEqual(['started', 'stopped']);
});

test('run: abort while waiting returns without leading', async () => {
  const lease = new MemoryLease();
  await lease.create({ holder: 'other', renewTime: Date.now(), durationSeconds: 60 });
  const ac = new AbortController();
  const events: string[] = [];
  const done = runLeaderElection(lease, opts('a'), { onStarted: () => events.push('started'), onStopped: () => events.push('stopped') }, ac.signal);
  await new Promise((r) => setTimeout(r, 20));
  ac.abort();
  await done;
  expect(events).toEqual([]);
});

test('a Lease renewTime is a MicroTime with six fractional digits, as the API server requires', () => {
  expect(microTime(Date.UTC(2026, 11, 3, 7, 44, 41, 132))).toBe('2026-12-03T07:44:41.132000Z');
  expect(microTime(Date.UTC(2026, 0, 1))).toBe('2026-01-01T00:00:00.000000Z');
});
