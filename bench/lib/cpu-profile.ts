// Reads a V8 .cpuprofile (node --cpu-prof) and ranks functions by self time within a time
// window: the server's profile ends when it exits, so the window is placed back from its
// end by what the benchmark's own clock saw. Shared by bench/profile.ts and
// bench/profile-replication.ts.

import fs from 'node:fs';
import path from 'node:path';

interface Profile {
  nodes: ProfileNode[];
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** The single .cpuprofile a process wrote into `dir`. */
export function profileIn(dir: string): string {
  const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no profile written in ${dir}`);
  return path.join(dir, file);
}

/**
 * Self time per function (share of non-idle samples, %) between `msBeforeEnd.from` and
 * `msBeforeEnd.to` milliseconds before the profile's end, highest first.
 */
export function topSelfTime(file: string, msBeforeEnd: { from: number; to: number }, top: number): { share: number; fn: string }[] {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const from = profile.endTime - msBeforeEnd.from * 1000;
  const to = profile.endTime - msBeforeEnd.to * 1000;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const hitsById = new Map<number, number>();
  let t = profile.endTime - profile.timeDeltas.reduce((a, b) => a + b, 0);
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (t >= from && t <= to) hitsById.set(profile.samples[i], (hitsById.get(profile.samples[i]) ?? 0) + 1);
  }
  const self = new Map<string, number>();
  let total = 0;
  for (const [id, hits] of hitsById) {
    const f = (byId.get(id) as ProfileNode).callFrame;
    if (f.functionName === '(idle)') continue; // shares of the time the process worked
    total += hits;
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + hits);
  }
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([fn, v]) => ({ share: (100 * v) / total, fn }));
}
