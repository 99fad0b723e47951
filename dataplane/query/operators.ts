// Cypher arithmetic over Values (pure): + - * / % ^ and unary minus.
//
// - null in → null out (also for list + null, like Memgraph and Neo4j).
// - INTEGER op INTEGER stays INTEGER (int64; overflow is an ArithmeticError), `/` truncates
//   toward zero and `/`, `%` by integer zero raise ArithmeticError; a FLOAT on either side
//   makes the result FLOAT (IEEE: 1.0/0 = Infinity); `^` is always FLOAT.
// - `+` also concatenates strings (a number on the other side is printed), lists
//   (list + element, element + list) and adds durations to temporals.
// - Like Memgraph (not openCypher), `-` between two temporals of the same kind gives the
//   duration between them: whole days for dates, exact time otherwise.
// - Anything else is a TypeError naming the operator and the operand types.

import { Codes, MghaError, typeError } from '../errors.js';
import { INT64_MAX, INT64_MIN, isTagged, typeName, type CypherDuration, type Value } from '../values/model.js';
import { addDurationTo, type PointInTime } from '../values/temporal/arithmetic.js';
import { durationBetween } from '../values/temporal/between.js';
import { addDurations, divideDuration, multiplyDuration, negateDuration } from '../values/temporal/duration.js';
import { formatFloat } from '../values/temporal/format.js';

type Num = bigint | number;

function isNum(v: Value): v is Num {
  return typeof v === 'bigint' || typeof v === 'number';
}

function isDuration(v: Value): v is CypherDuration {
  return isTagged(v) && v.kind === 'duration';
}

function isPointInTime(v: Value): v is PointInTime {
  return isTagged(v) && (v.kind === 'date' || v.kind === 'localtime' || v.kind === 'time' ||
    v.kind === 'localdatetime' || v.kind === 'datetime');
}

function checked(v: bigint): bigint {
  if (v > INT64_MAX || v < INT64_MIN) throw new MghaError(Codes.ArithmeticError, 'Integer overflow');
  return v;
}

function invalid(op: string, a: Value, b?: Value): MghaError {
  const types = b === undefined ? typeName(a) : `${typeName(a)} and ${typeName(b)}`;
  return typeError(`Invalid types for '${op}': ${types}`);
}

function numberText(v: Num): string {
  return typeof v === 'bigint' ? String(v) : formatFloat(v);
}

export function add(a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (Array.isArray(a)) return Array.isArray(b) ? [...a, ...b] : [...a, b];
  if (Array.isArray(b)) return [a, ...b];
  if (typeof a === 'bigint' && typeof b === 'bigint') return checked(a + b);
  if (isNum(a) && isNum(b)) return Number(a) + Number(b);
  if (typeof a === 'string') {
    if (typeof b === 'string') return a + b;
    if (isNum(b)) return a + numberText(b);
  }
  if (typeof b === 'string' && isNum(a)) return numberText(a) + b;
  if (isDuration(a) && isDuration(b)) return addDurations(a, b, 1n);
  if (isPointInTime(a) && isDuration(b)) return addDurationTo(a, b, 1);
  if (isDuration(a) && isPointInTime(b)) return addDurationTo(b, a, 1);
  throw invalid('+', a, b);
}

export function subtract(a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (typeof a === 'bigint' && typeof b === 'bigint') return checked(a - b);
  if (isNum(a) && isNum(b)) return Number(a) - Number(b);
  if (isDuration(a) && isDuration(b)) return addDurations(a, b, -1n);
  if (isPointInTime(a) && isDuration(b)) return addDurationTo(a, b, -1);
  if (isPointInTime(a) && isPointInTime(b) && a.kind === b.kind) {
    return durationBetween('-', a.kind === 'date' ? 'days' : 'seconds', b, a);
  }
  throw invalid('-', a, b);
}

export function multiply(a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (typeof a === 'bigint' && typeof b === 'bigint') return checked(a * b);
  if (isNum(a) && isNum(b)) return Number(a) * Number(b);
  if (isDuration(a) && isNum(b)) return multiplyDuration(a, b);
  if (isNum(a) && isDuration(b)) return multiplyDuration(b, a);
  throw invalid('*', a, b);
}

export function divide(a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    if (b === 0n) throw new MghaError(Codes.ArithmeticError, '/ by zero');
    return checked(a / b); // bigint division truncates toward zero; MIN / -1 overflows
  }
  if (isNum(a) && isNum(b)) return Number(a) / Number(b);
  if (isDuration(a) && isNum(b)) return divideDuration(a, b);
  throw invalid('/', a, b);
}

export function modulo(a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    if (b === 0n) throw new MghaError(Codes.ArithmeticError, '% by zero');
    return a % b; // sign follows the dividend, like Java
  }
  if (isNum(a) && isNum(b)) return Number(a) % Number(b);
  throw invalid('%', a, b);
}

export function power(a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (isNum(a) && isNum(b)) return Math.pow(Number(a), Number(b));
  throw invalid('^', a, b);
}

export function negate(a: Value): Value {
  if (a === null) return null;
  if (typeof a === 'bigint') return checked(-a);
  if (typeof a === 'number') return -a;
  if (isDuration(a)) return negateDuration(a);
  throw invalid('-', a);
}
