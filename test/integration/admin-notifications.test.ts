// What an admin statement's notifications look like to neo4j-driver: the real engine and
// Bolt server, with a handler registered the way replication will register its own.
import neo4j from 'neo4j-driver';
import pino from 'pino';
import { startBoltServer, type BoltServer } from '../../dataplane/bolt/server.js';
import { QueryEngine } from '../../dataplane/query/engine.js';
import { InMemoryStorage } from '../../dataplane/storage/storage.js';

let server: BoltServer;
const engine = new QueryEngine(new InMemoryStorage());

beforeAll(async () => {
  engine.admin.register('RegisterReplica', async (stmt) => ({
    columns: [],
    rows: [],
    notifications: [{ severity: 'INFO', code: 'RegisterReplica', title: `Replica ${stmt.name} is registered.` }],
  }));
  server = await startBoltServer({
    host: '127.0.0.1',
    port: 0,
    engine,
    serverAgent: 'mgha-test',
    logger: pino({ level: 'silent' }),
    routing: { routingTable: () => ({ ttlSeconds: 300, routers: [], readers: [], writers: [] }) },
  });
});

afterAll(async () => {
  await server.close();
});

test('an INFO notification of an admin statement reaches the driver with Memgraph\'s code and title', async () => {
  const driver = neo4j.driver(`bolt://127.0.0.1:${server.port}`, neo4j.auth.basic('', ''));
  try {
    const session = driver.session();
    const summary = (await session.run('REGISTER REPLICA replica_1 SYNC TO "127.0.0.1:10001"')).summary;
    await session.close();
    expect(summary.notifications).toHaveLength(1);
    // Memgraph's severity is INFO, which the driver keeps raw (its own enum says INFORMATION).
    expect(summary.notifications[0]).toMatchObject({ code: 'RegisterReplica', title: 'Replica replica_1 is registered.', rawSeverityLevel: 'INFO' });
    // A statement nobody registered fails the Memgraph way.
    await expect(driver.executeQuery('SHOW INSTANCES')).rejects.toMatchObject({
      code: 'Memgraph.ClientError.MemgraphError.MemgraphError',
      message: 'SHOW INSTANCES is not supported yet.',
    });
  } finally {
    await driver.close();
  }
});
