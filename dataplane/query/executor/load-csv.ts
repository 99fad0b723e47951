// `LOAD CSV`: for each input row, streams the file's rows into a slot (a map keyed by the
// header WITH HEADER, a list of strings NO HEADER; NULLIF's text becomes null). The file is
// read in chunks as rows are pulled, so memory does not grow with its size.

import { Codes, MghaError } from '../../errors.js';
import type { Value } from '../../values/model.js';
import { CsvParser, fileLines, type CsvOptions } from '../csv.js';
import { PAUSE, tick, Unary, type Eval, type ExecContext, type Operator, type Row, type Step } from './types.js';

export interface LoadCsvSpec extends CsvOptions {
  nullif: string | null;
}

export class LoadCsv extends Unary {
  constructor(
    input: Operator,
    private readonly file: Eval,
    private readonly spec: LoadCsvSpec,
    private readonly slot: number,
  ) {
    super(input);
  }

  *run(ctx: ExecContext, arg: Row): Generator<Step> {
    for (const row of this.input.run(ctx, arg)) {
      if (row === PAUSE) {
        yield PAUSE;
        continue;
      }
      const location = this.file(row, ctx);
      if (typeof location !== 'string') throw new MghaError(Codes.MemgraphClientError, 'CSV file path should be a string literal');
      const lines = fileLines(location);
      try {
        const parser = new CsvParser(lines, this.spec);
        parser.readHeader(location);
        for (let fields = parser.next(); fields !== null; fields = parser.next()) {
          const out = row.slice();
          out[this.slot] = this.value(fields, parser.header);
          yield out;
          if (tick(ctx)) yield PAUSE;
        }
      } finally {
        // Closes the file also when the consumer stops early (LIMIT) or the query fails.
        lines.return(undefined);
      }
    }
  }

  private value(fields: string[], header: string[] | null): Value {
    const nullif = this.spec.nullif;
    const cell = (s: string): Value => (nullif !== null && s === nullif ? null : s);
    if (header === null) return fields.map(cell);
    const m = new Map<string, Value>();
    header.forEach((name, i) => m.set(name, cell(fields[i])));
    return m;
  }

  describe(): string {
    return 'LoadCsv';
  }
}
