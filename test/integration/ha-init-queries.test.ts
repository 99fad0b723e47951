// MEMGRAPH_HA_CLUSTER_INIT_QUERIES (reference §3.1): a file of setup queries a coordinator
// runs at start. The same file is given to every coordinator (as one environment for the
// whole deployment): only coordinator 1, whose own ADD COORDINATOR it holds first, founds
// the cluster; the others wait to be added and then find everything already done.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import neo4j from 'neo4j-driver';
import { clusterPlan } from '../../dataplane/local-cluster/plan.js';
import { LocalCluster } from '../../dataplane/local-cluster/processes.js';
import { freePortBlocks } from '../helpers/local-cluster.js';
import { mainJs } from '../helpers/server.js';
import { waitFor } from '../helpers/ha-cluster.js';

test('every coordinator given the bootstrap file: one cluster, a MAIN, writes through neo4j://', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-init-'));
  const plan = clusterPlan({
    coordinators: 3,
    dataInstances: 2,
    host: '127.0.0.1',
    baseDirectory: dir,
    ports: await freePortBlocks(5),
    mode: 'sync',
    extraArgs: ['--log-level=WARNING', '--storage-snapshot-on-exit=false'],
  });
  const file = path.join(dir, 'init.cypherl');
  fs.writeFileSync(file, `// Memgraph's bootstrap\n${plan.bootstrap.map((q) => `${q};`).join('\n')}\n`);
  const cluster = new LocalCluster(plan, { mainJs, env: { MEMGRAPH_HA_CLUSTER_INIT_QUERIES: file } });
  try {
    await cluster.startAll();
    const rows = await waitFor(
      'the cluster set up by the init queries',
      async () => {
        const r = await cluster.showInstances('coordinator_3');
        return r !== null && r.length === 5 && r.every((x) => x.health === 'up') && r.some((x) => x.role === 'main') ? r : undefined;
      },
      40_000,
      250,
    );
    expect(rows.map((r) => [r.name, r.role])).toEqual([
      ['coordinator_1', 'leader'],
      ['coordinator_2', 'follower'],
      ['coordinator_3', 'follower'],
      ['instance_1', 'main'],
      ['instance_2', 'replica'],
    ]);
    const driver = neo4j.driver(plan.routingUri, neo4j.auth.basic('', ''));
    try {
      await driver.executeQuery('CREATE (:Init)', {}, { routing: neo4j.routing.WRITE });
      const { records } = await driver.executeQuery('MATCH (n:Init) RETURN count(n) AS n', {}, { routing: neo4j.routing.WRITE });
      expect(records[0].get('n').toNumber()).toBe(1);
    } finally {
      await driver.close();
    }
  } finally {
    await cluster.stopAll(2000);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 90_000);
