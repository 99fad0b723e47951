// Single-node CREATE, indexed point lookup and 1-hop expansion on a 100k-node graph
// (400k relationships): mgha through a light raw Bolt client (pre-framed requests, the
// server's own PackStream codec; comparable in client cost to `pg`) and through
// neo4j-driver, against PostgreSQL through `pg` doing the equivalent INSERT / primary-key
// SELECT / join; 16 concurrent clients on every side, both servers up at once with the
// same data and the three sides' trials interleaved. PostgreSQL runs with fsync and
// synchronous_commit off, mgha with its default batched WAL flushing.
//
// Beside throughput and p50/p99 latency: each server's own CPU per operation (/proc;
// PostgreSQL: postmaster plus backends) and PG ÷ mgha of it (issue #14). neo4j-driver's
// client-side CPU shares the 2 cores with the server and caps its throughput; its server
// CPU per operation is what the targets are about.
//
//   node dist/bench/graph-ops.js [--nodes=100000] [--seconds=5] [--trials=3] [--clients=16]

import neo4j, { type Driver, type Session } from 'neo4j-driver';
import pg from 'pg';
import { startServer, type TestServer } from '../test/helpers/server.js';
import { argNumber, reportCost, runInterleaved, type Operation } from './lib/harness.js';
import { connectPg, pgInsertOp, startPostgres, type PgServer } from './lib/postgres.js';
import { processCpuSeconds } from './lib/proc-cpu.js';
import { encodeRunPullWith, RawBoltConnection } from './lib/raw-bolt.js';
import type { Value } from '../dataplane/values/model.js';

const nodes = argNumber('nodes', 100_000);
const fanout = 4;
const clients = argNumber('clients', 16);
const load = { clients, seconds: argNumber('seconds', 5), trials: argNumber('trials', 3), warmupSeconds: 1 };

// Deterministic pseudo-random targets so both databases hold the same graph.
function target(i: number, k: number): number {
  return (i * 7919 + k * 104729 + 1) % nodes;
}

function randomId(): number {
  return Math.floor(Math.random() * nodes);
}

function params(entries: [string, Value][]): Map<string, Value> {
  return new Map(entries);
}

/** The three operations of one side of the comparison. */
type Workloads = Record<'point_lookup' | 'one_hop' | 'create', Operation>;

async function loadMgha(driver: Driver): Promise<void> {
  const admin = driver.session();
  await admin.run('CREATE INDEX ON :N(id)');
  const batch = 10_000;
  for (let from = 0; from < nodes; from += batch) {
    await admin.run('UNWIND range($from, $to) AS i CREATE (:N {id: i, name: "n" + toString(i)})', {
      from: neo4j.int(from),
      to: neo4j.int(Math.min(nodes, from + batch) - 1),
    });
  }
  for (let from = 0; from < nodes; from += batch / fanout) {
    const edges: [number, number][] = [];
    for (let i = from; i < Math.min(nodes, from + batch / fanout); i++) for (let k = 0; k < fanout; k++) edges.push([i, target(i, k)]);
    await admin.run('UNWIND $edges AS e MATCH (a:N {id: e[0]}), (b:N {id: e[1]}) CREATE (a)-[:E]->(b)', {
      edges: edges.map(([a, b]) => [neo4j.int(a), neo4j.int(b)]),
    });
  }
  await admin.close();
}

/** RUN+PULL is answered by SUCCESS, RECORD×rows, SUCCESS. */
function rawWorkloads(conns: RawBoltConnection[]): Workloads {
  let seq = 1_000_000_000;
  return {
    point_lookup: async (c) => {
      const r = await conns[c].request(encodeRunPullWith('MATCH (n:N {id: $id}) RETURN n.name AS name', params([['id', BigInt(randomId())]])), 2);
      if (r.records !== 1) throw new Error('point lookup returned no row');
    },
    one_hop: async (c) => {
      const r = await conns[c].request(encodeRunPullWith('MATCH (:N {id: $id})-[:E]->(b) RETURN b.id AS id', params([['id', BigInt(randomId())]])), 2);
      if (r.records !== fanout) throw new Error(`1-hop returned ${r.records} rows`);
    },
    create: async (c) => {
      const i = seq++;
      await conns[c].request(encodeRunPullWith('CREATE (:M {id: $id, name: $name})', params([['id', BigInt(i)], ['name', `m${i}`]])), 2);
    },
  };
}

