// Seeded simulation runs: every step checks the Raft invariants, every history is checked for
// linearizability. RAFT_SEEDS=N runs N seeds (default a CI-sized batch); RAFT_SEED=S replays one.
import { checkKv, type KvOperation } from './linearizability.js';
import { Simulation, defaultSimOptions, type SimOptions } from './sim.js';

const only = process.env.RAFT_SEED !== undefined ? Number(process.env.RAFT_SEED) : undefined;
const count = Number(process.env.RAFT_SEEDS ?? 60);
const firstSeed = Number(process.env.RAFT_FIRST_SEED ?? 1);
const seeds = only !== undefined ? [only] : Array.from({ length: count }, (_, i) => firstSeed + i);

/** Odd seeds run five nodes, even seeds three. */
const optionsFor = (seed: number): SimOptions => ({ ...defaultSimOptions(seed), nodes: seed % 2 === 0 ? 3 : 5 });

function runSeed(opts: SimOptions): { history: KvOperation[]; error: Error | undefined } {
  const sim = new Simulation(opts);
  try {
    return { history: sim.run().history, error: undefined };
  } catch (err) {
    return { history: sim.history, error: err instanceof Error ? err : new Error(String(err)) };
  }
}

describe('raft simulation', () => {
  test(`invariants and linearizability hold over ${seeds.length} seeds`, () => {
    let ops = 0;
    for (const seed of seeds) {
      const { history, error } = runSeed(optionsFor(seed));
      if (error !== undefined) throw error;
      const lin = checkKv(history);
      if (lin.ok !== true) throw new Error(`history not linearizable (key ${lin.key}, ${String(lin.ok)}); replay with RAFT_SEED=${seed}`);
      ops += history.length;
    }
    // Enough happened for the checks to mean something.
    expect(ops).toBeGreaterThan(seeds.length * 50);
  });

  test('the checker catches reads served from local state without ReadIndex', () => {
    let caught = 0;
    for (let seed = 1; seed <= 20 && caught === 0; seed++) {
      const { history, error } = runSeed({ ...optionsFor(seed), staleReads: true });
      if (error !== undefined) throw error;
      if (checkKv(history).ok === false) caught++;
    }
    expect(caught).toBeGreaterThan(0);
  });
});

describe('linearizability checker', () => {
  const put = (client: number, value: string, call: number, ret: number): KvOperation => ({ client, input: { kind: 'put', key: 'k', value }, output: null, call, ret });
  const get = (client: number, output: string | null, call: number, ret: number): KvOperation => ({ client, input: { kind: 'get', key: 'k' }, output, call, ret });

  test('accepts a read that overlaps the write it sees', () => {
    expect(checkKv([put(0, 'a', 0, 10), get(1, 'a', 5, 6), get(2, null, 1, 2)]).ok).toBe(true);
  });

  test('rejects a stale read after a completed write', () => {
    expect(checkKv([put(0, 'a', 0, 10), get(1, null, 11, 12)]).ok).toBe(false);
  });

  test('rejects two reads that see writes in opposite orders', () => {
    const h = [put(0, 'a', 0, 100), put(1, 'b', 0, 100), get(2, 'a', 10, 20), get(3, 'b', 30, 40), get(2, 'a', 50, 60)];
    expect(checkKv(h).ok).toBe(false);
  });

  test('a write with unknown outcome may take effect late or never', () => {
    expect(checkKv([put(0, 'a', 0, Infinity), get(1, null, 5, 6), get(1, 'a', 7, 8)]).ok).toBe(true);
    expect(checkKv([put(0, 'a', 0, Infinity), get(1, null, 5, 6)]).ok).toBe(true);
    expect(checkKv([put(0, 'a', 0, Infinity), get(1, 'a', 5, 6), get(1, null, 7, 8)]).ok).toBe(false);
  });
});
