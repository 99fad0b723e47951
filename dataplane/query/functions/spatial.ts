// point() construction and distance. SRIDs: 7203 cartesian, 9157 cartesian-3d,
// 4326 WGS-84, 4979 WGS-84-3D (Neo4j's names, also accepted case-insensitively).

import { argumentError } from '../../errors.js';
import { CypherPoint, isTagged, type Value } from '../../values/model.js';
import { badArg, mapArg, numArg } from './args.js';
import { def, unary } from './define.js';
import type { FunctionDef } from './types.js';

// The mean Earth radius Neo4j uses for WGS-84 distances, in metres.
const EARTH_RADIUS_M = 6_378_140;

const CRS_SRID = new Map<string, number>([
  ['cartesian', 7203],
  ['cartesian-3d', 9157],
  ['wgs-84', 4326],
  ['wgs-84-3d', 4979],
]);
const SRIDS = new Set(CRS_SRID.values());

function coordinate(map: Map<string, Value>, ...names: string[]): number | undefined {
  for (const name of names) {
    const v = map.get(name);
    if (v !== undefined && v !== null) return numArg('point', v);
  }
  return undefined;
}

function makePoint(map: Map<string, Value>): Value {
  if ([...map.values()].some((v) => v === null)) return null;
  const geographic = map.has('longitude') || map.has('latitude');
  const x = coordinate(map, 'x', 'longitude');
  const y = coordinate(map, 'y', 'latitude');
  const z = coordinate(map, 'z', 'height');
  if (x === undefined || y === undefined) {
    throw argumentError('point() needs x and y, or longitude and latitude');
  }
  let srid = geographic ? (z === undefined ? 4326 : 4979) : z === undefined ? 7203 : 9157;
  const crs = map.get('crs');
  if (crs !== undefined) {
    const named = typeof crs === 'string' ? CRS_SRID.get(crs.toLowerCase()) : undefined;
    if (named === undefined) throw argumentError(`point() unknown crs ${String(crs)}`);
    srid = named;
  }
  const sridArg = map.get('srid');
  if (sridArg !== undefined) {
    if (typeof sridArg !== 'bigint' || !SRIDS.has(Number(sridArg))) throw argumentError(`point() unknown srid ${String(sridArg)}`);
    srid = Number(sridArg);
  }
  const is3d = srid === 9157 || srid === 4979;
  if (is3d !== (z !== undefined)) throw argumentError(`point() srid ${srid} needs ${is3d ? 3 : 2} coordinates`);
  if ((srid === 4326 || srid === 4979) && (y < -90 || y > 90)) {
    throw argumentError('point() latitude must be between -90 and 90');
  }
  return new CypherPoint(srid, x, y, z ?? null);
}

function toRadians(deg: number): number {
  return (deg * Math.PI) / 180;
}

export function distance(a: CypherPoint, b: CypherPoint): number | null {
  if (a.srid !== b.srid) return null;
  const dz = (a.z ?? 0) - (b.z ?? 0);
  if (a.srid === 7203 || a.srid === 9157) return Math.hypot(a.x - b.x, a.y - b.y, dz);
  const lat1 = toRadians(a.y);
  const lat2 = toRadians(b.y);
  const h = Math.sin((lat2 - lat1) / 2) ** 2 +
    Math.cos(lat1) * Math.cos(lat2) * Math.sin(toRadians(b.x - a.x) / 2) ** 2;
  const surface = 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
  return Math.hypot(surface, dz);
}

function pointArg(fn: string, v: Value): CypherPoint {
  return isTagged(v) && v.kind === 'point' ? v : badArg(fn, v, 'a POINT');
}

const distanceFn = (name: string): FunctionDef =>
  def(name, 2, 2, ([a, b]) => (a === null || b === null ? null : distance(pointArg(name, a), pointArg(name, b))));

/** Whether p lies in the box spanned by two corners (same CRS; else null), like Memgraph. */
function withinBBox(p: CypherPoint, lowerLeft: CypherPoint, upperRight: CypherPoint): boolean | null {
  if (p.srid !== lowerLeft.srid || p.srid !== upperRight.srid) return null;
  const geographic = p.srid === 4326 || p.srid === 4979;
  const inX = lowerLeft.x <= upperRight.x
    ? p.x >= lowerLeft.x && p.x <= upperRight.x
    : geographic && (p.x >= lowerLeft.x || p.x <= upperRight.x); // crossing the antimeridian
  const inY = p.y >= lowerLeft.y && p.y <= upperRight.y;
  const inZ = p.z === null || (p.z >= (lowerLeft.z ?? -Infinity) && p.z <= (upperRight.z ?? Infinity));
  return inX && inY && inZ;
}

export const spatialFunctions: FunctionDef[] = [
  def('point.withinBBox', 3, 3, (args) => {
    if (args.some((a) => a === null)) return null;
    const [p, ll, ur] = args.map((a) => pointArg('point.withinBBox', a));
    return withinBBox(p, ll, ur);
  }),
  unary('point', (v) => makePoint(mapArg('point', v))),
  distanceFn('point.distance'),
  distanceFn('distance'),
];
