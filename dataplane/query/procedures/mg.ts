// Memgraph's `mg` module: introspection of what can be called. Everything here is built
// in (Memgraph's `path` column says "builtin" and `is_editable` false for such modules).

import { signatureOf } from './registry.js';
import type { Procedure, ProcedureContext, ProcedureOutput } from './types.js';

export const mgProcedures: Procedure = {
  name: 'mg.procedures',
  mode: 'read',
  args: [],
  results: [
    { name: 'name', type: 'STRING' },
    { name: 'signature', type: 'STRING' },
    { name: 'is_write', type: 'BOOLEAN' },
    { name: 'path', type: 'STRING' },
    { name: 'is_editable', type: 'BOOLEAN' },
  ],
  *run(_args, ctx: ProcedureContext): ProcedureOutput {
    for (const p of ctx.registry.all()) yield [p.name, signatureOf(p), p.mode === 'write', 'builtin', false];
  },
};

/**
 * Memgraph lists the functions of query modules here, not the built-in Cypher functions;
 * mgha has no query modules yet, so the list is empty, as on a Memgraph without MAGE.
 */
export const mgFunctions: Procedure = {
  name: 'mg.functions',
  mode: 'read',
  args: [],
  results: [
    { name: 'name', type: 'STRING' },
    { name: 'signature', type: 'STRING' },
    { name: 'path', type: 'STRING' },
    { name: 'is_editable', type: 'BOOLEAN' },
  ],
  *run(): ProcedureOutput {},
};
