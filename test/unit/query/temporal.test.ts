import { Codes } from '../../../dataplane/errors.js';
import { lookupFunction } from '../../../dataplane/query/functions/index.js';
import { add, subtract } from '../../../dataplane/query/operators.js';
import { formatLiteral, formatValue, temporalComponent } from '../../../dataplane/values/temporal.js';
import {
  CypherDateTime,
  CypherDuration,
  CypherLocalTime,
  CypherPoint,
  MaterializedNode,
  MaterializedRelationship,
  PathValue,
  type Value,
} from '../../../dataplane/values/model.js';
import { codeOf } from './helpers/errors.js';

// 2024-02-29T23:30:00.250Z
const NOW = Date.UTC(2024, 1, 29, 23, 30, 0, 250);

function call(name: string, ...args: Value[]): Value {
  const f = lookupFunction(name);
  if (f === undefined) throw new Error(`no function ${name}`);
  return f.fn(args, { statementTime: NOW, nodeById: () => null });
}

function map(entries: Record<string, Value>): Map<string, Value> {
  return new Map(Object.entries(entries));
}

describe('formatValue / formatLiteral', () => {
  test('top-level strings and temporals are raw; nested ones are quoted', () => {
    expect(formatValue('abc')).toBe('abc');
    expect(formatValue(call('date', '1816-01-01'))).toBe('1816-01-01');
    expect(formatValue([call('date', '1816-01-01'), 'x', 1n, 1.5, null])).toBe("['1816-01-01', 'x', 1, 1.5, null]");
    expect(formatValue(map({ a: 'it\'s', b: [true] }))).toBe("{a: 'it\\'s', b: [true]}");
  });

  test('literal forms of floats, graph values and paths', () => {
    expect(formatLiteral(1.0)).toBe('1.0');
    expect(formatLiteral(NaN)).toBe('NaN');
    expect(formatLiteral(-Infinity)).toBe('-Inf');
    expect(formatLiteral('x')).toBe("'x'");
    const a = new MaterializedNode(1, ['A'], map({ p: 0n }));
    const b = new MaterializedNode(2, [], new Map());
    const r = new MaterializedRelationship(3, 2, 1, 'T', new Map());
    expect(formatLiteral(a)).toBe('(:A {p: 0})');
    expect(formatLiteral(b)).toBe('()');
    expect(formatLiteral(new PathValue([a, b], [r]))).toBe('<(:A {p: 0})<-[:T]-()>');
    expect(formatLiteral(new PathValue([a], []))).toBe('<(:A {p: 0})>');
  });

  test('ISO text for every temporal kind', () => {
    expect(formatValue(new CypherLocalTime(1))).toBe('00:00:00.000000001');
    expect(formatValue(call('time', '12:00:00.000000001+01:00'))).toBe('12:00:00.000000001+01:00');
    expect(formatValue(call('date', map({ year: 12345n })))).toBe('+12345-01-01');
    expect(formatValue(call('date', map({ year: -44n, month: 3n, day: 15n })))).toBe('-0044-03-15');
    expect(formatValue(new CypherDuration(0, 0, 0, 0))).toBe('PT0S');
    expect(formatValue(new CypherDuration(298, 28, 116780, 2))).toBe('P24Y10M28DT32H26M20.000000002S');
    expect(formatValue(new CypherDateTime(0, 0, 3600, 'Europe/Stockholm'))).toBe('1970-01-01T01:00+01:00[Europe/Stockholm]');
  });
});

