// <kind>.truncate(unit, value[, overrides]): cut a temporal down to the start of a unit,
// then set fields from the override map. A `timezone` override replaces the zone and
// keeps the wall-clock fields (unlike the constructors, which keep the instant).

import { argumentError, typeError } from '../../errors.js';
import { typeName, type Value } from '../model.js';
import { civilFromEpochDay, dayOfWeek, epochDayFromCivil, epochDayFromWeek, floorDiv, isoWeek, quarterOf } from './calendar.js';
import {
  build,
  checkFields,
  dateFromFields,
  localDay,
  localTime,
  timeFromFields,
  zoneField,
  type TemporalKind,
} from './construct.js';

const DATE_UNITS: Record<string, (day: number) => number> = {
  millennium: (d) => epochDayFromCivil(floorDiv(civilFromEpochDay(d).year, 1000) * 1000, 1, 1),
  century: (d) => epochDayFromCivil(floorDiv(civilFromEpochDay(d).year, 100) * 100, 1, 1),
  decade: (d) => epochDayFromCivil(floorDiv(civilFromEpochDay(d).year, 10) * 10, 1, 1),
  year: (d) => epochDayFromCivil(civilFromEpochDay(d).year, 1, 1),
  weekyear: (d) => epochDayFromWeek(isoWeek(d).weekYear, 1, 1),
  quarter: (d) => {
    const { year, month } = civilFromEpochDay(d);
    return epochDayFromCivil(year, (quarterOf(month) - 1) * 3 + 1, 1);
  },
  month: (d) => {
    const { year, month } = civilFromEpochDay(d);
    return epochDayFromCivil(year, month, 1);
  },
  week: (d) => d - (dayOfWeek(d) - 1),
  day: (d) => d,
};

// Nanoseconds per time unit.
const TIME_UNITS: Record<string, number> = {
  hour: 3.6e12,
  minute: 6e10,
  second: 1e9,
  millisecond: 1e6,
  microsecond: 1e3,
};

function intOf(v: Value | undefined): number {
  return typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : 0;
}

/**
 * Sub-second overrides below the truncation unit refine the kept part: truncating to
 * milliseconds and setting {nanosecond: 2} gives .645000002 (Neo4j).
 */
function mergeSubseconds(unit: string, truncatedNano: number, map: Map<string, Value>): Map<string, Value> {
  const sub = truncatedNano % 1e9;
  const out = new Map(map);
  if (unit === 'millisecond' && !map.has('millisecond')) {
    if (map.has('microsecond')) out.set('microsecond', BigInt(Math.floor(sub / 1e3) + intOf(map.get('microsecond'))));
    else if (map.has('nanosecond')) out.set('nanosecond', BigInt(sub + intOf(map.get('nanosecond'))));
  } else if (unit === 'microsecond' && !map.has('millisecond') && !map.has('microsecond') && map.has('nanosecond')) {
    out.set('nanosecond', BigInt(sub + intOf(map.get('nanosecond'))));
  }
  return out;
}

export function truncateTemporal(kind: TemporalKind, unitArg: Value, value: Value, overrides: Value | undefined): Value {
  if (unitArg === null || value === null) return null;
  if (typeof unitArg !== 'string') throw typeError(`${kind}.truncate() unit must be a STRING, got ${typeName(unitArg)}`);
  const unit = unitArg.toLowerCase();
  const map = overrides === undefined || overrides === null ? new Map<string, Value>() : overrides;
  if (!(map instanceof Map)) throw typeError(`${kind}.truncate() overrides must be a MAP, got ${typeName(map)}`);
  checkFields(kind, map);

  const day = localDay(value);
  const time = localTime(value, kind === 'time');
  if (day === null && time === null) throw typeError(`${kind}.truncate() cannot truncate ${typeName(value)}`);
  const needsDate = kind === 'date' || kind === 'localdatetime' || kind === 'datetime';
  if (needsDate && day === null) throw argumentError(`${kind}.truncate() needs a value with a date, got ${typeName(value)}`);

  let epochDay = day ?? 0;
  let nanoOfDay = time?.nanoOfDay ?? 0;
  const dateUnit = DATE_UNITS[unit];
  const timeUnit = TIME_UNITS[unit];
  if (dateUnit !== undefined && (unit === 'day' || needsDate)) {
    epochDay = dateUnit(epochDay);
    nanoOfDay = 0;
  } else if (timeUnit !== undefined && kind !== 'date') {
    nanoOfDay = Math.floor(nanoOfDay / timeUnit) * timeUnit;
  } else {
    throw argumentError(`${kind}.truncate(): unsupported unit '${unitArg}'`);
  }

  const merged = mergeSubseconds(unit, nanoOfDay, map);
  if (needsDate) epochDay = dateFromFields(merged, epochDay) ?? epochDay;
  if (kind !== 'date') nanoOfDay = timeFromFields(merged, nanoOfDay) ?? nanoOfDay;
  const zone = zoneField(merged) ?? time?.zone ?? null;
  return build(kind, { epochDay, nanoOfDay, zone });
}
