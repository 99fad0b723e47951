// Named time zones (IANA ids) resolved through the runtime's ICU data: no tz package.
// Offsets are looked up per instant with Intl.DateTimeFormat's `longOffset` name
// ("GMT+01:00", "GMT-03:30", "GMT+00:53:28" for local mean time, "GMT" for zero).

import { argumentError } from '../../errors.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

// Intl (JS Date) only covers ±8.64e15 ms; beyond that, use the offset at the edge.
const MAX_EPOCH_SECOND = 8.64e12;

function formatter(zone: string): Intl.DateTimeFormat {
  // Keyed case-insensitively (zone ids are) so the cache stays as small as the zone list.
  const key = zone.toLowerCase();
  let f = formatters.get(key);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    } catch {
      throw argumentError(`Invalid time zone: '${zone}'`);
    }
    formatters.set(key, f);
  }
  return f;
}

/**
 * The zone id with the runtime's capitalisation ('europe/stockholm' → 'Europe/Stockholm'),
 * or an ArgumentError. Links keep the spelling given ('Asia/Calcutta' stays), like Java.
 */
export function checkZone(zone: string): string {
  const resolved = formatter(zone).resolvedOptions().timeZone;
  return resolved.toLowerCase() === zone.toLowerCase() ? resolved : zone;
}

/** UTC offset in seconds of `zone` at the given instant. */
export function zoneOffsetAt(zone: string, epochSecond: number): number {
  const clamped = Math.max(-MAX_EPOCH_SECOND, Math.min(MAX_EPOCH_SECOND, epochSecond));
  const part = formatter(zone)
    .formatToParts(new Date(Math.floor(clamped) * 1000))
    .find((p) => p.type === 'timeZoneName');
  const m = /^GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(part?.value ?? '');
  if (m === null || m[1] === undefined) return 0;
  const abs = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0);
  return m[1] === '-' ? -abs : abs;
}

/**
 * The instant of a local wall-clock time in `zone`, like java.time's ZonedDateTime.ofLocal:
 * in an overlap the earlier offset wins; in a gap the time moves forward by the gap length.
 */
export function localToZoned(zone: string, localEpochSecond: number): { epochSecond: number; offsetSeconds: number } {
  const early = zoneOffsetAt(zone, localEpochSecond - 86_400);
  const late = zoneOffsetAt(zone, localEpochSecond + 86_400);
  const candidates = early === late ? [early] : [Math.max(early, late), Math.min(early, late)];
  for (const off of candidates) {
    if (zoneOffsetAt(zone, localEpochSecond - off) === off) {
      return { epochSecond: localEpochSecond - off, offsetSeconds: off };
    }
  }
  // Gap: interpret with the offset before the transition, then show it in the new offset.
  const epochSecond = localEpochSecond - early;
  return { epochSecond, offsetSeconds: zoneOffsetAt(zone, epochSecond) };
}

/** A fixed UTC offset or a named (IANA) zone. */
export type Zone = { kind: 'offset'; seconds: number } | { kind: 'named'; id: string };

export const UTC: Zone = { kind: 'offset', seconds: 0 };

const OFFSET_TEXT = /^([+-])(\d{2})(?::?(\d{2})(?::?(\d{2}))?)?$/;

/** Parses 'Z', '+01', '+0100', '+01:00', '+01:00:30', or an IANA name like 'Europe/Stockholm'. */
export function parseZone(text: string): Zone {
  if (text === 'Z' || text === 'z') return UTC;
  const m = OFFSET_TEXT.exec(text);
  if (m !== null) {
    const abs = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
    if (Number(m[3] ?? 0) > 59 || Number(m[4] ?? 0) > 59 || abs > 18 * 3600) {
      throw argumentError(`Invalid time zone offset: '${text}'`);
    }
    return { kind: 'offset', seconds: m[1] === '-' ? -abs : abs };
  }
  return { kind: 'named', id: checkZone(text) };
}

export function offsetAt(zone: Zone, epochSecond: number): number {
  return zone.kind === 'offset' ? zone.seconds : zoneOffsetAt(zone.id, epochSecond);
}

export function zoneIdOf(zone: Zone): string | null {
  return zone.kind === 'named' ? zone.id : null;
}

/** The instant and offset of a local date-time (seconds "as if UTC") in `zone`. */
export function resolveLocal(zone: Zone, localSecond: number): { epochSecond: number; offsetSeconds: number } {
  if (zone.kind === 'offset') return { epochSecond: localSecond - zone.seconds, offsetSeconds: zone.seconds };
  return localToZoned(zone.id, localSecond);
}
