// The cluster admin statements the operator sends to a coordinator, as data, rendered in
// Memgraph's grammar (reference §3.2): what a Memgraph user would type.
import type { ReplicationMode } from '../api/types.js';

export type AdminAction =
  | { kind: 'addCoordinator'; id: number; boltServer: string; coordinatorServer: string; managementServer: string }
  | { kind: 'removeCoordinator'; id: number }
  | { kind: 'yieldLeadership' }
  | { kind: 'registerInstance'; name: string; mode: ReplicationMode; boltServer: string; managementServer: string; replicationServer: string }
  | { kind: 'unregisterInstance'; name: string }
  | { kind: 'setInstanceToMain'; name: string }
  | { kind: 'demoteInstance'; name: string }
  | { kind: 'updateInstanceConfig'; name: string; boltServer: string }
  | { kind: 'updateCoordinatorConfig'; id: number; boltServer: string }
  | { kind: 'setCoordinatorSetting'; name: string; value: string };

// Instance names contain `-`, which a bare Cypher identifier cannot: always backquote.
const name = (n: string): string => `\`${n.replace(/`/g, '``')}\``;
const text = (s: string): string => JSON.stringify(s);
const quoted = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const config = (entries: Record<string, string>): string =>
  `{${Object.entries(entries).map(([k, v]) => `${text(k)}: ${text(v)}`).join(', ')}}`;

export function toCypher(a: AdminAction): string {
  switch (a.kind) {
    case 'addCoordinator':
      return `ADD COORDINATOR ${a.id} WITH CONFIG ${config({ bolt_server: a.boltServer, coordinator_server: a.coordinatorServer, management_server: a.managementServer })}`;
    case 'removeCoordinator':
      return `REMOVE COORDINATOR ${a.id}`;
    case 'yieldLeadership':
      return 'YIELD LEADERSHIP';
    case 'registerInstance': {
      // Without AS, Memgraph registers a SYNC replica.
      const as = a.mode === 'SYNC' ? '' : ` AS ${a.mode}`;
      return `REGISTER INSTANCE ${name(a.name)}${as} WITH CONFIG ${config({ bolt_server: a.boltServer, management_server: a.managementServer, replication_server: a.replicationServer })}`;
    }
    case 'unregisterInstance':
      return `UNREGISTER INSTANCE ${name(a.name)}`;
    case 'setInstanceToMain':
      return `SET INSTANCE ${name(a.name)} TO MAIN`;
    case 'demoteInstance':
      return `DEMOTE INSTANCE ${name(a.name)}`;
    case 'updateInstanceConfig':
      return `UPDATE CONFIG FOR INSTANCE ${name(a.name)} ${config({ bolt_server: a.boltServer })}`;
    case 'updateCoordinatorConfig':
      return `UPDATE CONFIG FOR COORDINATOR ${a.id} ${config({ bolt_server: a.boltServer })}`;
    case 'setCoordinatorSetting':
      return `SET COORDINATOR SETTING ${quoted(a.name)} TO ${quoted(a.value)}`;
  }
}

/** One line for an Event or a log: what was done, without the noise of full configs. */
export function describeAction(a: AdminAction): string {
  switch (a.kind) {
    case 'addCoordinator':
      return `add coordinator ${a.id}`;
    case 'removeCoordinator':
      return `remove coordinator ${a.id}`;
    case 'yieldLeadership':
      return 'ask the leader coordinator to yield';
    case 'registerInstance':
      return `register ${a.name} as ${a.mode}`;
    case 'unregisterInstance':
      return `unregister ${a.name}`;
    case 'setInstanceToMain':
      return `make ${a.name} MAIN`;
    case 'demoteInstance':
      return `demote ${a.name}`;
    case 'updateInstanceConfig':
      return `advertise ${a.name} at ${a.boltServer}`;
    case 'updateCoordinatorConfig':
      return `advertise coordinator ${a.id} at ${a.boltServer}`;
    case 'setCoordinatorSetting':
      return `set ${a.name} to ${a.value}`;
  }
}

/** The Kubernetes Event reason for a statement that succeeded. */
export function eventReason(a: AdminAction): string {
  const reasons: Record<AdminAction['kind'], string> = {
    addCoordinator: 'CoordinatorAdded',
    removeCoordinator: 'CoordinatorRemoved',
    yieldLeadership: 'LeadershipYielded',
    registerInstance: 'InstanceRegistered',
    unregisterInstance: 'InstanceUnregistered',
    setInstanceToMain: 'MainSet',
    demoteInstance: 'MainDemoted',
    updateInstanceConfig: 'BoltServerUpdated',
    updateCoordinatorConfig: 'BoltServerUpdated',
    setCoordinatorSetting: 'CoordinatorSettingApplied',
  };
  return reasons[a.kind];
}
