// The procedures every mgha server has. A later module adds its own with `register`.

import { dbLabels, dbPropertyKeys, dbRelationshipTypes } from './db.js';
import { mgFunctions, mgProcedures } from './mg.js';
import { ProcedureRegistry } from './registry.js';
import { nodeTypeProperties, relTypeProperties } from './schema.js';

export function builtinProcedures(): ProcedureRegistry {
  const r = new ProcedureRegistry();
  for (const p of [mgProcedures, mgFunctions, dbLabels, dbRelationshipTypes, dbPropertyKeys, nodeTypeProperties, relTypeProperties]) r.register(p);
  return r;
}
