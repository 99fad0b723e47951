// Coordinators as Memgraph users meet them (reference §3.2–§3.4, memgraph-e2e-behaviours.md
// HA sections): 3 real coordinator processes and 3 data instances on 127.0.0.1,
// bootstrapped with Memgraph's queries; SHOW statements with Memgraph's columns, settings,
// refusals with Memgraph's exact texts, forwarding from followers, /v1/cluster, and the
// Raft side: the leader killed, every coordinator restarted, no quorum.
import { helloAndRoute } from '../helpers/bolt-route.js';
import { HaCluster, waitFor } from '../helpers/ha-cluster.js';

const CLIENT_ERROR = 'Memgraph.ClientError.MemgraphError.MemgraphError';

let c: HaCluster;

beforeAll(async () => {
  c = await HaCluster.start({ coordinators: 3, data: 3, settings: { instance_down_timeout_sec: '2' }, extraArgs: ['--coordinator-routing-ttl-sec=7'] });
  await c.waitMain({ also: (rows) => rows.every((r) => r.health === 'up') });
}, 60_000);

afterAll(async () => {
  if (c !== undefined) await c.close();
});

const names = (rows: Record<string, unknown>[]): unknown[][] => rows.map((r) => [r.name, r.health, r.role]);

test('SHOW INSTANCES: 7 columns, coordinators first, then data instances with their Raft role; the same on a follower', async () => {
  const r = await c.run('coordinator_1', 'SHOW INSTANCES');
  expect(r.records[0].keys).toEqual(['name', 'bolt_server', 'coordinator_server', 'management_server', 'health', 'role', 'last_succ_resp_ms']);
  const expected = [
    ['coordinator_1', 'up', 'leader'],
    ['coordinator_2', 'up', 'follower'],
    ['coordinator_3', 'up', 'follower'],
    ['instance_1', 'up', 'main'],
    ['instance_2', 'up', 'replica'],
    ['instance_3', 'up', 'replica'],
  ];
  const leaderView = await c.showInstances('coordinator_1');
  expect(names(leaderView.rows)).toEqual(expected);
  expect(names((await c.showInstances('coordinator_3')).rows)).toEqual(expected);
  const i2 = c.node('instance_2');
  expect(leaderView.rows[4]).toMatchObject({
    bolt_server: `127.0.0.1:${i2.ports.bolt}`,
    coordinator_server: '',
    management_server: `127.0.0.1:${i2.ports.management}`,
  });
  const c2 = c.node('coordinator_2');
  expect(leaderView.rows[1]).toMatchObject({
    bolt_server: `127.0.0.1:${c2.ports.bolt}`,
    coordinator_server: `127.0.0.1:${c2.ports.cluster}`,
    management_server: `127.0.0.1:${c2.ports.management}`,
  });
  expect(leaderView.rows[0].last_succ_resp_ms).toBe(0);
  for (const row of leaderView.rows) expect(typeof row.last_succ_resp_ms).toBe('number');
});

test('SHOW INSTANCE answers for the coordinator asked', async () => {
  const c3 = c.node('coordinator_3');
  expect((await c.run('coordinator_3', 'SHOW INSTANCE')).rows).toEqual([
    ['coordinator_3', `127.0.0.1:${c3.ports.bolt}`, `127.0.0.1:${c3.ports.cluster}`, `127.0.0.1:${c3.ports.management}`, 'follower'],
  ]);
  expect((await c.run('coordinator_1', 'SHOW INSTANCE')).rows[0][4]).toBe('leader');
});

