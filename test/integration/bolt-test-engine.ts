// A canned Engine for testing the Bolt layer in isolation: queries are fixed strings
// (no Cypher), results are computed from parameters, writes become visible on commit.

import { Codes, MghaError } from '../../dataplane/errors.js';
import type {
  Engine,
  EngineTransaction,
  QuerySummary,
  RecordBatch,
  ResultStream,
  TransactionOptions,
} from '../../dataplane/query/engine-types.js';
import {
  CypherDate,
  CypherDateTime,
  CypherDuration,
  CypherLocalDateTime,
  CypherLocalTime,
  CypherPoint,
  CypherTime,
  MaterializedNode,
  MaterializedRelationship,
  PathValue,
  type Value,
} from '../../dataplane/values/model.js';

const a = new MaterializedNode(1, ['Person'], new Map<string, Value>([['name', 'Ann']]));
const b = new MaterializedNode(2, ['Person', 'Admin'], new Map<string, Value>([['name', 'Bob']]));
const c = new MaterializedNode(3, [], new Map());
const knows = new MaterializedRelationship(10, 1, 2, 'KNOWS', new Map<string, Value>([['since', 2020n]]));
const likes = new MaterializedRelationship(11, 3, 2, 'LIKES', new Map());

/** One value of every kind the engine can produce. */
export const SAMPLE_VALUES: [string, Value][] = [
  ['nothing', null],
  ['yes', true],
  ['small', -16n],
  ['big', 2n ** 62n],
  ['negative', -(2n ** 63n)],
  ['float', 1.5],
  ['text', 'héllo ✓'],
  ['list', [1n, 'a', null, [2.5]]],
  ['map', new Map<string, Value>([['k', 1n], ['nested', new Map<string, Value>([['x', false]])]])],
  ['date', new CypherDate(19000)],
  ['localtime', new CypherLocalTime(3_723_000_000_004)],
  ['time', new CypherTime(3_723_000_000_004, 3600)],
  ['localdatetime', new CypherLocalDateTime(1_700_000_000, 5)],
  ['datetime', new CypherDateTime(1_700_000_000, 6, 7200)],
  ['zoned', new CypherDateTime(1_700_000_000, 7, 3600, 'Europe/Berlin')],
  ['duration', new CypherDuration(14, 3, 3661, 8)],
  ['point2d', new CypherPoint(7203, 1.5, -2)],
  ['point3d', new CypherPoint(4979, 12.5, 55.75, 100)],
  ['node', b],
  ['rel', knows],
  // (a)-[:KNOWS]->(b)<-[:LIKES]-(c)
  ['path', new PathValue([a, b, c], [knows, likes])],
];

export interface BeginRecord extends TransactionOptions {
  query?: string;
}

class Stream implements ResultStream {
  private pos = 0;
  constructor(
    readonly fields: string[],
    private readonly rows: Value[][],
    private readonly result: QuerySummary,
  ) {}
  async pull(n: number): Promise<RecordBatch> {
    const end = n < 0 ? this.rows.length : Math.min(this.rows.length, this.pos + n);
    const records = this.rows.slice(this.pos, end);
    this.pos = end;
    return { records, hasMore: this.pos < this.rows.length };
  }
  async discard(): Promise<void> {
    this.pos = this.rows.length;
  }
  summary(): QuerySummary {
    return this.result;
  }
}

const READ: QuerySummary = { type: 'r', stats: {}, plan: null, notifications: [] };

export class TestEngine implements Engine {
  committed: Value[] = [];
  commits = 0;
  begins: TransactionOptions[] = [];
  /** How many more times TRANSIENT fails before it succeeds. */
  transientFailures = 0;
  openTransactions = 0;
  rolledBack = 0;

  currentBookmark(): string {
    return `mgha:${this.commits}`;
  }

  async begin(options: TransactionOptions): Promise<EngineTransaction> {
    this.begins.push(options);
    if (options.database !== null && options.database !== 'memgraph') {
      throw new MghaError(Codes.DatabaseNotFound, `Database ${options.database} does not exist`);
    }
    const engine = this;
    const pending: Value[] = [];
    let done = false;
    this.openTransactions++;
    const finish = (): void => {
      if (done) throw new MghaError(Codes.RequestInvalid, 'transaction already finished');
      done = true;
      engine.openTransactions--;
    };
    return {
      async run(query, params) {
        if (done) throw new MghaError(Codes.RequestInvalid, 'transaction already finished');
        return engine.run(query, params, pending, options);
      },
      async commit() {
        finish();
        if (pending.includes('fail-at-commit')) {
          engine.rolledBack++;
          throw new MghaError(Codes.Conflict, 'conflict at commit');
        }
        engine.committed.push(...pending);
        engine.commits++;
        return { bookmark: engine.currentBookmark(), notifications: [] };
      },
      async rollback() {
        finish();
        engine.rolledBack++;
      },
    };
  }

  private run(query: string, params: Map<string, Value>, pending: Value[], options: TransactionOptions): ResultStream {
    switch (query) {
      case 'RETURN 1':
        return new Stream(['1'], [[1n]], READ);
      case 'RANGE': {
        const n = Number(params.get('n'));
        return new Stream(['i'], Array.from({ length: n }, (_, i) => [BigInt(i)]), READ);
      }
      case 'ECHO':
        return new Stream([...params.keys()], [[...params.values()]], READ);
      case 'SAMPLES':
        return new Stream(
          SAMPLE_VALUES.map(([k]) => k),
          [SAMPLE_VALUES.map(([, v]) => v)],
          READ,
        );
      case 'WRITE':
        pending.push(params.get('v') ?? null);
        return new Stream([], [], { type: 'w', stats: { 'nodes-created': 1, 'properties-set': 1 }, plan: null, notifications: [] });
      case 'READ ALL':
        return new Stream(['v'], [...this.committed, ...pending].map((v) => [v]), READ);
      case 'BOOKMARKS':
        return new Stream(['bookmarks'], [[options.bookmarks]], READ);
      case 'MODE':
        return new Stream(['mode', 'timeout', 'metadata'], [[options.mode, options.timeoutMs === null ? null : BigInt(options.timeoutMs), options.metadata]], READ);
      case 'TRANSIENT':
        if (this.transientFailures > 0) {
          this.transientFailures--;
          throw new MghaError(Codes.Conflict, 'write-write conflict, try again');
        }
        return new Stream(['ok'], [[true]], READ);
      case 'FAIL AT COMMIT':
        pending.push('fail-at-commit');
        return new Stream([], [], READ);
      case 'UNENCODABLE':
        return new Stream(['x'], [[1n], [new CypherDate(Number.NaN)]], READ);
    }
    throw new MghaError(Codes.SyntaxError, `Invalid input '${query}' (line 1, column 1)`);
  }
}
