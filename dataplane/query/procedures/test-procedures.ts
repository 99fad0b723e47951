// Test-only (`--test-procedures`): lets a harness register table-backed procedures over
// Bolt, the way the openCypher TCK declares them ("there exists a procedure
// test.my.proc(in :: INTEGER?) :: (out :: STRING?)" with a table of rows). A registered
// procedure yields the result columns of the rows whose argument columns equal the call's
// arguments. Never enabled in production.

import { Codes, MghaError } from '../../errors.js';
import type { Value } from '../../values/model.js';
import { equals } from '../../values/ops.js';
import type { ProcedureRegistry } from './registry.js';
import type { CypherType, Procedure, ProcedureArg, ProcedureOutput } from './types.js';

const TYPES: Record<string, CypherType> = {
  ANY: 'ANY',
  BOOLEAN: 'BOOLEAN',
  INTEGER: 'INTEGER',
  FLOAT: 'FLOAT',
  NUMBER: 'NUMBER',
  STRING: 'STRING',
  MAP: 'MAP',
  NODE: 'NODE',
  RELATIONSHIP: 'RELATIONSHIP',
  PATH: 'PATH',
};

function invalid(message: string): MghaError {
  return new MghaError(Codes.MemgraphClientError, message);
}

/** `name :: TYPE?` items of one signature list (`LIST? OF …` is any list). */
function parseFields(text: string): ProcedureArg[] {
  if (text.trim() === '') return [];
  return text.split(',').map((item) => {
    const m = /^\s*(\w+)\s*::\s*([A-Z]+)(\?)?(\s+OF\s+.+)?\s*$/.exec(item);
    if (m === null) throw invalid(`Cannot read the procedure field '${item.trim()}'.`);
    const type = m[4] !== undefined || m[2] === 'LIST' ? 'LIST OF ANY' : TYPES[m[2]];
    if (type === undefined) throw invalid(`Unknown procedure field type '${m[2]}'.`);
    return { name: m[1], type, nullable: m[3] === '?' };
  });
}

/** `test.my.proc(in :: INTEGER?) :: (out :: STRING?)` with rows keyed by column name. */
export function tableProcedure(signature: string, rows: Map<string, Value>[]): Procedure {
  const m = /^\s*([\w.]+)\s*\((.*)\)\s*::\s*\((.*)\)\s*$/.exec(signature);
  if (m === null) throw invalid(`Cannot read the procedure signature '${signature}'.`);
  const args = parseFields(m[2]);
  const results = parseFields(m[3]);
  return {
    name: m[1],
    mode: 'read',
    args,
    results,
    *run(given): ProcedureOutput {
      for (const row of rows) {
        const matches = args.every((a, i) => {
          const want = row.get(a.name) ?? null;
          return (want === null && given[i] === null) || equals(want, given[i]) === true;
        });
        if (matches) yield results.map((r) => row.get(r.name) ?? null);
      }
    },
  };
}

/**
 * `mgha.test.register_procedure(signature, rows)` and `mgha.test.clear_procedures()`.
 * `changed` drops cached plans, which resolved procedures by name.
 */
export function testProcedureRegistrar(registry: ProcedureRegistry, changed: () => void): Procedure[] {
  const registered = new Set<string>();
  const register: Procedure = {
    name: 'mgha.test.register_procedure',
    mode: 'read',
    args: [
      { name: 'signature', type: 'STRING' },
      { name: 'rows', type: 'LIST OF ANY' },
    ],
    results: [],
    *run([signature, rows]): ProcedureOutput {
      const table = (rows as Value[]).map((r) => {
        if (!(r instanceof Map)) throw invalid('Each row must be a map from column name to value.');
        return r;
      });
      const proc = tableProcedure(signature as string, table);
      registry.unregister(proc.name);
      registry.register(proc);
      registered.add(proc.name);
      changed();
    },
  };
  const clear: Procedure = {
    name: 'mgha.test.clear_procedures',
    mode: 'read',
    args: [],
    results: [],
    *run(): ProcedureOutput {
      for (const name of registered) registry.unregister(name);
      registered.clear();
      changed();
    },
  };
  return [register, clear];
}
