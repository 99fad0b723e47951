// Building temporal values: date(), localtime(), time(), localdatetime(), datetime()
// from nothing (now), ISO text, another temporal, or a map of fields with an optional
// base value ({date: d, time: t, datetime: dt}) whose fields the map overrides.
//
// Zones: the `timezone` key sets the zone. When the base time already has a zone and
// `timezone` is given too, the same instant is shown in the new zone (Neo4j semantics);
// with neither, the default zone is UTC.

import { argumentError, typeError } from '../../errors.js';
import {
  CypherDate,
  CypherDateTime,
  CypherLocalDateTime,
  CypherLocalTime,
  CypherTime,
  isTagged,
  typeName,
  type Value,
} from '../model.js';
import {
  civilFromEpochDay,
  dayOfQuarter,
  dayOfWeek,
  daysInMonth,
  daysInYear,
  epochDayFromCivil,
  epochDayFromWeek,
  floorDiv,
  floorDivN,
  floorMod,
  floorModN,
  isoWeek,
  quarterOf,
  weeksInWeekYear,
} from './calendar.js';
import {
  checkRange,
  parseDateText,
  parseLocalDateTimeText,
  parseLocalTimeText,
  splitDateTimeZone,
  splitZone,
} from './parse.js';
import { offsetAt, parseZone, resolveLocal, UTC, zoneIdOf, type Zone } from './zones.js';

export type TemporalKind = 'date' | 'localtime' | 'time' | 'localdatetime' | 'datetime';

const NANOS_PER_DAY = 86_400_000_000_000;

const DATE_FIELDS = ['year', 'month', 'day', 'week', 'dayOfWeek', 'ordinalDay', 'quarter', 'dayOfQuarter'];
const TIME_FIELDS = ['hour', 'minute', 'second', 'millisecond', 'microsecond', 'nanosecond'];

const ALLOWED: Record<TemporalKind, Set<string>> = {
  date: new Set([...DATE_FIELDS, 'date', 'timezone']),
  localtime: new Set([...TIME_FIELDS, 'time', 'timezone']),
  time: new Set([...TIME_FIELDS, 'time', 'timezone']),
  localdatetime: new Set([...DATE_FIELDS, ...TIME_FIELDS, 'date', 'time', 'datetime', 'timezone']),
  datetime: new Set([
    ...DATE_FIELDS,
    ...TIME_FIELDS,
    'date',
    'time',
    'datetime',
    'timezone',
    'epochSeconds',
    'epochMillis',
  ]),
};

/** A point in time split into the parts a constructor assembles. */
export interface Parts {
  epochDay: number;
  nanoOfDay: number;
  zone: Zone | null;
}

/** The local wall-clock parts of `nowMs` in `zone`. */
function nowParts(nowMs: number, zone: Zone): Parts {
  const epochSecond = Math.floor(nowMs / 1000);
  const local = epochSecond + offsetAt(zone, epochSecond);
  const epochDay = floorDiv(local, 86_400);
  const nano = (local - epochDay * 86_400) * 1e9 + Math.round((nowMs - epochSecond * 1000) * 1e6);
  return { epochDay, nanoOfDay: nano, zone };
}

/** Epoch seconds must be exact in a float (about ±285 million years). */
function checkedSecond(epochSecond: number): number {
  if (!Number.isSafeInteger(epochSecond)) throw argumentError('Date-time is out of the supported range');
  return epochSecond;
}

export function build(kind: TemporalKind, p: Parts): Value {
  switch (kind) {
    case 'date':
      return new CypherDate(p.epochDay);
    case 'localtime':
      return new CypherLocalTime(p.nanoOfDay);
    case 'time': {
      const zone = p.zone ?? UTC;
      // A named zone's offset for a bare time is the one in force on that day.
      const offset = offsetAt(zone, p.epochDay * 86_400 + Math.floor(p.nanoOfDay / 1e9));
      return new CypherTime(p.nanoOfDay, offset);
    }
    case 'localdatetime':
      return new CypherLocalDateTime(checkedSecond(p.epochDay * 86_400 + Math.floor(p.nanoOfDay / 1e9)), p.nanoOfDay % 1e9);
    case 'datetime': {
      const zone = p.zone ?? UTC;
      const local = checkedSecond(p.epochDay * 86_400 + Math.floor(p.nanoOfDay / 1e9));
      const { epochSecond, offsetSeconds } = resolveLocal(zone, local);
      return new CypherDateTime(epochSecond, p.nanoOfDay % 1e9, offsetSeconds, zoneIdOf(zone));
    }
  }
}

