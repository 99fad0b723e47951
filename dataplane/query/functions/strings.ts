// String functions. Positions and lengths count Unicode code points, not UTF-16 units.

import { argumentError } from '../../errors.js';
import type { Value } from '../../values/model.js';
import { intArg, stringArg } from './args.js';
import { def, unary } from './define.js';
import type { FunctionDef } from './types.js';

function nonNegative(fn: string, what: string, v: Value): number {
  if (v === null) throw argumentError(`${fn}() ${what} must not be null`);
  const n = intArg(fn, v);
  if (n < 0n) throw argumentError(`${fn}() ${what} must not be negative, got ${n}`);
  return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
}

/** A function of strings where any null argument gives null. */
function strings(name: string, arity: number, fn: (s: string[]) => Value): FunctionDef {
  return def(name, arity, arity, (args) => {
    if (args.some((a) => a === null)) return null;
    return fn(args.map((a) => stringArg(name, a)));
  });
}

const lower = (v: Value): Value => stringArg('toLower', v).toLowerCase();
const upper = (v: Value): Value => stringArg('toUpper', v).toUpperCase();

export const stringFunctions: FunctionDef[] = [
  unary('toLower', lower),
  unary('lower', lower),
  unary('toUpper', upper),
  unary('upper', upper),
  unary('char_length', (v) => BigInt([...stringArg('char_length', v)].length)),
  unary('character_length', (v) => BigInt([...stringArg('character_length', v)].length)),
  unary('trim', (v) => stringArg('trim', v).trim()),
  unary('lTrim', (v) => stringArg('lTrim', v).trimStart()),
  unary('rTrim', (v) => stringArg('rTrim', v).trimEnd()),
  strings('replace', 3, ([s, search, replacement]) => s.replaceAll(search, replacement)),
  strings('contains', 2, ([s, part]) => s.includes(part)),
  strings('startsWith', 2, ([s, part]) => s.startsWith(part)),
  strings('endsWith', 2, ([s, part]) => s.endsWith(part)),
  def('split', 2, 2, ([s, delimiter]) => {
    if (s === null || delimiter === null) return null;
    const text = stringArg('split', s);
    if (Array.isArray(delimiter)) {
      const seps = delimiter.map((d) => stringArg('split', d)).filter((d) => d !== '');
      if (seps.length === 0) return [...text];
      const escaped = seps.map((d) => d.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      return text.split(new RegExp(escaped.join('|'), 'u'));
    }
    const sep = stringArg('split', delimiter);
    return sep === '' ? [...text] : text.split(sep);
  }),
  def('substring', 2, 3, ([s, start, length]) => {
    if (s === null) return null;
    const chars = [...stringArg('substring', s)];
    const from = nonNegative('substring', 'start', start);
    const count = length === undefined ? chars.length : nonNegative('substring', 'length', length);
    return chars.slice(from, from + count).join('');
  }),
  def('left', 2, 2, ([s, n]) => {
    if (s === null) return null;
    return [...stringArg('left', s)].slice(0, nonNegative('left', 'length', n)).join('');
  }),
  def('right', 2, 2, ([s, n]) => {
    if (s === null) return null;
    const chars = [...stringArg('right', s)];
    const count = nonNegative('right', 'length', n);
    return chars.slice(Math.max(0, chars.length - count)).join('');
  }),
];
