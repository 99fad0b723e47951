// The Cypher value model shared by every layer (storage, query, Bolt, durability).
//
// Integers are `bigint` and floats are `number`, so 64-bit integer semantics never
// depend on JS number precision and `1` and `1.0` stay distinct values.
// Maps are `Map<string, Value>` (no prototype-key hazards, insertion order kept).
// Lists are plain arrays.

export type Value =
  | null
  | boolean
  | bigint
  | number
  | string
  | Value[]
  | Map<string, Value>
  | NodeValue
  | RelationshipValue
  | PathValue
  | CypherDate
  | CypherLocalTime
  | CypherTime
  | CypherLocalDateTime
  | CypherDateTime
  | CypherDuration
  | CypherPoint
  | CypherEnum;

/** A graph node. Storage accessors implement it (reading through their transaction);
 *  `MaterializedNode` is the detached copy handed to the Bolt layer. */
export interface NodeValue {
  readonly kind: 'node';
  readonly id: number;
  labels(): readonly string[];
  properties(): ReadonlyMap<string, Value>;
}

export interface RelationshipValue {
  readonly kind: 'relationship';
  readonly id: number;
  readonly startId: number;
  readonly endId: number;
  readonly type: string;
  properties(): ReadonlyMap<string, Value>;
}

export class MaterializedNode implements NodeValue {
  readonly kind = 'node' as const;
  constructor(
    readonly id: number,
    private readonly labelList: readonly string[],
    private readonly props: ReadonlyMap<string, Value>,
  ) {}
  labels(): readonly string[] {
    return this.labelList;
  }
  properties(): ReadonlyMap<string, Value> {
    return this.props;
  }
}

export class MaterializedRelationship implements RelationshipValue {
  readonly kind = 'relationship' as const;
  constructor(
    readonly id: number,
    readonly startId: number,
    readonly endId: number,
    readonly type: string,
    private readonly props: ReadonlyMap<string, Value>,
  ) {}
  properties(): ReadonlyMap<string, Value> {
    return this.props;
  }
}

/** A path: `rels[i]` joins `nodes[i]` and `nodes[i + 1]` (in either direction). */
export class PathValue {
  readonly kind = 'path' as const;
  constructor(
    readonly nodes: readonly NodeValue[],
    readonly rels: readonly RelationshipValue[],
  ) {}
}

/** Days since 1970-01-01 (proleptic Gregorian). */
export class CypherDate {
  readonly kind = 'date' as const;
  constructor(readonly epochDay: number) {}
}

/** Nanoseconds since midnight, no zone. */
export class CypherLocalTime {
  readonly kind = 'localtime' as const;
  constructor(readonly nanoOfDay: number) {}
}

/** Nanoseconds since local midnight plus a fixed UTC offset. */
export class CypherTime {
  readonly kind = 'time' as const;
  constructor(
    readonly nanoOfDay: number,
    readonly offsetSeconds: number,
  ) {}
}

/** Wall-clock date-time without a zone: seconds since epoch "as if UTC" + nanos. */
export class CypherLocalDateTime {
  readonly kind = 'localdatetime' as const;
  constructor(
    readonly epochSecond: number,
    readonly nano: number,
  ) {}
}

/** An instant (UTC epoch seconds + nanos) seen at an offset; `zoneId` set for named zones. */
export class CypherDateTime {
  readonly kind = 'datetime' as const;
  constructor(
    readonly epochSecond: number,
    readonly nano: number,
    readonly offsetSeconds: number,
    readonly zoneId: string | null = null,
  ) {}
}

export class CypherDuration {
  readonly kind = 'duration' as const;
  constructor(
    readonly months: number,
    readonly days: number,
    readonly seconds: number,
    readonly nanos: number,
  ) {}
}

/** srid 7203 cartesian 2D, 9157 cartesian 3D, 4326 WGS-84 2D, 4979 WGS-84 3D. */
export class CypherPoint {
  readonly kind = 'point' as const;
  constructor(
    readonly srid: number,
    readonly x: number,
    readonly y: number,
    readonly z: number | null = null,
  ) {}
}

/**
 * A value of a Memgraph enum (`Status::Good`): the enum's name and the value's position in
 * it. Positions are stable (ALTER ENUM … ADD VALUE appends, UPDATE VALUE renames in
 * place), so a stored value follows a rename, as in Memgraph; the name is looked up in the
 * storage's enum registry when the value is shown.
 */
export class CypherEnum {
  readonly kind = 'enum' as const;
  constructor(
    readonly typeName: string,
    readonly ordinal: number,
  ) {}
}

export type TemporalValue =
  | CypherDate
  | CypherLocalTime
  | CypherTime
  | CypherLocalDateTime
  | CypherDateTime
  | CypherDuration;

/** Values with a `kind` tag (everything that is not a primitive, list or map). */
export type TaggedValue = NodeValue | RelationshipValue | PathValue | TemporalValue | CypherPoint | CypherEnum;

export function isTagged(v: Value): v is TaggedValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Map);
}

export function isNode(v: Value): v is NodeValue {
  return isTagged(v) && v.kind === 'node';
}

export function isRelationship(v: Value): v is RelationshipValue {
  return isTagged(v) && v.kind === 'relationship';
}

export function isPath(v: Value): v is PathValue {
  return isTagged(v) && v.kind === 'path';
}

/** Cypher type name of a value, as used in error messages and `valueType()`. */
export function typeName(v: Value): string {
  if (v === null) return 'NULL';
  switch (typeof v) {
    case 'boolean':
      return 'BOOLEAN';
    case 'bigint':
      return 'INTEGER';
    case 'number':
      return 'FLOAT';
    case 'string':
      return 'STRING';
  }
  if (Array.isArray(v)) return 'LIST';
  if (v instanceof Map) return 'MAP';
  switch (v.kind) {
    case 'node':
      return 'NODE';
    case 'relationship':
      return 'RELATIONSHIP';
    case 'path':
      return 'PATH';
    case 'date':
      return 'DATE';
    case 'localtime':
      return 'LOCAL_TIME';
    case 'time':
      return 'ZONED_TIME';
    case 'localdatetime':
      return 'LOCAL_DATE_TIME';
    case 'datetime':
      return 'ZONED_DATE_TIME';
    case 'duration':
      return 'DURATION';
    case 'point':
      return 'POINT';
    case 'enum':
      return 'ENUM';
  }
}

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