// ---- base values -----------------------------------------------------------------

export interface BaseTime {
  nanoOfDay: number;
  /** The zone the base time was in, if any. */
  zone: Zone | null;
}

export function localDay(v: Value): number | null {
  if (!isTagged(v)) return null;
  switch (v.kind) {
    case 'date':
      return v.epochDay;
    case 'localdatetime':
      return floorDiv(v.epochSecond, 86_400);
    case 'datetime':
      return floorDiv(v.epochSecond + v.offsetSeconds, 86_400);
    default:
      return null;
  }
}

export function localTime(v: Value, forTime: boolean): BaseTime | null {
  if (!isTagged(v)) return null;
  switch (v.kind) {
    case 'localtime':
      return { nanoOfDay: v.nanoOfDay, zone: null };
    case 'time':
      return { nanoOfDay: v.nanoOfDay, zone: { kind: 'offset', seconds: v.offsetSeconds } };
    case 'localdatetime':
      return { nanoOfDay: floorMod(v.epochSecond, 86_400) * 1e9 + v.nano, zone: null };
    case 'datetime': {
      // time() keeps only the offset; datetime() keeps the named zone.
      const zone: Zone =
        v.zoneId !== null && !forTime ? { kind: 'named', id: v.zoneId } : { kind: 'offset', seconds: v.offsetSeconds };
      return { nanoOfDay: floorMod(v.epochSecond + v.offsetSeconds, 86_400) * 1e9 + v.nano, zone };
    }
    default:
      return null;
  }
}

// ---- field maps ------------------------------------------------------------------

function intField(map: Map<string, Value>, key: string): number | undefined {
  const v = map.get(key);
  if (v === undefined) return undefined;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw typeError(`${key} must be an INTEGER, got ${typeName(v)}`);
}

export function dateFromFields(map: Map<string, Value>, base: number | null): number | null {
  const has = (k: string): boolean => map.has(k);
  const hasAnyDateField = DATE_FIELDS.some(has);
  if (!hasAnyDateField) return base;
  const f = (k: string): number | undefined => intField(map, k);
  const civil = base === null ? null : civilFromEpochDay(base);
  const year = f('year') ?? civil?.year;
  if (has('week') || has('dayOfWeek')) {
    const bw = base === null ? null : isoWeek(base);
    const weekYear = f('year') ?? bw?.weekYear;
    if (weekYear === undefined) throw argumentError('year must be specified');
    const week = checkRange('week', f('week') ?? bw?.week ?? 1, 1, weeksInWeekYear(weekYear));
    const dow = checkRange('dayOfWeek', f('dayOfWeek') ?? (base === null ? 1 : dayOfWeek(base)), 1, 7);
    return epochDayFromWeek(weekYear, week, dow);
  }
  if (year === undefined) throw argumentError('year must be specified');
  if (has('ordinalDay')) {
    return epochDayFromCivil(year, 1, 1) + checkRange('ordinalDay', f('ordinalDay') as number, 1, daysInYear(year)) - 1;
  }
  if (has('quarter') || has('dayOfQuarter')) {
    const q = checkRange('quarter', f('quarter') ?? (civil === null ? 1 : quarterOf(civil.month)), 1, 4);
    const first = epochDayFromCivil(year, (q - 1) * 3 + 1, 1);
    const length = epochDayFromCivil(q === 4 ? year + 1 : year, q === 4 ? 1 : q * 3 + 1, 1) - first;
    const dq = f('dayOfQuarter') ?? (base === null ? 1 : dayOfQuarter(base));
    return first + checkRange('dayOfQuarter', dq, 1, length) - 1;
  }
  if (has('day') && !has('month') && base === null) throw argumentError('day cannot be specified without month');
  const month = checkRange('month', f('month') ?? civil?.month ?? 1, 1, 12);
  const day = checkRange('day', f('day') ?? civil?.day ?? 1, 1, daysInMonth(year, month));
  return epochDayFromCivil(year, month, day);
}

