// The pure parts of the management server: what the coordinators send, as the data
// instance uses it, and its state report on the wire.
import { StateCheck } from '../../../dataplane/coordination/management-rpc.js';
import { ByteWriter } from '../../../dataplane/durability/codec.js';
import { decodePayload } from '../../../dataplane/rpc/messages.js';
import { registrationFromWire, replicationPortFromWire, reportToWire } from '../../../dataplane/replication/management-server.js';

test('a replica config becomes a registration; an unknown mode or a bad address is refused', () => {
  expect(registrationFromWire({ name: 'r1', mode: 'strict_sync', replicationServer: 'data-1.svc:20000' })).toEqual({
    name: 'r1',
    mode: 'strict_sync',
    address: 'data-1.svc:20000',
    host: 'data-1.svc',
    port: 20000,
  });
  // Memgraph's default replication port when none is given.
  expect(registrationFromWire({ name: 'r2', mode: 'async', replicationServer: '127.0.0.1' }).port).toBe(10000);
  expect(() => registrationFromWire({ name: 'r3', mode: 'SYNC', replicationServer: '127.0.0.1:1' })).toThrow("replica r3: unknown replication mode 'SYNC'");
  expect(() => registrationFromWire({ name: 'r4', mode: 'sync', replicationServer: 'a:b:c' })).toThrow(/replica r4: Invalid socket address/);
});

test('the replication port of a demotion comes from the registered replication server', () => {
  expect(replicationPortFromWire('[::1]:20001')).toBe(20001);
  expect(replicationPortFromWire('host')).toBe(10000);
  expect(() => replicationPortFromWire('host:99999')).toThrow(/Invalid socket address/);
});

test('the state report round-trips through the StateCheck codec', () => {
  const report = {
    role: 'main' as const,
    mainUuid: null,
    writingEnabled: false,
    deltasBatchProgressSize: 100000,
    replicas: ['a', 'b'],
    replicasInSync: ['b'],
    epochId: 'E2',
    history: [{ epochId: 'E1', lastCommitTs: 12 }],
    lastCommitTs: 15,
  };
  const w = new ByteWriter(256);
  StateCheck.response.write(w, reportToWire(report));
  expect(decodePayload(StateCheck.response, Buffer.from(w.view()), 'report')).toEqual(report);
});