test('coordinator settings: Memgraph defaults, SET on a follower is forwarded and seen everywhere, exact refusals', async () => {
  const settings = await c.run('coordinator_2', 'SHOW COORDINATOR SETTINGS');
  expect(settings.records[0].keys).toEqual(['setting_name', 'setting_value']);
  expect(settings.rows).toEqual([
    ['enabled_reads_on_main', 'false'],
    ['sync_failover_only', 'true'],
    ['max_failover_replica_lag', '18446744073709551615'],
    ['max_replica_read_lag', '18446744073709551615'],
    ['deltas_batch_progress_size', '100000'],
    ['instance_down_timeout_sec', '2'],
    ['instance_health_check_frequency_sec', '1'],
    ['global_read_only', 'false'],
  ]);
  await c.run('coordinator_3', "SET COORDINATOR SETTING 'max_replica_read_lag' TO '10'");
  for (const n of ['coordinator_1', 'coordinator_2', 'coordinator_3']) {
    await waitFor(`the setting on ${n}`, async () => {
      const rows = (await c.run(n, 'SHOW COORDINATOR SETTINGS')).rows;
      return rows.some((r) => r[0] === 'max_replica_read_lag' && r[1] === '10') ? true : undefined;
    });
  }
  expect(await c.error('coordinator_2', "SET COORDINATOR SETTING 'no_such_setting' TO '1'")).toEqual({
    code: CLIENT_ERROR,
    message: "Setting no_such_setting doesn't exist on coordinators.",
  });
  expect((await c.error('coordinator_1', "SET COORDINATOR SETTING 'global_read_only' TO 'maybe'")).message).toBe(
    'Invalid argument detected while trying to update setting global_read_only',
  );
  expect((await c.error('coordinator_3', "SET COORDINATOR SETTING 'instance_health_check_frequency_sec' TO '0'")).message).toBe(
    'Invalid argument detected while trying to update setting instance_health_check_frequency_sec',
  );
});

test("refusals with Memgraph's texts, on the leader and forwarded from followers", async () => {
  const i1 = c.node('instance_1');
  const duplicate = `REGISTER INSTANCE instance_1 WITH CONFIG {'bolt_server': '127.0.0.1:1', 'management_server': '127.0.0.1:2', 'replication_server': '127.0.0.1:3'}`;
  expect(await c.error('coordinator_1', duplicate)).toEqual({ code: CLIENT_ERROR, message: "Couldn't register replica instance since instance with such name already exists!" });
  const sameManagement = `REGISTER INSTANCE instance_9 WITH CONFIG {'bolt_server': '127.0.0.1:1', 'management_server': '127.0.0.1:${i1.ports.management}', 'replication_server': '127.0.0.1:3'}`;
  expect((await c.error('coordinator_2', sameManagement)).message).toBe("Couldn't register replica instance since instance with such management server already exists!");
  expect((await c.error('coordinator_3', 'SET INSTANCE instance_2 TO MAIN')).message).toBe("Couldn't set instance to main since there is already a main instance in cluster!");
  expect((await c.error('coordinator_2', 'UNREGISTER INSTANCE instance_1')).message).toBe(
    "Alive main instance can't be unregistered! Shut it down to trigger failover and then unregister it!",
  );
  expect((await c.error('coordinator_1', c.addCoordinatorQuery(c.node('coordinator_2')))).message).toBe("Couldn't add coordinator since instance with such id already exists!");
  expect((await c.error('coordinator_2', 'REMOVE COORDINATOR 1')).message).toBe('Request for removing coordinator 1 failed because the current leader cannot be removed!');
  expect((await c.error('coordinator_1', 'DEMOTE INSTANCE instance_2')).message).toBe('Instance instance_2 is already a replica!');
  expect((await c.error('coordinator_3', 'DEMOTE INSTANCE nobody')).message).toBe('No instance with such name!');
  for (const q of ['MATCH (n) RETURN n', 'CREATE (:X)', 'SHOW REPLICAS', 'SHOW REPLICATION ROLE']) {
    expect(await c.error('coordinator_2', q)).toEqual({ code: CLIENT_ERROR, message: 'Coordinator can run only coordinator queries!' });
  }
  expect(await c.error('instance_2', 'SHOW INSTANCES')).toEqual({ code: CLIENT_ERROR, message: 'Only coordinator can run SHOW INSTANCES.' });
  expect((await c.error('instance_1', duplicate)).message).toBe('Only coordinator can register coordinator server!');
  expect((await c.error('instance_1', 'SHOW INSTANCE')).message).toBe('Only coordinator can run SHOW INSTANCE query.');
});

