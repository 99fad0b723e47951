// Functions over nodes, relationships and paths.

import { isTagged, type Value } from '../../values/model.js';
import { badArg, nodeArg, pathArg, relArg } from './args.js';
import { nullIn, unary } from './define.js';
import type { FunctionDef } from './types.js';

function entityId(fn: string, v: Value): number {
  if (isTagged(v) && (v.kind === 'node' || v.kind === 'relationship')) return v.id;
  return badArg(fn, v, 'a NODE or RELATIONSHIP');
}

function propertyMap(fn: string, v: Value): ReadonlyMap<string, Value> {
  if (v instanceof Map) return v;
  if (isTagged(v) && (v.kind === 'node' || v.kind === 'relationship')) return v.properties();
  return badArg(fn, v, 'a NODE, RELATIONSHIP or MAP');
}

export const graphFunctions: FunctionDef[] = [
  unary('id', (v) => BigInt(entityId('id', v))),
  unary('elementId', (v) => String(entityId('elementId', v))),
  unary('labels', (v) => [...nodeArg('labels', v).labels()]),
  unary('type', (v) => relArg('type', v).type),
  unary('properties', (v) => new Map(propertyMap('properties', v))),
  unary('keys', (v) => [...propertyMap('keys', v).keys()]),
  unary('values', (v) => [...propertyMap('values', v).values()]),
  nullIn('startNode', 1, 1, ([v], ctx) => ctx.nodeById(relArg('startNode', v).startId)),
  nullIn('endNode', 1, 1, ([v], ctx) => ctx.nodeById(relArg('endNode', v).endId)),
  unary('nodes', (v) => [...pathArg('nodes', v).nodes]),
  unary('relationships', (v) => [...pathArg('relationships', v).rels]),
];
