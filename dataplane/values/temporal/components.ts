// Component access on temporal values (`d.year`, `t.offsetMinutes`, `dur.minutes` …),
// with Neo4j's names. Keys are case-sensitive like property keys; an unknown key
// returns undefined so the caller can decide (null or error).

import type { CypherDuration, TemporalValue, Value } from '../model.js';
import {
  civilFromEpochDay,
  dayOfQuarter,
  dayOfWeek,
  dayOfYear,
  floorDiv,
  floorDivN,
  floorModN,
  isoWeek,
  quarterOf,
} from './calendar.js';
import { formatOffset } from './format.js';

function dateComponent(epochDay: number, key: string): Value | undefined {
  switch (key) {
    case 'year':
      return BigInt(civilFromEpochDay(epochDay).year);
    case 'quarter':
      return BigInt(quarterOf(civilFromEpochDay(epochDay).month));
    case 'month':
      return BigInt(civilFromEpochDay(epochDay).month);
    case 'week':
      return BigInt(isoWeek(epochDay).week);
    case 'weekYear':
      return BigInt(isoWeek(epochDay).weekYear);
    case 'day':
      return BigInt(civilFromEpochDay(epochDay).day);
    case 'ordinalDay':
      return BigInt(dayOfYear(epochDay));
    case 'weekDay':
    case 'dayOfWeek':
      return BigInt(dayOfWeek(epochDay));
    case 'dayOfQuarter':
      return BigInt(dayOfQuarter(epochDay));
    default:
      return undefined;
  }
}

function timeComponent(nanoOfDay: number, key: string): Value | undefined {
  const n = BigInt(nanoOfDay);
  switch (key) {
    case 'hour':
      return n / 3_600_000_000_000n;
    case 'minute':
      return (n / 60_000_000_000n) % 60n;
    case 'second':
      return (n / 1_000_000_000n) % 60n;
    case 'millisecond':
      return (n / 1_000_000n) % 1000n;
    case 'microsecond':
      return (n / 1000n) % 1_000_000n;
    case 'nanosecond':
      return n % 1_000_000_000n;
    default:
      return undefined;
  }
}

function offsetComponent(offsetSeconds: number, zoneId: string | null, key: string): Value | undefined {
  switch (key) {
    case 'timezone':
      return zoneId ?? formatOffset(offsetSeconds);
    case 'offset':
      return formatOffset(offsetSeconds);
    case 'offsetMinutes':
      return BigInt(Math.trunc(offsetSeconds / 60));
    case 'offsetSeconds':
      return BigInt(offsetSeconds);
    default:
      return undefined;
  }
}

const MEMGRAPH_DURATION_UNITS: Record<string, bigint> = {
  hour: 3_600_000_000_000n,
  minute: 60_000_000_000n,
  second: 1_000_000_000n,
  millisecond: 1_000_000n,
  microsecond: 1000n,
  nanosecond: 1n,
};

/**
 * Memgraph's singular duration accessors: `day` is the whole days of days+time, the
 * others the rest after those days in that unit (1 day 2 h 3 min → minute = 123).
 */
function memgraphDurationComponent(d: CypherDuration, key: string): Value | undefined {
  const total = BigInt(d.days) * 86_400_000_000_000n + BigInt(d.seconds) * 1_000_000_000n + BigInt(d.nanos);
  const days = total / 86_400_000_000_000n;
  if (key === 'day') return days;
  const unit = MEMGRAPH_DURATION_UNITS[key];
  return unit === undefined ? undefined : (total - days * 86_400_000_000_000n) / unit;
}

function durationComponent(d: CypherDuration, key: string): Value | undefined {
  const months = BigInt(d.months);
  const days = BigInt(d.days);
  const seconds = BigInt(d.seconds);
  const total = seconds * 1_000_000_000n + BigInt(d.nanos);
  switch (key) {
    case 'years':
      return months / 12n;
    case 'quarters':
      return months / 3n;
    case 'months':
      return months;
    case 'weeks':
      return days / 7n;
    case 'days':
      return days;
    case 'hours':
      return floorDivN(seconds, 3600n);
    case 'minutes':
      return floorDivN(seconds, 60n);
    case 'seconds':
      return seconds;
    case 'milliseconds':
      return floorDivN(total, 1_000_000n);
    case 'microseconds':
      return floorDivN(total, 1000n);
    case 'nanoseconds':
      return total;
    case 'quartersOfYear':
      return (months / 3n) % 4n;
    case 'monthsOfQuarter':
      return months % 3n;
    case 'monthsOfYear':
      return months % 12n;
    case 'daysOfWeek':
      return days % 7n;
    case 'minutesOfHour':
      return floorModN(floorDivN(seconds, 60n), 60n);
    case 'secondsOfMinute':
      return floorModN(seconds, 60n);
    case 'millisecondsOfSecond':
      return BigInt(d.nanos) / 1_000_000n;
    case 'microsecondsOfSecond':
      return BigInt(d.nanos) / 1000n;
    case 'nanosecondsOfSecond':
      return BigInt(d.nanos);
    default:
      return memgraphDurationComponent(d, key);
  }
}

function localDateTimeComponent(localSecond: number, nano: number, key: string): Value | undefined {
  const day = floorDiv(localSecond, 86_400);
  return dateComponent(day, key) ?? timeComponent((localSecond - day * 86_400) * 1e9 + nano, key);
}

/** The named component of a temporal value, or undefined when it has no such component. */
export function temporalComponent(v: TemporalValue, key: string): Value | undefined {
  switch (v.kind) {
    case 'date':
      return dateComponent(v.epochDay, key);
    case 'localtime':
      return timeComponent(v.nanoOfDay, key);
    case 'time':
      return timeComponent(v.nanoOfDay, key) ?? offsetComponent(v.offsetSeconds, null, key);
    case 'localdatetime':
      return localDateTimeComponent(v.epochSecond, v.nano, key);
    case 'datetime':
      switch (key) {
        case 'epochSeconds':
          return BigInt(v.epochSecond);
        case 'epochMillis':
          return BigInt(v.epochSecond) * 1000n + BigInt(Math.floor(v.nano / 1e6));
        default:
          return (
            localDateTimeComponent(v.epochSecond + v.offsetSeconds, v.nano, key) ??
            offsetComponent(v.offsetSeconds, v.zoneId, key)
          );
      }
    case 'duration':
      return durationComponent(v, key);
  }
}