describe('constructors', () => {
  test('no argument means the statement time in UTC', () => {
    expect(formatValue(call('date'))).toBe('2024-02-29');
    expect(formatValue(call('localtime'))).toBe('23:30:00.250');
    expect(formatValue(call('datetime'))).toBe('2024-02-29T23:30:00.250Z');
    expect(formatValue(call('date.statement'))).toBe('2024-02-29');
  });

  test('converting between kinds', () => {
    const dt = call('datetime', '2020-01-01T10:15+01:00');
    expect(formatValue(call('datetime', call('date', '2020-01-01')))).toBe('2020-01-01T00:00Z');
    expect(formatValue(call('date', dt))).toBe('2020-01-01');
    expect(formatValue(call('time', dt))).toBe('10:15+01:00');
    expect(formatValue(call('localdatetime', dt))).toBe('2020-01-01T10:15');
    expect(codeOf(() => call('localtime', call('date', '2020-01-01')))).toBe(Codes.TypeError);
  });

  test('a timezone alone means now in that zone', () => {
    expect(formatValue(call('date', map({ timezone: 'Europe/Stockholm' })))).toBe('2024-03-01');
    expect(formatValue(call('datetime.transaction', 'Europe/Stockholm'))).toBe(
      '2024-03-01T00:30:00.250+01:00[Europe/Stockholm]',
    );
    expect(formatValue(call('localtime.statement', '-05:00'))).toBe('18:30:00.250');
  });

  test('named zones resolve DST gaps forward and overlaps to the earlier offset', () => {
    const gap = call('datetime', map({ year: 2017n, month: 3n, day: 26n, hour: 2n, minute: 30n, timezone: 'Europe/Stockholm' }));
    expect(formatValue(gap)).toBe('2017-03-26T03:30+02:00[Europe/Stockholm]');
    const overlap = call('datetime', '2017-10-29T02:30[Europe/Stockholm]');
    expect(formatValue(overlap)).toBe('2017-10-29T02:30+02:00[Europe/Stockholm]');
    expect(formatValue(call('datetime', '2017-10-29[Europe/Stockholm]'))).toBe('2017-10-29T00:00+02:00[Europe/Stockholm]');
    const later = call('datetime', '2017-10-29T02:30+01:00[Europe/Stockholm]');
    expect(formatValue(later)).toBe('2017-10-29T02:30+01:00[Europe/Stockholm]');
  });

  test('adding a duration across a DST change keeps the wall clock for days, the instant for hours', () => {
    const start = call('datetime', '2017-10-28T12:00[Europe/Stockholm]');
    expect(formatValue(add(start, new CypherDuration(0, 1, 0, 0)))).toBe('2017-10-29T12:00+01:00[Europe/Stockholm]');
    expect(formatValue(add(start, new CypherDuration(0, 0, 86400, 0)))).toBe('2017-10-29T11:00+01:00[Europe/Stockholm]');
    expect(formatValue(subtract(call('date', '2024-03-31'), new CypherDuration(1, 0, 0, 0)))).toBe('2024-02-29');
  });

  test('zone names get their canonical capitalisation', () => {
    expect(formatValue(call('datetime', '2017-10-29T12:00[europe/stockholm]'))).toBe('2017-10-29T12:00+01:00[Europe/Stockholm]');
  });

  test('an integer timezone is an offset in minutes (Memgraph)', () => {
    expect(formatValue(call('datetime', map({ year: 2021n, month: 4n, day: 21n, hour: 14n, timezone: -60n })))).toBe(
      '2021-04-21T14:00-01:00',
    );
  });

  test('epoch constructors', () => {
    expect(formatValue(call('datetime.fromepoch', 416779n, 999999999n))).toBe('1970-01-05T19:46:19.999999999Z');
    expect(formatValue(call('datetime.fromepochmillis', 237821673987n))).toBe('1977-07-15T13:34:33.987Z');
    expect(formatValue(call('datetime', map({ epochMillis: -1n })))).toBe('1969-12-31T23:59:59.999Z');
  });

  test('null propagates', () => {
    for (const k of ['date', 'localtime', 'time', 'localdatetime', 'datetime', 'duration']) {
      expect(call(k, null)).toBeNull();
    }
    expect(call('date', map({ year: null }))).toBeNull();
    expect(call('duration.between', null, call('date'))).toBeNull();
    expect(call('date.truncate', 'year', null)).toBeNull();
  });

  test('bad text, fields and zones are ArgumentErrors; bad types TypeErrors', () => {
    expect(codeOf(() => call('date', '2015-13-01'))).toBe(Codes.ArgumentError);
    expect(codeOf(() => call('date', '2015-02-29'))).toBe(Codes.ArgumentError);
    expect(codeOf(() => call('date', 'yesterday'))).toBe(Codes.ArgumentError);
    expect(codeOf(() => call('localtime', '25:00'))).toBe(Codes.ArgumentError);
    expect(codeOf(() => call('duration', 'P1Q'))).toBe(Codes.ArgumentError);
    expect(codeOf(() => call('duration', 'PT'))).toBe(Codes.ArgumentError);
    expect(codeOf(() => call('date', map({ year: 2020n, month: 2n, day: 30n })))).toBe(Codes.ArgumentError);
    expect(codeOf(() => call('date', map({ year: 2020n, hour: 1n })))).toBe(Codes.ArgumentError);
    expect(codeOf(() => call('datetime', map({ year: 2020n, timezone: 'Mars/Olympus' })))).toBe(Codes.ArgumentError);
    expect(codeOf(() => call('date', 5n))).toBe(Codes.TypeError);
    expect(codeOf(() => call('date', new CypherLocalTime(0)))).toBe(Codes.TypeError);
    expect(codeOf(() => call('date.truncate', 'hour', call('date')))).toBe(Codes.ArgumentError);
  });
});

