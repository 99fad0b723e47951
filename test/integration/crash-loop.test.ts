// Durability with real processes (issue #3): writers commit numbered transactions through
// neo4j-driver, the server is SIGKILLed at random moments and restarted on the same data
// directory; every acknowledged transaction must be there and none half-applied.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { freePort } from '../helpers/ports.js';
import { runMgha, startServer, withDriver, type TestServer } from '../helpers/server.js';

const ROUNDS = Number(process.env.MGHA_CRASH_ROUNDS ?? 20);
const WRITERS = 4;

const dirs: string[] = [];
function dataDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-crash-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

interface Ledger {
  next: number;
  attempted: Set<number>;
  acked: Set<number>;
  /** When the client saw each acknowledgement (Date.now()). */
  ackedAt: Map<number, number>;
}

function newLedger(): Ledger {
  return { next: 0, attempted: new Set(), acked: new Set(), ackedAt: new Map() };
}

/** One transaction = two nodes and the edge between them: half of it must never survive. */
const WRITE = 'CREATE (:Tx {seq: $seq, part: 1})-[:HALF]->(:Tx {seq: $seq, part: 2})';

/** Writers commit until the server dies under them (or `stopAfter` commits). */
async function writeUntilDead(driver: Driver, ledger: Ledger, stopAfter = Infinity): Promise<void> {
  const writer = async (): Promise<void> => {
    const session = driver.session();
    try {
      while (ledger.acked.size < stopAfter) {
        const seq = ledger.next++;
        ledger.attempted.add(seq);
        await session.run(WRITE, { seq: neo4j.int(seq) });
        ledger.acked.add(seq);
        ledger.ackedAt.set(seq, Date.now());
      }
    } catch {
      // The server was killed: the in-flight transaction may or may not have committed.
    } finally {
      await session.close().catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
}

/**
 * Batched flushing may lose what was acknowledged shortly before a SIGKILL: the records
 * still in the user-space buffer. A missing transaction is allowed only if its
 * acknowledgement came less than `windowMs` before `killedAt`.
 */
interface LossWindow {
  killedAt: number;
  windowMs: number;
  /** Filled with the acknowledged transactions that did not survive. */
  lost: number[];
}

/** Checks the recovered graph against the ledger; returns how many transactions survived. */
async function verify(driver: Driver, ledger: Ledger, loss?: LossWindow): Promise<number> {
  const rows = await driver.executeQuery('MATCH (n:Tx) RETURN n.seq AS seq, n.part AS part');
  const parts = new Map<number, number[]>();
  for (const r of rows.records) {
    const seq = (r.get('seq') as { toNumber(): number }).toNumber();
    parts.set(seq, [...(parts.get(seq) ?? []), (r.get('part') as { toNumber(): number }).toNumber()]);
  }
  const edges = await driver.executeQuery('MATCH (a:Tx)-[:HALF]->(b:Tx) WHERE a.seq = b.seq RETURN count(*) AS c');
  for (const seq of ledger.acked) {
    if (parts.has(seq)) continue;
    const ackedAt = ledger.ackedAt.get(seq) ?? 0;
    if (loss !== undefined && ackedAt > loss.killedAt - loss.windowMs) {
      loss.lost.push(seq);
      ledger.acked.delete(seq);
      continue;
    }
    expect({ seq, present: false, msBeforeKill: loss === undefined ? null : loss.killedAt - ackedAt }).toEqual({ seq, present: true, msBeforeKill: null });
  }
  for (const [seq, ps] of parts) {
    expect({ seq, attempted: ledger.attempted.has(seq) }).toEqual({ seq, attempted: true });
    expect({ seq, parts: ps.sort() }).toEqual({ seq, parts: [1, 2] });
  }
  expect((edges.records[0].get('c') as { toNumber(): number }).toNumber()).toBe(parts.size);
  return parts.size;
}

/** Every server started here: a failed assertion mid-loop must not leave one running. */
const started: TestServer[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.kill()));
});

async function start(dir: string, extra: string[]): Promise<TestServer> {
  const s = await startServer([`--data-directory=${dir}`, ...extra], { timeoutMs: 30000 });
  started.push(s);
  return s;
}

describe('crash loop (SIGKILL) with fsync per commit', () => {
  test(`${ROUNDS} rounds: every acknowledged transaction survives, none half-applied`, async () => {
    const dir = dataDir();
    const flags = [
      '--storage-wal-file-flush-every-n-tx=1',
      '--storage-wal-file-size-kib=16',
      '--storage-snapshot-interval-sec=1',
      '--storage-snapshot-retention-count=2',
    ];
    const ledger = newLedger();
    let server = await start(dir, flags);
    await withDriver(server.boltUrl, async (d) => {
      await d.executeQuery('RETURN 1');
      const s = d.session();
      await s.run('CREATE INDEX ON :Tx(seq)');
      await s.close();
    });
    for (let round = 0; round < ROUNDS; round++) {
      const driver = neo4j.driver(server.boltUrl, neo4j.auth.basic('', ''), { maxTransactionRetryTime: 0 });
      const writing = writeUntilDead(driver, ledger);
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 400));
      await server.kill();
      await writing;
      await driver.close().catch(() => undefined);

      server = await start(dir, flags);
      await withDriver(server.boltUrl, async (d) => {
        const survived = await verify(d, ledger);
        expect(survived).toBeGreaterThanOrEqual(ledger.acked.size);
        const indexes = await d.executeQuery('SHOW INDEX INFO');
        expect(indexes.records.map((r) => `${r.get('label')}.${r.get('property')}`)).toContain('Tx.seq');
      });
    }
    expect(ledger.acked.size).toBeGreaterThan(ROUNDS);
    await server.stop();
  }, 240_000);
});

