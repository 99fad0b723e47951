// The replica state machine MAIN keeps (pure): Memgraph's states and the transitions
// between them, the branching-point rule.
import { hasDiverged, initialReplicaState, leaveDivergence, step, type ReplicaEvent, type ReplicaState } from '../../../dataplane/replication/replica-state.js';

const epoch = { epochId: 'E2', history: [{ epochId: 'E1', lastCommitTs: 10 }] };
const main = (ts: number) => ({ epoch, ts });
const at = (ts: number, epochId = 'E2') => ({ epochId, ts });

function run(state: ReplicaState, ...events: ReplicaEvent[]): { state: ReplicaState; actions: string[] } {
  const actions: string[] = [];
  for (const e of events) {
    const t = step(state, e);
    state = t.state;
    actions.push(t.action);
  }
  return { state, actions };
}

test('a new replica starts invalid; a heartbeat makes it ready when caught up, recovery when behind', () => {
  expect(initialReplicaState().status).toBe('invalid');
  expect(run(initialReplicaState(), { kind: 'heartbeatOk', progress: at(5), main: main(5) }).state.status).toBe('ready');
  const behind = run(initialReplicaState(), { kind: 'heartbeatOk', progress: at(3), main: main(5) });
  expect(behind.state.status).toBe('recovery');
  expect(behind.actions).toEqual(['startRecovery']);
});

test('commits are sent while ready or replicating, pipelined, and the replica is ready again once all are answered', () => {
  const ready = run(initialReplicaState(), { kind: 'heartbeatOk', progress: at(0), main: main(0) }).state;
  const r = run(ready, { kind: 'commit' }, { kind: 'commit' });
  expect(r.actions).toEqual(['send', 'send']);
  expect(r.state).toMatchObject({ status: 'replicating', inFlight: 2 });
  const one = run(r.state, { kind: 'commitAcked', progress: at(1) });
  expect(one.state).toMatchObject({ status: 'replicating', inFlight: 1 });
  expect(run(one.state, { kind: 'commitAcked', progress: at(2) }).state).toMatchObject({ status: 'ready', inFlight: 0, progress: at(2) });
});

test('a failed commit makes it invalid; commits skip it until a heartbeat starts recovery; catch-up turns it live', () => {
  const ready = run(initialReplicaState(), { kind: 'heartbeatOk', progress: at(0), main: main(0) }).state;
  const failed = run(ready, { kind: 'commit' }, { kind: 'commitFailed' }, { kind: 'commit' });
  expect(failed.state.status).toBe('invalid');
  expect(failed.actions).toEqual(['send', 'none', 'skip']);
  const rec = run(failed.state, { kind: 'heartbeatOk', progress: at(0), main: main(2) }, { kind: 'commit' });
  expect(rec.state.status).toBe('recovery');
  expect(rec.actions).toEqual(['startRecovery', 'skip']);
  const live = run(rec.state, { kind: 'caughtUp' });
  expect(live.actions).toEqual(['send']);
  expect(live.state).toMatchObject({ status: 'replicating', inFlight: 1 });
  expect(run(live.state, { kind: 'commitAcked', progress: at(2) }).state.status).toBe('ready');
  expect(run(rec.state, { kind: 'recoveryFailed' }).state.status).toBe('invalid');
});

test('a failed heartbeat makes a replica invalid but keeps its last known progress', () => {
  const ready = run(initialReplicaState(), { kind: 'heartbeatOk', progress: at(7), main: main(7) }).state;
  const down = run(ready, { kind: 'heartbeatFailed' }).state;
  expect(down).toMatchObject({ status: 'invalid', progress: at(7) });
  // Recovery reports its own outcome; a heartbeat failure meanwhile changes nothing.
  const rec = run(down, { kind: 'heartbeatOk', progress: at(3), main: main(9) }).state;
  expect(run(rec, { kind: 'heartbeatFailed' }).state.status).toBe('recovery');
});

test('a ready replica that is behind with nothing in flight lost commits (a restart): recovery', () => {
  const ready = run(initialReplicaState(), { kind: 'heartbeatOk', progress: at(7), main: main(7) }).state;
  expect(run(ready, { kind: 'heartbeatOk', progress: at(0), main: main(7) }).state.status).toBe('recovery');
});

test('diverged is terminal: commits skip it and nothing brings it back', () => {
  const d = run(initialReplicaState(), { kind: 'heartbeatOk', progress: at(12, 'E1'), main: main(20) });
  expect(d.state.status).toBe('diverged');
  const after = run(d.state, { kind: 'commit' }, { kind: 'heartbeatOk', progress: at(10, 'E1'), main: main(20) }, { kind: 'caughtUp' });
  expect(after.state.status).toBe('diverged');
  expect(after.actions[0]).toBe('skip');
});

test('the branching-point rule', () => {
  // A fresh replica never diverged, whatever its epoch.
  expect(hasDiverged(at(0, 'X'), main(20))).toBe(false);
  // An epoch MAIN never had.
  expect(hasDiverged(at(3, 'X'), main(20))).toBe(true);
  // An old epoch, within what MAIN had of it: behind, not diverged.
  expect(hasDiverged(at(10, 'E1'), main(20))).toBe(false);
  // An old epoch with commits after MAIN left it: diverged.
  expect(hasDiverged(at(11, 'E1'), main(20))).toBe(true);
  // The current epoch: ahead of MAIN is diverged.
  expect(hasDiverged(at(20), main(20))).toBe(false);
  expect(hasDiverged(at(21), main(20))).toBe(true);
});

test('HA: a diverged replica that was reset (ts 0, or back within MAIN\'s history) starts over as invalid; still diverged stays', () => {
  const diverged = run(initialReplicaState(), { kind: 'heartbeatOk', progress: at(7, 'X'), main: main(5) }).state;
  expect(diverged.status).toBe('diverged');
  expect(leaveDivergence(diverged, at(7, 'X'), main(5))).toBeNull();
  const reset = leaveDivergence(diverged, at(0, 'fresh'), main(5));
  expect(reset).toEqual({ status: 'invalid', inFlight: 0, progress: at(0, 'fresh') });
  // The heartbeat that showed the reset then starts the catch-up.
  expect(run(reset!, { kind: 'heartbeatOk', progress: at(0, 'fresh'), main: main(5) }).actions).toEqual(['startRecovery']);
  expect(leaveDivergence(initialReplicaState(), at(0), main(5))).toBeNull();
});
