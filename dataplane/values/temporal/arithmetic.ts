// Temporal ± duration, as java.time / Neo4j define it: months first (day clamped to the
// month's end), then days, then the exact seconds+nanos part. Types without a time of
// day take only whole days from the seconds part; types without a date ignore months/days.

import {
  CypherDate,
  CypherDateTime,
  CypherDuration,
  CypherLocalDateTime,
  CypherLocalTime,
  CypherTime,
} from '../model.js';
import { NANOS_PER_DAY_N, floorDivN, floorModN, plusMonths } from './calendar.js';
import { durationTotalNanos } from './duration.js';
import { localToZoned, zoneOffsetAt } from './zones.js';

export type PointInTime = CypherDate | CypherLocalTime | CypherTime | CypherLocalDateTime | CypherDateTime;

const NS = 1_000_000_000n;

function shiftDate(epochDay: number, d: CypherDuration, sign: number): number {
  return plusMonths(epochDay, sign * d.months) + sign * d.days;
}

export function addDurationTo(t: PointInTime, d: CypherDuration, sign: 1 | -1): PointInTime {
  const nanos = BigInt(sign) * durationTotalNanos(d);
  switch (t.kind) {
    case 'date': {
      // Whole days of the time part, truncated toward zero (Neo4j).
      const wholeDays = Number(nanos / NANOS_PER_DAY_N);
      return new CypherDate(shiftDate(t.epochDay, d, sign) + wholeDays);
    }
    case 'localtime':
      return new CypherLocalTime(Number(floorModN(BigInt(t.nanoOfDay) + nanos, NANOS_PER_DAY_N)));
    case 'time':
      return new CypherTime(Number(floorModN(BigInt(t.nanoOfDay) + nanos, NANOS_PER_DAY_N)), t.offsetSeconds);
    case 'localdatetime': {
      const [sec, nano] = shiftLocal(t.epochSecond, t.nano, d, sign, nanos);
      return new CypherLocalDateTime(sec, nano);
    }
    case 'datetime': {
      const localSecond = t.epochSecond + t.offsetSeconds;
      const day = Math.floor(localSecond / 86_400);
      const shiftedDay = shiftDate(day, d, sign);
      let epochSecond = t.epochSecond;
      if (shiftedDay !== day) {
        const local = localSecond + (shiftedDay - day) * 86_400;
        epochSecond = t.zoneId === null ? local - t.offsetSeconds : localToZoned(t.zoneId, local).epochSecond;
      }
      const total = BigInt(epochSecond) * NS + BigInt(t.nano) + nanos;
      const sec = Number(floorDivN(total, NS));
      const offset = t.zoneId === null ? t.offsetSeconds : zoneOffsetAt(t.zoneId, sec);
      return new CypherDateTime(sec, Number(floorModN(total, NS)), offset, t.zoneId);
    }
  }
}

function shiftLocal(epochSecond: number, nano: number, d: CypherDuration, sign: number, nanos: bigint): [number, number] {
  const day = Math.floor(epochSecond / 86_400);
  const secOfDay = epochSecond - day * 86_400;
  const shifted = shiftDate(day, d, sign) * 86_400 + secOfDay;
  const total = BigInt(shifted) * NS + BigInt(nano) + nanos;
  return [Number(floorDivN(total, NS)), Number(floorModN(total, NS))];
}
