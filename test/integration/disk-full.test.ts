// A WAL that cannot be written (issue #3): the process runs under RLIMIT_FSIZE, so the WAL
// file's write fails with EFBIG once it reaches the limit, as it would with ENOSPC on a
// full disk. Writes must then be refused with a clear error, reads keep working, and a
// restart without the limit recovers every acknowledged transaction.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import neo4j, { type Neo4jError, type Session } from 'neo4j-driver';
import { startServer, withDriver, type TestServer } from '../helpers/server.js';

const LIMIT = 64 * 1024;
const PAD = 'x'.repeat(1000);

let dir = '';
let server: TestServer | null = null;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-diskfull-'));
});
afterAll(async () => {
  await server?.kill();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

/** Commits numbered rows on one session (row seq gets commit timestamp seq + 1) until one fails. */
async function writeUntilError(session: Session, max: number): Promise<{ acked: number[]; error: Neo4jError | null }> {
  const acked: number[] = [];
  for (let seq = 0; seq < max; seq++) {
    try {
      await session.run('CREATE (:Row {seq: $seq, pad: $pad})', { seq: neo4j.int(seq), pad: PAD });
      acked.push(seq);
    } catch (e) {
      return { acked, error: e as Neo4jError };
    }
  }
  return { acked, error: null };
}

describe('a WAL write that fails (full disk)', () => {
  test('the failing commit gets an error, later writes are refused, reads go on, and a restart loses nothing acknowledged', async () => {
    const flags = [
      `--data-directory=${dir}`,
      '--storage-wal-file-flush-every-n-tx=1',
      // Larger than the limit, so the active WAL file is the one that hits it.
      '--storage-wal-file-size-kib=4096',
      '--storage-snapshot-on-exit=false',
    ];
    server = await startServer(flags, { fileSizeLimitBytes: LIMIT, timeoutMs: 30000 });
    const full = server;
    let acked: number[] = [];
    await withDriver(full.boltUrl, async (d) => {
      const session = d.session();
      try {
        const written = await writeUntilError(session, 1000);
        acked = written.acked;
        expect(written.error?.message).toMatch(/WAL write failed, commits are no longer durable: EFBIG/);
        // A code a client can act on (not retried: the instance needs a restart), not UnknownError.
        expect(written.error?.code).toBe('Neo.DatabaseError.Transaction.TransactionCommitFailed');
        expect(acked.length).toBeGreaterThan(10);

        // Every later write is refused before it runs, with what to do about it.
        const refused = await session.run('CREATE (:Row {seq: -1})').then(
          () => null,
          (e: Neo4jError) => e,
        );
        expect(refused?.code).toBe('Neo.DatabaseError.Transaction.TransactionCommitFailed');
        expect(refused?.message).toMatch(/Write queries are refused until the instance restarts/);

        // Reads still work.
        const count = await session.run('MATCH (r:Row) RETURN count(r) AS c');
        expect((count.records[0].get('c') as { toNumber(): number }).toNumber()).toBeGreaterThanOrEqual(acked.length);
      } finally {
        await session.close();
      }
    });
    expect(await metric(full.metricsPort, 'mgha_wal_failed')).toBe(1);
    expect(full.stdout()).toMatch(/WAL failed: write queries are refused until restart/);
    await full.kill();

    const roomy = await startServer(flags, { timeoutMs: 30000 });
    server = roomy;
    await withDriver(roomy.boltUrl, async (d) => {
      const r = await d.executeQuery('MATCH (r:Row) RETURN r.seq AS seq ORDER BY seq');
      const seqs = r.records.map((x) => (x.get('seq') as { toNumber(): number }).toNumber());
      for (const seq of acked) expect(seqs).toContain(seq);
      // At most the commit that failed comes on top of the acknowledged ones.
      expect(seqs.length - acked.length).toBeLessThanOrEqual(1);
      // The instance writes again once the disk has room.
      await d.executeQuery('CREATE (:Row {seq: 100000})');
    });
    await roomy.stop();
    server = null;
  }, 90_000);

  test('batched flushing: the commits lost with the failed write are named in the log, and only they are missing after a restart', async () => {
    const batchedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-diskfull-'));
    const flags = [
      `--data-directory=${batchedDir}`,
      '--storage-wal-file-flush-every-n-tx=100000',
      '--storage-wal-file-size-kib=4096',
      '--storage-snapshot-on-exit=false',
    ];
    try {
      const full = await startServer(flags, { fileSizeLimitBytes: LIMIT, timeoutMs: 30000 });
      server = full;
      let acked: number[] = [];
      let refusal: Neo4jError | null = null;
      await withDriver(full.boltUrl, async (d) => {
        const session = d.session();
        try {
          ({ acked, error: refusal } = await writeUntilError(session, 5000));
        } finally {
          await session.close();
        }
      });
      expect((refusal as Neo4jError | null)?.message).toMatch(/WAL write failed|Write queries are refused/);
      const report = full
        .stdout()
        .split('\n')
        .filter((l) => l.includes('were not written to the WAL'))
        .map((l) => JSON.parse(l) as { fromTimestamp: number; toTimestamp: number })[0];
      expect(report).toBeDefined();
      await full.kill();

      const roomy = await startServer(flags, { timeoutMs: 30000 });
      server = roomy;
      await withDriver(roomy.boltUrl, async (d) => {
        const r = await d.executeQuery('MATCH (r:Row) RETURN r.seq AS seq');
        const present = new Set(r.records.map((x) => (x.get('seq') as { toNumber(): number }).toNumber()));
        const missing = acked.filter((seq) => !present.has(seq));
        for (const seq of missing) {
          expect(seq + 1).toBeGreaterThanOrEqual(report.fromTimestamp);
          expect(seq + 1).toBeLessThanOrEqual(report.toTimestamp);
        }
      });
      await roomy.stop();
      server = null;
    } finally {
      fs.rmSync(batchedDir, { recursive: true, force: true });
    }
  }, 90_000);
});
