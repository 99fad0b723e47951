// From a parsed coordinator statement to the Raft command the leader proposes, with
// Memgraph's config-map checks and texts (interpreter.cpp `HandleCoordinatorQuery`), and
// the INFO notifications Memgraph returns on success. Pure: the fresh main UUID comes from
// the caller. Statements that change nothing in Raft (SHOW …, FORCE RESET, YIELD
// LEADERSHIP) have no command.

import { Codes, MghaError } from '../errors.js';
import type { Notification } from '../notifications.js';
import type { ConfigMap, CoordinatorStatement } from '../query/admin-ast.js';
import type { Value } from '../values/model.js';
import { refusal } from './messages.js';
import { coordinatorName } from './show.js';
import type { ClusterCommand } from './types.js';

/** Memgraph's explanation after an invalid address (kSocketErrorExplanation). */
const SOCKET_EXPLANATION = 'Address should be of form <ip>:<port> or <hostname>:<port>.';

/**
 * Memgraph evaluates the map into a std::map: every key and value must be a string, and
 * a repeated key keeps its first value (so the entry count is of distinct keys).
 */
function evaluate(config: ConfigMap, params: ReadonlyMap<string, Value>): Map<string, string> | MghaError {
  const out = new Map<string, string>();
  for (const { key, value } of config) {
    let v: Value | undefined;
    if (value.kind === 'string') v = value.value;
    else if (!params.has(value.name)) return new MghaError(Codes.ParameterMissing, `Parameter $${value.name} not provided.`);
    else v = params.get(value.name);
    if (typeof v !== 'string') return refusal('Failed to parse config map!');
    if (!out.has(key)) out.set(key, v);
  }
  return out;
}

/** `host:port` with a port in 0..65535 (Memgraph parses without a default port here). */
function validAddress(address: string): boolean {
  const colon = address.lastIndexOf(':');
  if (colon <= 0) return false;
  const port = address.slice(colon + 1);
  return /^[0-9]{1,5}$/.test(port) && Number(port) <= 65535;
}

function requireKeys(map: Map<string, string>, count: string, keys: readonly string[]): MghaError | null {
  if (map.size !== keys.length) return refusal(count);
  for (const key of keys) if (!map.has(key)) return refusal(`Config map must contain ${key} entry!`);
  return null;
}

function checkAddresses(pairs: [what: string, address: string][]): MghaError | null {
  for (const [what, address] of pairs) if (!validAddress(address)) return refusal(`Invalid ${what} socket address. ${SOCKET_EXPLANATION}`);
  return null;
}

export type MutatingStatement = Extract<
  CoordinatorStatement,
  {
    kind:
      | 'RegisterInstance'
      | 'UnregisterInstance'
      | 'SetInstanceToMain'
      | 'DemoteInstance'
      | 'UpdateInstanceConfig'
      | 'AddCoordinator'
      | 'RemoveCoordinator'
      | 'UpdateCoordinatorConfig'
      | 'SetCoordinatorSetting';
  }
>;

export function isMutating(stmt: CoordinatorStatement): stmt is MutatingStatement {
  return [
    'RegisterInstance',
    'UnregisterInstance',
    'SetInstanceToMain',
    'DemoteInstance',
    'UpdateInstanceConfig',
    'AddCoordinator',
    'RemoveCoordinator',
    'UpdateCoordinatorConfig',
    'SetCoordinatorSetting',
  ].includes(stmt.kind);
}

