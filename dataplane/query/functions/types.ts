// The scalar-function contract between the registry and the executor.

import type { MetadataView } from '../../storage/types.js';
import type { AllocationCheck } from '../memory-limit.js';
import type { NodeValue, Value } from '../../values/model.js';

export interface FunctionContext {
  /** Epoch milliseconds, fixed for the whole statement (timestamp(), date() …). */
  statementTime: number;
  nodeById(id: number): NodeValue | null;
  /** Relationships the statement expanded so far (Memgraph's getHopsCounter()). */
  hopsCount?: () => number;
  /** The server metadata (enums for ToEnum / `Status::Good`). */
  meta?: MetadataView;
  /** The statement's memory limits for an up-front allocation (range()); absent: the heap's. */
  allocate?: AllocationCheck;
}

export interface FunctionDef {
  /** Lower-case lookup name, e.g. `tolower`, `date.truncate`. */
  name: string;
  minArgs: number;
  maxArgs: number;
  fn: (args: Value[], ctx: FunctionContext) => Value;
}
