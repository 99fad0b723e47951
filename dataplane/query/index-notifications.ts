// The INFO notification Memgraph returns with every index DDL statement (interpreter.cpp:
// PrepareIndexQuery, PrepareEdgeIndexQuery, PreparePointIndexQuery), texts verbatim: its
// odd spots too (a label index is "on properties ."; a global edge index has an empty
// edge type; dropping an edge index names no property). Pure.

import type { Notification } from '../notifications.js';
import type { IndexSpec } from '../storage/types.js';
import { pathText } from '../storage/index-spec.js';

/** `changed`: the index was created / dropped (false: it already existed / did not exist). */
export function indexNotification(spec: IndexSpec, create: boolean, changed: boolean): Notification {
  const props = spec.properties.map(pathText).join(', ');
  const label = spec.label ?? '';
  const info = (code: string, title: string): Notification => ({ severity: 'INFO', code, title });
  const code = create ? (changed ? 'CreateIndex' : 'IndexAlreadyExists') : changed ? 'DropIndex' : 'IndexDoesNotExist';
  switch (spec.type) {
    case 'label':
    case 'label+property':
      if (create) return info(code, changed ? `Created index on label ${label} on properties ${props}.` : `Index on label ${label} on properties ${props} already exists.`);
      return info(code, changed ? `Dropped index on label ${label} on properties ${props}.` : `Index on label ${label} on properties ${props} doesn't exist.`);
    case 'point':
      if (create) return info(code, changed ? `Created point index on label ${label}, property ${props}.` : `Point index on label ${label} and property ${props} already exists.`);
      return info(code, changed ? `Dropped point index on label ${label}, property ${props}.` : `Point index on label ${label} and property ${props} doesn't exist.`);
    case 'edge-type':
    case 'edge-type+property':
    case 'edge-property':
      if (create && changed) return info(code, props === '' ? `Created index on edge-type ${label}.` : `Created index on edge-type ${label} on property ${props}.`);
      if (create) return info(code, `Index on edge-type ${label} on properties ${props} already exists.`);
      return info(code, changed ? `Dropped index on edge-type ${label}.` : `Index on edge-type ${label} on ${props} doesn't exist.`);
  }
}
