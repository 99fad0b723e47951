import { toCypher } from '../../../../operator/controller/admin.js';
import { planMembership, type Plan, type PlanInput } from '../../../../operator/controller/membership.js';
import type { KnownView } from '../../../../operator/controller/view.js';
import type { MemgraphClusterInput } from '../../../../operator/api/types.js';
import { DEFAULT_CONTEXT } from '../../../../operator/resources/context.js';
import { cluster } from '../fixtures.js';
import { edit, healthy, instance } from './views.js';

type Spec = Partial<MemgraphClusterInput['spec']>;
function plan(view: PlanInput['view'], spec: Spec = {}, extra: Partial<PlanInput> = {}): Plan {
  return planMembership({ cluster: cluster(spec), ctx: DEFAULT_CONTEXT, view, ...extra });
}
function act(p: Plan) {
  if (p.kind !== 'act') throw new Error(`expected a plan, got retry: ${p.reason}`);
  return p;
}
const cypher = (p: Plan) => act(p).actions.map(toCypher);
const empty: KnownView = { known: true, instances: [], coordinators: [] };
const d = (o: number) => `graph-data-${o}.graph-data-hl.ns.svc.cluster.local`;
const c = (o: number) => `graph-coord-${o}.graph-coord-hl.ns.svc.cluster.local`;

describe('unknown state', () => {
  test('no ready leader: retry, never a bootstrap', () => {
    expect(plan({ known: false, reason: 'leader not reachable' })).toEqual({ kind: 'retry', reason: 'leader not reachable' });
  });
});

describe('bootstrap', () => {
  test('an empty cluster: add every coordinator, register every data instance, no MAIN before one is up', () => {
    const p = act(plan(empty));
    expect(p.actions.map(toCypher)).toEqual([
      `ADD COORDINATOR 1 WITH CONFIG {"bolt_server": "${c(0)}:7687", "coordinator_server": "${c(0)}:12000", "management_server": "${c(0)}:10000"}`,
      `ADD COORDINATOR 2 WITH CONFIG {"bolt_server": "${c(1)}:7687", "coordinator_server": "${c(1)}:12000", "management_server": "${c(1)}:10000"}`,
      `ADD COORDINATOR 3 WITH CONFIG {"bolt_server": "${c(2)}:7687", "coordinator_server": "${c(2)}:12000", "management_server": "${c(2)}:10000"}`,
      `REGISTER INSTANCE \`graph-data-0\` WITH CONFIG {"bolt_server": "${d(0)}:7687", "management_server": "${d(0)}:10000", "replication_server": "${d(0)}:20000"}`,
      `REGISTER INSTANCE \`graph-data-1\` WITH CONFIG {"bolt_server": "${d(1)}:7687", "management_server": "${d(1)}:10000", "replication_server": "${d(1)}:20000"}`,
    ]);
    expect(p.waiting).toEqual(['no registered data instance is up to become MAIN']);
  });

  test('a fresh coordinator listed with an empty bolt_server is added too', () => {
    const fresh: KnownView = { ...empty, coordinators: [{ id: 1, name: 'coordinator_1', role: 'leader', health: 'up', boltServer: '' }] };
    expect(cypher(plan(fresh)).filter((q) => q.startsWith('ADD COORDINATOR'))).toHaveLength(3);
  });

  test('registered and up, no MAIN: SET the first TO MAIN', () => {
    const view = { ...healthy(), instances: [instance(0), instance(1)] };
    expect(cypher(plan(view))).toEqual(['SET INSTANCE `graph-data-0` TO MAIN']);
  });

  test('with no MAIN the most advanced instance is chosen, then SYNC over ASYNC', () => {
    const ahead = { ...healthy(), instances: [instance(0, { committedTxns: 5 }), instance(1, { committedTxns: 9 })] };
    expect(cypher(plan(ahead))).toEqual(['SET INSTANCE `graph-data-1` TO MAIN']);
    const spec: Spec = { data: { replicas: 2, instances: [{ ordinal: 0, mode: 'ASYNC' }] } };
    expect(cypher(plan({ ...healthy(), instances: [instance(0), instance(1)] }, spec))).toEqual(['SET INSTANCE `graph-data-1` TO MAIN']);
  });

  test('a down instance is never made MAIN', () => {
    const view = { ...healthy(), instances: [instance(0, { health: 'down' }), instance(1, { committedTxns: 1 })] };
    expect(cypher(plan(view))).toEqual(['SET INSTANCE `graph-data-1` TO MAIN']);
    const allDown = { ...healthy(), instances: [instance(0, { health: 'down' }), instance(1, { health: 'down' })] };
    expect(act(plan(allDown))).toMatchObject({ actions: [], waiting: ['no registered data instance is up to become MAIN'] });
  });

  test('a healthy cluster needs nothing, however often it is planned (idempotent)', () => {
    expect(plan(healthy())).toEqual({ kind: 'act', actions: [], waiting: [], drift: [] });
    expect(plan(healthy())).toEqual(plan(healthy()));
  });

  test('a MAIN that is down is still MAIN: no SET while the coordinators fail over', () => {
    expect(cypher(plan(edit(healthy(), 'graph-data-0', { health: 'down' })))).toEqual([]);
  });

  test('modes per instance reach REGISTER', () => {
    const spec: Spec = { data: { replicas: 3, instances: [{ ordinal: 2, mode: 'ASYNC' }] } };
    expect(cypher(plan(healthy(2), spec))).toEqual([
      `REGISTER INSTANCE \`graph-data-2\` AS ASYNC WITH CONFIG {"bolt_server": "${d(2)}:7687", "management_server": "${d(2)}:10000", "replication_server": "${d(2)}:20000"}`,
    ]);
  });
});