/** The Raft command for a statement, or Memgraph's refusal of its config map. */
export function commandFor(stmt: MutatingStatement, params: ReadonlyMap<string, Value>, freshUuid: () => string): ClusterCommand | MghaError {
  switch (stmt.kind) {
    case 'RegisterInstance': {
      const map = evaluate(stmt.config, params);
      if (map instanceof MghaError) return map;
      // Memgraph checks the keys in this order.
      const missing = requireKeys(
        map,
        'Config map must contain exactly 3 entries: bolt_server, management_server and replication_server!',
        ['replication_server', 'management_server', 'bolt_server'],
      );
      if (missing) return missing;
      const boltServer = map.get('bolt_server') ?? '';
      const managementServer = map.get('management_server') ?? '';
      const replicationServer = map.get('replication_server') ?? '';
      const bad = checkAddresses([
        ['bolt', boltServer],
        ['management', managementServer],
        ['replication', replicationServer],
      ]);
      if (bad) return bad;
      return { kind: 'RegisterInstance', name: stmt.name, boltServer, managementServer, replicationServer, mode: stmt.mode };
    }
    case 'AddCoordinator': {
      const map = evaluate(stmt.config, params);
      if (map instanceof MghaError) return map;
      // Memgraph's text has the double space.
      const missing = requireKeys(
        map,
        'Config map must contain exactly 3 entries: coordinator_server, bolt_server and  management_server!',
        ['coordinator_server', 'bolt_server', 'management_server'],
      );
      if (missing) return missing;
      const coordinatorServer = map.get('coordinator_server') ?? '';
      const managementServer = map.get('management_server') ?? '';
      const boltServer = map.get('bolt_server') ?? '';
      const bad = checkAddresses([
        ['coordinator', coordinatorServer],
        ['management', managementServer],
        ['bolt', boltServer],
      ]);
      if (bad) return bad;
      return { kind: 'AddCoordinator', id: stmt.id, boltServer, coordinatorServer, managementServer };
    }
    case 'UpdateInstanceConfig':
    case 'UpdateCoordinatorConfig': {
      const map = evaluate(stmt.config, params);
      if (map instanceof MghaError) return map;
      // mgha's text in Memgraph's style: UPDATE CONFIG takes bolt_server only.
      const missing = requireKeys(map, 'Config map must contain exactly 1 entry: bolt_server!', ['bolt_server']);
      if (missing) return missing;
      const boltServer = map.get('bolt_server') ?? '';
      const bad = checkAddresses([['bolt', boltServer]]);
      if (bad) return bad;
      return stmt.kind === 'UpdateInstanceConfig'
        ? { kind: 'UpdateInstanceConfig', name: stmt.name, boltServer }
        : { kind: 'UpdateCoordinatorConfig', id: stmt.id, boltServer };
    }
    case 'SetInstanceToMain':
      return { kind: 'SetInstanceToMain', name: stmt.name, mainUuid: freshUuid() };
    case 'UnregisterInstance':
    case 'DemoteInstance':
      return { kind: stmt.kind, name: stmt.name };
    case 'RemoveCoordinator':
      return { kind: 'RemoveCoordinator', id: stmt.id };
    case 'SetCoordinatorSetting':
      return { kind: 'SetCoordinatorSetting', name: stmt.name, value: stmt.value };
  }
}

const info = (code: string, title: string): Notification[] => [{ severity: 'INFO', code, title }];

/** Memgraph's INFO notifications for a statement that succeeded. */
export function successNotifications(stmt: CoordinatorStatement, command: ClusterCommand | null): Notification[] {
  switch (stmt.kind) {
    case 'RegisterInstance':
      return command?.kind === 'RegisterInstance'
        ? info('RegisterReplicationInstance', `Coordinator has registered replication instance on ${command.boltServer} for instance ${stmt.name}.`)
        : [];
    case 'AddCoordinator':
      return command?.kind === 'AddCoordinator'
        ? info('AddCoordinatorInstance', `Coordinator has added instance ${coordinatorName(stmt.id)} on coordinator server ${command.coordinatorServer}.`)
        : [];
    case 'RemoveCoordinator':
      return info('RemoveCoordinatorInstance', `Coordinator ${stmt.id} has been removed.`);
    case 'UnregisterInstance':
      return info('UnregisterInstance', `Coordinator has unregistered instance ${stmt.name}.`);
    case 'DemoteInstance':
      return info('DemoteInstanceToReplica', `Coordinator has demoted instance to replica ${stmt.name}.`);
    case 'ForceResetClusterState':
      return info('ForceResetClusterState', 'Coordinator has force reset cluster state.');
    case 'YieldLeadership':
      return info('YieldLeadership', 'The coordinator has tried to yield the current leadership.');
    default:
      return [];
  }
}