describe('durations', () => {
  test('ISO text: signs, fractions and the alternative form', () => {
    expect(formatValue(call('duration', 'PT-1.5S'))).toBe('PT-1.5S');
    expect(formatValue(call('duration', '-P1DT1H'))).toBe('P-1DT-1H');
    expect(formatValue(call('duration', 'P2012-02-02T14:37:21.545'))).toBe('P2012Y2M2DT14H37M21.545S');
    expect(formatValue(call('duration', 'PT0,5S'))).toBe('PT0.5S');
  });

  test('map form with exact integers and approximated fractions', () => {
    expect(formatValue(call('duration', map({ seconds: -2n, milliseconds: 1n })))).toBe('PT-1.999S');
    expect(formatValue(call('duration', map({ months: 0.75 })))).toBe('P22DT19H51M49.5S');
    expect(formatValue(call('duration', map({ seconds: 21.545 })))).toBe('PT21.545S');
  });

  test('Memgraph forms: singular map keys, singular accessors, a leading T on times', () => {
    const d = call('duration', map({ day: 1n, hour: 2n, minute: 3n, second: 4n }));
    expect(formatValue(d)).toBe('P1DT2H3M4S');
    expect(temporalComponent(d, 'day')).toBe(1n);
    expect(temporalComponent(d, 'hour')).toBe(2n);
    expect(temporalComponent(d, 'minute')).toBe(123n);
    expect(temporalComponent(d, 'second')).toBe(7384n);
    expect(formatValue(call('localtime', 'T22:10:32.300600'))).toBe('22:10:32.300600');
    expect(codeOf(() => call('duration', map({ day: 1n, days: 2n })))).toBe(Codes.ArgumentError);
  });

  test('between, inMonths, inDays, inSeconds', () => {
    const d1 = call('date', '1984-10-11');
    const d2 = call('date', '2015-06-24');
    expect(formatValue(call('duration.between', d1, d2))).toBe('P30Y8M13D');
    expect(formatValue(call('duration.inMonths', d1, d2))).toBe('P30Y8M');
    expect(formatValue(call('duration.inDays', d1, d2))).toBe('P11213D');
    expect(formatValue(call('duration.inSeconds', d1, d2))).toBe('PT269112H');
    expect(codeOf(() => call('duration.between', d1, 1n))).toBe(Codes.TypeError);
  });

  test('between reads a zone-less value in the other value\'s zone, across a DST gap', () => {
    const end = call('datetime', '2017-03-26T04:00[Europe/Stockholm]');
    expect(formatValue(call('duration.inSeconds', call('localdatetime', '2017-03-26T01:00'), end))).toBe('PT2H');
    expect(formatValue(call('duration.inSeconds', call('localdatetime', '2017-03-26T02:30'), end))).toBe('PT30M');
  });
});

describe('components', () => {
  test('date-time and duration components', () => {
    const dt = call('datetime', '1984-11-11T12:31:14.645876123[Europe/Stockholm]');
    expect(temporalComponent(dt, 'weekDay')).toBe(7n);
    expect(temporalComponent(dt, 'epochMillis')).toBe(469020674645n);
    expect(temporalComponent(dt, 'timezone')).toBe('Europe/Stockholm');
    expect(temporalComponent(dt, 'offset')).toBe('+01:00');
    expect(temporalComponent(dt, 'nope')).toBeUndefined();
    const dur = call('duration', 'PT-1.5S');
    expect(temporalComponent(dur, 'seconds')).toBe(-2n);
    expect(temporalComponent(dur, 'nanosecondsOfSecond')).toBe(500000000n);
    expect(temporalComponent(dur, 'milliseconds')).toBe(-1500n);
  });

  test('points and non-temporals', () => {
    const p = new CypherPoint(4326, 12.5, 56);
    expect(temporalComponent(p, 'longitude')).toBe(12.5);
    expect(temporalComponent(p, 'latitude')).toBe(56);
    expect(temporalComponent(p, 'srid')).toBe(4326n);
    expect(temporalComponent(p, 'crs')).toBe('wgs-84');
    // Memgraph: a component the point lacks is an error, not null.
    expect(() => temporalComponent(p, 'z')).toThrow('Invalid property name z for Point2d');
    expect(() => temporalComponent(new CypherPoint(7203, 1, 2), 'latitude')).toThrow('Use y instead of latitude for cartesian point types');
    expect(temporalComponent(1n, 'year')).toBeUndefined();
    expect(temporalComponent(map({ year: 1n }), 'year')).toBeUndefined();
  });
});
