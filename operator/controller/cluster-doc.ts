// The `/v1/cluster` document coordinators publish (DESIGN §4), parsed defensively: the
// operator acts on it, so a malformed answer must become an error, never a guess.

export interface ClusterDocInstance {
  name: string;
  role: string;
  health: string;
  mode?: string;
  boltServer?: string;
  lastResponseMs?: number;
  /** The instance's last commit timestamp. */
  committedTxns?: number;
  /** MAIN's committedTxns − this one's, never negative. */
  lagTxns?: number;
}

export interface ClusterDocCoordinator {
  id: number;
  name: string;
  role: string;
  health: string;
}

export interface ClusterDoc {
  version: number;
  leader: { id: number; name: string; term: number } | null;
  /** The answering coordinator knows a ready leader; false means "unknown, retry". */
  ready: boolean;
  main: string | null;
  mainUuid?: string;
  instances: ClusterDocInstance[];
  coordinators: ClusterDocCoordinator[];
  lastFailover?: { at: string; from?: string; to: string } | null;
}

export class ClusterDocError extends Error {
  constructor(message: string) {
    super(`malformed /v1/cluster document: ${message}`);
    this.name = 'ClusterDocError';
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function field<T>(o: Obj, key: string, at: string, is: (v: unknown) => v is T, what: string): T {
  const v = o[key];
  if (!is(v)) throw new ClusterDocError(`${at}${key} must be ${what}`);
  return v;
}
function optionalField<T>(o: Obj, key: string, at: string, is: (v: unknown) => v is T, what: string): T | undefined {
  return o[key] === undefined || o[key] === null ? undefined : field(o, key, at, is, what);
}
const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const isArray = (v: unknown): v is unknown[] => Array.isArray(v);

function instance(v: unknown, i: number): ClusterDocInstance {
  const at = `instances[${i}].`;
  if (!isObj(v)) throw new ClusterDocError(`instances[${i}] must be an object`);
  const out: ClusterDocInstance = {
    name: field(v, 'name', at, isString, 'a string'),
    role: field(v, 'role', at, isString, 'a string'),
    health: field(v, 'health', at, isString, 'a string'),
  };
  const mode = optionalField(v, 'mode', at, isString, 'a string');
  const boltServer = optionalField(v, 'boltServer', at, isString, 'a string');
  const lastResponseMs = optionalField(v, 'lastResponseMs', at, isNumber, 'a number');
  const committedTxns = optionalField(v, 'committedTxns', at, isNumber, 'a number');
  const lagTxns = optionalField(v, 'lagTxns', at, isNumber, 'a number');
  if (mode !== undefined) out.mode = mode;
  if (boltServer !== undefined) out.boltServer = boltServer;
  if (lastResponseMs !== undefined) out.lastResponseMs = lastResponseMs;
  if (committedTxns !== undefined) out.committedTxns = committedTxns;
  if (lagTxns !== undefined) out.lagTxns = lagTxns;
  return out;
}

function coordinator(v: unknown, i: number): ClusterDocCoordinator {
  const at = `coordinators[${i}].`;
  if (!isObj(v)) throw new ClusterDocError(`coordinators[${i}] must be an object`);
  return {
    id: field(v, 'id', at, isNumber, 'a number'),
    name: field(v, 'name', at, isString, 'a string'),
    role: field(v, 'role', at, isString, 'a string'),
    health: field(v, 'health', at, isString, 'a string'),
  };
}

export function parseClusterDoc(json: unknown): ClusterDoc {
  if (!isObj(json)) throw new ClusterDocError('not a JSON object');
  const leaderRaw = json.leader;
  let leader: ClusterDoc['leader'] = null;
  if (leaderRaw !== null && leaderRaw !== undefined) {
    if (!isObj(leaderRaw)) throw new ClusterDocError('leader must be an object or null');
    leader = {
      id: field(leaderRaw, 'id', 'leader.', isNumber, 'a number'),
      name: field(leaderRaw, 'name', 'leader.', isString, 'a string'),
      term: field(leaderRaw, 'term', 'leader.', isNumber, 'a number'),
    };
  }
  const doc: ClusterDoc = {
    version: field(json, 'version', '', isNumber, 'a number'),
    leader,
    ready: field(json, 'ready', '', isBool, 'true or false'),
    main: optionalField(json, 'main', '', isString, 'a string or null') ?? null,
    instances: (optionalField(json, 'instances', '', isArray, 'a list') ?? []).map(instance),
    coordinators: (optionalField(json, 'coordinators', '', isArray, 'a list') ?? []).map(coordinator),
  };
  const mainUuid = optionalField(json, 'mainUuid', '', isString, 'a string');
  if (mainUuid !== undefined) doc.mainUuid = mainUuid;
  const lf = json.lastFailover;
  if (isObj(lf)) {
    doc.lastFailover = {
      at: field(lf, 'at', 'lastFailover.', isString, 'a string'),
      to: field(lf, 'to', 'lastFailover.', isString, 'a string'),
    };
    const from = optionalField(lf, 'from', 'lastFailover.', isString, 'a string');
    if (from !== undefined) doc.lastFailover.from = from;
  } else if (lf !== undefined && lf !== null) {
    throw new ClusterDocError('lastFailover must be an object or null');
  }
  return doc;
}