test('REGISTER and UNREGISTER INSTANCE through a follower, with Memgraph\'s notifications', async () => {
  const query = `REGISTER INSTANCE extra AS ASYNC WITH CONFIG {'bolt_server': '127.0.0.1:9', 'management_server': '127.0.0.1:10', 'replication_server': '127.0.0.1:11'}`;
  const registered = await c.run('coordinator_2', query);
  expect(registered.notifications).toEqual([
    { code: 'RegisterReplicationInstance', title: 'Coordinator has registered replication instance on 127.0.0.1:9 for instance extra.', severity: 'INFO' },
  ]);
  const rows = (await c.showInstances('coordinator_1')).rows;
  expect(rows.map((r) => r.name)).toContain('extra');
  expect(rows.find((r) => r.name === 'extra')).toMatchObject({ role: 'replica', bolt_server: '127.0.0.1:9' });
  const unregistered = await c.run('coordinator_3', 'UNREGISTER INSTANCE extra');
  expect(unregistered.notifications).toEqual([{ code: 'UnregisterInstance', title: 'Coordinator has unregistered instance extra.', severity: 'INFO' }]);
  expect((await c.showInstances('coordinator_1')).rows.map((r) => r.name)).not.toContain('extra');
});

test('Bolt ROUTE on a follower: WRITE = MAIN, READ = replicas, ROUTE = coordinators, the configured TTL', async () => {
  const [hello, route] = await helloAndRoute(c.node('coordinator_3').ports.bolt);
  expect(hello.tag).toBe(0x70);
  expect(route.tag).toBe(0x70);
  const rt = (route.fields[0] as Map<string, Map<string, unknown>>).get('rt');
  expect(rt?.get('ttl')).toBe(7n);
  const servers = (rt?.get('servers') as Map<string, unknown>[]).map((m) => [m.get('role'), m.get('addresses')]);
  const bolt = (n: string): string => `127.0.0.1:${c.node(n).ports.bolt}`;
  expect(servers).toEqual(
    expect.arrayContaining([
      ['WRITE', [bolt('instance_1')]],
      ['READ', [bolt('instance_2'), bolt('instance_3')]],
      ['ROUTE', ['coordinator_1', 'coordinator_2', 'coordinator_3'].map(bolt)],
    ]),
  );
});

test('SHOW ROUTING TABLE and SHOW REPLICATION LAG', async () => {
  const [i1, i2, i3] = ['instance_1', 'instance_2', 'instance_3'].map((n) => c.node(n));
  const routing = await c.run('coordinator_3', 'SHOW ROUTING TABLE');
  expect(routing.records[0].keys).toEqual(['role', 'servers']);
  expect(routing.rows).toEqual([
    ['WRITE', [`127.0.0.1:${i1.ports.bolt}`]],
    ['READ', [`127.0.0.1:${i2.ports.bolt}`, `127.0.0.1:${i3.ports.bolt}`]],
    ['ROUTE', c.coordinators.map((n) => `127.0.0.1:${n.ports.bolt}`)],
  ]);
  await c.run('instance_1', 'CREATE (:Lag), (:Lag), (:Lag)');
  const lag = await waitFor('replication lag with the write', async () => {
    const r = await c.run('coordinator_2', 'SHOW REPLICATION LAG');
    const main = r.rows.find((x) => x[0] === 'instance_1') as [string, Record<string, Record<string, number>>] | undefined;
    return main !== undefined && main[1].memgraph.num_committed_txns >= 1 ? r : undefined;
  });
  expect(lag.records[0].keys).toEqual(['instance_name', 'data_info']);
  expect(lag.rows.map((r) => r[0])).toEqual(['instance_1', 'instance_2', 'instance_3']);
  expect(lag.rows[0][1]).toEqual({ memgraph: { num_committed_txns: expect.any(Number), num_txns_behind_main: 0 } });
});

