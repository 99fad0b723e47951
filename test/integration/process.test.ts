// The real `mgha` binary: startup, HTTP endpoints, flag errors and signal handling.
import net from 'node:net';
import neo4j from 'neo4j-driver';
import { freePort } from '../helpers/ports.js';
import { runMgha, startServer, withDriver, type TestServer } from '../helpers/server.js';

const get = (server: TestServer, path: string) => fetch(`http://127.0.0.1:${server.metricsPort}${path}`);

describe('a running instance', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(['--instance-name=proc-test']);
  });
  afterAll(async () => {
    await server?.stop();
  });

  test('/livez and /readyz answer 200 once Bolt listens', async () => {
    expect((await get(server, '/livez')).status).toBe(200);
    expect((await get(server, '/readyz')).status).toBe(200);
  });

  test('/v1/instance describes the instance', async () => {
    const res = await get(server, '/v1/instance');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { name: string; role: string; version: string; uptimeSeconds: number; storage: unknown; bolt: { port: number; address: string } };
    expect(body.name).toBe('proc-test');
    expect(body.role).toBe('main');
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(body.storage).toEqual({ vertexCount: expect.any(Number), edgeCount: expect.any(Number) });
    expect(body.bolt).toMatchObject({ address: '127.0.0.1', port: server.boltPort });
  });

  test('/metrics counts Bolt connections and queries', async () => {
    await withDriver(server.boltUrl, async (driver) => {
      const result = await driver.executeQuery('RETURN 1 AS x');
      expect(result.records[0].get('x').toNumber()).toBe(1);
    });
    const text = await (await get(server, '/metrics')).text();
    expect(text).toMatch(/^mgha_instance_up 1$/m);
    expect(text).toMatch(/^mgha_instance_role\{role="main"\} 1$/m);
    expect(text).toMatch(/^mgha_bolt_connections_total [1-9]\d*$/m);
    expect(text).toMatch(/^mgha_queries_total\{type="r"\} [1-9]\d*$/m);
    expect(text).toMatch(/^mgha_storage_vertices \d+$/m);
    expect(text).toMatch(/^mgha_process_resident_memory_bytes \d+/m);
  });

  test('a routing driver (neo4j://) is routed to the instance itself for reads and writes', async () => {
    await withDriver(server.routingUrl, async (driver) => {
      const write = await driver.executeQuery('RETURN 2 AS x', {}, { routing: neo4j.routing.WRITE });
      expect(write.records[0].get('x').toNumber()).toBe(2);
      const read = await driver.executeQuery('RETURN 3 AS x', {}, { routing: neo4j.routing.READ });
      expect(read.records[0].get('x').toNumber()).toBe(3);
    });
  });

  test('logs are JSON lines on stdout with instance and role', () => {
    const lines = server.stdout().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const started = lines.find((l) => l.msg === 'mgha started');
    expect(started).toMatchObject({ level: 'info', instance: 'proc-test', role: 'main', bolt: `127.0.0.1:${server.boltPort}` });
    for (const l of lines) expect(l).toMatchObject({ instance: 'proc-test', role: 'main' });
  });
});

test('--also-log-to-stderr copies log lines to stderr; MEMGRAPH_* variables configure the process', async () => {
  const server = await startServer(['--also-log-to-stderr'], { env: { ...process.env, MEMGRAPH_INSTANCE_NAME: 'from-env' } });
  try {
    const started = server.stderr().split('\n').find((l) => l.includes('"msg":"mgha started"'));
    expect(started).toBeDefined();
    expect(JSON.parse(started as string)).toMatchObject({ instance: 'from-env', level: 'info' });
  } finally {
    await server.stop();
  }
});

test('--query-execution-timeout-sec aborts a query that runs too long', async () => {
  const server = await startServer(['--query-execution-timeout-sec=0.2']);
  try {
    await withDriver(server.boltUrl, async (driver) => {
      const error = await driver.executeQuery('UNWIND range(1, 1000) AS a UNWIND range(1, 100000) AS b RETURN count(*)').catch((e: unknown) => e);
      expect((error as { code?: string }).code).toBe('Neo.ClientError.Transaction.TransactionTimedOut');
    });
  } finally {
    await server.stop();
  }
});

describe('command line', () => {
  test('an unknown flag exits 2 with the message on stderr', async () => {
    const r = await runMgha(['--bolt-prot=7687']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('mgha: unknown flag --bolt-prot');
    expect(r.stderr).toContain('--help');
  });

  test('a bad value exits 2 naming the flag', async () => {
    const r = await runMgha(['--bolt-port=70000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("mgha: invalid value '70000' for --bolt-port");
  });

  test('a bad environment variable exits 2 naming the variable', async () => {
    const r = await runMgha([], { ...process.env, MEMGRAPH_LOG_LEVEL: 'LOUD' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('MEMGRAPH_LOG_LEVEL');
  });

  test('--help and --version exit 0', async () => {
    const help = await runMgha(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--bolt-port (default 7687)');
    const version = await runMgha(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^mgha \d+\.\d+\.\d+/);
  });

  test('a Bolt port in use exits 1 with a clear message', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const r = await runMgha(['--bolt-address=127.0.0.1', `--bolt-port=${port}`, '--metrics-address=127.0.0.1', `--metrics-port=${await freePort()}`]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`mgha: cannot listen on 127.0.0.1:${port}: EADDRINUSE`);
    } finally {
      blocker.close();
    }
  });
});

describe('shutdown', () => {
  test('SIGTERM exits 0', async () => {
    const server = await startServer();
    expect(await server.stop()).toBe(0);
    expect(server.stdout()).toContain('"msg":"stopped"');
  });

  test('SIGTERM with an open explicit transaction exits 0 promptly and the client sees the connection close', async () => {
    const server = await startServer();
    await withDriver(server.boltUrl, async (driver) => {
      const session = driver.session();
      const tx = await session.beginTransaction();
      await tx.run('RETURN 1');
      const code = await server.stop();
      expect(code).toBe(0);
      await expect(tx.commit()).rejects.toThrow();
      await session.close().catch(() => undefined);
    });
  });
});
