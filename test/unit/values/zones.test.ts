import { localToZoned, zoneOffsetAt } from '../../../dataplane/values/temporal/zones.js';

const utc = (iso: string): number => Date.parse(iso) / 1000;

test('offsets follow daylight saving time', () => {
  expect(zoneOffsetAt('Europe/Berlin', utc('2024-01-15T12:00:00Z'))).toBe(3600);
  expect(zoneOffsetAt('Europe/Berlin', utc('2024-07-15T12:00:00Z'))).toBe(7200);
  expect(zoneOffsetAt('America/New_York', utc('2024-07-01T12:00:00Z'))).toBe(-4 * 3600);
  expect(zoneOffsetAt('UTC', utc('0005-03-01T00:00:00Z'))).toBe(0);
  expect(zoneOffsetAt('Asia/Kolkata', utc('1999-12-31T23:59:59Z'))).toBe(19800);
});

test('wall-clock time in a zone → instant and offset', () => {
  // 2024-07-01T12:00 in New York is 16:00 UTC.
  expect(localToZoned('America/New_York', utc('2024-07-01T12:00:00Z'))).toEqual({
    epochSecond: utc('2024-07-01T16:00:00Z'),
    offsetSeconds: -4 * 3600,
  });
});

test('unknown zones are argument errors; instants beyond the runtime calendar use the offset at its edge', () => {
  expect(() => zoneOffsetAt('Mars/Olympus', 0)).toThrow(/Invalid time zone: 'Mars\/Olympus'/);
  expect(zoneOffsetAt('UTC', 1e17)).toBe(0);
});
