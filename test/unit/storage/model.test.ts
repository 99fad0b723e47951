// Randomised check of snapshot isolation against a naive model: every model transaction
// deep-copies the committed graph at begin, applies its own operations to the copy, and
// replays its operation log onto the committed graph at commit. Conflicts are whatever
// the storage reports; a wrongly allowed conflicting write shows up as a divergence
// (or as a replay onto an object that no longer exists).

import { InMemoryStorage } from '../../../dataplane/storage/storage.js';
import { Codes, MghaError } from '../../../dataplane/errors.js';
import type { StorageTransaction } from '../../../dataplane/storage/types.js';
import type { Value } from '../../../dataplane/values/model.js';

interface MVertex {
  labels: string[];
  props: Map<string, Value>;
}
interface MEdge {
  from: number;
  to: number;
  type: string;
  props: Map<string, Value>;
}
interface Graph {
  vertices: Map<number, MVertex>;
  edges: Map<number, MEdge>;
}
type Op =
  | { op: 'cv'; gid: number }
  | { op: 'dv'; gid: number }
  | { op: 'al' | 'rl'; gid: number; label: string }
  | { op: 'sp'; gid: number; key: string; value: Value }
  | { op: 'ce'; gid: number; from: number; to: number; type: string }
  | { op: 'de'; gid: number }
  | { op: 'se'; gid: number; key: string; value: Value };

function copy(g: Graph): Graph {
  return {
    vertices: new Map([...g.vertices].map(([k, v]) => [k, { labels: [...v.labels], props: new Map(v.props) }])),
    edges: new Map([...g.edges].map(([k, e]) => [k, { ...e, props: new Map(e.props) }])),
  };
}

function apply(g: Graph, o: Op): void {
  const v = (gid: number): MVertex => {
    const x = g.vertices.get(gid);
    if (x === undefined) throw new Error(`model: vertex ${gid} missing for ${o.op}`);
    return x;
  };
  const e = (gid: number): MEdge => {
    const x = g.edges.get(gid);
    if (x === undefined) throw new Error(`model: edge ${gid} missing for ${o.op}`);
    return x;
  };
  const set = (m: Map<string, Value>, k: string, val: Value): void => {
    if (val === null) m.delete(k);
    else m.set(k, val);
  };
  switch (o.op) {
    case 'cv':
      g.vertices.set(o.gid, { labels: [], props: new Map() });
      break;
    case 'dv':
      v(o.gid);
      for (const x of g.edges.values()) if (x.from === o.gid || x.to === o.gid) throw new Error('model: dangling edge');
      g.vertices.delete(o.gid);
      break;
    case 'al':
      if (!v(o.gid).labels.includes(o.label)) v(o.gid).labels.push(o.label);
      break;
    case 'rl':
      v(o.gid).labels = v(o.gid).labels.filter((l) => l !== o.label);
      break;
    case 'sp':
      set(v(o.gid).props, o.key, o.value);
      break;
    case 'ce':
      v(o.from);
      v(o.to);
      g.edges.set(o.gid, { from: o.from, to: o.to, type: o.type, props: new Map() });
      break;
    case 'de':
      e(o.gid);
      g.edges.delete(o.gid);
      break;
    case 'se':
      set(e(o.gid).props, o.key, o.value);
      break;
  }
}

function sortedProps(m: ReadonlyMap<string, Value>): [string, Value][] {
  return [...m].sort(([a], [b]) => (a < b ? -1 : 1));
}

function modelDump(g: Graph): unknown {
  return {
    v: [...g.vertices].sort(([a], [b]) => a - b).map(([gid, x]) => [gid, x.labels, sortedProps(x.props)]),
    e: [...g.edges].sort(([a], [b]) => a - b).map(([gid, x]) => [gid, x.from, x.to, x.type, sortedProps(x.props)]),
  };
}

function storeDump(tx: StorageTransaction): unknown {
  const vs = [...tx.vertices()].sort((a, b) => a.gid - b.gid);
  const es = vs.flatMap((v) => [...v.outEdges()]).sort((a, b) => a.gid - b.gid);
  return {
    v: vs.map((x) => [x.gid, [...x.labels()], sortedProps(x.properties())]),
    e: es.map((x) => [x.gid, x.startId, x.endId, x.type, sortedProps(x.properties())]),
  };
}

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Live {
  tx: StorageTransaction;
  view: Graph;
  log: Op[];
}

