// Temporal functions: constructors, clocks, duration(), epoch conversions.

import { argumentError, typeError } from '../../errors.js';
import { CypherDateTime, isTagged, typeName, type Value } from '../../values/model.js';
import { durationBetween, type BetweenUnit } from '../../values/temporal/between.js';
import { floorDivN, floorModN } from '../../values/temporal/calendar.js';
import { constructTemporal, nowIn, type TemporalKind } from '../../values/temporal/construct.js';
import { durationFromUnits, DURATION_UNITS, type DurationUnit } from '../../values/temporal/duration.js';
import { parseDurationText } from '../../values/temporal/parse.js';
import { truncateTemporal } from '../../values/temporal/truncate.js';
import { intArg, numArg } from './args.js';
import { def } from './define.js';
import type { FunctionDef } from './types.js';

const KINDS: TemporalKind[] = ['date', 'localtime', 'time', 'localdatetime', 'datetime'];

function clockFunctions(kind: TemporalKind): FunctionDef[] {
  // The transaction clock is the statement clock (the function context carries only the
  // statement time); the realtime clock reads the wall clock.
  const now = def(kind, 0, 1, (args, ctx) => constructTemporal(kind, args[0], ctx.statementTime));
  const clocks = ['statement', 'transaction', 'realtime'].map((clock) =>
    def(`${kind}.${clock}`, 0, 1, (args, ctx) =>
      clock === 'realtime' ? nowIn(kind, args[0], Date.now()) : nowIn(kind, args[0], ctx.statementTime),
    ),
  );
  const truncate = def(`${kind}.truncate`, 2, 3, ([unit, value, overrides]) =>
    truncateTemporal(kind, unit, value, overrides),
  );
  return [now, ...clocks, truncate];
}

// Memgraph's singular map keys for duration({day: 1, hour: 2}).
const SINGULAR_UNITS: Record<string, DurationUnit> = {
  day: 'days',
  hour: 'hours',
  minute: 'minutes',
  second: 'seconds',
  millisecond: 'milliseconds',
  microsecond: 'microseconds',
  nanosecond: 'nanoseconds',
};

function duration(v: Value): Value {
  if (v === null) return null;
  if (typeof v === 'string') return parseDurationText(v);
  if (isTagged(v) && v.kind === 'duration') return v;
  if (!(v instanceof Map)) throw typeError(`duration() expected a STRING or MAP but got ${typeName(v)}`);
  const units: Partial<Record<DurationUnit, bigint | number>> = {};
  for (const [key, x] of v) {
    const unit = SINGULAR_UNITS[key] ?? key;
    if (!(DURATION_UNITS as readonly string[]).includes(unit)) throw argumentError(`duration(): unknown field '${key}'`);
    if (x === null) return null;
    if (typeof x !== 'bigint' && typeof x !== 'number') throw typeError(`duration(): ${key} must be a number`);
    if (units[unit as DurationUnit] !== undefined) throw argumentError(`duration(): ${unit} given twice`);
    units[unit as DurationUnit] = x;
  }
  return durationFromUnits(units);
}

function fromEpochNanos(total: bigint): CypherDateTime {
  const sec = Number(floorDivN(total, 1_000_000_000n));
  return new CypherDateTime(sec, Number(floorModN(total, 1_000_000_000n)), 0, null);
}

const BETWEEN: [string, BetweenUnit][] = [
  ['duration.between', 'all'],
  ['duration.inMonths', 'months'],
  ['duration.inDays', 'days'],
  ['duration.inSeconds', 'seconds'],
];

export const temporalFunctions: FunctionDef[] = [
  ...BETWEEN.map(([name, unit]) => def(name, 2, 2, ([a, b]) => durationBetween(name, unit, a, b))),
  ...KINDS.flatMap(clockFunctions),
  def('duration', 1, 1, ([v]) => duration(v)),
  def('datetime.fromEpoch', 2, 2, ([s, n]) => {
    if (s === null || n === null) return null;
    const nanos = typeof n === 'bigint' ? n : BigInt(Math.trunc(numArg('datetime.fromEpoch', n)));
    return fromEpochNanos(intArg('datetime.fromEpoch', s) * 1_000_000_000n + nanos);
  }),
  def('datetime.fromEpochMillis', 1, 1, ([ms]) =>
    ms === null ? null : fromEpochNanos(intArg('datetime.fromEpochMillis', ms) * 1_000_000n),
  ),
];
