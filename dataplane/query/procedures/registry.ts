// The procedure registry: procedures register once by full name; the planner looks them
// up when it plans `CALL`, and `mg.procedures()` lists them with Memgraph's signature text.

import { Codes, MghaError } from '../../errors.js';
import { isNode, isPath, isRelationship, typeName, type Value } from '../../values/model.js';
import type { CypherType, Procedure, ProcedureArg, ProcedureLookup } from './types.js';

export class ProcedureRegistry implements ProcedureLookup {
  private readonly byName = new Map<string, Procedure>();

  /** Registering a name twice is a programming error (two modules claiming one name). */
  register(proc: Procedure): void {
    if (this.byName.has(proc.name)) throw new Error(`procedure ${proc.name} is registered twice`);
    this.byName.set(proc.name, proc);
  }

  get(name: string): Procedure | undefined {
    return this.byName.get(name);
  }

  all(): Procedure[] {
    return [...this.byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

/** Memgraph's signature text: `db.labels() :: (label :: STRING)`. */
export function signatureOf(p: Procedure): string {
  const args = p.args.map((a) => (a.default === undefined ? `${a.name} :: ${a.type}` : `${a.name} = ${defaultText(a.default)} :: ${a.type}`));
  const results = p.results.map((r) => `${r.name} :: ${r.type}`);
  return `${p.name}(${args.join(', ')}) :: (${results.join(', ')})`;
}

/** The call's argument values with defaults filled in; throws when the count or a type is wrong. */
export function bindArguments(p: Procedure, given: Value[]): Value[] {
  const required = p.args.filter((a) => a.default === undefined).length;
  if (given.length < required || given.length > p.args.length) {
    const expected = required === p.args.length ? `${required}` : `between ${required} and ${p.args.length}`;
    throw new MghaError(Codes.MemgraphClientError, `'${p.name}' requires ${expected} arguments, but ${given.length} were given.`);
  }
  return p.args.map((a, i) => (i < given.length ? checked(p, a, given[i]) : (a.default as Value)));
}

function checked(p: Procedure, a: ProcedureArg, v: Value): Value {
  if (!hasType(v, a.type)) {
    throw new MghaError(Codes.MemgraphClientError, `Argument '${a.name}' of '${p.name}' must be of type ${a.type}, got ${typeName(v)}.`);
  }
  return v;
}

function hasType(v: Value, t: CypherType): boolean {
  switch (t) {
    case 'ANY':
      return true;
    case 'BOOLEAN':
      return typeof v === 'boolean';
    case 'INTEGER':
      return typeof v === 'bigint';
    case 'FLOAT':
      return typeof v === 'number';
    case 'NUMBER':
      return typeof v === 'bigint' || typeof v === 'number';
    case 'STRING':
      return typeof v === 'string';
    case 'MAP':
      return v instanceof Map;
    case 'NODE':
      return isNode(v);
    case 'RELATIONSHIP':
      return isRelationship(v);
    case 'PATH':
      return isPath(v);
    case 'LIST OF ANY':
      return Array.isArray(v);
    case 'LIST OF STRING':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
  }
}

/** Default values as a signature shows them (only literals are ever defaults). */
function defaultText(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${k}: ${defaultText(x)}`).join(', ')}}`;
  if (Array.isArray(v)) return `[${v.map(defaultText).join(', ')}]`;
  return String(v);
}
