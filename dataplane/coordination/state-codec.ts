// The cluster state and its commands as bytes: Raft snapshots (`serializeState`) and log
// entries (`encodeCommand`). JSON, with the uint64 settings as decimal strings. Decoding
// checks every field, so a damaged or foreign entry fails loudly instead of being applied.

import { MghaError } from '../errors.js';
import { parseSetting, withSetting } from './settings.js';
import { DEFAULT_SETTINGS, SETTING_NAMES, type ClusterCommand, type ClusterState, type CoordinatorSettings, type DataInstance } from './types.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function serializeState(state: ClusterState): Uint8Array {
  const settings: Record<string, Json> = {};
  for (const name of SETTING_NAMES) {
    const v = state.settings[name];
    settings[name] = typeof v === 'bigint' ? v.toString() : v;
  }
  return new TextEncoder().encode(JSON.stringify({ ...state, settings }));
}

export class ClusterStateFormatError extends Error {}

function fail(what: string): never {
  throw new ClusterStateFormatError(`malformed cluster state: ${what}`);
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(what);
  return v as Record<string, unknown>;
}
function str(v: unknown, what: string): string {
  return typeof v === 'string' ? v : fail(what);
}
function num(v: unknown, what: string): number {
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : fail(what);
}
function strOrNull(v: unknown, what: string): string | null {
  return v === null ? null : str(v, what);
}
function oneOf<T extends string>(v: unknown, allowed: readonly T[], what: string): T {
  return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : fail(what);
}

const MODES = ['sync', 'async', 'strict_sync'] as const;

function decodeInstance(v: unknown): DataInstance {
  const o = obj(v, 'instance');
  return {
    name: str(o.name, 'instance name'),
    boltServer: str(o.boltServer, 'boltServer'),
    managementServer: str(o.managementServer, 'managementServer'),
    replicationServer: str(o.replicationServer, 'replicationServer'),
    mode: oneOf(o.mode, MODES, 'mode'),
    role: oneOf(o.role, ['main', 'replica'] as const, 'role'),
    mainUuid: strOrNull(o.mainUuid, 'instance mainUuid'),
  };
}

function decodeSettings(v: unknown): CoordinatorSettings {
  const o = obj(v, 'settings');
  let settings: CoordinatorSettings = { ...DEFAULT_SETTINGS };
  for (const name of SETTING_NAMES) {
    const raw = o[name];
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') fail(`setting ${name}`);
    const parsed = parseSetting(name, String(raw));
    if (parsed instanceof MghaError) fail(`setting ${name}`);
    settings = withSetting(settings, parsed);
  }
  return settings;
}

export function deserializeState(bytes: Uint8Array): ClusterState {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    fail('not JSON');
  }
  const o = obj(raw, 'state');
  if (!Array.isArray(o.instances) || !Array.isArray(o.coordinators)) fail('instances/coordinators');
  const lf = o.lastFailover === null ? null : obj(o.lastFailover, 'lastFailover');
  return {
    revision: num(o.revision, 'revision'),
    instances: o.instances.map(decodeInstance),
    coordinators: o.coordinators.map((c: unknown) => {
      const co = obj(c, 'coordinator');
      return {
        id: num(co.id, 'coordinator id'),
        boltServer: str(co.boltServer, 'coordinator boltServer'),
        coordinatorServer: str(co.coordinatorServer, 'coordinatorServer'),
        managementServer: str(co.managementServer, 'coordinator managementServer'),
      };
    }),
    mainUuid: strOrNull(o.mainUuid, 'mainUuid'),
    settings: decodeSettings(o.settings),
    lastFailover: lf === null ? null : { at: str(lf.at, 'at'), from: strOrNull(lf.from, 'from'), to: str(lf.to, 'to') },
  };
}

export function encodeCommand(command: ClusterCommand): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(command));
}

/** Field types of each command, checked when a log entry is decoded. */
const COMMAND_FIELDS: { [K in ClusterCommand['kind']]: Record<Exclude<keyof Extract<ClusterCommand, { kind: K }>, 'kind'>, 'string' | 'number' | 'mode'> } = {
  RegisterInstance: { name: 'string', boltServer: 'string', managementServer: 'string', replicationServer: 'string', mode: 'mode' },
  UnregisterInstance: { name: 'string' },
  SetInstanceToMain: { name: 'string', mainUuid: 'string' },
  DemoteInstance: { name: 'string' },
  Failover: { name: 'string', mainUuid: 'string', at: 'string' },
  UpdateInstanceConfig: { name: 'string', boltServer: 'string' },
  AddCoordinator: { id: 'number', boltServer: 'string', coordinatorServer: 'string', managementServer: 'string' },
  RemoveCoordinator: { id: 'number' },
  UpdateCoordinatorConfig: { id: 'number', boltServer: 'string' },
  SetCoordinatorSetting: { name: 'string', value: 'string' },
};

export function decodeCommand(bytes: Uint8Array): ClusterCommand {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    fail('command is not JSON');
  }
  const o = obj(raw, 'command');
  const kind = oneOf(o.kind, Object.keys(COMMAND_FIELDS) as ClusterCommand['kind'][], 'command kind');
  const fields: Record<string, 'string' | 'number' | 'mode'> = COMMAND_FIELDS[kind];
  const out: Record<string, unknown> = { kind };
  for (const [field, type] of Object.entries(fields)) {
    const v = o[field];
    out[field] = type === 'string' ? str(v, `${kind}.${field}`) : type === 'number' ? num(v, `${kind}.${field}`) : oneOf(v, MODES, `${kind}.${field}`);
  }
  // Sound: every field of this kind was checked above.
  return out as ClusterCommand;
}
