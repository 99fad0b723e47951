// The procedures every mgha server has. A later module adds its own with `register`.

import { dbLabels, dbPropertyKeys, dbRelationshipTypes } from './db.js';
import { mgFunctions, mgProcedures } from './mg.js';
import { ProcedureRegistry } from './registry.js';
import { nodeTypeProperties, relTypeProperties } from './schema.js';
import { schemaAssert, type SchemaAccess } from './schema-assert.js';

/** `schema`: lets `schema.assert` change indexes and constraints (left out without it). */
export function builtinProcedures(schema: SchemaAccess | null = null): ProcedureRegistry {
  const r = new ProcedureRegistry();
  for (const p of [mgProcedures, mgFunctions, dbLabels, dbRelationshipTypes, dbPropertyKeys, nodeTypeProperties, relTypeProperties]) r.register(p);
  if (schema !== null) r.register(schemaAssert(schema));
  return r;
}
