// Closed-loop load harness shared by every benchmark: `clients` workers each await one
// operation at a time for `seconds`; repeated `trials` times, the median is reported.
// Both sides of a comparison go through this same function, so the ratio compares
// servers, not harnesses.

export interface TrialResult {
  ops: number;
  seconds: number;
  opsPerSec: number;
  /** Server CPU per operation in µs, when the load said how to read the server's CPU. */
  cpuUsPerOp?: number;
}

export interface LoadResult {
  name: string;
  clients: number;
  trials: TrialResult[];
  medianOpsPerSec: number;
  /** Median of the trials' server CPU per operation (µs), when measured. */
  medianCpuUsPerOp?: number;
}

export type Operation = (client: number, i: number) => Promise<void>;

export async function runLoad(
  name: string,
  op: Operation,
  options: { clients: number; seconds: number; trials: number; warmupSeconds?: number },
): Promise<LoadResult> {
  if ((options.warmupSeconds ?? 0) > 0) await runTrial(op, options.clients, options.warmupSeconds ?? 0);
  const trials: TrialResult[] = [];
  for (let t = 0; t < options.trials; t++) trials.push(await runTrial(op, options.clients, options.seconds));
  return { name, clients: options.clients, trials, medianOpsPerSec: median(trials.map((t) => t.opsPerSec)) };
}

/**
 * Runs several loads in turns (one trial of each, in an order that rotates every round)
 * so that the machine's drift over the run lands on every side alike; for comparisons of
 * configurations on a noisy machine. Returns each load's result, in the order given.
 */
export async function runInterleaved(
  loads: { name: string; op: Operation; serverCpuSeconds?: () => number }[],
  options: { clients: number; seconds: number; trials: number; warmupSeconds?: number },
): Promise<LoadResult[]> {
  if ((options.warmupSeconds ?? 0) > 0) {
    for (const l of loads) await runTrial(l.op, options.clients, options.warmupSeconds ?? 0);
  }
  const trials: TrialResult[][] = loads.map(() => []);
  for (let t = 0; t < options.trials; t++) {
    for (let k = 0; k < loads.length; k++) {
      const i = (k + t) % loads.length;
      const cpu = loads[i].serverCpuSeconds;
      const before = cpu?.() ?? 0;
      const trial = await runTrial(loads[i].op, options.clients, options.seconds);
      if (cpu !== undefined) trial.cpuUsPerOp = ((cpu() - before) * 1e6) / trial.ops;
      trials[i].push(trial);
    }
  }
  return loads.map((l, i) => {
    const cpu = trials[i].map((x) => x.cpuUsPerOp).filter((x): x is number => x !== undefined);
    return {
      name: l.name,
      clients: options.clients,
      trials: trials[i],
      medianOpsPerSec: median(trials[i].map((x) => x.opsPerSec)),
      ...(cpu.length > 0 ? { medianCpuUsPerOp: median(cpu) } : {}),
    };
  });
}

/** Median over rounds of a/b, pairing the trials of one round (runInterleaved). */
export function pairedRatio(a: LoadResult, b: LoadResult): number {
  return median(a.trials.map((t, i) => t.opsPerSec / b.trials[i].opsPerSec));
}

async function runTrial(op: Operation, clients: number, seconds: number): Promise<TrialResult> {
  const deadline = performance.now() + seconds * 1000;
  let ops = 0;
  const start = performance.now();
  const worker = async (c: number): Promise<void> => {
    for (let i = 0; performance.now() < deadline; i++) {
      await op(c, i);
      ops++;
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, c) => worker(c)));
  const elapsed = (performance.now() - start) / 1000;
  return { ops, seconds: elapsed, opsPerSec: ops / elapsed };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** One machine-readable line per figure: `BENCH name=value unit=… key=value…`. */
export function report(fields: Record<string, string | number>): void {
  const parts = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'number' ? round(v) : v}`);
  console.log(`BENCH ${parts.join(' ')}`);
}

function round(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3);
}

export function argNumber(name: string, fallback: number): number {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (!hit) return fallback;
  const v = Number(hit.slice(name.length + 3));
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}
