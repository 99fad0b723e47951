// Numeric functions. Integer in → integer out only for abs() and sign(); the rest
// return FLOAT, like Neo4j (ceil/floor/round of an INTEGER are FLOATs too).

import { argumentError, Codes, MghaError } from '../../errors.js';
import { INT64_MIN, type Value } from '../../values/model.js';
import { badArg, intArg, numArg, stringArg } from './args.js';
import { def, unary } from './define.js';
import type { FunctionDef } from './types.js';

function float(name: string, fn: (x: number) => number): FunctionDef {
  return unary(name, (v) => fn(numArg(name, v)));
}

const ROUNDING_MODES = ['UP', 'DOWN', 'CEILING', 'FLOOR', 'HALF_UP', 'HALF_DOWN', 'HALF_EVEN'] as const;
type RoundingMode = (typeof ROUNDING_MODES)[number];

function roundInteger(x: number, mode: RoundingMode): number {
  const lower = Math.floor(x);
  if (lower === x) return x;
  const upper = lower + 1;
  const away = x < 0 ? lower : upper;
  const toward = x < 0 ? upper : lower;
  switch (mode) {
    case 'UP':
      return away;
    case 'DOWN':
      return toward;
    case 'CEILING':
      return upper;
    case 'FLOOR':
      return lower;
  }
  const diff = x - lower;
  if (diff !== 0.5) return diff < 0.5 ? lower : upper;
  if (mode === 'HALF_UP') return away;
  if (mode === 'HALF_DOWN') return toward;
  return lower % 2 === 0 ? lower : upper;
}

/** round(x[, precision[, mode]]): ties away from zero by default (Java's HALF_UP). */
function round(args: Value[]): Value {
  const [x, precision, mode] = args;
  if (x === null || precision === null || mode === null) return null;
  const value = numArg('round', x);
  const digits = precision === undefined ? 0 : Number(intArg('round', precision));
  let m: RoundingMode = 'HALF_UP';
  if (mode !== undefined) {
    const name = stringArg('round', mode).toUpperCase();
    if (!(ROUNDING_MODES as readonly string[]).includes(name)) throw argumentError(`round() unknown rounding mode '${name}'`);
    m = name as RoundingMode;
  }
  if (!Number.isFinite(value)) return value;
  if (digits === 0) return roundInteger(value, m) + 0;
  // Scale through the decimal text so 0.285 rounds as the decimal a user typed.
  return shiftDecimal(roundInteger(shiftDecimal(value, digits), m), -digits);
}

function shiftDecimal(x: number, digits: number): number {
  const [mantissa, exponent = '0'] = String(x).split('e');
  return Number(`${mantissa}e${Number(exponent) + digits}`);
}

export const mathFunctions: FunctionDef[] = [
  unary('abs', (v) => {
    if (typeof v === 'bigint') {
      if (v === INT64_MIN) throw new MghaError(Codes.ArithmeticError, 'Integer overflow');
      return v < 0n ? -v : v;
    }
    return typeof v === 'number' ? Math.abs(v) : badArg('abs', v, 'a number');
  }),
  unary('sign', (v) => {
    if (typeof v === 'bigint') return v > 0n ? 1n : v < 0n ? -1n : 0n;
    // NaN has no sign; Neo4j's (long) cast of it gives 0.
    const x = numArg('sign', v);
    return Number.isNaN(x) ? 0n : BigInt(Math.sign(x));
  }),
  float('ceil', Math.ceil),
  float('floor', Math.floor),
  def('round', 1, 3, round),
  float('sqrt', Math.sqrt),
  float('exp', Math.exp),
  float('log', Math.log),
  float('log10', Math.log10),
  float('sin', Math.sin),
  float('cos', Math.cos),
  float('tan', Math.tan),
  float('cot', (x) => 1 / Math.tan(x)),
  float('asin', Math.asin),
  float('acos', Math.acos),
  float('atan', Math.atan),
  float('haversin', (x) => (1 - Math.cos(x)) / 2),
  def('atan2', 2, 2, ([y, x]) => (y === null || x === null ? null : Math.atan2(numArg('atan2', y), numArg('atan2', x)))),
  float('degrees', (x) => (x * 180) / Math.PI),
  float('radians', (x) => (x * Math.PI) / 180),
  unary('isNaN', (v) => Number.isNaN(numArg('isNaN', v))),
  def('pi', 0, 0, () => Math.PI),
  def('e', 0, 0, () => Math.E),
  def('rand', 0, 0, () => Math.random()),
];
