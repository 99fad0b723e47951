// Single-node CREATE, indexed point lookup and 1-hop expansion per second on a 100k-node
// graph: mgha through neo4j-driver against PostgreSQL through `pg` doing the equivalent
// INSERT / primary-key SELECT / join, 16 concurrent clients on both sides, same harness.
// PostgreSQL runs at mgha's durability in this run (no WAL yet): fsync and
// synchronous_commit off.
//
// mgha is measured twice: with a light raw Bolt client (pre-framed requests, the server's
// own PackStream codec; comparable in client cost to `pg`) — the ratio against PostgreSQL
// uses this one — and with neo4j-driver, whose client-side CPU (~0.9 ms per auto-commit
// query on this machine) shares the 2 cores with the server and caps what it can show.
//
//   node dist/bench/graph-ops.js [--nodes=100000] [--seconds=5] [--trials=3] [--clients=16]

import neo4j, { type Session } from 'neo4j-driver';
import pg from 'pg';
import { startServer } from '../test/helpers/server.js';
import { argNumber, report, runLoad, type LoadResult } from './lib/harness.js';
import { connectPg, pgInsertLoad, startPostgres } from './lib/postgres.js';
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

async function benchMgha(): Promise<{ raw: Record<string, LoadResult>; driver: Record<string, LoadResult> }> {
  const server = await startServer([]);
  const driver = neo4j.driver(server.boltUrl, neo4j.auth.basic('', ''), { maxConnectionPoolSize: clients + 2 });
  try {
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
    const raw: Record<string, LoadResult> = {};
    const conns = await Promise.all(Array.from({ length: clients }, () => RawBoltConnection.open(server.boltPort)));
    // RUN+PULL is answered by SUCCESS, RECORD×rows, SUCCESS.
    raw.point_lookup = await runLoad('mgha_raw_bolt', async (c) => {
      const r = await conns[c].request(encodeRunPullWith('MATCH (n:N {id: $id}) RETURN n.name AS name', params([['id', BigInt(randomId())]])), 2);
      if (r.records !== 1) throw new Error('point lookup returned no row');
    }, load);
    raw.one_hop = await runLoad('mgha_raw_bolt', async (c) => {
      const r = await conns[c].request(encodeRunPullWith('MATCH (:N {id: $id})-[:E]->(b) RETURN b.id AS id', params([['id', BigInt(randomId())]])), 2);
      if (r.records !== fanout) throw new Error(`1-hop returned ${r.records} rows`);
    }, load);
    let rawSeq = 1_000_000_000;
    raw.create = await runLoad('mgha_raw_bolt', async (c) => {
      const i = rawSeq++;
      await conns[c].request(encodeRunPullWith('CREATE (:M {id: $id, name: $name})', params([['id', BigInt(i)], ['name', `m${i}`]])), 2);
    }, load);
    conns.forEach((c) => c.close());

    const sessions: Session[] = Array.from({ length: clients }, () => driver.session());
    const results: Record<string, LoadResult> = {};
    results.point_lookup = await runLoad('mgha_neo4j_driver', async (c) => {
      const r = await sessions[c].run('MATCH (n:N {id: $id}) RETURN n.name AS name', { id: neo4j.int(randomId()) });
      if (r.records.length !== 1) throw new Error('point lookup returned no row');
    }, load);
    results.one_hop = await runLoad('mgha_neo4j_driver', async (c) => {
      const r = await sessions[c].run('MATCH (:N {id: $id})-[:E]->(b) RETURN b.id AS id', { id: neo4j.int(randomId()) });
      if (r.records.length !== fanout) throw new Error(`1-hop returned ${r.records.length} rows`);
    }, load);
    let seq = 0;
    results.create = await runLoad('mgha_neo4j_driver', async (c) => {
      await sessions[c].run('CREATE (:M {id: $id, name: $name})', { id: neo4j.int(seq), name: `m${seq++}` });
    }, load);
    await Promise.all(sessions.map((s) => s.close()));
    const created = await driver.executeQuery('MATCH (m:M) RETURN count(m) AS c');
    const expectedCreated = seq + (rawSeq - 1_000_000_000);
    if (created.records[0].get('c').toNumber() !== expectedCreated) throw new Error('raw CREATE count mismatch');
    return { raw, driver: results };
  } finally {
    await driver.close();
    await server.stop();
  }
}

async function benchPostgres(): Promise<Record<string, LoadResult>> {
  const server = await startPostgres({ durable: false });
  const connect = (): Promise<pg.Client> => connectPg(server);
  const admin = await connect();
  try {
    await admin.query('CREATE TABLE n (id bigint PRIMARY KEY, name text)');
    await admin.query('CREATE TABLE e (src bigint NOT NULL, dst bigint NOT NULL)');
    await admin.query('CREATE TABLE m (id bigint, name text)');
    await admin.query(`INSERT INTO n SELECT i, 'n' || i FROM generate_series(0, ${nodes - 1}) AS i`);
    await admin.query(
      `INSERT INTO e SELECT i, (i * 7919 + k * 104729 + 1) % ${nodes} FROM generate_series(0, ${nodes - 1}) AS i, generate_series(0, ${fanout - 1}) AS k`,
    );
    await admin.query('CREATE INDEX e_src ON e (src)');
    await admin.query('ANALYZE');
    const conns = await Promise.all(Array.from({ length: clients }, connect));
    const results: Record<string, LoadResult> = {};
    results.point_lookup = await runLoad('postgresql', async (c) => {
      const r = await conns[c].query({ name: 'point', text: 'SELECT name FROM n WHERE id = $1', values: [randomId()] });
      if (r.rowCount !== 1) throw new Error('point lookup returned no row');
    }, load);
    results.one_hop = await runLoad('postgresql', async (c) => {
      const r = await conns[c].query({ name: 'hop', text: 'SELECT b.id FROM e JOIN n b ON b.id = e.dst WHERE e.src = $1', values: [randomId()] });
      if (r.rowCount !== fanout) throw new Error(`1-hop returned ${r.rowCount} rows`);
    }, load);
    results.create = await pgInsertLoad('postgresql', conns, load);
    await Promise.all(conns.map((c) => c.end()));
    return results;
  } finally {
    await admin.end();
    server.stop();
  }
}

async function main(): Promise<void> {
  const mgha = await benchMgha();
  const postgres = await benchPostgres();
  const targets: Record<string, number> = { point_lookup: 1.0, one_hop: 1.0, create: 0.7 };
  for (const op of Object.keys(targets)) {
    report({ bench: op, side: 'mgha_raw_bolt', clients, nodes, median_ops_per_sec: mgha.raw[op].medianOpsPerSec });
    report({ bench: op, side: 'mgha_neo4j_driver', clients, nodes, median_ops_per_sec: mgha.driver[op].medianOpsPerSec });
    report({ bench: op, side: 'postgresql', clients, nodes, median_ops_per_sec: postgres[op].medianOpsPerSec });
    report({
      bench: op,
      ratio_vs_postgresql: mgha.raw[op].medianOpsPerSec / postgres[op].medianOpsPerSec,
      driver_ratio_vs_postgresql: mgha.driver[op].medianOpsPerSec / postgres[op].medianOpsPerSec,
      target: targets[op],
    });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
