import { Codes } from '../../../dataplane/errors.js';
import { add, divide, modulo, multiply, negate, power, subtract } from '../../../dataplane/query/operators.js';
import { CypherDate, CypherDuration, CypherLocalTime, INT64_MAX, INT64_MIN, type Value } from '../../../dataplane/values/model.js';
import { formatValue } from '../../../dataplane/values/temporal.js';
import { codeOf } from './helpers/errors.js';

describe('arithmetic on numbers', () => {
  test('integer op integer stays integer', () => {
    expect(add(2n, 3n)).toBe(5n);
    expect(subtract(2n, 3n)).toBe(-1n);
    expect(multiply(4n, 3n)).toBe(12n);
    expect(divide(7n, 2n)).toBe(3n);
    expect(modulo(7n, 3n)).toBe(1n);
  });

  test('integer division and modulo truncate toward zero (sign of dividend)', () => {
    expect(divide(-7n, 2n)).toBe(-3n);
    expect(modulo(-7n, 3n)).toBe(-1n);
    expect(modulo(7n, -3n)).toBe(1n);
  });

  test('a float on either side gives a float', () => {
    expect(add(1n, 0.5)).toBe(1.5);
    expect(divide(7.0, 2n)).toBe(3.5);
    expect(modulo(7.5, 2n)).toBe(1.5);
    expect(divide(1.0, 0n)).toBe(Infinity);
  });

  test('power is always a float', () => {
    expect(power(2n, 3n)).toBe(8);
    expect(typeof power(2n, 3n)).toBe('number');
  });

  test('int64 overflow is an ArithmeticError', () => {
    expect(codeOf(() => add(INT64_MAX, 1n))).toBe(Codes.ArithmeticError);
    expect(codeOf(() => subtract(INT64_MIN, 1n))).toBe(Codes.ArithmeticError);
    expect(codeOf(() => multiply(INT64_MAX, 2n))).toBe(Codes.ArithmeticError);
    expect(codeOf(() => divide(INT64_MIN, -1n))).toBe(Codes.ArithmeticError);
    expect(codeOf(() => negate(INT64_MIN))).toBe(Codes.ArithmeticError);
  });

  test('integer division or modulo by zero is an ArithmeticError', () => {
    expect(codeOf(() => divide(1n, 0n))).toBe(Codes.ArithmeticError);
    expect(codeOf(() => modulo(1n, 0n))).toBe(Codes.ArithmeticError);
  });

  test('null propagates', () => {
    const ops = [add, subtract, multiply, divide, modulo, power];
    for (const op of ops) {
      expect(op(null, 1n)).toBeNull();
      expect(op(1n, null)).toBeNull();
    }
    expect(negate(null)).toBeNull();
    expect(add([1n], null)).toBeNull();
  });

  test('negate', () => {
    expect(negate(5n)).toBe(-5n);
    expect(negate(1.5)).toBe(-1.5);
  });
});

describe('+ on strings and lists', () => {
  test('string concatenation, numbers printed', () => {
    expect(add('a', 'b')).toBe('ab');
    expect(add('a', 1n)).toBe('a1');
    expect(add(1.5, 'a')).toBe('1.5a');
    expect(add('a', 2.0)).toBe('a2.0');
  });

  test('list concatenation and append/prepend', () => {
    expect(add([1n, 10n, 100n], [4n, 5n])).toEqual([1n, 10n, 100n, 4n, 5n]);
    expect(add([false, true], false)).toEqual([false, true, false]);
    expect(add(0n, [1n])).toEqual([0n, 1n]);
    expect(add([[], []] as Value, [[]] as Value)).toEqual([[], [], []]);
  });

  test('operands are not mutated', () => {
    const a: Value[] = [1n];
    add(a, 2n);
    expect(a).toEqual([1n]);
  });
});

describe('type errors', () => {
  test.each([
    ['+', () => add(true, 1n)],
    ['+', () => add(new Map(), 1n)],
    ['-', () => subtract('a', 'b')],
    ['*', () => multiply('a', 2n)],
    ['/', () => divide([1n], 2n)],
    ['%', () => modulo(true, 2n)],
    ['^', () => power('2', 2n)],
    ['-', () => negate('x')],
    ['-', () => subtract(new CypherDate(0), new CypherLocalTime(1))],
  ])('%s with wrong types is a TypeError', (_op, f) => {
    expect(codeOf(f)).toBe(Codes.TypeError);
  });

  test('message names the operator and types', () => {
    expect(() => add(true, 1n)).toThrow("Invalid types for '+': BOOLEAN and INTEGER");
  });
});

describe('temporal arithmetic', () => {
  const dur = new CypherDuration(149, 14, 58390, 2);
  test('date ± duration', () => {
    const d = new CypherDate(5397); // 1984-10-11
    expect(formatValue(add(d, dur))).toBe('1997-03-25');
    expect(formatValue(subtract(d, dur))).toBe('1972-04-27');
    expect(formatValue(add(dur, d))).toBe('1997-03-25');
  });

  test('temporal - temporal of the same kind is a duration (Memgraph)', () => {
    expect(formatValue(subtract(new CypherDate(5397), new CypherDate(5390)))).toBe('P7D');
    expect(formatValue(subtract(new CypherLocalTime(1e9), new CypherLocalTime(3.5e9)))).toBe('PT-2.5S');
  });

  test('local time wraps around midnight', () => {
    const t = new CypherLocalTime((12 * 3600 + 31 * 60 + 14) * 1e9 + 1);
    expect(formatValue(add(t, dur))).toBe('04:44:24.000000003');
    expect(formatValue(subtract(t, dur))).toBe('20:18:03.999999999');
  });

  test('duration ± duration, * and / numbers', () => {
    expect(formatValue(add(dur, dur))).toBe('P24Y10M28DT32H26M20.000000004S');
    expect(formatValue(subtract(dur, dur))).toBe('PT0S');
    expect(formatValue(multiply(dur, 2n))).toBe('P24Y10M28DT32H26M20.000000004S');
    expect(formatValue(multiply(new CypherDuration(149, 14, 58390, 1), 0.5))).toBe('P6Y2M22DT13H21M8S');
    expect(formatValue(divide(new CypherDuration(149, 14, 58390, 1), 2n))).toBe('P6Y2M22DT13H21M8S');
    expect(formatValue(negate(new CypherDuration(0, 0, 1, 500_000_000)))).toBe('PT-1.5S');
  });
});
