// The coordinators' replicated state machine (reference §3.5): `apply(state, command)` is
// the only way the cluster state changes, on every coordinator, in Raft log order. It is
// deterministic (the leader puts fresh UUIDs and times into the commands) and refuses
// what Memgraph refuses, with Memgraph's texts. `precheck` holds the refusals that depend
// on what is not replicated (health, who leads); the leader runs `check` before proposing.

import { MghaError } from '../errors.js';
import { Texts, refusal } from './messages.js';
import { parseSetting, withSetting } from './settings.js';
import { DEFAULT_SETTINGS, type ClusterCommand, type ClusterState, type DataInstance } from './types.js';

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
