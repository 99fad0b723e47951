// A linearizability checker in the Wing–Gong / Lowe / porcupine style for a key-value register
// map: histories are split by key (P-compositionality), and each key's history is searched
// depth-first for a linearization, caching (linearized set, state) pairs already explored.
// Operation intervals are closed; an operation whose outcome is unknown (a write that timed out)
// returns at +Infinity, i.e. it may take effect at any time after its call, or never visibly.

export type KvInput = { kind: 'put'; key: string; value: string } | { kind: 'get'; key: string };

export interface KvOperation {
  client: number;
  input: KvInput;
  /** get: the value read (null = absent); put: unused. */
  output: string | null;
  call: number;
  /** Infinity when the outcome is unknown. */
  ret: number;
}

export type CheckResult = { ok: true } | { ok: false; key: string } | { ok: 'unknown'; key: string };

interface Node {
  op: number; // index into ops
  isCall: boolean;
  match: Node | null; // call → its return
  prev: Node | null;
  next: Node | null;
}

/** Checks one key's operations; `maxSteps` bounds the search (an exhausted budget is 'unknown'). */
function checkKey(ops: KvOperation[], maxSteps: number): boolean | 'unknown' {
  if (ops.length === 0) return true;
  const events: { time: number; isCall: boolean; op: number }[] = [];
  ops.forEach((o, i) => {
    events.push({ time: o.call, isCall: true, op: i });
    events.push({ time: o.ret, isCall: false, op: i });
  });
  // Closed intervals: at equal times calls come before returns, so touching ops overlap.
  events.sort((a, b) => a.time - b.time || (a.isCall === b.isCall ? 0 : a.isCall ? -1 : 1));
  const head: Node = { op: -1, isCall: false, match: null, prev: null, next: null };
  let tail = head;
  const callNodes = new Map<number, Node>();
  for (const e of events) {
    const n: Node = { op: e.op, isCall: e.isCall, match: null, prev: tail, next: null };
    tail.next = n;
    tail = n;
    if (e.isCall) callNodes.set(e.op, n);
    else {
      const c = callNodes.get(e.op);
      if (c !== undefined) c.match = n;
    }
  }
  const lift = (n: Node): void => {
    const m = n.match;
    if (m === null || n.prev === null || m.prev === null) throw new Error('checker: malformed list');
    n.prev.next = n.next;
    if (n.next !== null) n.next.prev = n.prev;
    m.prev.next = m.next;
    if (m.next !== null) m.next.prev = m.prev;
  };
  const unlift = (n: Node): void => {
    const m = n.match;
    if (m === null || n.prev === null || m.prev === null) throw new Error('checker: malformed list');
    m.prev.next = m;
    if (m.next !== null) m.next.prev = m;
    n.prev.next = n;
    if (n.next !== null) n.next.prev = n;
  };
  const step = (state: string | null, o: KvOperation): { ok: boolean; state: string | null } => {
    if (o.input.kind === 'put') return { ok: true, state: o.input.value };
    return { ok: o.output === state, state };
  };
  const words = Math.ceil(ops.length / 32);
  const linearized = new Uint32Array(words);
  const cache = new Set<string>();
  const stack: { node: Node; state: string | null }[] = [];
  let state: string | null = null;
  let entry = head.next;
  let steps = 0;
  while (head.next !== null) {
    if (++steps > maxSteps) return 'unknown';
    if (entry === null) throw new Error('checker: ran off the list');
    if (entry.isCall) {
      const o = ops[entry.op];
      const r = step(state, o);
      if (r.ok) {
        linearized[entry.op >>> 5] |= 1 << (entry.op & 31);
        const key = `${linearized.join(',')}|${r.state ?? '\u0000'}`;
        if (!cache.has(key)) {
          cache.add(key);
          stack.push({ node: entry, state });
          state = r.state;
          lift(entry);
          entry = head.next;
          continue;
        }
        linearized[entry.op >>> 5] &= ~(1 << (entry.op & 31));
      }
      entry = entry.next;
    } else {
      // A return reached before its call was linearized: undo the last choice.
      const top = stack.pop();
      if (top === undefined) return false;
      linearized[top.node.op >>> 5] &= ~(1 << (top.node.op & 31));
      state = top.state;
      unlift(top.node);
      entry = top.node.next;
    }
  }
  return true;
}

export function checkKv(history: KvOperation[], maxStepsPerKey = 2_000_000): CheckResult {
  const byKey = new Map<string, KvOperation[]>();
  for (const o of history) {
    const list = byKey.get(o.input.key) ?? [];
    list.push(o);
    byKey.set(o.input.key, list);
  }
  let unknown: string | undefined;
  for (const [key, ops] of byKey) {
    const r = checkKey(ops, maxStepsPerKey);
    if (r === false) return { ok: false, key };
    if (r === 'unknown') unknown = key;
  }
  return unknown === undefined ? { ok: true } : { ok: 'unknown', key: unknown };
}
