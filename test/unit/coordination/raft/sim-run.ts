// Local runner: node dist/test/unit/coordination/raft/sim-run.js FIRST COUNT
import { Simulation, defaultSimOptions } from './sim.js';
import { checkKv } from './linearizability.js';
const first = Number(process.argv[2] ?? 1);
const count = Number(process.argv[3] ?? 10);
const t0 = Date.now();
for (let seed = first; seed < first + count; seed++) {
  const r = new Simulation({ ...defaultSimOptions(seed), nodes: seed % 2 === 0 ? 3 : 5 }).run();
  const c = checkKv(r.history);
  if (c.ok !== true) { console.log('seed', seed, 'lin', c); process.exit(1); }
  if (count <= 10) console.log(seed, r.history.length, r.committedWrites, r.elections, r.crashes, r.membershipChanges, r.snapshotsSent);
}
console.log('ok', count, Date.now() - t0, 'ms');
