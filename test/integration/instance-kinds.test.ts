// The instance kinds DESIGN §2 names, started as the real binary: a coordinator holds no
// graph (no wal/ or snapshots/) and refuses Cypher with Memgraph's text.
import fs from 'node:fs';
import path from 'node:path';
import { startServer, withDriver } from '../helpers/server.js';
import { freePort } from '../helpers/ports.js';

test('a coordinator opens no graph storage and answers Cypher with "Coordinator can run only coordinator queries!"', async () => {
  const [raft, management] = [await freePort(), await freePort()];
  const server = await startServer([
    '--coordinator-id=1',
    `--coordinator-port=${raft}`,
    `--management-port=${management}`,
    '--coordinator-hostname=127.0.0.1',
    '--coordinator-address=127.0.0.1',
    '--management-address=127.0.0.1',
  ]);
  try {
    await withDriver(server.boltUrl, async (driver) => {
      for (const query of ['MATCH (n) RETURN n', 'CREATE (:X)', 'RETURN 1', 'CREATE INDEX ON :X(y)', 'SHOW REPLICATION ROLE']) {
        await expect(driver.executeQuery(query)).rejects.toMatchObject({
          code: 'Memgraph.ClientError.MemgraphError.MemgraphError',
          message: 'Coordinator can run only coordinator queries!',
        });
      }
      // Coordinator statements are accepted; a coordinator in no cluster knows no leader.
      const session = driver.session();
      try {
        const r = await session.run('SHOW INSTANCES');
        expect(r.records).toEqual([]);
        expect(r.summary.notifications.map((n) => n.code)).toEqual(['LeaderNotReachable']);
      } finally {
        await session.close();
      }
    });
    const entries = fs.existsSync(server.dataDirectory) ? fs.readdirSync(server.dataDirectory) : [];
    expect(entries.filter((e) => e === 'wal' || e === 'snapshots')).toEqual([]);
    const instance = (await (await fetch(`http://127.0.0.1:${server.metricsPort}/v1/instance`)).json()) as { role: string };
    expect(instance.role).toBe('coordinator');
  } finally {
    await server.stop();
  }
});

test('a standalone instance writes its durable state under the data directory', async () => {
  const server = await startServer();
  try {
    await withDriver(server.boltUrl, async (driver) => {
      await driver.executeQuery('CREATE (:Standalone)');
    });
    expect(fs.existsSync(path.join(server.dataDirectory, 'wal'))).toBe(true);
    expect(fs.existsSync(path.join(server.dataDirectory, 'snapshots'))).toBe(true);
  } finally {
    await server.stop();
  }
});
