// Duration arithmetic. A duration keeps months, days and seconds apart (they do not
// convert exactly into each other); `nanos` is normalised into [0, 1e9) with the sign
// carried by `seconds`, like java.time / Neo4j. Exact parts use bigint.

import { Codes, MghaError } from '../../errors.js';
import { CypherDuration } from '../model.js';
import { floorDivN, floorModN } from './calendar.js';

/** 365.2425 / 12: the average Gregorian month, used to spill fractional months into days. */
export const AVG_DAYS_PER_MONTH = 30.436875;

const NS = 1_000_000_000n;

function checkedNumber(v: bigint, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new MghaError(Codes.ArithmeticError, `Duration ${what} out of range`);
  }
  return Number(v);
}

/** Builds a normalised duration from exact parts; `totalNanos` is seconds·1e9 + nanos. */
export function durationOf(months: bigint, days: bigint, totalNanos: bigint): CypherDuration {
  return new CypherDuration(
    checkedNumber(months, 'months'),
    checkedNumber(days, 'days'),
    checkedNumber(floorDivN(totalNanos, NS), 'seconds'),
    Number(floorModN(totalNanos, NS)),
  );
}

export function durationTotalNanos(d: CypherDuration): bigint {
  return BigInt(d.seconds) * NS + BigInt(d.nanos);
}

/**
 * Neo4j's approximation for fractional components: the fraction of each unit cascades
 * into the next smaller one (month → 30.436875 days → 86400 s → 1e9 ns), truncating.
 */
export function approximateDuration(months: number, days: number, seconds: number, nanos: number): CypherDuration {
  const m = Math.trunc(months);
  days += AVG_DAYS_PER_MONTH * (months - m);
  const d = Math.trunc(days);
  seconds += 86_400 * (days - d);
  const s = Math.trunc(seconds);
  nanos += 1e9 * (seconds - s);
  // Drop float noise below a thousandth of a nanosecond before truncating (0.545 s is
  // 544999999.9999 ns in binary).
  const n = Math.trunc(Math.round(nanos * 1000) / 1000);
  return durationOf(BigInt(m), BigInt(d), BigInt(s) * NS + BigInt(n));
}

export function addDurations(a: CypherDuration, b: CypherDuration, sign: 1n | -1n): CypherDuration {
  return durationOf(
    BigInt(a.months) + sign * BigInt(b.months),
    BigInt(a.days) + sign * BigInt(b.days),
    durationTotalNanos(a) + sign * durationTotalNanos(b),
  );
}

export function negateDuration(d: CypherDuration): CypherDuration {
  return durationOf(-BigInt(d.months), -BigInt(d.days), -durationTotalNanos(d));
}

export function multiplyDuration(d: CypherDuration, factor: bigint | number): CypherDuration {
  if (typeof factor === 'bigint') {
    return durationOf(BigInt(d.months) * factor, BigInt(d.days) * factor, durationTotalNanos(d) * factor);
  }
  return approximateDuration(d.months * factor, d.days * factor, d.seconds * factor, d.nanos * factor);
}

export function divideDuration(d: CypherDuration, divisor: bigint | number): CypherDuration {
  const f = Number(divisor);
  if (f === 0) throw new MghaError(Codes.ArithmeticError, '/ by zero');
  return approximateDuration(d.months / f, d.days / f, d.seconds / f, d.nanos / f);
}

export const DURATION_UNITS = [
  'years',
  'quarters',
  'months',
  'weeks',
  'days',
  'hours',
  'minutes',
  'seconds',
  'milliseconds',
  'microseconds',
  'nanoseconds',
] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];

/**
 * A duration from named components (duration({…}) and ISO text). All-integer input is
 * exact; any fractional component makes the whole computation approximate like Neo4j.
 */
export function durationFromUnits(c: Partial<Record<DurationUnit, bigint | number>>): CypherDuration {
  const values = Object.values(c);
  if (values.every((v) => typeof v === 'bigint')) {
    const g = (u: DurationUnit): bigint => (c[u] as bigint | undefined) ?? 0n;
    return durationOf(
      g('years') * 12n + g('quarters') * 3n + g('months'),
      g('weeks') * 7n + g('days'),
      (g('hours') * 3600n + g('minutes') * 60n + g('seconds')) * NS +
        g('milliseconds') * 1_000_000n + g('microseconds') * 1000n + g('nanoseconds'),
    );
  }
  const f = (u: DurationUnit): number => Number(c[u] ?? 0);
  return approximateDuration(
    f('years') * 12 + f('quarters') * 3 + f('months'),
    f('weeks') * 7 + f('days'),
    f('hours') * 3600 + f('minutes') * 60 + f('seconds'),
    f('milliseconds') * 1e6 + f('microseconds') * 1e3 + f('nanoseconds'),
  );
}
