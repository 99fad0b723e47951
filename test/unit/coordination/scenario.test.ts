// The pure parts driven together the way the leader's loop will drive them, on a virtual
// clock: state checks every second, health, failover, Raft commands, reconciliation, and a
// model of the data instances acting on the RPCs. Memgraph's e2e failover behaviours.

import { apply, currentMain } from '../../../dataplane/coordination/cluster-state.js';
import { leaderRound } from '../../../dataplane/coordination/leader-round.js';
import { healthTable, succeeded, watch, type LivenessTable } from '../../../dataplane/coordination/health.js';
import { reconcile, type InstanceReport } from '../../../dataplane/coordination/reconcile.js';
import { routingTable } from '../../../dataplane/coordination/routing-table.js';
import { showInstances } from '../../../dataplane/coordination/show.js';
import type { ClusterState } from '../../../dataplane/coordination/types.js';
import { bootstrap, perform } from './fixtures.js';

class Sim {
  now = 0;
  liveness: LivenessTable<string> = new Map();
  alive = new Set(['instance_1', 'instance_2', 'instance_3']);
  reports = new Map<string, InstanceReport>();
  failovers = 0;
  private uuids = 1;

  constructor(public state: ClusterState) {
    for (const i of state.instances) {
      this.liveness = watch(this.liveness, i.name, 0);
      // Fresh data instances in HA mode: MAIN with writes disabled, no UUID.
      this.reports.set(i.name, { role: 'main', mainUuid: null, writingEnabled: false, deltasBatchProgressSize: 100000, replicas: [], epochId: `epoch-${i.name}`, history: [], lastCommitTs: 0 });
    }
  }

  health() {
    return healthTable(this.liveness, this.now, this.state.settings.instance_down_timeout_sec);
  }

  /** One health-check round of the leader. */
  tick(): void {
    this.now += this.state.settings.instance_health_check_frequency_sec * 1000;
    for (const name of this.alive) this.liveness = succeeded(this.liveness, name, this.now);
    const health = this.health();
    const reports = new Map([...this.reports].filter(([n]) => this.alive.has(n)));
    const round = leaderRound({
      state: this.state,
      health,
      reports,
      mainCommittedTxns: null,
      occasion: 'health_check',
      freshUuid: () => `uuid-${++this.uuids}`,
      now: this.now,
    });
    if (round.kind === 'failover') {
      this.state = apply(this.state, round.propose).state;
      this.failovers++;
      // The committed failover is reconciled in the same tick, as soon as it is applied.
      const actions = reconcile({ state: this.state, health, reports });
      this.reports = new Map([...this.reports, ...perform(reports, actions)]);
    } else if (round.kind === 'reconcile') {
      this.reports = new Map([...this.reports, ...perform(reports, round.actions)]);
    }
  }

  /** `n` commits on the MAIN, shipped to the live replicas that follow its UUID. */
  write(n: number): void {
    const main = currentMain(this.state);
    if (main === null || !this.alive.has(main.name)) throw new Error('no live MAIN');
    const m = this.reports.get(main.name) as InstanceReport;
    if (!m.writingEnabled) throw new Error('writes disabled on MAIN');
    const ts = m.lastCommitTs + n;
    this.reports.set(main.name, { ...m, lastCommitTs: ts });
    for (const r of m.replicas) {
      const rep = this.reports.get(r);
      if (rep && this.alive.has(r) && rep.mainUuid === m.mainUuid) this.reports.set(r, { ...rep, epochId: m.epochId, history: m.history, lastCommitTs: ts });
    }
  }

  roles(): [string, string, string][] {
    return showInstances({ state: this.state, leaderId: 1, coordinatorHealth: new Map(), instanceHealth: this.health() })
      .rows.slice(3)
      .map((r) => [String(r[0]), String(r[4]), String(r[5])]);
  }
}

describe('HA scenarios on a virtual clock', () => {
  test('bootstrap: reconciliation demotes the fresh instances and promotes instance_3; writes flow', () => {
    const sim = new Sim(bootstrap());
    sim.tick();
    expect(sim.reports.get('instance_3')).toMatchObject({ role: 'main', mainUuid: 'uuid-1', writingEnabled: true, replicas: ['instance_1', 'instance_2'] });
    expect(sim.reports.get('instance_1')).toMatchObject({ role: 'replica', mainUuid: 'uuid-1' });
    sim.write(3);
    expect(sim.reports.get('instance_2')?.lastCommitTs).toBe(3);
    sim.tick();
    expect(reconcile({ state: sim.state, health: sim.health(), reports: sim.reports })).toEqual([]);
  });

  test('MAIN killed: failover after instance_down_timeout_sec to the most up-to-date replica; the old MAIN returns as a replica', () => {
    const sim = new Sim(bootstrap());
    sim.tick();
    sim.write(3);
    sim.alive.delete('instance_2');
    sim.write(2); // instance_1 has 5, instance_2 stays at 3
    sim.alive.add('instance_2');
    sim.alive.delete('instance_3');
    for (let i = 0; i < 4; i++) sim.tick();
    expect(sim.failovers).toBe(0);
    expect(sim.roles()[2]).toEqual(['instance_3', 'up', 'main']);
    sim.tick(); // 5 s since the last success
    expect(sim.failovers).toBe(1);
    expect(sim.roles()).toEqual([
      ['instance_1', 'up', 'main'],
      ['instance_2', 'up', 'replica'],
      ['instance_3', 'down', 'replica'],
    ]);
    expect(routingTable({ state: sim.state, replicaLag: new Map(), db: null }).servers[0]).toEqual({ role: 'WRITE', addresses: ['localhost:7687'] });
    sim.tick();
    sim.write(1);
    expect(sim.reports.get('instance_2')?.lastCommitTs).toBe(6);
    sim.alive.add('instance_3');
    sim.tick();
    expect(sim.reports.get('instance_3')).toMatchObject({ role: 'replica', mainUuid: 'uuid-2' });
    expect(sim.reports.get('instance_1')?.replicas).toEqual(['instance_2', 'instance_3']);
    expect(sim.roles()[2]).toEqual(['instance_3', 'up', 'replica']);
  });

  test('every data instance down: no failover; the MAIN shows down / main and comes back as MAIN', () => {
    const sim = new Sim(bootstrap());
    sim.tick();
    sim.write(2);
    sim.alive.clear();
    for (let i = 0; i < 10; i++) sim.tick();
    expect(sim.failovers).toBe(0);
    expect(sim.roles()).toEqual([
      ['instance_1', 'down', 'replica'],
      ['instance_2', 'down', 'replica'],
      ['instance_3', 'down', 'main'],
    ]);
    // Restarted: the MAIN comes back with writes disabled until it is promoted again.
    sim.reports.set('instance_3', { ...(sim.reports.get('instance_3') as InstanceReport), writingEnabled: false });
    for (const n of ['instance_1', 'instance_2', 'instance_3']) sim.alive.add(n);
    sim.tick();
    expect(sim.failovers).toBe(0);
    expect(sim.reports.get('instance_3')).toMatchObject({ role: 'main', writingEnabled: true, mainUuid: 'uuid-1' });
    sim.write(1);
  });

  test('faster settings: instance_down_timeout_sec=1 fails over at the first missed check', () => {
    const sim = new Sim(apply(bootstrap(), { kind: 'SetCoordinatorSetting', name: 'instance_down_timeout_sec', value: '1' }).state);
    sim.tick();
    sim.alive.delete('instance_3');
    sim.tick();
    expect(sim.failovers).toBe(1);
    expect(currentMain(sim.state)?.name).toBe('instance_1');
  });
});
