// Bolt protocol layer — the shapes everything else in dataplane/bolt/ moves around:
// negotiated versions and their differences, request messages, session states.
//
// Layout (server side of neo4j-javascript-driver's bolt-connection):
//   packstream.ts  Value <-> PackStream bytes (pure)
//   structures.ts  structure tags and their decoding into Values (pure)
//   zones.ts       IANA zone offsets for DateTime-with-zone-id structures
//   chunking.ts    message framing (pure)
//   handshake.ts   version negotiation (pure)
//   messages.ts    request decoding / response encoding (pure)
//   session.ts     the per-connection state machine (no sockets)
//   connection.ts  one socket: handshake, dechunk, in-order queue, batched writes
//   server.ts      the listener

import type { MghaError } from '../errors.js';
import type { Value } from '../values/model.js';

export interface BoltVersion {
  readonly major: number;
  readonly minor: number;
}

/** What differs between the versions we speak; derived once from the negotiated version. */
export interface ProtocolFeatures {
  readonly version: BoltVersion;
  /** 5.0+: Node/Relationship/UnboundRelationship carry element ids (4/8/4 fields). */
  readonly elementIds: boolean;
  /** 5.1+: authentication moves from HELLO to LOGON/LOGOFF. */
  readonly logon: boolean;
  /** 4.3 ROUTE carries `db` as a string; 4.4+ an `extra` dict. */
  readonly routeDbIsString: boolean;
  /** 4.3+: HELLO SUCCESS carries `hints`; 4.3/4.4 may negotiate patch_bolt ["utc"]. */
  readonly hints: boolean;
  readonly utcPatchNegotiable: boolean;
  /** 5.4+: TELEMETRY exists. */
  readonly telemetry: boolean;
}

export function featuresOf(version: BoltVersion): ProtocolFeatures {
  const v5 = version.major >= 5;
  return {
    version,
    elementIds: v5,
    logon: v5 && version.minor >= 1,
    routeDbIsString: version.major === 4 && version.minor === 3,
    hints: v5 || version.minor >= 3,
    utcPatchNegotiable: !v5,
    telemetry: v5 && version.minor >= 4,
  };
}

/** Options the packer needs; `utcDateTime` flips to true for 4.x once patch_bolt utc is agreed. */
export interface PackOptions {
  elementIds: boolean;
  utcDateTime: boolean;
}

export type Dict = Map<string, Value>;

/** A decoded client request. `INVALID` is a well-framed message whose content we refuse
 *  (e.g. Bytes parameters): it fails like a bad query, the connection survives. */
export type Request =
  | { type: 'HELLO'; extra: Dict }
  | { type: 'LOGON'; auth: Dict }
  | { type: 'LOGOFF' }
  | { type: 'GOODBYE' }
  | { type: 'RESET' }
  | { type: 'RUN'; query: string; parameters: Dict; extra: Dict }
  | { type: 'BEGIN'; extra: Dict }
  | { type: 'COMMIT' }
  | { type: 'ROLLBACK' }
  | { type: 'PULL'; extra: Dict }
  | { type: 'DISCARD'; extra: Dict }
  | { type: 'ROUTE'; routing: Dict; bookmarks: Value; db: string | null; extra: Dict }
  | { type: 'TELEMETRY'; api: Value }
  | { type: 'INVALID'; name: string; error: MghaError };

export type RequestType = Request['type'];

export type SessionState =
  | 'NEGOTIATION'
  | 'AUTHENTICATION'
  | 'READY'
  | 'STREAMING'
  | 'TX_READY'
  | 'TX_STREAMING'
  | 'FAILED'
  | 'DEFUNCT';
// INTERRUPTED (a RESET is queued) is not a stored state: BoltSession counts queued RESETs
// and answers IGNORED while any is pending, whatever state it is in.

/** Malformed bytes on the wire: the connection that sent them is closed. */
export class BoltProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BoltProtocolError';
  }
}

/** A well-framed value we refuse (PackStream Bytes, out-of-range fields): the request
 *  fails with a client error and the connection survives. */
export class UnsupportedValueError extends Error {}
