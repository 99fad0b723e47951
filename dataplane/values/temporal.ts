// Temporal values: the entry points other layers use. The implementation lives in
// ./temporal/ (calendar math, zones, parsing, construction, arithmetic, formatting).

import { isTagged, type Value } from './model.js';
import { temporalComponent as componentOf } from './temporal/components.js';

export { formatLiteral, formatTemporal, formatValue } from './temporal/format.js';

/** `v.key` on a temporal or point value; undefined when v has no such component. */
export function temporalComponent(v: Value, key: string): Value | undefined {
  if (!isTagged(v)) return undefined;
  switch (v.kind) {
    case 'node':
    case 'relationship':
    case 'path':
      return undefined;
    case 'point':
      return pointComponent(v.srid, v.x, v.y, v.z, key);
    default:
      return componentOf(v, key);
  }
}

function pointComponent(srid: number, x: number, y: number, z: number | null, key: string): Value | undefined {
  const geographic = srid === 4326 || srid === 4979;
  switch (key) {
    case 'x':
      return x;
    case 'y':
      return y;
    case 'z':
      return z ?? undefined;
    case 'longitude':
      return geographic ? x : undefined;
    case 'latitude':
      return geographic ? y : undefined;
    case 'height':
      return geographic && z !== null ? z : undefined;
    case 'srid':
      return BigInt(srid);
    case 'crs':
      return geographic ? (z === null ? 'wgs-84' : 'wgs-84-3d') : z === null ? 'cartesian' : 'cartesian-3d';
    default:
      return undefined;
  }
}
