// PackStream structures (Bolt structure-semantics): tags, and decoding fields into the
// Value model. Encoding lives in the Packer, next to the rest of the hot path.

import {
  CypherDate,
  CypherDateTime,
  CypherDuration,
  CypherLocalDateTime,
  CypherLocalTime,
  CypherPoint,
  CypherTime,
  MaterializedNode,
  MaterializedRelationship,
  PathValue,
  type NodeValue,
  type RelationshipValue,
  type Value,
} from '../values/model.js';
import { BoltProtocolError, UnsupportedValueError } from './types.js';
import { localToZoned, zoneOffsetAt } from '../values/temporal/zones.js';

export const Tag = {
  Node: 0x4e,
  Relationship: 0x52,
  UnboundRelationship: 0x72,
  Path: 0x50,
  Date: 0x44,
  Time: 0x54,
  LocalTime: 0x74,
  DateTime: 0x49,
  DateTimeZoneId: 0x69,
  LegacyDateTime: 0x46,
  LegacyDateTimeZoneId: 0x66,
  LocalDateTime: 0x64,
  Duration: 0x45,
  Point2D: 0x58,
  Point3D: 0x59,
} as const;

export function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}

function fieldCount(name: string, fields: Value[], ...allowed: number[]): void {
  if (!allowed.includes(fields.length)) {
    throw new BoltProtocolError(`${name} structure has ${fields.length} fields, expected ${allowed.join(' or ')}`);
  }
}

function int(name: string, v: Value): number {
  if (typeof v !== 'bigint') throw new BoltProtocolError(`${name} field must be an integer`);
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new UnsupportedValueError(`${name} field ${v} is out of range`);
  }
  return Number(v);
}

function float(name: string, v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  throw new BoltProtocolError(`${name} field must be a float`);
}

function str(name: string, v: Value): string {
  if (typeof v !== 'string') throw new BoltProtocolError(`${name} field must be a string`);
  return v;
}

function dict(name: string, v: Value): Map<string, Value> {
  if (!(v instanceof Map)) throw new BoltProtocolError(`${name} field must be a dictionary`);
  return v;
}

function list(name: string, v: Value): Value[] {
  if (!Array.isArray(v)) throw new BoltProtocolError(`${name} field must be a list`);
  return v;
}

