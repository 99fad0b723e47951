// ISO 8601 text → temporal values, in the forms Neo4j accepts (and the TCK tests):
//   dates     2015-07-21 20150721 2015-07 201507 2015-W30-2 2015W302 2015-W30 2015-202 2015202 2015
//             (years outside 0000..9999 carry a sign: +12345-01-01, -0044-03-15)
//   times     21:40:32.142 214032.142 21:40:32 2140 21 (fraction '.' or ',', up to 9 digits)
//   offsets   Z +01:00 +0100 +01, optionally followed or replaced by [Europe/Stockholm]
//   datetimes <date>T<time>[offset][[zone]], or a date alone (midnight)
//   durations P1Y2M3W4DT5H6M7.5S (each part optional, signed, fractional) or P2012-02-02T14:37:21.545

import { argumentError } from '../../errors.js';
import type { CypherDuration } from '../model.js';
import {
  daysInMonth,
  daysInYear,
  epochDayFromCivil,
  epochDayFromWeek,
  weeksInWeekYear,
} from './calendar.js';
import { durationFromUnits, negateDuration, type DurationUnit } from './duration.js';
import { parseZone, type Zone } from './zones.js';

function invalid(kind: string, text: string): never {
  throw argumentError(`Text cannot be parsed to a ${kind}: '${text}'`);
}

export function checkRange(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw argumentError(`Invalid value for ${field} (valid values ${min} - ${max}): ${value}`);
  }
  return value;
}

const DATE_TEXT =
  /^([+-]\d{4,9}|\d{4})(?:-(\d{2})(?:-(\d{2}))?|(\d{2})(\d{2})?|-?W(\d{2})(?:-?(\d))?|-?(\d{3}))?$/;

export function parseDateText(text: string): number {
  const m = DATE_TEXT.exec(text);
  if (m === null) return invalid('date', text);
  const year = Number(m[1]);
  if (m[6] !== undefined) {
    const week = checkRange('week', Number(m[6]), 1, weeksInWeekYear(year));
    return epochDayFromWeek(year, week, checkRange('dayOfWeek', Number(m[7] ?? 1), 1, 7));
  }
  if (m[8] !== undefined) {
    return epochDayFromCivil(year, 1, 1) + checkRange('ordinalDay', Number(m[8]), 1, daysInYear(year)) - 1;
  }
  const month = checkRange('month', Number(m[2] ?? m[4] ?? 1), 1, 12);
  const day = checkRange('day', Number(m[3] ?? m[5] ?? 1), 1, daysInMonth(year, month));
  return epochDayFromCivil(year, month, day);
}

const TIME_TEXT = /^(\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d{1,9}))?)?)?$/;

export function parseLocalTimeText(text: string): number {
  // Memgraph accepts a leading 'T' ('T22:10:32').
  const m = TIME_TEXT.exec(/^[Tt]\d/.test(text) ? text.slice(1) : text);
  if (m === null) return invalid('time', text);
  const h = checkRange('hour', Number(m[1]), 0, 23);
  const min = checkRange('minute', Number(m[2] ?? 0), 0, 59);
  const s = checkRange('second', Number(m[3] ?? 0), 0, 59);
  const nano = Number((m[4] ?? '').padEnd(9, '0'));
  return ((h * 60 + min) * 60 + s) * 1e9 + nano;
}

export interface ZonedText {
  /** The text before the zone part. */
  local: string;
  /** The explicit offset, if any. */
  offset: Zone | null;
  /** The bracketed zone name, if any. */
  named: Zone | null;
}

/** Splits '21:40:32+01:00[Europe/Stockholm]' into local text, offset and zone name. */
export function splitZone(text: string): ZonedText {
  let rest = text;
  let named: Zone | null = null;
  const bracket = /\[([^\]]+)\]$/.exec(rest);
  if (bracket !== null) {
    named = parseZone(bracket[1]);
    rest = rest.slice(0, bracket.index);
  }
  const off = /(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)$/i.exec(rest);
  let offset: Zone | null = null;
  if (off !== null) {
    offset = parseZone(off[1].toUpperCase());
    rest = rest.slice(0, off.index);
  }
  return { local: rest, offset, named };
}

/** '2015-07-21T21:40' → [epochDay, nanoOfDay]; a date alone is midnight. */
export function parseLocalDateTimeText(text: string): [number, number] {
  const t = text.indexOf('T') >= 0 ? text.indexOf('T') : text.indexOf('t');
  if (t < 0) return [parseDateText(text), 0];
  return [parseDateText(text.slice(0, t)), parseLocalTimeText(text.slice(t + 1))];
}

/** Splits a date-time text into its local part and zone parts (an offset only after 'T'). */
export function splitDateTimeZone(text: string): ZonedText {
  const bracket = /\[([^\]]+)\]$/.exec(text);
  const named = bracket === null ? null : parseZone(bracket[1]);
  const rest = bracket === null ? text : text.slice(0, bracket.index);
  const t = rest.search(/[Tt]/);
  if (t < 0) return { local: rest, offset: null, named };
  const zoned = splitZone(rest.slice(t + 1));
  return { local: rest.slice(0, t + 1) + zoned.local, offset: zoned.offset, named };
}

const NUMBER = '([+-]?\\d+(?:[.,]\\d+)?)';
const DURATION_TEXT = new RegExp(
  `^([+-])?P(?:${NUMBER}Y)?(?:${NUMBER}M)?(?:${NUMBER}W)?(?:${NUMBER}D)?` +
    `(?:T(?:${NUMBER}H)?(?:${NUMBER}M)?(?:${NUMBER}S)?)?$`,
  'i',
);
const DURATION_DATE_TEXT = /^([+-])?P(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2}(?:[.,]\d{1,9})?)$/i;

function numberPart(text: string): bigint | number {
  const t = text.replace(',', '.');
  return t.includes('.') ? Number(t) : BigInt(t);
}

/** Seconds text → [whole seconds, nanos] exactly (a fraction's digits become nanoseconds). */
function secondsPart(text: string): [bigint, bigint] {
  const [whole, frac = ''] = text.replace(',', '.').split('.');
  const negative = whole.startsWith('-');
  const nanos = BigInt(frac.slice(0, 9).padEnd(9, '0'));
  return [BigInt(whole), negative ? -nanos : nanos];
}

export function parseDurationText(text: string): CypherDuration {
  const units: Partial<Record<DurationUnit, bigint | number>> = {};
  let sign = '';
  const alt = DURATION_DATE_TEXT.exec(text);
  if (alt !== null) {
    sign = alt[1] ?? '';
    units.years = BigInt(alt[2]);
    units.months = BigInt(alt[3]);
    units.days = BigInt(alt[4]);
    units.hours = BigInt(alt[5]);
    units.minutes = BigInt(alt[6]);
    [units.seconds, units.nanoseconds] = secondsPart(alt[7]);
  } else {
    const m = DURATION_TEXT.exec(text);
    if (m === null || !/\d/.test(text) || /T$/i.test(text)) return invalid('duration', text);
    sign = m[1] ?? '';
    const names: DurationUnit[] = ['years', 'months', 'weeks', 'days', 'hours', 'minutes'];
    names.forEach((u, i) => {
      if (m[i + 2] !== undefined) units[u] = numberPart(m[i + 2]);
    });
    if (m[8] !== undefined) [units.seconds, units.nanoseconds] = secondsPart(m[8]);
  }
  const d = durationFromUnits(units);
  return sign === '-' ? negateDuration(d) : d;
}
