// Proleptic Gregorian calendar arithmetic on epoch days (days since 1970-01-01).
// Pure integer math (Howard Hinnant's civil-date algorithms); exact for any year a
// float can hold as an integer day count.

export interface YearMonthDay {
  year: number;
  month: number;
  day: number;
}

export const NANOS_PER_SECOND = 1_000_000_000;
export const SECONDS_PER_DAY = 86_400;
export const NANOS_PER_DAY = 86_400_000_000_000;
export const NANOS_PER_DAY_N = 86_400_000_000_000n;

/** Floor division and non-negative remainder (JS `%` truncates). */
export function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

export function floorMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

export function floorDivN(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

export function floorModN(a: bigint, b: bigint): bigint {
  return ((a % b) + b) % b;
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

export function daysInYear(y: number): number {
  return isLeapYear(y) ? 366 : 365;
}

export function epochDayFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = floorDiv(y, 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromEpochDay(epochDay: number): YearMonthDay {
  const z = epochDay + 719468;
  const era = floorDiv(z, 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

/** ISO day of week: Monday = 1 … Sunday = 7. */
export function dayOfWeek(epochDay: number): number {
  return floorMod(epochDay + 3, 7) + 1;
}

export function dayOfYear(epochDay: number): number {
  const { year } = civilFromEpochDay(epochDay);
  return epochDay - epochDayFromCivil(year, 1, 1) + 1;
}

export function quarterOf(month: number): number {
  return Math.floor((month - 1) / 3) + 1;
}

export function dayOfQuarter(epochDay: number): number {
  const { year, month } = civilFromEpochDay(epochDay);
  const firstMonth = (quarterOf(month) - 1) * 3 + 1;
  return epochDay - epochDayFromCivil(year, firstMonth, 1) + 1;
}

/** Epoch day of the Monday of ISO week 1 of `weekYear`. */
function weekOneMonday(weekYear: number): number {
  const jan4 = epochDayFromCivil(weekYear, 1, 4);
  return jan4 - (dayOfWeek(jan4) - 1);
}

export function weeksInWeekYear(weekYear: number): number {
  return (weekOneMonday(weekYear + 1) - weekOneMonday(weekYear)) / 7;
}

export function isoWeek(epochDay: number): { weekYear: number; week: number } {
  const { year } = civilFromEpochDay(epochDay);
  let weekYear = year + 1;
  if (epochDay < weekOneMonday(weekYear)) weekYear = year;
  if (epochDay < weekOneMonday(weekYear)) weekYear = year - 1;
  return { weekYear, week: Math.floor((epochDay - weekOneMonday(weekYear)) / 7) + 1 };
}

export function epochDayFromWeek(weekYear: number, week: number, dow: number): number {
  return weekOneMonday(weekYear) + (week - 1) * 7 + (dow - 1);
}

/** Adds months keeping the day of month, clamped to the target month's length. */
export function plusMonths(epochDay: number, months: number): number {
  if (months === 0) return epochDay;
  const { year, month, day } = civilFromEpochDay(epochDay);
  const total = year * 12 + (month - 1) + months;
  const y = floorDiv(total, 12);
  const m = floorMod(total, 12) + 1;
  return epochDayFromCivil(y, m, Math.min(day, daysInMonth(y, m)));
}
