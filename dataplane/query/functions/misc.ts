// Functions that fit no family: identifiers, clocks, assertions, existence.

import { randomUUID } from 'node:crypto';
import { Codes, MghaError } from '../../errors.js';
import { badArg } from './args.js';
import { def } from './define.js';
import type { FunctionDef } from './types.js';

export const miscFunctions: FunctionDef[] = [
  def('randomUUID', 0, 0, () => randomUUID()),
  // Memgraph returns microseconds since the epoch (Neo4j: milliseconds), fixed per
  // statement so every row of one query sees the same value.
  def('timestamp', 0, 0, (_args, ctx) => BigInt(Math.floor(ctx.statementTime)) * 1000n),
  def('assert', 1, 2, ([cond, message]) => {
    if (cond === true) return true;
    if (typeof cond !== 'boolean' && cond !== null) return badArg('assert', cond, 'a BOOLEAN');
    const text = typeof message === 'string' ? message : 'Assertion failed';
    throw new MghaError(Codes.MemgraphClientError, text);
  }),
  // exists(n.prop) arrives here with the property already evaluated.
  def('exists', 1, 1, ([v]) => v !== null),
];
