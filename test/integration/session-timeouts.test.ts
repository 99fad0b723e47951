// --bolt-session-inactivity-timeout (Memgraph's flag) and the handshake timeout, against a
// real mgha process: silent and half-open sockets are closed, an idle session's open
// transaction rolls back, and a long request is not cut by the idle limit.
import net from 'node:net';
import neo4j, { type Driver } from 'neo4j-driver';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let driver: Driver;

beforeAll(async () => {
  server = await startServer(['--bolt-session-inactivity-timeout=1', '--bolt-handshake-timeout-sec=1']);
  driver = neo4j.driver(server.boltUrl, neo4j.auth.basic('', ''), { maxConnectionPoolSize: 4 });
});

afterAll(async () => {
  await driver?.close();
  expect(await server?.stop()).toBe(0);
});

/** Connects, writes `bytes`, and resolves with the ms until the server closed the socket. */
function closedAfter(bytes: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const sock = net.connect({ port: server.boltPort, host: '127.0.0.1' });
    const guard = setTimeout(() => {
      sock.destroy();
      reject(new Error('the server kept the socket open for 15 s'));
    }, 15_000);
    sock.on('connect', () => {
      if (bytes.length > 0) sock.write(bytes);
    });
    sock.on('data', () => undefined);
    sock.on('error', () => undefined);
    sock.on('close', () => {
      clearTimeout(guard);
      resolve(Date.now() - started);
    });
  });
}

test('a client that never sends the handshake, or only half of it, is disconnected', async () => {
  const silent = await closedAfter(Buffer.alloc(0));
  const half = await closedAfter(Buffer.from([0x60, 0x60, 0xb0, 0x17, 0x00, 0x00]));
  console.log(`handshake timeout 1 s: silent socket closed after ${silent} ms, half handshake after ${half} ms`);
  expect(silent).toBeGreaterThanOrEqual(900);
  expect(half).toBeGreaterThanOrEqual(900);
});

test('an idle session is closed and its open transaction rolled back; a long request is not cut', async () => {
  const session = driver.session();
  const tx = await session.beginTransaction();
  await tx.run('CREATE (:Idle)');
  await new Promise((r) => setTimeout(r, 2500));
  await expect(tx.run('RETURN 1')).rejects.toBeDefined();
  await tx.close().catch(() => undefined);
  await session.close();
  expect((await driver.executeQuery('MATCH (n:Idle) RETURN count(n) AS n')).records[0].get('n').toNumber()).toBe(0);

  const started = Date.now();
  const long = await driver.executeQuery('UNWIND range(1, 6000000) AS x WITH x WHERE x < 0 RETURN count(x) AS n');
  console.log(`a ${Date.now() - started} ms query under a 1 s inactivity timeout completed`);
  expect(long.records[0].get('n').toNumber()).toBe(0);
});

describe('--bolt-recv-timeout-hint-sec (connection.recv_timeout_seconds)', () => {
  let hinted: TestServer;
  let hintedDriver: Driver;

  beforeAll(async () => {
    hinted = await startServer(['--bolt-recv-timeout-hint-sec=1']);
    hintedDriver = neo4j.driver(hinted.boltUrl, neo4j.auth.basic('', ''), { maxConnectionPoolSize: 2, maxTransactionRetryTime: 0 });
  });

  afterAll(async () => {
    await hintedDriver?.close();
    process.kill(hinted.pid, 'SIGCONT');
    expect(await hinted?.stop()).toBe(0);
  });

  test('a query running longer than the hinted timeout completes: NOOPs keep the driver waiting', async () => {
    // Grow the query until it runs well past the 1 s the driver was told to wait for bytes.
    let ms = 0;
    for (let size = 2_000_000; ms < 2500 && size <= 256_000_000; size *= 2) {
      const started = Date.now();
      const r = await hintedDriver.executeQuery(`UNWIND range(1, ${size}) AS x WITH x WHERE x < 0 RETURN count(x) AS n`);
      ms = Date.now() - started;
      expect(r.records[0].get('n').toNumber()).toBe(0);
    }
    console.log(`a ${ms} ms query completed under a 1 s receive-timeout hint`);
    expect(ms).toBeGreaterThanOrEqual(2500);
  });

  test('a driver waiting on a paused server gives up after the hinted timeout instead of hanging', async () => {
    const session = hintedDriver.session();
    try {
      await session.run('RETURN 1');
      process.kill(hinted.pid, 'SIGSTOP');
      const started = Date.now();
      const err = await session.run('RETURN 2').then(
        () => null,
        (e: Error) => e,
      );
      const waited = Date.now() - started;
      console.log(`the driver gave up on a SIGSTOPped server after ${waited} ms: ${err?.message}`);
      expect(err?.message).toMatch(/Server didn't respond in 1000ms/);
      expect(waited).toBeLessThan(15_000);
    } finally {
      process.kill(hinted.pid, 'SIGCONT');
      await session.close().catch(() => undefined);
    }
    // The server itself is fine once resumed.
    expect((await hintedDriver.executeQuery('RETURN 3 AS x')).records[0].get('x').toNumber()).toBe(3);
  });
});
