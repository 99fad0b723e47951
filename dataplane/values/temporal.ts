// Temporal values: the entry points other layers use. The implementation lives in
// ./temporal/ (calendar math, zones, parsing, construction, arithmetic, formatting).

import { Codes, MghaError } from '../errors.js';
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
    case 'enum':
      return undefined;
    case 'point':
      return pointComponent(v.srid, v.x, v.y, v.z, key);
    default:
      return componentOf(v, key);
  }
}

/**
 * A point's components as Memgraph reads them: components the point lacks are errors (not
 * null), and a 3-D point's `crs` names its 2-D family ('wgs-84', 'cartesian'), as Memgraph's
 * spatial features expect.
 */
function pointComponent(srid: number, x: number, y: number, z: number | null, key: string): Value {
  const geographic = srid === 4326 || srid === 4979;
  const fail = (message: string): never => {
    throw new MghaError(Codes.MemgraphClientError, message);
  };
  switch (key) {
    case 'x':
      return x;
    case 'y':
      return y;
    case 'longitude':
      return geographic ? x : fail('Use x instead of longitude for cartesian point types');
    case 'latitude':
      return geographic ? y : fail('Use y instead of latitude for cartesian point types');
    case 'srid':
      return BigInt(srid);
    case 'crs':
      return geographic ? 'wgs-84' : 'cartesian';
  }
  if (z !== null && (key === 'z' || (geographic && key === 'height'))) return z;
  return fail(`Invalid property name ${key} for ${z === null ? 'Point2d' : 'Point3d'}`);
}
