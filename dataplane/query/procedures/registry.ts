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

  /** Removes a procedure (test harnesses replace theirs); returns whether it existed. */
  unregister(name: string): boolean {
    return this.byName.delete(name);
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
  const type = (t: { type: string; nullable?: boolean }): string => (t.nullable === true ? `${t.type}?` : t.type);
  const args = p.args.map((a) => (a.default === undefined ? `${a.name} :: ${type(a)}` : `${a.name} = ${defaultText(a.default)} :: ${type(a)}`));
  const results = p.results.map((r) => `${r.name} :: ${type(r)}`);
  return `${p.name}(${args.join(', ')}) :: (${results.join(', ')})`;
}

/** Argument count check, made when the call is planned (openCypher: a compile-time SyntaxError). */
export function checkArgumentCount(p: Procedure, given: number): void {
  const required = p.args.filter((a) => a.default === undefined).length;
  if (given < required || given > p.args.length) {
    const expected = required === p.args.length ? `${required}` : `between ${required} and ${p.args.length}`;
    throw new MghaError(Codes.SyntaxError, `'${p.name}' requires ${expected} arguments, but ${given} were given.`);
  }
}

/** The call's argument values with defaults filled in and INTEGER widened where FLOAT is declared; throws on a wrong type. */
export function bindArguments(p: Procedure, given: Value[]): Value[] {
  checkArgumentCount(p, given.length);
  return p.args.map((a, i) => (i < given.length ? checkedArgument(p, a, given[i]) : (a.default as Value)));
}

export function checkedArgument(p: Procedure, a: ProcedureArg, v: Value): Value {
  if (v === null && (a.nullable === true || a.type === 'ANY')) return v;
  if (a.type === 'FLOAT' && typeof v === 'bigint') return Number(v);
  if (v === null || !hasType(v, a.type)) {
    throw new MghaError(Codes.TypeError, `Argument '${a.name}' of '${p.name}' must be of type ${a.type}, got ${typeName(v)}.`);
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
