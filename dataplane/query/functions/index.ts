// The scalar-function registry: lookupFunction(name) by lower-cased name.
// Aggregations are not in it: the executor evaluates them, and `../aggregates.ts` holds
// their names.

import { isAggregateName } from '../aggregates.js';
import { conversionFunctions } from './conversion.js';
import { enumFunctions } from './enums.js';
import { graphFunctions } from './graph.js';
import { listFunctions } from './lists.js';
import { mathFunctions } from './math.js';
import { miscFunctions } from './misc.js';
import { spatialFunctions } from './spatial.js';
import { stringFunctions } from './strings.js';
import { temporalFunctions } from './temporal.js';
import type { FunctionDef } from './types.js';

export type { FunctionContext, FunctionDef } from './types.js';

const registry = new Map<string, FunctionDef>();
for (const f of [
  ...graphFunctions,
  ...listFunctions,
  ...stringFunctions,
  ...conversionFunctions,
  ...mathFunctions,
  ...spatialFunctions,
  ...miscFunctions,
  ...temporalFunctions,
  ...enumFunctions,
]) {
  registry.set(f.name, f);
}

export function lookupFunction(name: string): FunctionDef | undefined {
  return registry.get(name.toLowerCase());
}

/** Case-insensitive `isAggregateName`. */
export function isAggregateFunctionName(name: string): boolean {
  return isAggregateName(name.toLowerCase());
}