describe('fail closed', () => {
  test('two MAINs: no MAIN change, no unregister; the plan says why', () => {
    const view = edit(healthy(3), 'graph-data-1', { role: 'main' });
    const p = act(plan(view, { data: { replicas: 2 }, switchover: { target: 'graph-data-1' } }));
    expect(p.actions).toEqual([]);
    expect(p.waiting).toEqual(['graph-data-0 and graph-data-1 both claim MAIN; no MAIN change until the coordinators settle it']);
  });
});

describe('switchover', () => {
  const to1: Spec = { switchover: { target: 'graph-data-1' } };

  test('lag within bounds: DEMOTE the MAIN, SET the target TO MAIN', () => {
    const p = act(plan(healthy(), to1));
    expect(p.actions.map(toCypher)).toEqual(['DEMOTE INSTANCE `graph-data-0`', 'SET INSTANCE `graph-data-1` TO MAIN']);
    expect(p.targetMain).toBe('graph-data-1');
  });

  test('the target lags: wait', () => {
    const p = act(plan(edit(healthy(), 'graph-data-1', { lagTxns: 5 }), { switchover: { target: 'graph-data-1', maxLagTxns: 4 } }));
    expect(p.actions).toEqual([]);
    expect(p.waiting).toEqual(['switchover target graph-data-1 is 5 transactions behind (at most 4 allowed)']);
    expect(act(plan(edit(healthy(), 'graph-data-1', { lagTxns: 4 }), { switchover: { target: 'graph-data-1', maxLagTxns: 4 } })).actions).toHaveLength(2);
  });

  test('unknown lag (a SHOW INSTANCES view) is not "no lag"', () => {
    expect(act(plan(edit(healthy(), 'graph-data-1', { lagTxns: undefined }), to1)).waiting[0]).toMatch(/unknown number of transactions/);
  });

  test('target down, MAIN down, target not registered: wait', () => {
    expect(act(plan(edit(healthy(), 'graph-data-1', { health: 'down' }), to1)).waiting).toEqual(['switchover target graph-data-1 is down']);
    expect(act(plan(edit(healthy(), 'graph-data-0', { health: 'down' }), to1)).waiting).toEqual(['MAIN graph-data-0 is down; the coordinators fail over first']);
    const p = act(plan(healthy(2), { data: { replicas: 3 }, switchover: { target: 'graph-data-2' } }));
    expect(p.actions.map((a) => a.kind)).toEqual(['registerInstance']);
    expect(p.waiting).toEqual(['switchover target graph-data-2 is not registered yet']);
  });

  test('a crash between DEMOTE and SET: the next plan finishes with SET target TO MAIN', () => {
    const demoted = edit(healthy(), 'graph-data-0', { role: 'replica' });
    expect(cypher(plan(demoted, to1))).toEqual(['SET INSTANCE `graph-data-1` TO MAIN']);
  });

  test('… and if the target died meanwhile, another instance becomes MAIN: never left without one', () => {
    const demoted = edit(edit(healthy(), 'graph-data-0', { role: 'replica' }), 'graph-data-1', { health: 'down' });
    expect(cypher(plan(demoted, to1))).toEqual(['SET INSTANCE `graph-data-0` TO MAIN']);
  });

  test('already MAIN: nothing to do', () => {
    const view = edit(edit(healthy(), 'graph-data-0', { role: 'replica' }), 'graph-data-1', { role: 'main' });
    expect(cypher(plan(view, to1))).toEqual([]);
  });

  test('a completed switchover is not repeated after a later failover', () => {
    expect(cypher(plan(healthy(), to1, { switchover: { target: 'graph-data-1', phase: 'Completed' } }))).toEqual([]);
    expect(cypher(plan(healthy(), to1, { switchover: { target: 'graph-data-1', phase: 'Pending' } }))).toHaveLength(2);
  });
});

