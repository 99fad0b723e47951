// Which values may be stored as properties: anything but graph entities, at any depth.

import { typeError } from '../errors.js';
import { isTagged, typeName, type Value } from '../values/model.js';

export function checkPropertyValue(v: Value): void {
  if (v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    for (const e of v) checkPropertyValue(e);
    return;
  }
  if (v instanceof Map) {
    for (const e of v.values()) checkPropertyValue(e);
    return;
  }
  if (isTagged(v) && (v.kind === 'node' || v.kind === 'relationship' || v.kind === 'path')) {
    throw typeError(`Cannot store a value of type ${typeName(v)} as a property.`);
  }
}
