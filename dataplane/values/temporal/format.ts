// Text forms of values.
//
// Temporals use java.time's ISO forms, as Neo4j and the openCypher TCK print them:
//   date '1984-10-11' (years beyond 0000..9999 signed: '+10000-01-01', '-0001-01-01'),
//   local time '12:31' / '12:31:14' / '12:31:14.645' (fraction in groups of 3 digits),
//   offsets 'Z' / '+01:00' / '+00:53:28', named zones as a '[Europe/Stockholm]' suffix,
//   durations 'P1Y2M3DT4H5M6.5S' (each unit signed, zero units left out, zero = 'PT0S').
//
// formatValue(v): what Cypher's toString() would print for v at the top level (a string,
// float or temporal as raw text: 'abc', 'Infinity', '1816-01-01'); inside lists and maps
// it switches to TCK literal form.
// formatLiteral(v): the openCypher TCK result-table form everywhere: strings and temporals
//   single-quoted, lists '[1, 'a', null]', maps '{k: v}', nodes '(:L {p: 1})', relationships
//   '[:T {p: 1}]', paths '<(:A)-[:T]->(:B)>', floats '1.5' / '1.0' / 'NaN' / 'Inf' / '-Inf'.

import {
  isTagged,
  type CypherDuration,
  type NodeValue,
  type PathValue,
  type RelationshipValue,
  type TemporalValue,
  type Value,
} from '../model.js';
import { civilFromEpochDay, floorDiv } from './calendar.js';

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export function formatYear(year: number): string {
  if (year > 9999) return `+${year}`;
  if (year < 0) return `-${pad(-year, 4)}`;
  return pad(year, 4);
}

export function formatDate(epochDay: number): string {
  const { year, month, day } = civilFromEpochDay(epochDay);
  return `${formatYear(year)}-${pad(month, 2)}-${pad(day, 2)}`;
}

function formatFraction(nano: number): string {
  if (nano === 0) return '';
  if (nano % 1_000_000 === 0) return `.${pad(nano / 1_000_000, 3)}`;
  if (nano % 1000 === 0) return `.${pad(nano / 1000, 6)}`;
  return `.${pad(nano, 9)}`;
}

export function formatLocalTime(nanoOfDay: number): string {
  const totalSeconds = Math.floor(nanoOfDay / 1e9);
  const nano = nanoOfDay - totalSeconds * 1e9;
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor(totalSeconds / 60) % 60;
  const s = totalSeconds % 60;
  const base = `${pad(h, 2)}:${pad(m, 2)}`;
  return s === 0 && nano === 0 ? base : `${base}:${pad(s, 2)}${formatFraction(nano)}`;
}

export function formatOffset(offsetSeconds: number): string {
  if (offsetSeconds === 0) return 'Z';
  const sign = offsetSeconds < 0 ? '-' : '+';
  const abs = Math.abs(offsetSeconds);
  const base = `${sign}${pad(Math.floor(abs / 3600), 2)}:${pad(Math.floor(abs / 60) % 60, 2)}`;
  return abs % 60 === 0 ? base : `${base}:${pad(abs % 60, 2)}`;
}

function formatLocalDateTime(epochSecond: number, nano: number): string {
  const day = floorDiv(epochSecond, 86_400);
  const secOfDay = epochSecond - day * 86_400;
  return `${formatDate(day)}T${formatLocalTime(secOfDay * 1e9 + nano)}`;
}

function unit(n: number, suffix: string): string {
  return n === 0 ? '' : `${n}${suffix}`;
}