describe('scaling data instances', () => {
  test('out: register the new ones', () => {
    expect(act(plan(healthy(2), { data: { replicas: 4 } })).actions.map((a) => a.kind === 'registerInstance' && a.name)).toEqual(['graph-data-2', 'graph-data-3']);
  });

  test('in: unregister replicas beyond the spec, highest first', () => {
    expect(cypher(plan(healthy(4), { data: { replicas: 2 } }))).toEqual(['UNREGISTER INSTANCE `graph-data-3`', 'UNREGISTER INSTANCE `graph-data-2`']);
  });

  test('in, when the MAIN is scaled away: switch over first, to the least lagging replica; unregister next time', () => {
    const view = edit(edit(edit(healthy(3), 'graph-data-0', { role: 'replica', lagTxns: 3, committedTxns: 97 }), 'graph-data-2', { role: 'main' }), 'graph-data-1', { lagTxns: 0 });
    const p = act(plan(view, { data: { replicas: 2 } }));
    expect(p.actions.map(toCypher)).toEqual(['DEMOTE INSTANCE `graph-data-2`', 'SET INSTANCE `graph-data-1` TO MAIN']);
    const after = edit(edit(view, 'graph-data-2', { role: 'replica' }), 'graph-data-1', { role: 'main' });
    expect(cypher(plan(after, { data: { replicas: 2 } }))).toEqual(['UNREGISTER INSTANCE `graph-data-2`']);
  });

  test('in, with the MAIN down: wait (Memgraph unregisters only with a healthy MAIN)', () => {
    const p = act(plan(edit(healthy(3), 'graph-data-0', { health: 'down' }), { data: { replicas: 2 } }));
    expect(p.actions).toEqual([]);
    expect(p.waiting).toEqual(['graph-data-2 is unregistered once MAIN graph-data-0 is up again']);
  });

  test('in, MAIN scaled away and no replica up: wait, never unregister the MAIN', () => {
    const view = edit(edit(edit(healthy(3), 'graph-data-0', { role: 'replica', health: 'down' }), 'graph-data-1', { health: 'down' }), 'graph-data-2', { role: 'main' });
    const p = act(plan(view, { data: { replicas: 2 } }));
    expect(p.actions).toEqual([]);
    expect(p.waiting).toEqual(['MAIN graph-data-2 is being scaled away but no other instance is up to take over']);
  });

  test('an instance that is not a pod of this cluster is reported and left alone', () => {
    const view = { ...healthy(), instances: [...healthy().instances, { name: 'instance_9', role: 'replica', health: 'up' }] };
    const p = act(plan(view));
    expect(p.actions).toEqual([]);
    expect(p.drift).toEqual(['instance_9 is registered but is not a data pod of this cluster; left alone']);
  });
});