test('/v1/cluster on a follower matches the leader, and FORCE RESET / YIELD LEADERSHIP keep the MAIN', async () => {
  type Doc = { version: number; ready: boolean; main: string | null; leader: { id: number } | null; instances: { name: string; role: string; health: string }[] };
  const get = async (name: string): Promise<Doc> => (await (await fetch(`http://127.0.0.1:${c.node(name).ports.metrics}/v1/cluster`)).json()) as Doc;
  const onFollower = await get('coordinator_2');
  expect(onFollower).toMatchObject({ ready: true, main: 'instance_1', leader: { id: 1 } });
  expect(onFollower.instances.map((i) => [i.name, i.role, i.health])).toEqual([
    ['instance_1', 'main', 'up'],
    ['instance_2', 'replica', 'up'],
    ['instance_3', 'replica', 'up'],
  ]);
  const reset = await c.run('coordinator_3', 'FORCE RESET CLUSTER STATE');
  expect(reset.notifications).toEqual([{ code: 'ForceResetClusterState', title: 'Coordinator has force reset cluster state.', severity: 'INFO' }]);
  const yielded = await c.run('coordinator_1', 'YIELD LEADERSHIP');
  expect(yielded.notifications).toEqual([{ code: 'YieldLeadership', title: 'The coordinator has tried to yield the current leadership.', severity: 'INFO' }]);
  const leader = await waitFor('another leader', async () => {
    const l = await c.waitLeader();
    return l === 'coordinator_1' ? undefined : l;
  });
  expect(await c.waitMain()).toBe('instance_1');
  expect((await get(leader)).main).toBe('instance_1');
});

test('the leader killed: another coordinator leads with the state intact; the dead one is down/follower', async () => {
  const old = await c.waitLeader();
  await c.kill(old);
  const leader = await c.waitLeader([old]);
  expect(leader).not.toBe(old);
  const rows = await waitFor('the old leader shown down', async () => {
    const r = (await c.showInstances(leader)).rows;
    return r.find((x) => x.name === old)?.health === 'down' ? r : undefined;
  });
  expect(rows.find((x) => x.name === old)?.role).toBe('follower');
  expect(rows.find((x) => x.name === leader)?.role).toBe('leader');
  expect(rows.filter((x) => String(x.name).startsWith('instance_')).map((x) => [x.name, x.role])).toEqual([
    ['instance_1', 'main'],
    ['instance_2', 'replica'],
    ['instance_3', 'replica'],
  ]);
  // A change commits with two of three.
  await c.run(leader, "SET COORDINATOR SETTING 'enabled_reads_on_main' TO 'true'");
  await c.restart(old);
  await waitFor('the restarted coordinator catches up', async () => {
    const r = await c.run(old, 'SHOW COORDINATOR SETTINGS');
    return r.rows.some((x) => x[0] === 'enabled_reads_on_main' && x[1] === 'true') ? true : undefined;
  });
});

test('every coordinator restarted: the cluster state survives', async () => {
  for (const n of c.coordinators) await c.kill(n.name);
  for (const n of c.coordinators) await c.restart(n.name);
  const main = await c.waitMain({ also: (rows) => rows.length === 6 && rows.every((r) => r.health === 'up') });
  expect(main).toBe('instance_1');
  const rows = (await c.run(await c.waitLeader(), 'SHOW COORDINATOR SETTINGS')).rows;
  expect(rows).toContainEqual(['max_replica_read_lag', '10']);
  expect(rows).toContainEqual(['enabled_reads_on_main', 'true']);
});