export function timeFromFields(map: Map<string, Value>, base: number | null): number | null {
  if (!TIME_FIELDS.some((k) => map.has(k))) return base;
  const f = (k: string): number | undefined => intField(map, k);
  const b = base ?? 0;
  const hour = checkRange('hour', f('hour') ?? Math.floor(b / 3.6e12), 0, 23);
  const minute = checkRange('minute', f('minute') ?? Math.floor(b / 6e10) % 60, 0, 59);
  const second = checkRange('second', f('second') ?? Math.floor(b / 1e9) % 60, 0, 59);
  let nano = b % 1e9;
  if (map.has('millisecond') || map.has('microsecond') || map.has('nanosecond')) {
    const ms = checkRange('millisecond', f('millisecond') ?? 0, 0, 999);
    const us = checkRange('microsecond', f('microsecond') ?? 0, 0, map.has('millisecond') ? 999 : 999_999);
    const maxNs = map.has('microsecond') ? 999 : map.has('millisecond') ? 999_999 : 999_999_999;
    const ns = checkRange('nanosecond', f('nanosecond') ?? 0, 0, maxNs);
    nano = ms * 1e6 + us * 1e3 + ns;
  }
  return ((hour * 60 + minute) * 60 + second) * 1e9 + nano;
}

function formatOffsetMinutes(minutes: number): string {
  const abs = Math.abs(minutes);
  const text = `${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${minutes < 0 ? '-' : '+'}${text}`;
}

export function zoneField(map: Map<string, Value>): Zone | null {
  const tz = map.get('timezone');
  if (tz === undefined || tz === null) return null;
  // Memgraph also takes an integer: the offset from UTC in minutes.
  if (typeof tz === 'bigint') return parseZone(formatOffsetMinutes(Number(tz)));
  if (typeof tz !== 'string') throw typeError(`timezone must be a STRING or INTEGER, got ${typeName(tz)}`);
  return parseZone(tz);
}

function fromEpoch(map: Map<string, Value>): Value {
  const zone = zoneField(map) ?? UTC;
  const whole = map.has('epochSeconds')
    ? BigInt(intField(map, 'epochSeconds') ?? 0) * 1_000_000_000n
    : BigInt(intField(map, 'epochMillis') ?? 0) * 1_000_000n;
  const total = whole + BigInt(intField(map, 'nanosecond') ?? 0);
  const sec = Number(floorDivN(total, 1_000_000_000n));
  return new CypherDateTime(sec, Number(floorModN(total, 1_000_000_000n)), offsetAt(zone, sec), zoneIdOf(zone));
}

export function checkFields(kind: TemporalKind, map: Map<string, Value>): void {
  for (const key of map.keys()) {
    if (!ALLOWED[kind].has(key)) throw argumentError(`${kind}(): unknown field '${key}'`);
  }
}

function fromMap(kind: TemporalKind, map: Map<string, Value>, nowMs: number): Value {
  checkFields(kind, map);
  if ([...map.values()].some((v) => v === null)) return null;
  if (kind === 'datetime' && (map.has('epochSeconds') || map.has('epochMillis'))) return fromEpoch(map);

  const explicitZone = zoneField(map);
  if (map.size === (explicitZone === null ? 0 : 1)) return build(kind, nowParts(nowMs, explicitZone ?? UTC));

  const dt = map.get('datetime');
  const dateBase = map.get('date') ?? dt;
  const timeBase = map.get('time') ?? dt;
  const baseDay = dateBase === undefined ? null : localDay(dateBase);
  if (dateBase !== undefined && baseDay === null) throw typeError(`${kind}(): cannot take a date from ${typeName(dateBase)}`);
  const baseTime = timeBase === undefined ? null : localTime(timeBase, kind === 'time');
  if (timeBase !== undefined && baseTime === null) throw typeError(`${kind}(): cannot take a time from ${typeName(timeBase)}`);

  const needsDate = kind === 'date' || kind === 'localdatetime' || kind === 'datetime';
  // A bare time() in a named zone takes the offset in force today.
  const epochDay = needsDate ? dateFromFields(map, baseDay) : nowParts(nowMs, UTC).epochDay;
  if (epochDay === null) throw argumentError(`${kind}(): year must be specified`);
  const nanoOfDay = kind === 'date' ? 0 : (timeFromFields(map, baseTime?.nanoOfDay ?? null) ?? 0);

  const baseZone = baseTime?.zone ?? null;
  if (explicitZone !== null && baseZone !== null && (kind === 'time' || kind === 'datetime')) {
    return convertZone(kind, { epochDay, nanoOfDay, zone: baseZone }, explicitZone);
  }
  return build(kind, { epochDay, nanoOfDay, zone: explicitZone ?? baseZone });
}