/** A decoded structure's fields → Value (Path is decoded by the Unpacker itself). */
export function structToValue(tag: number, f: Value[]): Value {
  switch (tag) {
    case Tag.Date:
      fieldCount('Date', f, 1);
      return new CypherDate(int('Date', f[0] as Value));
    case Tag.LocalTime:
      fieldCount('LocalTime', f, 1);
      return new CypherLocalTime(int('LocalTime', f[0] as Value));
    case Tag.Time:
      fieldCount('Time', f, 2);
      return new CypherTime(int('Time', f[0] as Value), int('Time', f[1] as Value));
    case Tag.LocalDateTime:
      fieldCount('LocalDateTime', f, 2);
      return new CypherLocalDateTime(int('LocalDateTime', f[0] as Value), int('LocalDateTime', f[1] as Value));
    case Tag.DateTime: {
      fieldCount('DateTime', f, 3);
      const offset = int('DateTime', f[2] as Value);
      return new CypherDateTime(int('DateTime', f[0] as Value), int('DateTime', f[1] as Value), offset);
    }
    case Tag.LegacyDateTime: {
      fieldCount('DateTime', f, 3);
      const offset = int('DateTime', f[2] as Value);
      return new CypherDateTime(int('DateTime', f[0] as Value) - offset, int('DateTime', f[1] as Value), offset);
    }
    case Tag.DateTimeZoneId: {
      fieldCount('DateTimeZoneId', f, 3);
      const seconds = int('DateTimeZoneId', f[0] as Value);
      const zone = str('DateTimeZoneId', f[2] as Value);
      return new CypherDateTime(seconds, int('DateTimeZoneId', f[1] as Value), zoneOffsetAt(zone, seconds), zone);
    }
    case Tag.LegacyDateTimeZoneId: {
      fieldCount('DateTimeZoneId', f, 3);
      const zone = str('DateTimeZoneId', f[2] as Value);
      const { epochSecond, offsetSeconds } = localToZoned(zone, int('DateTimeZoneId', f[0] as Value));
      return new CypherDateTime(epochSecond, int('DateTimeZoneId', f[1] as Value), offsetSeconds, zone);
    }
    case Tag.Duration:
      fieldCount('Duration', f, 4);
      return new CypherDuration(
        int('Duration', f[0] as Value),
        int('Duration', f[1] as Value),
        int('Duration', f[2] as Value),
        int('Duration', f[3] as Value),
      );
    case Tag.Point2D:
      fieldCount('Point2D', f, 3);
      return new CypherPoint(int('Point', f[0] as Value), float('Point', f[1] as Value), float('Point', f[2] as Value));
    case Tag.Point3D:
      fieldCount('Point3D', f, 4);
      return new CypherPoint(
        int('Point', f[0] as Value),
        float('Point', f[1] as Value),
        float('Point', f[2] as Value),
        float('Point', f[3] as Value),
      );
    case Tag.Node: {
      fieldCount('Node', f, 3, 4);
      const labels = list('Node', f[1] as Value).map((l) => str('Node label', l));
      return new MaterializedNode(int('Node', f[0] as Value), labels, dict('Node', f[2] as Value));
    }
    case Tag.Relationship:
      fieldCount('Relationship', f, 5, 8);
      return new MaterializedRelationship(
        int('Relationship', f[0] as Value),
        int('Relationship', f[1] as Value),
        int('Relationship', f[2] as Value),
        str('Relationship', f[3] as Value),
        dict('Relationship', f[4] as Value),
      );
  }
  throw new BoltProtocolError(`Unknown PackStream structure tag 0x${hex(tag)}`);
}

export interface UnboundRelationship {
  id: number;
  type: string;
  props: Map<string, Value>;
}

/** UnboundRelationship fields (only meaningful inside a Path). */
export function unboundRelationship(f: Value[]): UnboundRelationship {
  fieldCount('UnboundRelationship', f, 3, 4);
  return {
    id: int('UnboundRelationship', f[0] as Value),
    type: str('UnboundRelationship', f[1] as Value),
    props: dict('UnboundRelationship', f[2] as Value),
  };
}

/** Rebuilds a Path from its deduplicated members and (signed 1-based rel, 0-based node) index pairs. */
export function buildPath(nodeValues: Value, rels: UnboundRelationship[], indexValues: Value): PathValue {
  const indices = list('Path', indexValues).map((i) => int('Path index', i));
  const nodes = list('Path', nodeValues).map((n) => {
    if (!(n instanceof MaterializedNode)) throw new BoltProtocolError('Path nodes must be Node structures');
    return n;
  });
  if (indices.length % 2 !== 0 || nodes.length === 0) throw new BoltProtocolError('Malformed Path structure');
  const pathNodes: NodeValue[] = [nodes[0] as MaterializedNode];
  const pathRels: RelationshipValue[] = [];
  let prev = nodes[0] as MaterializedNode;
  for (let i = 0; i < indices.length; i += 2) {
    const ri = indices[i] as number;
    const next = nodes[indices[i + 1] as number];
    const rel = rels[Math.abs(ri) - 1];
    if (ri === 0 || rel === undefined || next === undefined) throw new BoltProtocolError('Path index out of range');
    const [start, end] = ri > 0 ? [prev.id, next.id] : [next.id, prev.id];
    pathRels.push(new MaterializedRelationship(rel.id, start, end, rel.type, rel.props));
    pathNodes.push(next);
    prev = next;
  }
  return new PathValue(pathNodes, pathRels);
}