test('no quorum: a follower answers SHOW INSTANCES with zero rows and LeaderNotReachable, changes fail', async () => {
  const leader = await c.waitLeader();
  const others = c.coordinators.map((n) => n.name).filter((n) => n !== leader);
  await c.kill(leader);
  await c.kill(others[1]);
  const alone = others[0];
  const r = await waitFor('no leader', async () => {
    const x = await c.run(alone, 'SHOW INSTANCES');
    return x.rows.length === 0 ? x : undefined;
  });
  expect(r.notifications).toEqual([
    { code: 'LeaderNotReachable', title: "Couldn't reach the leader coordinator, so the state of the cluster is unknown. Please retry the query.", severity: 'WARNING' },
  ]);
  const refused = await c.error(alone, "REGISTER INSTANCE late WITH CONFIG {'bolt_server': '127.0.0.1:1', 'management_server': '127.0.0.1:2', 'replication_server': '127.0.0.1:3'}");
  expect(refused.message).toMatch(/^Couldn't register replica instance since coordinator is not a leader!|^Tried to forward the request to the current leader but the leader couldn't be found!$/);
  const doc = (await (await fetch(`http://127.0.0.1:${c.node(alone).ports.metrics}/v1/cluster`)).json()) as { ready: boolean };
  expect(doc.ready).toBe(false);
  await c.restart(leader);
  await c.restart(others[1]);
  await c.waitMain();
});

test('UPDATE CONFIG FOR INSTANCE moves its bolt_server in SHOW INSTANCES and routing; REMOVE COORDINATOR drops a follower, ADD COORDINATOR takes it back', async () => {
  const leader = await c.waitLeader();
  const i3 = c.node('instance_3');
  await c.run(leader, "UPDATE CONFIG FOR INSTANCE instance_3 {'bolt_server': 'localhost:1'}");
  expect((await c.showInstances(leader)).rows.find((r) => r.name === 'instance_3')?.bolt_server).toBe('localhost:1');
  const follower = c.coordinators.map((n) => n.name).find((n) => n !== leader) ?? '';
  const read = (await c.run(follower, 'SHOW ROUTING TABLE')).rows.find((r) => r[0] === 'READ')?.[1];
  expect(read).toContain('localhost:1');
  await c.run(leader, `UPDATE CONFIG FOR INSTANCE instance_3 {'bolt_server': '127.0.0.1:${i3.ports.bolt}'}`);

  const removed = c.coordinators.find((n) => n.name !== leader && n.name !== follower);
  if (removed === undefined) throw new Error('no third coordinator');
  const r = await c.run(follower, `REMOVE COORDINATOR ${removed.id}`);
  expect(r.notifications).toEqual([{ code: 'RemoveCoordinatorInstance', title: `Coordinator ${removed.id} has been removed.`, severity: 'INFO' }]);
  expect((await c.showInstances(leader)).rows.map((x) => x.name)).not.toContain(removed.name);
  const text = await waitFor('two voters', async () => {
    const t = await (await fetch(`http://127.0.0.1:${c.node(leader).ports.metrics}/metrics`)).text();
    return /^mgha_raft_voters 2$/m.test(t) ? t : undefined;
  });
  expect(text).toMatch(/^mgha_raft_is_leader 1$/m);
  expect((await c.error(leader, `REMOVE COORDINATOR ${removed.id}`)).message).toBe(`Couldn't remove coordinator instance because coordinator with id ${removed.id} doesn't exist!`);

  // Added back under the same id (its process kept running): a voter again, following the leader's log.
  await c.run(leader, c.addCoordinatorQuery(removed));
  await c.waitVoters(3);
  await c.run(leader, "SET COORDINATOR SETTING 'instance_health_check_frequency_sec' TO '2'");
  await waitFor('the re-added coordinator applies new entries', async () => {
    const settings = (await c.run(removed.name, 'SHOW COORDINATOR SETTINGS')).rows;
    return settings.some((r) => r[0] === 'instance_health_check_frequency_sec' && r[1] === '2') ? true : undefined;
  });
  expect(names((await c.showInstances(removed.name)).rows).find((r) => r[0] === removed.name)).toEqual([removed.name, 'up', 'follower']);
});