function run(seed: number, steps: number): number[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T | undefined => (xs.length === 0 ? undefined : xs[Math.floor(rnd() * xs.length)]);
  const store = new InMemoryStorage();
  if (seed % 2 === 0) {
    store.createIndex('A', null);
    store.createIndex('A', 'k');
  }
  let committed: Graph = { vertices: new Map(), edges: new Map() };
  const live: Live[] = [];
  const values: Value[] = [null, 1n, 2n, 1.0, 'x', true, [1n, 'y']];
  let commits = 0;
  let conflicts = 0;

  for (let step = 0; step < steps; step++) {
    if (live.length < 3 && rnd() < 0.2) live.push({ tx: store.begin(), view: copy(committed), log: [] });
    const t = pick(live);
    if (t === undefined) continue;
    const r = rnd();
    const vids = [...t.view.vertices.keys()];
    const eids = [...t.view.edges.keys()];
    const ops: Op[] = [];
    try {
      if (r < 0.08) {
        t.tx.commit();
        for (const o of t.log) apply(committed, o);
        if (t.log.length > 0) commits++;
        live.splice(live.indexOf(t), 1);
        continue;
      }
      if (r < 0.11) {
        t.tx.abort();
        live.splice(live.indexOf(t), 1);
        continue;
      }
      if (r < 0.13) {
        store.collectGarbage();
        continue;
      }
      if (r < 0.16) {
        expect(storeDump(t.tx)).toEqual(modelDump(t.view));
        if (seed % 2 === 0) {
          const want = [...t.view.vertices].filter(([, x]) => x.labels.includes('A')).map(([g]) => g).sort((a, b) => a - b);
          expect([...t.tx.verticesByLabel('A')].map((x) => x.gid).sort((a, b) => a - b)).toEqual(want);
          const wantK = [...t.view.vertices]
            .filter(([, x]) => x.labels.includes('A') && (x.props.get('k') === 1n || x.props.get('k') === 1.0))
            .map(([g]) => g)
            .sort((a, b) => a - b);
          const got = [...t.tx.verticesByLabelProperty('A', 'k', { kind: 'equal', value: 1n })];
          expect(got.map((x) => x.gid).sort((a, b) => a - b)).toEqual(wantK);
        }
        continue;
      }
      if (r < 0.3 || vids.length === 0) {
        ops.push({ op: 'cv', gid: t.tx.createVertex().gid });
      } else if (r < 0.42) {
        const g = pick(vids)!;
        const label = pick(['A', 'B'])!;
        if (t.tx.vertex(g)!.addLabel(label)) ops.push({ op: 'al', gid: g, label });
      } else if (r < 0.5) {
        const g = pick(vids)!;
        const label = pick(['A', 'B'])!;
        if (t.tx.vertex(g)!.removeLabel(label)) ops.push({ op: 'rl', gid: g, label });
      } else if (r < 0.68) {
        const g = pick(vids)!;
        const key = pick(['k', 'm'])!;
        const value = pick(values)!;
        t.tx.vertex(g)!.setProperty(key, value);
        ops.push({ op: 'sp', gid: g, key, value });
      } else if (r < 0.8) {
        const from = pick(vids)!;
        const to = pick(vids)!;
        const type = pick(['R', 'S'])!;
        const e = t.tx.createEdge(t.tx.vertex(from)!, t.tx.vertex(to)!, type);
        ops.push({ op: 'ce', gid: e.gid, from, to, type });
      } else if (r < 0.87 && eids.length > 0) {
        const g = pick(eids)!;
        const value = pick(values)!;
        t.tx.edge(g)!.setProperty('w', value);
        ops.push({ op: 'se', gid: g, key: 'w', value });
      } else if (r < 0.93 && eids.length > 0) {
        const g = pick(eids)!;
        t.tx.deleteEdge(t.tx.edge(g)!);
        ops.push({ op: 'de', gid: g });
      } else {
        const g = pick(vids)!;
        const attached = [...t.view.edges].filter(([, e]) => e.from === g || e.to === g).map(([eg]) => eg);
        const detach = rnd() < 0.7;
        if (!detach && attached.length > 0) {
          // Either refused for its edges, or a conflict (handled below like any other).
          const err = (() => {
            try {
              t.tx.deleteVertex(t.tx.vertex(g)!, false);
            } catch (e) {
              return e;
            }
            return null;
          })();
          if (err instanceof MghaError && err.code === Codes.Conflict) throw err;
          expect(String(err)).toMatch(/DETACH DELETE/);
          continue;
        }
        t.tx.deleteVertex(t.tx.vertex(g)!, detach);
        for (const eg of attached) ops.push({ op: 'de', gid: eg });
        ops.push({ op: 'dv', gid: g });
      }
      for (const o of ops) {
        apply(t.view, o);
        t.log.push(o);
      }
    } catch (e) {
      if (!(e instanceof MghaError) || e.code !== Codes.Conflict) throw e;
      conflicts++;
      t.tx.abort();
      live.splice(live.indexOf(t), 1);
    }
  }
  for (const t of live) t.tx.abort();
  store.collectGarbage();
  const final = store.begin();
  expect(storeDump(final)).toEqual(modelDump(committed));
  for (const label of ['A', 'B']) {
    const n = [...committed.vertices.values()].filter((v) => v.labels.includes(label)).length;
    expect(final.estimateCount(label)).toBe(n);
  }
  expect(store.counts()).toEqual({ vertexCount: committed.vertices.size, edgeCount: committed.edges.size, pendingVersions: 0 });
  // The workload must really interleave writers.
  expect(commits).toBeGreaterThan(20);
  expect(conflicts).toBeGreaterThan(0);
  expect(committed.vertices.size).toBeGreaterThan(10);
  return [commits, conflicts, committed.vertices.size, committed.edges.size];
}

describe('random concurrent workloads match a copy-on-begin model', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    test(`seed ${seed}`, () => {
      run(seed, 1500);
    });
  }
});
