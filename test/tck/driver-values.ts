// neo4j-driver results → TckValue, and TckValue → driver parameters. Temporal values become
// the ISO text the TCK writes (Java's toString: seconds and fractions only when non-zero,
// fractions in groups of three digits; durations as P…Y…M…DT…H…M…S).
import neo4j, { type Integer } from 'neo4j-driver';
import type { TckNode, TckRel, TckValue } from './values.js';

type Num = number | Integer | bigint;

const big = (x: Num): bigint => (typeof x === 'bigint' ? x : BigInt(x.toString()));
const small = (x: Num): number => Number(big(x));
const pad = (n: number, width: number): string => String(Math.abs(n)).padStart(width, '0');

function formatYear(y: number): string {
  if (y > 9999) return `+${y}`;
  return y < 0 ? `-${pad(y, 4)}` : pad(y, 4);
}

export function formatDate(year: number, month: number, day: number): string {
  return `${formatYear(year)}-${pad(month, 2)}-${pad(day, 2)}`;
}

export function formatTime(hour: number, minute: number, second: number, nano: number): string {
  let s = `${pad(hour, 2)}:${pad(minute, 2)}`;
  if (second === 0 && nano === 0) return s;
  s += `:${pad(second, 2)}`;
  if (nano === 0) return s;
  const digits = pad(nano, 9);
  if (nano % 1_000_000 === 0) return `${s}.${digits.slice(0, 3)}`;
  if (nano % 1000 === 0) return `${s}.${digits.slice(0, 6)}`;
  return `${s}.${digits}`;
}

export function formatOffset(seconds: number): string {
  if (seconds === 0) return 'Z';
  const sign = seconds < 0 ? '-' : '+';
  const a = Math.abs(seconds);
  const h = Math.floor(a / 3600);
  const m = Math.floor((a % 3600) / 60);
  const s = a % 60;
  return `${sign}${pad(h, 2)}:${pad(m, 2)}${s ? `:${pad(s, 2)}` : ''}`;
}

/** Neo4j/Cypher duration text: each component carries its own sign, zero components are left out. */
export function formatDuration(months: bigint, days: bigint, seconds: bigint, nanos: bigint): string {
  const years = months / 12n;
  const restMonths = months % 12n;
  let date = '';
  if (years !== 0n) date += `${years}Y`;
  if (restMonths !== 0n) date += `${restMonths}M`;
  if (days !== 0n) date += `${days}D`;
  const total = seconds * 1_000_000_000n + nanos;
  let time = '';
  if (total !== 0n) {
    const hours = total / 3_600_000_000_000n;
    const minutes = (total % 3_600_000_000_000n) / 60_000_000_000n;
    const secNanos = total % 60_000_000_000n;
    if (hours !== 0n) time += `${hours}H`;
    if (minutes !== 0n) time += `${minutes}M`;
    if (secNanos !== 0n) {
      const neg = secNanos < 0n;
      const abs = neg ? -secNanos : secNanos;
      const whole = abs / 1_000_000_000n;
      const frac = abs % 1_000_000_000n;
      const fracText = frac === 0n ? '' : `.${frac.toString().padStart(9, '0').replace(/0+$/, '')}`;
      time += `${neg ? '-' : ''}${whole}${fracText}S`;
    }
  }
  if (date === '' && time === '') return 'PT0S';
  return `P${date}${time ? `T${time}` : ''}`;
}

function str(value: string): TckValue {
  return { kind: 'string', value };
}

function props(p: Record<string, unknown>): Map<string, TckValue> {
  return new Map(Object.entries(p).map(([k, v]) => [k, fromDriver(v)]));
}

/** Identity of a driver node or relationship (elementId on Bolt 5, id before). */
export function elementKey(x: { elementId?: string; identity?: Num }): string {
  return x.elementId ?? String(x.identity);
}

