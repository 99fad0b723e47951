import { ClusterStateMachine } from '../../../dataplane/coordination/state-machine.js';
import { encodeCommand } from '../../../dataplane/coordination/state-codec.js';
import type { Entry } from '../../../dataplane/coordination/raft/types.js';
import type { ClusterCommand } from '../../../dataplane/coordination/types.js';
import { Codes } from '../../../dataplane/errors.js';
import { addCoordinator, register } from './fixtures.js';

let index = 0;
const entry = (command: ClusterCommand): Entry => ({ term: 1, index: ++index, type: 'normal', data: encodeCommand(command) });

describe('the cluster state as a Raft state machine', () => {
  test('applies committed entries in order; the proposer collects its outcome by index once', () => {
    const sm = new ClusterStateMachine();
    const a = entry(register(1));
    const b = entry({ ...register(2), name: 'instance_1' });
    sm.apply(a);
    sm.apply(b);
    expect(sm.state.instances.map((i) => i.name)).toEqual(['instance_1']);
    expect(sm.takeOutcome(a.index)).toBeNull();
    expect(sm.takeOutcome(b.index)?.message).toBe("Couldn't register replica instance since instance with such name already exists!");
    expect(sm.takeOutcome(b.index)).toBeUndefined();
  });

  test('a snapshot restores the same state on another member', () => {
    const leader = new ClusterStateMachine();
    for (const c of [addCoordinator(1), register(1), { kind: 'SetInstanceToMain', name: 'instance_1', mainUuid: 'u' } as const]) leader.apply(entry(c));
    const follower = new ClusterStateMachine();
    follower.restore(leader.snapshot());
    expect(follower.state).toEqual(leader.state);
  });

  test('a malformed entry is skipped by every member alike and reported to its proposer', () => {
    const sm = new ClusterStateMachine();
    const bad: Entry = { term: 1, index: ++index, type: 'normal', data: new TextEncoder().encode('{"kind":"Nope"}') };
    const seen: (string | null)[] = [];
    const off = sm.onApplied((_s, command, error) => seen.push(command === null ? (error?.code ?? null) : command.kind));
    sm.apply(bad);
    sm.apply(entry(register(1)));
    off();
    sm.apply(entry(register(2)));
    expect(seen).toEqual([Codes.DatabaseError, 'RegisterInstance']);
    expect(sm.takeOutcome(bad.index)?.code).toBe(Codes.DatabaseError);
    expect(sm.state.instances).toHaveLength(2);
  });
});
