// The coordinators' replicated state machine (reference §3.5): `apply(state, command)` is
// the only way the cluster state changes, on every coordinator, in Raft log order. It is
// deterministic (the leader puts fresh UUIDs and times into the commands) and refuses
// what Memgraph refuses, with Memgraph's texts. `precheck` holds the refusals that depend
// on what is not replicated (health, who leads); the leader runs `check` before proposing.

import { MghaError } from '../errors.js';
import { Texts, refusal } from './messages.js';
import { parseSetting, withSetting } from './settings.js';
import {
  DEFAULT_SETTINGS,
  SETTING_NAMES,
  type ClusterCommand,
  type ClusterState,
  type CoordinatorSettings,
  type DataInstance,
} from './types.js';

export function initialClusterState(): ClusterState {
  return { revision: 0, instances: [], coordinators: [], mainUuid: null, settings: { ...DEFAULT_SETTINGS }, lastFailover: null };
}

export interface Applied {
  /** The new state; the same object when the command was refused. */
  state: ClusterState;
  error: MghaError | null;
}

export function currentMain(state: ClusterState): DataInstance | null {
  return state.instances.find((i) => i.role === 'main') ?? null;
}

function findInstance(state: ClusterState, name: string): DataInstance | undefined {
  return state.instances.find((i) => i.name === name);
}

/** Applies one committed command. Refused commands leave the state as it was. */
export function apply(state: ClusterState, command: ClusterCommand): Applied {
  const refuse = (message: string): Applied => ({ state, error: refusal(message) });
  const next = (patch: Partial<ClusterState>): Applied => ({ state: { ...state, ...patch, revision: state.revision + 1 }, error: null });
  const mapInstances = (f: (i: DataInstance) => DataInstance): DataInstance[] => state.instances.map(f);

  switch (command.kind) {
    case 'RegisterInstance': {
      const { name, boltServer, managementServer, replicationServer, mode } = command;
      if (findInstance(state, name)) return refuse(Texts.nameExists);
      if (state.instances.some((i) => i.managementServer === managementServer)) return refuse(Texts.managementExists);
      if (state.instances.some((i) => i.replicationServer === replicationServer)) return refuse(Texts.replicationExists);
      // Every instance may become a replica after a failover, so the MAIN's mode counts too.
      const clash = mode === 'sync' ? 'strict_sync' : mode === 'strict_sync' ? 'sync' : null;
      if (clash !== null && state.instances.some((i) => i.mode === clash)) return refuse(Texts.strictSyncAndSync);
      const added: DataInstance = { name, boltServer, managementServer, replicationServer, mode, role: 'replica', mainUuid: state.mainUuid };
      return next({ instances: [...state.instances, added] });
    }
    case 'UnregisterInstance':
      if (!findInstance(state, command.name)) return refuse(Texts.noInstance);
      return next({ instances: state.instances.filter((i) => i.name !== command.name) });
    case 'SetInstanceToMain': {
      // Memgraph checks for an existing MAIN before it looks the name up.
      if (currentMain(state)) return refuse(Texts.mainExists);
      if (!findInstance(state, command.name)) return refuse(Texts.noInstance);
      return next({ instances: promoted(state, command.name, command.mainUuid), mainUuid: command.mainUuid });
    }
    case 'DemoteInstance': {
      const target = findInstance(state, command.name);
      if (!target) return refuse(Texts.noInstance);
      if (target.role === 'replica') return refuse(Texts.alreadyReplica(command.name));
      return next({ instances: mapInstances((i) => (i.name === command.name ? { ...i, role: 'replica' } : i)) });
    }
    case 'Failover': {
      if (!findInstance(state, command.name)) return refuse(Texts.noInstance);
      const from = currentMain(state)?.name ?? null;
      return next({
        instances: promoted(state, command.name, command.mainUuid),
        mainUuid: command.mainUuid,
        lastFailover: { at: command.at, from, to: command.name },
      });
    }
    case 'UpdateInstanceConfig':
      if (!findInstance(state, command.name)) return refuse(Texts.noInstance);
      return next({ instances: mapInstances((i) => (i.name === command.name ? { ...i, boltServer: command.boltServer } : i)) });
    case 'AddCoordinator': {
      const { id, boltServer, coordinatorServer, managementServer } = command;
      if (state.coordinators.some((c) => c.id === id)) return refuse(Texts.coordinatorIdExists);
      if (state.coordinators.some((c) => c.managementServer === managementServer)) return refuse(Texts.coordinatorManagementExists);
      if (state.coordinators.some((c) => c.coordinatorServer === coordinatorServer)) return refuse(Texts.coordinatorServerExists);
      return next({ coordinators: [...state.coordinators, { id, boltServer, coordinatorServer, managementServer }] });
    }
    case 'RemoveCoordinator':
      if (!state.coordinators.some((c) => c.id === command.id)) return refuse(Texts.noCoordinator(command.id));
      return next({ coordinators: state.coordinators.filter((c) => c.id !== command.id) });
    case 'UpdateCoordinatorConfig':
      if (!state.coordinators.some((c) => c.id === command.id)) return refuse(Texts.noCoordinatorToUpdate(command.id));
      return next({ coordinators: state.coordinators.map((c) => (c.id === command.id ? { ...c, boltServer: command.boltServer } : c)) });
    case 'SetCoordinatorSetting': {
      const parsed = parseSetting(command.name, command.value);
      if (parsed instanceof MghaError) return { state, error: parsed };
      return next({ settings: withSetting(state.settings, parsed) });
    }
  }
}

/** `name` becomes MAIN under `mainUuid`; everyone else a REPLICA following it. */
function promoted(state: ClusterState, name: string, mainUuid: string): DataInstance[] {
  return state.instances.map((i) => ({ ...i, role: i.name === name ? 'main' : 'replica', mainUuid }));
}

/** What the leader knows beyond the replicated state. */
export interface LeaderView {
  isUp(instanceName: string): boolean;
  /** This leader's coordinator id. */
  leaderId: number;
}

/** Refusals that depend on health or leadership (checked on the leader before proposing). */
export function precheck(state: ClusterState, command: ClusterCommand, view: LeaderView): MghaError | null {
  switch (command.kind) {
    case 'UnregisterInstance': {
      const target = findInstance(state, command.name);
      if (!target) return refusal(Texts.noInstance);
      if (target.role === 'main' && view.isUp(target.name)) return refusal(Texts.aliveMain);
      // The MAIN must drop the replica too; without a live one the cluster could not follow.
      const main = currentMain(state);
      if (main === null || !view.isUp(main.name)) return refusal(Texts.noMainForUnregister);
      return null;
    }
    case 'RemoveCoordinator':
      if (command.id === view.leaderId && state.coordinators.some((c) => c.id === command.id)) {
        return refusal(Texts.removeLeader(command.id));
      }
      return null;
    default:
      return null;
  }
}

/** Everything the leader checks before proposing: `precheck`, then `apply` as a dry run. */
export function check(state: ClusterState, command: ClusterCommand, view: LeaderView): MghaError | null {
  return precheck(state, command, view) ?? apply(state, command).error;
}

// ---- Raft snapshots and log entries (JSON; uint64 settings as decimal strings) ----

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
