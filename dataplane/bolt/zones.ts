// UTC offsets of IANA zones, for the PackStream DateTime-with-zone-id structures: the
// wire carries (instant, zone) or (wall clock, zone) and the Value model keeps both the
// instant and the offset in effect.

import { argumentError } from '../errors.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zoneId: string): Intl.DateTimeFormat {
  let f = formatters.get(zoneId);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zoneId,
        hourCycle: 'h23',
        era: 'short',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw argumentError(`Unknown time zone: ${zoneId}`);
    }
    formatters.set(zoneId, f);
  }
  return f;
}

/** Offset (seconds east of UTC) of `zoneId` at the UTC instant `epochSecond`. */
export function zoneOffsetAt(zoneId: string, epochSecond: number): number {
  const date = new Date(epochSecond * 1000);
  if (Number.isNaN(date.getTime())) throw argumentError(`Date-time out of range for zone ${zoneId}`);
  const fields: Record<string, string> = {};
  for (const part of formatter(zoneId).formatToParts(date)) fields[part.type] = part.value;
  let year = Number(fields.year);
  if (fields.era === 'BC' || fields.era === 'B') year = 1 - year;
  const local = new Date(0);
  // setUTCFullYear, unlike Date.UTC, takes years 0..99 literally.
  local.setUTCFullYear(year, Number(fields.month) - 1, Number(fields.day));
  local.setUTCHours(Number(fields.hour), Number(fields.minute), Number(fields.second), 0);
  return Math.round(local.getTime() / 1000) - Math.floor(epochSecond);
}

/** UTC instant of a wall-clock time in `zoneId` (earlier offset wins in overlaps). */
export function localToUtc(zoneId: string, localEpochSecond: number): { epochSecond: number; offset: number } {
  const guess = zoneOffsetAt(zoneId, localEpochSecond);
  const offset = zoneOffsetAt(zoneId, localEpochSecond - guess);
  return { epochSecond: localEpochSecond - offset, offset };
}
