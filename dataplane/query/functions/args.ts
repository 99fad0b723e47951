// Argument checks shared by the scalar functions: each throws a TypeError that names the
// function, the argument position and the type it got.

import { typeError } from '../../errors.js';
import {
  isTagged,
  typeName,
  type NodeValue,
  type PathValue,
  type RelationshipValue,
  type Value,
} from '../../values/model.js';

export function badArg(fn: string, v: Value, expected: string): never {
  throw typeError(`${fn}() expected ${expected} but got ${typeName(v)}`);
}

export function intArg(fn: string, v: Value): bigint {
  return typeof v === 'bigint' ? v : badArg(fn, v, 'an INTEGER');
}

export function numArg(fn: string, v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return badArg(fn, v, 'a number');
}

export function stringArg(fn: string, v: Value): string {
  return typeof v === 'string' ? v : badArg(fn, v, 'a STRING');
}

export function listArg(fn: string, v: Value): Value[] {
  return Array.isArray(v) ? v : badArg(fn, v, 'a LIST');
}

export function mapArg(fn: string, v: Value): Map<string, Value> {
  return v instanceof Map ? v : badArg(fn, v, 'a MAP');
}

export function nodeArg(fn: string, v: Value): NodeValue {
  return isTagged(v) && v.kind === 'node' ? v : badArg(fn, v, 'a NODE');
}

export function relArg(fn: string, v: Value): RelationshipValue {
  return isTagged(v) && v.kind === 'relationship' ? v : badArg(fn, v, 'a RELATIONSHIP');
}

export function pathArg(fn: string, v: Value): PathValue {
  return isTagged(v) && v.kind === 'path' ? v : badArg(fn, v, 'a PATH');
}