function driverWorkloads(sessions: Session[]): Workloads {
  let seq = 0;
  return {
    point_lookup: async (c) => {
      const r = await sessions[c].run('MATCH (n:N {id: $id}) RETURN n.name AS name', { id: neo4j.int(randomId()) });
      if (r.records.length !== 1) throw new Error('point lookup returned no row');
    },
    one_hop: async (c) => {
      const r = await sessions[c].run('MATCH (:N {id: $id})-[:E]->(b) RETURN b.id AS id', { id: neo4j.int(randomId()) });
      if (r.records.length !== fanout) throw new Error(`1-hop returned ${r.records.length} rows`);
    },
    create: async (c) => {
      const i = seq++;
      await sessions[c].run('CREATE (:M {id: $id, name: $name})', { id: neo4j.int(i), name: `m${i}` });
    },
  };
}

async function loadPostgres(admin: pg.Client): Promise<void> {
  await admin.query('CREATE TABLE n (id bigint PRIMARY KEY, name text)');
  await admin.query('CREATE TABLE e (src bigint NOT NULL, dst bigint NOT NULL)');
  await admin.query('CREATE TABLE m (id bigint, name text)');
  await admin.query(`INSERT INTO n SELECT i, 'n' || i FROM generate_series(0, ${nodes - 1}) AS i`);
  await admin.query(
    `INSERT INTO e SELECT i, (i * 7919 + k * 104729 + 1) % ${nodes} FROM generate_series(0, ${nodes - 1}) AS i, generate_series(0, ${fanout - 1}) AS k`,
  );
  await admin.query('CREATE INDEX e_src ON e (src)');
  await admin.query('ANALYZE');
}

function pgWorkloads(conns: pg.Client[]): Workloads {
  return {
    point_lookup: async (c) => {
      const r = await conns[c].query({ name: 'point', text: 'SELECT name FROM n WHERE id = $1', values: [randomId()] });
      if (r.rowCount !== 1) throw new Error('point lookup returned no row');
    },
    one_hop: async (c) => {
      const r = await conns[c].query({ name: 'hop', text: 'SELECT b.id FROM e JOIN n b ON b.id = e.dst WHERE e.src = $1', values: [randomId()] });
      if (r.rowCount !== fanout) throw new Error(`1-hop returned ${r.rowCount} rows`);
    },
    create: pgInsertOp(conns),
  };
}

async function main(): Promise<void> {
  let server: TestServer | null = null;
  let postgres: PgServer | null = null;
  const closers: (() => Promise<void>)[] = [];
  try {
    server = await startServer([]);
    postgres = await startPostgres({ durable: false });
    const driver = neo4j.driver(server.boltUrl, neo4j.auth.basic('', ''), { maxConnectionPoolSize: clients + 2 });
    closers.push(() => driver.close());
    await loadMgha(driver);
    const pgConns = await Promise.all(Array.from({ length: clients + 1 }, () => connectPg(postgres as PgServer)));
    closers.push(async () => void (await Promise.all(pgConns.map((c) => c.end()))));
    await loadPostgres(pgConns[clients]);
    const conns = await Promise.all(Array.from({ length: clients }, () => RawBoltConnection.open((server as TestServer).boltPort)));
    closers.push(async () => conns.forEach((c) => c.close()));
    const sessions: Session[] = Array.from({ length: clients }, () => driver.session());
    closers.push(async () => void (await Promise.all(sessions.map((s) => s.close()))));

    const pid = server.pid;
    const mghaCpu = (): number => processCpuSeconds(pid);
    const raw = rawWorkloads(conns);
    const viaDriver = driverWorkloads(sessions);
    const viaPg = pgWorkloads(pgConns);
    const targets: Record<keyof Workloads, number> = { point_lookup: 1.5, one_hop: 3.0, create: 1.0 };
    for (const op of Object.keys(targets) as (keyof Workloads)[]) {
      const [r, d, p] = await runInterleaved(
        [
          { name: 'mgha_raw_bolt', op: raw[op], serverCpuSeconds: mghaCpu },
          { name: 'mgha_neo4j_driver', op: viaDriver[op], serverCpuSeconds: mghaCpu },
          { name: 'postgresql', op: viaPg[op], serverCpuSeconds: postgres.serverCpuSeconds },
        ],
        load,
      );
      reportCost(op, { raw: r, driver: d, postgresql: p }, targets[op], { nodes });
    }
  } finally {
    for (const close of closers.reverse()) await close();
    postgres?.stop();
    await server?.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
