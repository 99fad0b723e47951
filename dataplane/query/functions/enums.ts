// Memgraph's ToEnum(): `ToEnum('Status', 'Good')` or `ToEnum('Status::Good')`; the parser
// turns the literal `Status::Good` into the two-argument call.

import { Codes, MghaError } from '../../errors.js';
import { enumValue } from '../server-metadata.js';
import { stringArg } from './args.js';
import { def } from './define.js';
import type { FunctionDef } from './types.js';

export const enumFunctions: FunctionDef[] = [
  def('ToEnum', 1, 2, ([a, b], ctx) => {
    if (a === null || b === null) return null;
    const meta = ctx.meta;
    if (meta === undefined) throw new MghaError(Codes.MemgraphClientError, 'Enums are not available here.');
    if (b !== undefined) return enumValue(meta, stringArg('ToEnum', a), stringArg('ToEnum', b));
    const text = stringArg('ToEnum', a);
    const at = text.indexOf('::');
    if (at < 0) throw new MghaError(Codes.MemgraphClientError, `Enum value '${text}' is not of the form Enum::Value.`);
    return enumValue(meta, text.slice(0, at), text.slice(at + 2));
  }),
];
