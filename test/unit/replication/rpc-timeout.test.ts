// A SYNC / STRICT_SYNC replica that does not answer AppendRecords in time: the commit's
// message gets Memgraph's RPC-timeout reason and appended text (storage_error.cpp). MAIN's
// real replica client and commit stage, a real RPC server on 127.0.0.1 that takes the
// heartbeat and then never answers AppendRecords.
import os from 'node:os';
import pino from 'pino';
import { freshEpoch } from '../../../dataplane/durability/epoch.js';
import { MainReplication } from '../../../dataplane/replication/main-side.js';
import { replicationFailureMessage, rpcTimeoutText } from '../../../dataplane/replication/messages.js';
import { AppendRecords, Heartbeat, SwapMainUuid } from '../../../dataplane/replication/protocol.js';
import { ReplicaClient, type MainSide } from '../../../dataplane/replication/replica-client.js';
import type { ReplicationMode } from '../../../dataplane/replication/types.js';
import { RpcServer } from '../../../dataplane/rpc/server.js';
import { InMemoryStorage } from '../../../dataplane/storage/storage.js';

const TIMEOUT_SENTENCE =
  'Main reached an RPC timeout while replicating to [slow]. One possible reason for this error is that the replica is down and in that case ' +
  'make sure to recover it. If all of your replicas are up and running normally, then please try setting a smaller parameter value for ' +
  "'deltas_batch_progress_size' using 'SET COORDINATOR SETTING' query on the coordinator.";

test("Memgraph's texts: the timeout reason, its appended sentence, one sentence per reason", () => {
  expect(replicationFailureMessage('SYNC', [{ name: 'slow', reason: 'timeout' }])).toBe(
    "Failed to replicate to SYNC replica 'slow': RPC timeout while replicating. Replica will be recovered automatically. " +
      `Transaction is still committed on the main instance and other alive replicas. ${TIMEOUT_SENTENCE} ` +
      "Check the status of the replicas using 'SHOW REPLICAS' query.",
  );
  expect(
    replicationFailureMessage('STRICT_SYNC', [
      { name: 'a', reason: 'timeout' },
      { name: 'b', reason: 'unreachable' },
      { name: 'c', reason: 'timeout' },
    ]),
  ).toBe(
    "Failed to replicate to STRICT_SYNC replicas 'a' and 'c': RPC timeout while replicating. " +
      "Failed to replicate to STRICT_SYNC replica 'b': replica is not reachable or not in sync with the main. " +
      `Replicas will be recovered automatically. Transaction was aborted on all instances. ${rpcTimeoutText(['a', 'c'])} ` +
      "Check the status of the replicas using 'SHOW REPLICAS' query.",
  );
  expect(rpcTimeoutText(['a', 'c'])).toContain('Main reached an RPC timeout while replicating to [a, c]. ');
  expect(replicationFailureMessage('SYNC', [{ name: 'r', reason: 'unreachable' }])).not.toContain('Main reached an RPC timeout');
});

interface Rig {
  storage: InMemoryStorage;
  client: ReplicaClient;
  appendsSeen(): number;
  close(): Promise<void>;
}

/** A replica that answers heartbeats (caught up at 0) and holds every AppendRecords forever. */
async function silentReplica(mode: ReplicationMode): Promise<Rig> {
  let appends = 0;
  const server = new RpcServer({ host: '127.0.0.1', port: 0 })
    .handle(SwapMainUuid, () => ({ epochId: 'E', ts: 0 }))
    .handle(Heartbeat, () => ({ epochId: 'E', ts: 0 }))
    .handle(AppendRecords, () => {
      appends++;
      return new Promise<never>(() => undefined);
    });
  await server.listen();
  const epoch = freshEpoch();
  const storage = new InMemoryStorage();
  storage.setCommitEncoder((c) => Buffer.from(`ts=${c.commitTimestamp}`));
  // MAIN's side as the replica client needs it: no WAL (nothing to catch up from).
  const mainSide: MainSide = {
    mainUuid: () => 'main-uuid',
    epoch: () => epoch,
    mainTs: () => storage.lastCommitTimestamp(),
    walDir: () => os.tmpdir(),
    flushWal: () => undefined,
    retainWalAfter: () => () => undefined,
    snapshotForCatchUp: () => Promise.reject(new Error('no snapshots here')),
  };
  const log = pino({ level: 'silent' });
  const client = new ReplicaClient({
    registration: { name: 'slow', mode, address: `127.0.0.1:${server.port}`, host: '127.0.0.1', port: server.port },
    main: mainSide,
    log,
    checkFrequencySec: 1,
    appendTimeoutMs: 300,
  });
  const main = new MainReplication(log);
  main.clients.set('slow', client);
  main.setActive(true);
  storage.addCommitStage(main.stage());
  client.start();
  const deadline = Date.now() + 5000;
  while (client.state.status !== 'ready') {
    if (Date.now() > deadline) throw new Error(`replica client is ${client.state.status}, not ready`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    storage,
    client,
    appendsSeen: () => appends,
    async close() {
      await client.close();
      await server.close();
    },
  };
}

async function commitOne(storage: InMemoryStorage) {
  const tx = storage.begin();
  tx.createVertex();
  return tx.commit();
}

test('SYNC: the commit stands with one warning carrying the timeout reason and text', async () => {
  const rig = await silentReplica('sync');
  try {
    const r = await commitOne(rig.storage);
    expect(rig.appendsSeen()).toBe(1);
    expect(r.notifications).toEqual([
      {
        severity: 'WARNING',
        code: 'SyncReplicationFailure',
        title:
          "Failed to replicate to SYNC replica 'slow': RPC timeout while replicating. Replica will be recovered automatically. " +
          `Transaction is still committed on the main instance and other alive replicas. ${TIMEOUT_SENTENCE} ` +
          "Check the status of the replicas using 'SHOW REPLICAS' query.",
      },
    ]);
    expect(rig.storage.counts().vertexCount).toBe(1);
    expect(rig.client.state.status).toBe('invalid');
  } finally {
    await rig.close();
  }
});

test('STRICT_SYNC: the commit aborts with the timeout reason and text; nothing is visible', async () => {
  const rig = await silentReplica('strict_sync');
  try {
    await expect(commitOne(rig.storage)).rejects.toMatchObject({
      code: 'Memgraph.ClientError.MemgraphError.MemgraphError',
      message:
        "Replication Exception: Failed to replicate to STRICT_SYNC replica 'slow': RPC timeout while replicating. Replica will be recovered automatically. " +
        `Transaction was aborted on all instances. ${TIMEOUT_SENTENCE} Check the status of the replicas using 'SHOW REPLICAS' query.`,
    });
    expect(rig.appendsSeen()).toBe(1);
    expect(rig.storage.counts().vertexCount).toBe(0);
  } finally {
    await rig.close();
  }
});