export function formatDuration(d: CypherDuration): string {
  const years = Math.trunc(d.months / 12);
  let text = `P${unit(years, 'Y')}${unit(d.months - years * 12, 'M')}${unit(d.days, 'D')}`;
  if (d.seconds !== 0 || d.nanos !== 0) {
    // nanos are stored in [0, 1e9); print a negative time part with one sign throughout.
    let s = d.seconds;
    let n = d.nanos;
    if (s < 0 && n !== 0) {
      s += 1;
      n -= 1e9;
    }
    const h = Math.trunc(s / 3600);
    const m = Math.trunc((s % 3600) / 60);
    const sec = s % 60;
    text += `T${unit(h, 'H')}${unit(m, 'M')}`;
    if (sec !== 0 || n !== 0) {
      const sign = sec < 0 || n < 0 ? '-' : '';
      const frac = n === 0 ? '' : `.${pad(Math.abs(n), 9).replace(/0+$/, '')}`;
      text += `${sign}${Math.abs(sec)}${frac}S`;
    }
  }
  return text === 'P' ? 'PT0S' : text;
}

export function formatTemporal(t: TemporalValue): string {
  switch (t.kind) {
    case 'date':
      return formatDate(t.epochDay);
    case 'localtime':
      return formatLocalTime(t.nanoOfDay);
    case 'time':
      return formatLocalTime(t.nanoOfDay) + formatOffset(t.offsetSeconds);
    case 'localdatetime':
      return formatLocalDateTime(t.epochSecond, t.nano);
    case 'datetime': {
      const local = formatLocalDateTime(t.epochSecond + t.offsetSeconds, t.nano) + formatOffset(t.offsetSeconds);
      return t.zoneId === null ? local : `${local}[${t.zoneId}]`;
    }
    case 'duration':
      return formatDuration(t);
  }
}

/** Float text: shortest round-trip digits, always with a '.' or exponent ('1.0', '1.5e-7'). */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  const text = String(v).replace('e+', 'e');
  return /[.e]/.test(text) ? text : `${text}.0`;
}

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function formatProps(props: ReadonlyMap<string, Value>): string {
  if (props.size === 0) return '';
  return ` {${[...props].map(([k, v]) => `${k}: ${formatLiteral(v)}`).join(', ')}}`;
}

function formatNode(n: NodeValue): string {
  const text = n.labels().map((l) => `:${l}`).join('') + formatProps(n.properties());
  return `(${text.trimStart()})`;
}

function formatRel(r: RelationshipValue): string {
  return `[:${r.type}${formatProps(r.properties())}]`;
}

function formatPath(p: PathValue): string {
  let text = formatNode(p.nodes[0]);
  p.rels.forEach((r, i) => {
    const forward = r.startId === p.nodes[i].id;
    text += `${forward ? '-' : '<-'}${formatRel(r)}${forward ? '->' : '-'}${formatNode(p.nodes[i + 1])}`;
  });
  return `<${text}>`;
}

/** TCK result-table literal for any value (see the header comment). */
export function formatLiteral(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
    case 'bigint':
      return String(v);
    case 'number':
      return Number.isFinite(v) || Number.isNaN(v) ? formatFloat(v) : v > 0 ? 'Inf' : '-Inf';
    case 'string':
      return quote(v);
  }
  if (Array.isArray(v)) return `[${v.map(formatLiteral).join(', ')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${k}: ${formatLiteral(x)}`).join(', ')}}`;
  switch (v.kind) {
    case 'node':
      return formatNode(v);
    case 'relationship':
      return formatRel(v);
    case 'path':
      return formatPath(v);
    case 'point':
      return v.z === null
        ? `point({srid: ${v.srid}, x: ${formatFloat(v.x)}, y: ${formatFloat(v.y)}})`
        : `point({srid: ${v.srid}, x: ${formatFloat(v.x)}, y: ${formatFloat(v.y)}, z: ${formatFloat(v.z)}})`;
    case 'enum':
      // The value's name needs the enum registry; results show it (materialize.ts), text does not.
      return `${v.typeName}::#${v.ordinal}`;
    default:
      return quote(formatTemporal(v));
  }
}

/** Cypher toString()-style text: raw for a top-level string or temporal, literal form otherwise. */
export function formatValue(v: Value): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatFloat(v);
  if (isTagged(v) && v.kind !== 'node' && v.kind !== 'relationship' && v.kind !== 'path' && v.kind !== 'point' && v.kind !== 'enum') {
    return formatTemporal(v);
  }
  return formatLiteral(v);
}
