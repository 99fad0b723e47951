// Functions that fit no family: identifiers, clocks, assertions, existence.

import { randomUUID } from 'node:crypto';
import { argumentError, Codes, MghaError } from '../../errors.js';
import { badArg, intArg, stringArg } from './args.js';
import { def } from './define.js';
import type { FunctionContext, FunctionDef } from './types.js';

// counter() state lives as long as the statement's FunctionContext (one per statement).
const counters = new WeakMap<FunctionContext, Map<string, bigint>>();

/** Memgraph's counter(name, initial[, increment]): initial, initial+increment, … per statement. */
function counter(ctx: FunctionContext, name: string, initial: bigint, increment: bigint): bigint {
  if (increment === 0n) throw argumentError('counter() increment must not be zero');
  let byName = counters.get(ctx);
  if (byName === undefined) {
    byName = new Map();
    counters.set(ctx, byName);
  }
  const value = byName.get(name) ?? initial;
  byName.set(name, value + increment);
  return value;
}

export const miscFunctions: FunctionDef[] = [
  def('randomUUID', 0, 0, () => randomUUID()),
  // Memgraph's count of relationships the query expanded so far (see USING HOPS LIMIT).
  def('getHopsCounter', 0, 0, (_args, ctx) => BigInt(ctx.hopsCount?.() ?? 0)),
  // Memgraph returns microseconds since the epoch (Neo4j: milliseconds), fixed per
  // statement so every row of one query sees the same value.
  def('timestamp', 0, 0, (_args, ctx) => BigInt(Math.floor(ctx.statementTime)) * 1000n),
  def('assert', 1, 2, ([cond, message]) => {
    if (cond === true) return true;
    if (typeof cond !== 'boolean' && cond !== null) return badArg('assert', cond, 'a BOOLEAN');
    const text = typeof message === 'string' ? message : 'Assertion failed';
    throw new MghaError(Codes.MemgraphClientError, text);
  }),
  def('counter', 2, 3, ([name, initial, increment], ctx) =>
    counter(
      ctx,
      stringArg('counter', name),
      intArg('counter', initial),
      increment === undefined ? 1n : intArg('counter', increment),
    ),
  ),
  // exists(n.prop) arrives here with the property already evaluated.
  def('exists', 1, 1, ([v]) => v !== null),
];