describe('scaling coordinators', () => {
  const five = (): KnownView => {
    const v = healthy();
    return { ...v, coordinators: [...v.coordinators, { id: 4, name: 'graph-coord-3', role: 'follower', health: 'up', boltServer: `${c(3)}:7687` }, { id: 5, name: 'graph-coord-4', role: 'follower', health: 'up', boltServer: `${c(4)}:7687` }] };
  };

  test('out: add the new coordinators', () => {
    expect(cypher(plan(healthy(), { coordinators: { replicas: 5 } })).map((q) => q.slice(0, 17))).toEqual(['ADD COORDINATOR 4', 'ADD COORDINATOR 5']);
  });

  test('in: remove followers beyond the spec; a leader beyond it yields first', () => {
    expect(cypher(plan(five()))).toEqual(['REMOVE COORDINATOR 5', 'REMOVE COORDINATOR 4']);
    const leaderLeaving = { ...five(), coordinators: five().coordinators.map((x) => ({ ...x, role: x.id === 5 ? 'leader' : 'follower' })) };
    const p = act(plan(leaderLeaving));
    expect(p.actions.map(toCypher)).toEqual(['YIELD LEADERSHIP']);
    expect(p.waiting).toEqual(['coordinator 5 leads; it yields before it is removed']);
  });
});

describe('external access and drift', () => {
  test('a registered bolt_server that differs from the spec is updated; new instances register with it', () => {
    const spec: Spec = {
      data: { replicas: 3 },
      externalAccess: { data: [{ ordinal: 1, boltServer: 'db1.example.com:7687' }, { ordinal: 2, boltServer: 'db2.example.com:7687' }], coordinators: [{ ordinal: 0, boltServer: 'c0.example.com:7687' }] },
    };
    const q = cypher(plan(healthy(2), spec));
    expect(q).toContain('UPDATE CONFIG FOR COORDINATOR 1 {"bolt_server": "c0.example.com:7687"}');
    expect(q).toContain('UPDATE CONFIG FOR INSTANCE `graph-data-1` {"bolt_server": "db1.example.com:7687"}');
    expect(q.find((x) => x.startsWith('REGISTER'))).toContain('"bolt_server": "db2.example.com:7687"');
    expect(q.filter((x) => x.includes('graph-data-0'))).toEqual([]);
  });

  test('a registered mode the spec changed is drift: Memgraph cannot change it in place', () => {
    const p = act(plan(healthy(), { data: { replicas: 2, instances: [{ ordinal: 1, mode: 'ASYNC' }] } }));
    expect(p.actions).toEqual([]);
    expect(p.drift).toEqual(['graph-data-1 is registered as SYNC, the spec asks for ASYNC']);
  });
});

describe('coordinator settings', () => {
  const spec: Spec = { coordinatorSettings: { instanceDownTimeoutSec: 3, instanceHealthCheckFrequencySec: 1, syncFailoverOnly: false } };

  test('unread settings: apply every one the spec sets, in a stable order', () => {
    expect(cypher(plan(healthy(), spec))).toEqual([
      "SET COORDINATOR SETTING 'instance_health_check_frequency_sec' TO '1'",
      "SET COORDINATOR SETTING 'instance_down_timeout_sec' TO '3'",
      "SET COORDINATOR SETTING 'sync_failover_only' TO 'false'",
    ]);
  });

  test('read settings: only the ones that differ (e.g. reset by an upgrade)', () => {
    const settings = { instance_health_check_frequency_sec: '1', instance_down_timeout_sec: '5', sync_failover_only: 'false' };
    expect(cypher(plan(healthy(), spec, { settings }))).toEqual(["SET COORDINATOR SETTING 'instance_down_timeout_sec' TO '3'"]);
  });
});
