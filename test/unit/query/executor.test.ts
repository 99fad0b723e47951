// Executor tests over hand-built ASTs (independent of the parser).
import type { Clause, Expr, PatternPart, Pos, QueryBody } from '../../../dataplane/query/ast.js';
import { planQuery } from '../../../dataplane/query/planner.js';
import { PAUSE, type ExecContext } from '../../../dataplane/query/executor/types.js';
import { InMemoryStorage } from '../../../dataplane/storage/storage.js';
import type { Storage } from '../../../dataplane/storage/types.js';
import type { Value } from '../../../dataplane/values/model.js';

const pos: Pos = { line: 1, column: 1, offset: 0 };
const lit = (value: Value): Expr => ({ kind: 'Literal', value, pos });
const v = (name: string): Expr => ({ kind: 'Variable', name, pos });
const prop = (name: string, key: string): Expr => ({ kind: 'Property', object: v(name), key, pos });
const ret = (items: [Expr, string][]): Clause => ({
  kind: 'Return',
  projection: { distinct: false, star: false, items: items.map(([expression, name]) => ({ expression, name, aliased: true })), orderBy: [], skip: null, limit: null },
  pos,
});
const node = (variable: string | null, labels: string[], props: [string, Expr][] = []): PatternPart['nodes'][number] => ({
  variable,
  labels,
  properties: props.length === 0 ? null : { kind: 'Map', entries: props.map(([key, value]) => ({ key, value })), pos },
  pos,
});

function run(storage: Storage, clauses: Clause[], params = new Map<string, Value>()): Value[][] {
  const body: QueryBody = { parts: [{ clauses }], unions: [] };
  const tx = storage.begin();
  const plan = planQuery(body, { indexSpecs: () => storage.indexes(), indexSize: (spec) => tx.indexSize(spec), estimateCount: (l, p) => tx.estimateCount(l, p) });
  const ctx: ExecContext = { tx, params, statementTime: Date.now(), work: 0, slotCount: plan.slotCount };
  const rows: Value[][] = [];
  for (const step of plan.root.run(ctx, new Array<Value>(plan.slotCount).fill(null))) {
    if (step !== PAUSE) rows.push(plan.resultSlots.map((s) => step[s]));
  }
  tx.commit();
  return rows;
}

test('UNWIND and arithmetic projection', () => {
  const s = new InMemoryStorage();
  const rows = run(s, [
    { kind: 'Unwind', expression: { kind: 'List', items: [lit(1n), lit(2n), lit(3n)], pos }, variable: 'x', pos },
    ret([[{ kind: 'Binary', op: '*', left: v('x'), right: lit(2n), pos }, 'y']]),
  ]);
  expect(rows).toEqual([[2n], [4n], [6n]]);
});

test('CREATE then MATCH by label with an inline property filter', () => {
  const s = new InMemoryStorage();
  run(s, [{ kind: 'Create', patterns: [{ pathVariable: null, shortest: null, nodes: [node('n', ['P'], [['v', lit(1n)]])], relationships: [], pos }], pos }]);
  run(s, [{ kind: 'Create', patterns: [{ pathVariable: null, shortest: null, nodes: [node('n', ['P'], [['v', lit(2n)]])], relationships: [], pos }], pos }]);
  const rows = run(s, [
    { kind: 'Match', optional: false, patterns: [{ pathVariable: null, shortest: null, nodes: [node('n', ['P'], [['v', lit(2n)]])], relationships: [], pos }], where: null, pos },
    ret([[prop('n', 'v'), 'v']]),
  ]);
  expect(rows).toEqual([[2n]]);
});
