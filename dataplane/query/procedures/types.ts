// Procedures callable with `CALL name(args) YIELD …`: what a procedure declares (its
// signature and mode) and how it runs (a generator of result rows over the transaction).

import type { StorageTransaction } from '../../storage/types.js';
import type { Value } from '../../values/model.js';
import type { PAUSE } from '../executor/types.js';

/** Memgraph's type names, as `mg.procedures()` prints them in signatures. */
export type CypherType =
  | 'ANY'
  | 'BOOLEAN'
  | 'INTEGER'
  | 'FLOAT'
  | 'NUMBER'
  | 'STRING'
  | 'MAP'
  | 'NODE'
  | 'RELATIONSHIP'
  | 'PATH'
  | 'LIST OF ANY'
  | 'LIST OF STRING';

export interface ProcedureArg {
  name: string;
  type: CypherType;
  /** Accepts null (Memgraph's and openCypher's `TYPE?`). */
  nullable?: boolean;
  /** Present for an optional argument: the value used when the call leaves it out. */
  default?: Value;
}

export interface ProcedureField {
  name: string;
  type: CypherType;
  nullable?: boolean;
}

/** What a running procedure may use. */
export interface ProcedureContext {
  readonly tx: StorageTransaction;
  /** Every registered procedure, for the introspection procedures (`mg.procedures()`). */
  readonly registry: ProcedureLookup;
}

/**
 * One result row per yield, values in the order of `results`. A long procedure yields
 * PAUSE now and then so the session can give the event loop a turn.
 */
export type ProcedureOutput = Generator<Value[] | typeof PAUSE, void, undefined>;

export interface Procedure {
  /** Full name, module and procedure joined with '.', e.g. `db.labels`. */
  readonly name: string;
  readonly mode: 'read' | 'write';
  readonly args: readonly ProcedureArg[];
  readonly results: readonly ProcedureField[];
  /** `args` has one value per declared argument, defaults filled in and types checked. */
  run(args: Value[], ctx: ProcedureContext): ProcedureOutput;
}

export interface ProcedureLookup {
  get(name: string): Procedure | undefined;
  /** Sorted by name, as Memgraph lists them. */
  all(): Procedure[];
}
