import { Codes } from '../../../dataplane/errors.js';
import { notLeader, raftWriteFailed } from '../../../dataplane/coordination/messages.js';

describe("Memgraph's coordinator refusals", () => {
  test.each([
    ['RegisterInstance', "Couldn't register replica instance since coordinator is not a leader!"],
    ['UnregisterInstance', "Couldn't unregister replica instance since coordinator is not a leader!"],
    ['DemoteInstance', "Couldn't demote instance to replica since coordinator is not a leader!"],
    ['SetInstanceToMain', "Couldn't set instance to main since coordinator is not a leader!"],
  ])('%s on a follower names the leader, or says none is known', (kind, common) => {
    expect(notLeader(kind, { id: 2, boltServer: 'localhost:7691' }).message).toBe(`${common} Current leader is coordinator with id 2 with bolt socket address localhost:7691`);
    expect(notLeader(kind, null).message).toBe(
      `${common} Try contacting other coordinators as there might be leader election happening or other coordinators are down.`,
    );
    expect(notLeader(kind, null).code).toBe(Codes.MemgraphClientError);
  });

  test('other statements get the forwarding failure; a failed Raft write asks to retry', () => {
    expect(notLeader('SetCoordinatorSetting', null).message).toBe("Tried to forward the request to the current leader but the leader couldn't be found!");
    expect(raftWriteFailed().message).toBe('Writing to Raft log failed. Please retry the operation.');
  });
});
