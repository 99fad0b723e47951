// Small helpers to declare FunctionDefs compactly.

import type { Value } from '../../values/model.js';
import type { FunctionContext, FunctionDef } from './types.js';

type Fn = (args: Value[], ctx: FunctionContext) => Value;

export function def(name: string, minArgs: number, maxArgs: number, fn: Fn): FunctionDef {
  return { name: name.toLowerCase(), minArgs, maxArgs, fn };
}

/** A function where a null first argument gives null (openCypher's usual rule). */
export function nullIn(name: string, minArgs: number, maxArgs: number, fn: Fn): FunctionDef {
  return def(name, minArgs, maxArgs, (args, ctx) => (args[0] === null ? null : fn(args, ctx)));
}

/** A one-argument function where null in gives null out. */
export function unary(name: string, fn: (v: Exclude<Value, null>) => Value): FunctionDef {
  return def(name, 1, 1, ([v]) => (v === null ? null : fn(v)));
}