type DriverNode = { labels: string[]; properties: Record<string, unknown>; elementId?: string; identity?: Num };
type DriverRel = { type: string; properties: Record<string, unknown>; startNodeElementId?: string; start?: Num };

function node(n: DriverNode): TckNode {
  return { kind: 'node', labels: [...n.labels], props: props(n.properties) };
}

function rel(r: DriverRel): TckRel {
  return { kind: 'rel', type: r.type, props: props(r.properties) };
}

/** Converts one value of a driver record. */
export function fromDriver(v: unknown): TckValue {
  if (v === null || v === undefined) return { kind: 'null' };
  if (neo4j.isInt(v)) return { kind: 'int', value: big(v) };
  if (typeof v === 'bigint') return { kind: 'int', value: v };
  if (typeof v === 'number') return { kind: 'float', value: v };
  if (typeof v === 'boolean') return { kind: 'bool', value: v };
  if (typeof v === 'string') return str(v);
  if (Array.isArray(v)) return { kind: 'list', items: v.map(fromDriver) };
  if (neo4j.isNode(v)) return node(v as unknown as DriverNode);
  if (neo4j.isRelationship(v)) return rel(v as unknown as DriverRel);
  if (neo4j.isPath(v)) {
    const start = node(v.start as unknown as DriverNode);
    const segments = v.segments.map((s) => {
      const r = s.relationship as unknown as DriverRel;
      const from = s.start as unknown as DriverNode;
      const forward = r.startNodeElementId !== undefined ? r.startNodeElementId === from.elementId : String(r.start) === String(from.identity);
      return { rel: rel(r), forward, node: node(s.end as unknown as DriverNode) };
    });
    return { kind: 'path', start, segments };
  }
  if (neo4j.isDate(v)) return str(formatDate(small(v.year), small(v.month), small(v.day)));
  if (neo4j.isLocalTime(v)) return str(formatTime(small(v.hour), small(v.minute), small(v.second), small(v.nanosecond)));
  if (neo4j.isTime(v)) {
    return str(formatTime(small(v.hour), small(v.minute), small(v.second), small(v.nanosecond)) + formatOffset(small(v.timeZoneOffsetSeconds)));
  }
  if (neo4j.isLocalDateTime(v)) {
    return str(`${formatDate(small(v.year), small(v.month), small(v.day))}T${formatTime(small(v.hour), small(v.minute), small(v.second), small(v.nanosecond))}`);
  }
  if (neo4j.isDateTime(v)) {
    const local = `${formatDate(small(v.year), small(v.month), small(v.day))}T${formatTime(small(v.hour), small(v.minute), small(v.second), small(v.nanosecond))}`;
    const offset = v.timeZoneOffsetSeconds === undefined || v.timeZoneOffsetSeconds === null ? '' : formatOffset(small(v.timeZoneOffsetSeconds));
    return str(`${local}${offset}${v.timeZoneId ? `[${v.timeZoneId}]` : ''}`);
  }
  if (neo4j.isDuration(v)) return str(formatDuration(big(v.months), big(v.days), big(v.seconds), big(v.nanoseconds)));
  if (neo4j.isPoint(v)) return str(v.toString());
  if (typeof v === 'object') return { kind: 'map', entries: props(v as Record<string, unknown>) };
  throw new Error(`unexpected driver value ${String(v)}`);
}

/** Parameter value for the driver: integers as neo4j Integers, floats as JS numbers. */
export function toDriver(v: TckValue): unknown {
  switch (v.kind) {
    case 'null':
      return null;
    case 'bool':
    case 'float':
    case 'string':
      return v.value;
    case 'int':
      return neo4j.int(v.value.toString());
    case 'list':
      return v.items.map(toDriver);
    case 'map':
      return Object.fromEntries([...v.entries].map(([k, x]) => [k, toDriver(x)]));
    default:
      throw new Error(`a ${v.kind} cannot be a parameter`);
  }
}