/** The same instant as `p` (in p.zone), shown in `zone`. */
function convertZone(kind: 'time' | 'datetime', p: Parts, zone: Zone): Value {
  const local = p.epochDay * 86_400 + Math.floor(p.nanoOfDay / 1e9);
  const { epochSecond, offsetSeconds } = resolveLocal(p.zone ?? UTC, local);
  const newOffset = offsetAt(zone, epochSecond);
  if (kind === 'datetime') return new CypherDateTime(epochSecond, p.nanoOfDay % 1e9, newOffset, zoneIdOf(zone));
  const nano = floorMod(p.nanoOfDay + (newOffset - offsetSeconds) * 1e9, NANOS_PER_DAY);
  return new CypherTime(nano, newOffset);
}

function fromText(kind: TemporalKind, text: string, nowMs: number): Value {
  switch (kind) {
    case 'date':
      return new CypherDate(parseDateText(text));
    case 'localtime':
      return new CypherLocalTime(parseLocalTimeText(text));
    case 'time': {
      const z = splitZone(text);
      const nano = parseLocalTimeText(z.local);
      const zone = z.offset ?? z.named ?? UTC;
      return build('time', { ...nowParts(nowMs, zone), nanoOfDay: nano, zone });
    }
    case 'localdatetime': {
      const [epochDay, nanoOfDay] = parseLocalDateTimeText(text);
      return build('localdatetime', { epochDay, nanoOfDay, zone: null });
    }
    case 'datetime': {
      const z = splitDateTimeZone(text);
      const [epochDay, nanoOfDay] = parseLocalDateTimeText(z.local);
      if (z.named !== null && z.offset !== null) {
        // Keep the written offset when the zone allows it at that wall-clock time (overlaps).
        const local = epochDay * 86_400 + Math.floor(nanoOfDay / 1e9);
        const written = z.offset.kind === 'offset' ? z.offset.seconds : 0;
        if (offsetAt(z.named, local - written) === written) {
          return new CypherDateTime(local - written, nanoOfDay % 1e9, written, zoneIdOf(z.named));
        }
      }
      return build('datetime', { epochDay, nanoOfDay, zone: z.named ?? z.offset ?? UTC });
    }
  }
}

/** A temporal passed where another kind is wanted, as the equivalent field map. */
function fromTemporal(kind: TemporalKind, v: Value, nowMs: number): Value {
  const hasDate = localDay(v) !== null;
  const hasTime = localTime(v, false) !== null;
  const wantsDate = kind !== 'localtime' && kind !== 'time';
  const wantsTime = kind !== 'date';
  // Date kinds need a date (a date alone means midnight); time kinds need a time.
  if (wantsDate ? !hasDate : !hasTime) throw typeError(`${kind}() cannot be called with ${typeName(v)}`);
  const key = !wantsTime ? 'date' : !wantsDate ? 'time' : hasTime ? 'datetime' : 'date';
  return fromMap(kind, new Map([[key, v]]), nowMs);
}

/** date(x), localtime(x), time(x), localdatetime(x), datetime(x); x absent = now. */
export function constructTemporal(kind: TemporalKind, arg: Value | undefined, nowMs: number): Value {
  if (arg === undefined) return build(kind, nowParts(nowMs, UTC));
  if (arg === null) return null;
  if (typeof arg === 'string') return fromText(kind, arg, nowMs);
  if (arg instanceof Map) return fromMap(kind, arg, nowMs);
  return fromTemporal(kind, arg, nowMs);
}

/** date.statement('Europe/Stockholm') and friends: now, optionally in a zone. */
export function nowIn(kind: TemporalKind, zoneText: Value | undefined, nowMs: number): Value {
  if (zoneText === undefined) return build(kind, nowParts(nowMs, UTC));
  if (zoneText === null) return null;
  if (typeof zoneText !== 'string') throw typeError(`${kind}(): timezone must be a STRING`);
  return build(kind, nowParts(nowMs, parseZone(zoneText)));
}

