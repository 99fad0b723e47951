// duration.between / inMonths / inDays / inSeconds, following java.time's `until` as
// Neo4j uses it:
// - A value without a date (localtime, time) is placed on the other value's date; if
//   neither has one, only times of day are compared. Month and day units then give 0.
// - A value without a zone is read in the other value's zone; with two zones, the second
//   value is converted to the first one's zone before date units are counted.
// - Months, then days, are counted on local date-times (an end whose time of day is
//   earlier does not complete the last unit); the rest is the exact instant difference.

import { typeError } from '../../errors.js';
import { isTagged, typeName, type CypherDuration, type Value } from '../model.js';
import { civilFromEpochDay, floorDiv, floorMod, plusMonths } from './calendar.js';
import { durationOf } from './duration.js';
import { offsetAt, resolveLocal, type Zone } from './zones.js';

export type BetweenUnit = 'all' | 'months' | 'days' | 'seconds';

interface Norm {
  day: number | null;
  nano: number;
  zone: Zone | null;
}

const NS = 1_000_000_000n;

function normalise(fn: string, v: Value): Norm {
  if (!isTagged(v)) throw typeError(`${fn}() expected a temporal value but got ${typeName(v)}`);
  switch (v.kind) {
    case 'date':
      return { day: v.epochDay, nano: 0, zone: null };
    case 'localtime':
      return { day: null, nano: v.nanoOfDay, zone: null };
    case 'time':
      return { day: null, nano: v.nanoOfDay, zone: { kind: 'offset', seconds: v.offsetSeconds } };
    case 'localdatetime':
      return { day: floorDiv(v.epochSecond, 86_400), nano: floorMod(v.epochSecond, 86_400) * 1e9 + v.nano, zone: null };
    case 'datetime': {
      const local = v.epochSecond + v.offsetSeconds;
      const zone: Zone = v.zoneId === null ? { kind: 'offset', seconds: v.offsetSeconds } : { kind: 'named', id: v.zoneId };
      return { day: floorDiv(local, 86_400), nano: floorMod(local, 86_400) * 1e9 + v.nano, zone };
    }
    default:
      throw typeError(`${fn}() expected a temporal value but got ${typeName(v)}`);
  }
}

/** Exact instant (or local "as if UTC" time when zone is null) in nanoseconds. */
function instantNanos(day: number, nano: number, zone: Zone | null): bigint {
  if (zone === null) return BigInt(day) * 86_400n * NS + BigInt(nano);
  const { epochSecond } = resolveLocal(zone, day * 86_400 + Math.floor(nano / 1e9));
  return BigInt(epochSecond) * NS + BigInt(nano % 1e9);
}

function prolepticKey(day: number): number {
  const { year, month, day: d } = civilFromEpochDay(day);
  return (year * 12 + month - 1) * 32 + d;
}

/** java.time LocalDateTime.until for MONTHS (byMonths) or DAYS. */
function dateUnitsUntil(fromDay: number, fromNano: number, toDay: number, toNano: number, byMonths: boolean): number {
  let end = toDay;
  if (end > fromDay && toNano < fromNano) end -= 1;
  else if (end < fromDay && toNano > fromNano) end += 1;
  if (!byMonths) return end - fromDay;
  return Math.trunc((prolepticKey(end) - prolepticKey(fromDay)) / 32);
}

export function durationBetween(fn: string, unit: BetweenUnit, a: Value, b: Value): CypherDuration | null {
  if (a === null || b === null) return null;
  const from = normalise(fn, a);
  const to = normalise(fn, b);
  const bothDates = from.day !== null && to.day !== null;
  if (!bothDates && (unit === 'months' || unit === 'days')) return durationOf(0n, 0n, 0n);
  const fromDay = from.day ?? to.day ?? 0;
  const toDay = to.day ?? from.day ?? 0;
  const fromZone = from.zone ?? to.zone;
  const toZone = to.zone ?? from.zone;
  const endInstant = instantNanos(toDay, to.nano, toZone);

  let months = 0;
  let days = 0;
  let startDay = fromDay;
  if (bothDates && unit !== 'seconds') {
    // The end as a local date-time in the start's zone.
    let endDay = toDay;
    let endNano = to.nano;
    if (fromZone !== null && toZone !== null) {
      const endSecond = Number(endInstant >= 0n ? endInstant / NS : -((-endInstant + NS - 1n) / NS));
      const local = endSecond + offsetAt(fromZone, endSecond);
      endDay = floorDiv(local, 86_400);
      endNano = floorMod(local, 86_400) * 1e9 + to.nano % 1e9;
    }
    if (unit === 'all' || unit === 'months') {
      months = dateUnitsUntil(startDay, from.nano, endDay, endNano, true);
      startDay = plusMonths(startDay, months);
    }
    if (unit === 'all' || unit === 'days') {
      days = dateUnitsUntil(startDay, from.nano, endDay, endNano, false);
      startDay += days;
    }
    if (unit !== 'all') return durationOf(BigInt(months), BigInt(days), 0n);
  }
  const nanos = endInstant - instantNanos(startDay, from.nano, fromZone);
  return durationOf(BigInt(months), BigInt(days), nanos);
}