describe('durability of a real process', () => {
  test('batched flushing: SIGKILL mid-write loses at most the commits of its last moments, and says which', async () => {
    const dir = dataDir();
    const flags = ['--storage-wal-file-flush-every-n-tx=100000', '--storage-wal-file-size-kib=16'];
    const ledger = newLedger();
    const lostPerRound: number[] = [];
    let server = await start(dir, flags);
    for (let round = 0; round < 5; round++) {
      const driver = neo4j.driver(server.boltUrl, neo4j.auth.basic('', ''), { maxTransactionRetryTime: 0 });
      const writing = writeUntilDead(driver, ledger);
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 300));
      const killedAt = Date.now();
      await server.kill();
      await writing;
      await driver.close().catch(() => undefined);
      server = await start(dir, flags);
      // The policy: records reach the OS at most WRITE_DELAY_MS (1 ms) after their commit.
      // The window allows for a loaded CI machine descheduling the server before that timer
      // fires: 250 ms was once exceeded (343 ms) at load average ~12 on 2 cores.
      const loss: LossWindow = { killedAt, windowMs: 1000, lost: [] };
      await withDriver(server.boltUrl, (d) => verify(d, ledger, loss));
      lostPerRound.push(loss.lost.length);
    }
    expect(ledger.acked.size).toBeGreaterThan(5);
    // Reported, so a regression of the bound shows in the CI log.
    console.info(`batched SIGKILL rounds: acknowledged transactions lost per round ${JSON.stringify(lostPerRound)}, ${ledger.acked.size} survived`);
    await server.stop();
  }, 120_000);

  test('batched flushing: SIGKILL loses nothing already handed to the OS, and recovery reports what it restored', async () => {
    const dir = dataDir();
    const flags = ['--storage-wal-file-flush-every-n-tx=100000'];
    const ledger = newLedger();
    let server = await start(dir, flags);
    const driver = neo4j.driver(server.boltUrl, neo4j.auth.basic('', ''));
    await writeUntilDead(driver, ledger, 200);
    await driver.close();
    // Batched records reach the OS at most WRITE_DELAY_MS after their commit.
    await new Promise((r) => setTimeout(r, 50));
    await server.kill();
    server = await start(dir, flags);
    await withDriver(server.boltUrl, (d) => verify(d, ledger));
    const line = server
      .stdout()
      .split('\n')
      .filter((l) => l.includes('recovery finished'))
      .map((l) => JSON.parse(l) as { lastCommitTimestamp: number; walTransactions: number })[0];
    expect(line.lastCommitTimestamp).toBeGreaterThanOrEqual(ledger.acked.size);
    expect(line.walTransactions).toBe(line.lastCommitTimestamp);
    await server.stop();
  }, 60_000);

  test('CREATE SNAPSHOT / SHOW SNAPSHOTS, LOCK DATA DIRECTORY, snapshot on exit, and a restart from it', async () => {
    const dir = dataDir();
    let server = await start(dir, []);
    await withDriver(server.boltUrl, async (d) => {
      const s = d.session();
      await s.run('CREATE (:Kept {n: 1})');
      const created = await s.run('CREATE SNAPSHOT');
      const p = created.records[0].get('path') as string;
      expect(p.startsWith(path.join(dir, 'snapshots'))).toBe(true);
      expect(fs.existsSync(p)).toBe(true);
      await s.run('CREATE (:Kept {n: 2})');
      const shown = await s.run('SHOW SNAPSHOTS');
      expect(shown.records[0].keys).toEqual(['path', 'timestamp', 'creation_time', 'size']);
      expect(shown.records[0].get('path')).toBe(p);
      const locked = await s.run('LOCK DATA DIRECTORY;');
      expect(locked.records[0].get('STATUS')).toBe('Data directory is now locked.');
      expect((await s.run('DATA DIRECTORY LOCK STATUS')).records[0].get('STATUS')).toBe('Data directory is locked.');
      expect((await s.run('UNLOCK DATA DIRECTORY')).records[0].get('STATUS')).toBe('Data directory is now unlocked.');
      await s.close();
      // Memgraph refuses these inside an explicit transaction.
      await expect(d.executeQuery('CREATE SNAPSHOT')).rejects.toMatchObject({
        code: 'Memgraph.ClientError.MemgraphError.MemgraphError',
        message: 'Snapshot cannot be created in multicommand transactions.',
      });
    });
    expect(await server.stop()).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'snapshots')).filter((n) => !n.startsWith('.'))).toHaveLength(2);
    server = await start(dir, []);
    await withDriver(server.boltUrl, async (d) => {
      const r = await d.executeQuery('MATCH (k:Kept) RETURN k.n AS n ORDER BY n');
      expect(r.records.map((x) => (x.get('n') as { toNumber(): number }).toNumber())).toEqual([1, 2]);
    });
    await server.stop();
  }, 60_000);

  test('startup refuses a locked data directory and WAL without periodic snapshots', async () => {
    const dir = dataDir();
    const server = await start(dir, []);
    const ports = async (): Promise<string[]> => [
      '--bolt-address=127.0.0.1',
      `--bolt-port=${await freePort()}`,
      '--metrics-address=127.0.0.1',
      `--metrics-port=${await freePort()}`,
    ];
    const second = await runMgha([...(await ports()), `--data-directory=${dir}`]);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toMatch(/in use by another live process/);
    await server.stop();
    const noSnapshots = await runMgha([...(await ports()), `--data-directory=${dataDir()}`, '--storage-snapshot-interval-sec=0']);
    expect(noSnapshots.code).not.toBe(0);
    expect(noSnapshots.stderr).toMatch(/--storage-snapshot-interval-sec/);
  }, 60_000);
});
