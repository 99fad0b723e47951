// Memgraph's replication texts, verbatim.
import { replicationFailureMessage, strictSyncAbort, syncFailureNotice } from '../../../dataplane/replication/messages.js';
import { parseSocketAddress } from '../../../dataplane/replication/replication.js';

test('SYNC failure: one WARNING SyncReplicationFailure with Memgraph\'s text', () => {
  expect(syncFailureNotice([{ name: 'replica_1', reason: 'unreachable' }])).toEqual({
    severity: 'WARNING',
    code: 'SyncReplicationFailure',
    title:
      "Failed to replicate to SYNC replica 'replica_1': replica is not reachable or not in sync with the main. Replica will be recovered automatically. " +
      "Transaction is still committed on the main instance and other alive replicas. Check the status of the replicas using 'SHOW REPLICAS' query.",
  });
});

test('STRICT_SYNC abort: Memgraph\'s ReplicationException text and code', () => {
  const e = strictSyncAbort([{ name: 'r1', reason: 'unreachable' }]);
  expect(e.code).toBe('Memgraph.ClientError.MemgraphError.MemgraphError');
  expect(e.message).toBe(
    "Replication Exception: Failed to replicate to STRICT_SYNC replica 'r1': replica is not reachable or not in sync with the main. Replica will be recovered automatically. " +
      "Transaction was aborted on all instances. Check the status of the replicas using 'SHOW REPLICAS' query.",
  );
});

test('several replicas: the plural form', () => {
  expect(replicationFailureMessage('STRICT_SYNC', [{ name: 'a', reason: 'diverged' }, { name: 'b', reason: 'diverged' }])).toBe(
    "Failed to replicate to STRICT_SYNC replicas 'a' and 'b': replicas have diverged from main. Replicas will be recovered automatically. " +
      "Transaction was aborted on all instances. Check the status of the replicas using 'SHOW REPLICAS' query.",
  );
});

test('socket addresses: host or host:port, default port 10000', () => {
  expect(parseSocketAddress('127.0.0.1')).toEqual({ host: '127.0.0.1', port: 10000 });
  expect(parseSocketAddress('replica-1.svc:20000')).toEqual({ host: 'replica-1.svc', port: 20000 });
  expect(parseSocketAddress('[::1]:7')).toEqual({ host: '::1', port: 7 });
  expect(parseSocketAddress('a:b')).toBeNull();
  expect(parseSocketAddress('a:70000')).toBeNull();
  expect(parseSocketAddress('')).toBeNull();
});
