// Failover RTO of the HA cluster (issue #11): SIGKILL of the MAIN → the first write a
// neo4j:// client gets acknowledged by the new MAIN, over 3 coordinators and 3 SYNC data
// instances on loopback, 20 rounds per settings set:
// - default settings (instance_down_timeout_sec=5, instance_health_check_frequency_sec=1),
//   target p50 ≤ down-timeout + 0.5 s;
// - fast settings (instance_down_timeout_sec=1, instance_health_check_frequency_sec=1),
//   target ≤ 1.0× etcd's leader failover (heartbeat 100 ms, election timeout 1000 ms),
//   measured in the same run, rounds interleaved.
// The killed MAIN is restarted and rejoins as a replica before the next round.
//   npm run bench:failover [-- --rounds=20]
import neo4j, { type Driver } from 'neo4j-driver';
import { argNumber, report } from './lib/harness.js';
import { etcdInstalled, etcdSide, failoverRound, percentile, type Side } from './lib/etcd.js';
import type { LocalCluster } from '../dataplane/local-cluster/processes.js';
import { startTestCluster } from '../test/helpers/local-cluster.js';

const rounds = argNumber('rounds', 20);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface HaSide {
  name: string;
  downTimeoutSec: number;
  cluster: LocalCluster;
  driver: Driver;
  byAddress: Map<string, string>;
}

async function startHa(name: string, downTimeoutSec: number, healthSec: number): Promise<HaSide> {
  const { cluster } = await startTestCluster({ coordinators: 3, dataInstances: 3, mode: 'sync' });
  await cluster.bootstrap();
  const first = cluster.plan.coordinators[0].name;
  await cluster.run(first, `SET COORDINATOR SETTING 'instance_down_timeout_sec' TO '${downTimeoutSec}'`);
  await cluster.run(first, `SET COORDINATOR SETTING 'instance_health_check_frequency_sec' TO '${healthSec}'`);
  await cluster.waitForMain();
  const byAddress = new Map(cluster.plan.data.map((d) => [`${d.host}:${d.ports.bolt}`, d.name]));
  // One attempt per call: the measuring loop retries itself, every few milliseconds.
  const driver = neo4j.driver(cluster.plan.routingUri, neo4j.auth.basic('', ''), { maxTransactionRetryTime: 0, connectionTimeout: 1000 });
  return { name, downTimeoutSec, cluster, driver, byAddress };
}

/** One write; the name of the instance that acknowledged it, or null. */
async function write(side: HaSide, r: number): Promise<string | null> {
  try {
    const res = await side.driver.executeQuery('CREATE (:Rto {round: $r})', { r: neo4j.int(r) }, { routing: neo4j.routing.WRITE });
    return side.byAddress.get(res.summary.server.address ?? '') ?? null;
  } catch {
    return null;
  }
}

/** Every data instance up and SHOW INSTANCES agreeing on one MAIN. */
async function settled(side: HaSide): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const rows = await side.cluster.showInstances().catch(() => null);
    const data = rows?.filter((x) => !x.name.startsWith('coordinator_')) ?? [];
    const mains = data.filter((x) => x.role === 'main');
    if (data.length === side.cluster.plan.data.length && data.every((x) => x.health === 'up') && mains.length === 1) return mains[0].name;
    if (Date.now() > deadline) throw new Error(`${side.name}: cluster did not settle: ${JSON.stringify(rows)}`);
    await sleep(100);
  }
}

async function haRound(side: HaSide, r: number): Promise<number> {
  const main = await settled(side);
  for (let i = 0; (await write(side, r)) !== main; i++) {
    if (i > 200) throw new Error(`${side.name}: no write reached MAIN ${main} before the kill`);
    await sleep(20);
  }
  await sleep(300);
  await side.cluster.signal(main, 'SIGKILL');
  const t0 = performance.now();
  for (;;) {
    const by = await write(side, r);
    if (by !== null && by !== main) {
      const elapsed = performance.now() - t0;
      await side.cluster.start(main);
      return elapsed;
    }
    if (performance.now() - t0 > 60_000) throw new Error(`${side.name}: no write within 60 s of killing ${main}`);
    await sleep(10);
  }
}

async function main(): Promise<void> {
  report({ bench: 'failover_rto', rounds, data_instances: 3, coordinators: 3, mode: 'sync' });
  const ha = [await startHa('default', 5, 1), await startHa('fast', 1, 1)];
  let etcd: Side | null = null;
  if (etcdInstalled()) etcd = await etcdSide({ heartbeatMs: 100, electionMs: 1000 });
  else console.log('# etcd not installed (apt-get install -y etcd-server): no comparison');
  const samples = new Map<string, number[]>([...ha.map((s): [string, number[]] => [s.name, []]), ['etcd', []]]);
  try {
    for (let r = 0; r < rounds; r++) {
      // Rotating order, so the machine's load drifts over every side alike.
      const turn = [...ha.map((s) => () => haRound(s, r).then((ms) => samples.get(s.name)!.push(ms))), ...(etcd ? [() => failoverRound(etcd!, r).then((ms) => samples.get('etcd')!.push(ms))] : [])];
      for (let k = 0; k < turn.length; k++) await turn[(k + r) % turn.length]();
      console.log(`# round ${r + 1}/${rounds} done`);
    }
    for (const [name, xs] of samples) {
      if (xs.length === 0) continue;
      report({ bench: 'failover_rto', side: name, samples: xs.length, p50_ms: percentile(xs, 50), p99_ms: percentile(xs, 99), max_ms: Math.max(...xs) });
    }
    for (const s of ha) {
      const xs = samples.get(s.name)!;
      report({ bench: 'failover_rto', side: s.name, target_ms: s.downTimeoutSec * 1000 + 500, p50_vs_target: percentile(xs, 50) / (s.downTimeoutSec * 1000 + 500), p99_vs_target: percentile(xs, 99) / (s.downTimeoutSec * 1000 + 500) });
    }
    const e = samples.get('etcd')!;
    if (e.length > 0) {
      const f = samples.get('fast')!;
      report({ bench: 'failover_rto', ratio: 'fast_vs_etcd', p50: percentile(f, 50) / percentile(e, 50), p99: percentile(f, 99) / percentile(e, 99), target: 1.0 });
    }
  } finally {
    for (const s of ha) {
      await s.driver.close();
      await s.cluster.stopAll();
    }
    await etcd?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
