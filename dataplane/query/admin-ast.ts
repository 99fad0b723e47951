// Memgraph's admin statements as typed AST nodes: durability (snapshots, the data
// directory lock), replication and HA coordinator statements. The parser
// (parser/admin.ts) follows Memgraph's grammar (MemgraphCypher.g4); what a statement
// means is up to the subsystem that registers a handler for its kind (admin-registry.ts).
// Checks Memgraph makes at run time (a config map's keys, a setting's value) stay with
// the handlers, so that they answer with Memgraph's runtime messages.

import type { Value } from '../values/model.js';
import type { DescriptionTarget } from './server-metadata.js';

/** `SYNC` / `ASYNC` / `STRICT_SYNC`, lower-cased as `SHOW REPLICAS` prints them. */
export type ReplicationMode = 'sync' | 'async' | 'strict_sync';

/** A config-map value: a string literal, or a `$parameter` resolved at run time. */
export type ConfigValue = { kind: 'string'; value: string } | { kind: 'param'; name: string };

/**
 * `{'bolt_server': 'host:7687', "management_server": $m}`: quoted keys in source order.
 * Duplicates are kept; the handler decides (Memgraph counts entries).
 */
export type ConfigMap = { key: string; value: ConfigValue }[];

/** `SET REPLICATION ROLE TO (MAIN | REPLICA) [WITH PORT n]` (port range-checked by the parser). */
export interface SetReplicationRole {
  kind: 'SetReplicationRole';
  role: 'main' | 'replica';
  port: number | null;
}

/** `REGISTER REPLICA name (SYNC | ASYNC | STRICT_SYNC) TO "host[:port]"` */
export interface RegisterReplica {
  kind: 'RegisterReplica';
  name: string;
  mode: ReplicationMode;
  /** As written; the default port (10000) is the handler's business. */
  address: string;
}

/** `REGISTER INSTANCE name [AS ASYNC | AS STRICT_SYNC] WITH CONFIG {…}` (no AS: SYNC). */
export interface RegisterInstance {
  kind: 'RegisterInstance';
  name: string;
  mode: ReplicationMode;
  config: ConfigMap;
}

/** `ADD COORDINATOR id WITH CONFIG {…}` */
export interface AddCoordinator {
  kind: 'AddCoordinator';
  id: number;
  config: ConfigMap;
}

/** `UPDATE CONFIG FOR INSTANCE name {…}` (Memgraph's grammar has no WITH CONFIG here). */
export interface UpdateInstanceConfig {
  kind: 'UpdateInstanceConfig';
  name: string;
  config: ConfigMap;
}

/** `UPDATE CONFIG FOR COORDINATOR id {…}` */
export interface UpdateCoordinatorConfig {
  kind: 'UpdateCoordinatorConfig';
  id: number;
  config: ConfigMap;
}

/** `SET COORDINATOR SETTING 'name' TO 'value'` */
export interface SetCoordinatorSetting {
  kind: 'SetCoordinatorSetting';
  name: string;
  value: string;
}

export type DurabilityStatement =
  | { kind: 'CreateSnapshot' }
  | { kind: 'ShowSnapshots' }
  | { kind: 'LockDataDirectory' }
  | { kind: 'UnlockDataDirectory' }
  | { kind: 'DataDirectoryLockStatus' };

export type ReplicationStatement =
  | SetReplicationRole
  | { kind: 'ShowReplicationRole' }
  | RegisterReplica
  | { kind: 'DropReplica'; name: string }
  | { kind: 'ShowReplicas' };

export type CoordinatorStatement =
  | AddCoordinator
  | { kind: 'RemoveCoordinator'; id: number }
  | RegisterInstance
  | { kind: 'UnregisterInstance'; name: string }
  | { kind: 'SetInstanceToMain'; name: string }
  | { kind: 'DemoteInstance'; name: string }
  | UpdateInstanceConfig
  | UpdateCoordinatorConfig
  | { kind: 'ShowInstances' }
  | { kind: 'ShowInstance' }
  | { kind: 'ShowRoutingTable' }
  | { kind: 'ShowReplicationLag' }
  | SetCoordinatorSetting
  | { kind: 'ShowCoordinatorSettings' }
  | { kind: 'ForceResetClusterState' }
  | { kind: 'YieldLeadership' };

/**
 * A `SHOW …` the parser has no typed node for and the schema code does not answer
 * (`SHOW INDEX INFO` and friends are schema statements): it still goes to the registry,
 * which answers `SHOW … is not supported yet.` unless someone registered `Show`.
 */
export interface OtherShow {
  kind: 'Show';
  /** Upper-cased, single-spaced words after SHOW. */
  what: string;
}

/** `TERMINATE TRANSACTIONS 'id', $id, …`: ids as written (string literals or parameters). */
export interface TerminateTransactions {
  kind: 'TerminateTransactions';
  ids: ConfigValue[];
}

/** Memgraph's trigger event types, as SHOW TRIGGERS prints them. */
export type TriggerEventType =
  | 'ANY'
  | 'CREATE'
  | '() CREATE'
  | '--> CREATE'
  | 'DELETE'
  | '() DELETE'
  | '--> DELETE'
  | 'UPDATE'
  | '() UPDATE'
  | '--> UPDATE';

/** `CREATE TRIGGER name [ON [() | -->] CREATE | UPDATE | DELETE] BEFORE | AFTER COMMIT EXECUTE statement` */
export interface CreateTrigger {
  kind: 'CreateTrigger';
  name: string;
  event: TriggerEventType;
  phase: 'BEFORE COMMIT' | 'AFTER COMMIT';
  /** The Cypher text after EXECUTE, as written. */
  statement: string;
}

export type TriggerStatement = CreateTrigger | { kind: 'DropTrigger'; name: string } | { kind: 'ShowTriggers' };

/** Introspection of the server and its open transactions. */
export type InfoStatement =
  | { kind: 'ShowConfig' }
  | { kind: 'ShowVersion' }
  /** `SHOW DATABASE` / `SHOW CURRENT DATABASE` */
  | { kind: 'ShowDatabase' }
  | { kind: 'ShowDatabases' }
  | { kind: 'ShowTransactions' }
  | TerminateTransactions
  /** `FREE MEMORY`: storage garbage collection now. */
  | { kind: 'FreeMemory' }
  /** `STORAGE MODE IN_MEMORY_TRANSACTIONAL | IN_MEMORY_ANALYTICAL | ON_DISK_TRANSACTIONAL` */
  | { kind: 'StorageMode'; mode: string };

/** A server-side parameter's value as written: a literal (list and map literals included) or a `$parameter`. */
export type ParameterValueExpr =
  | { kind: 'value'; value: Value }
  | { kind: 'param'; name: string };

/** Memgraph's enums, server-side parameters and descriptions (server-metadata.ts). */
export type MetadataStatement =
  | { kind: 'CreateEnum'; name: string; values: string[] }
  | { kind: 'AlterEnumAdd'; name: string; value: string }
  | { kind: 'AlterEnumUpdate'; name: string; from: string; to: string }
  | { kind: 'ShowEnums' }
  | { kind: 'SetParameter'; scope: 'global' | 'database'; name: string; value: ParameterValueExpr }
  | { kind: 'UnsetParameter'; scope: 'global' | 'database'; name: string }
  | { kind: 'ShowParameters' }
  | { kind: 'SetDescription'; target: DescriptionTarget; text: string }
  | { kind: 'DeleteDescription'; target: DescriptionTarget }
  | { kind: 'ShowDescriptions' }
  /** `SHOW DESCRIPTION ON <target>`: column `description`, no row when there is none. */
  | { kind: 'ShowDescription'; target: DescriptionTarget };

/** `ANALYZE GRAPH [ON LABELS :A, :B | *] [DELETE STATISTICS]`; `SHOW SCHEMA INFO`. */
export type GraphInfoStatement =
  /** labels: null for all (no ON LABELS, or `ON LABELS *`). */
  | { kind: 'AnalyzeGraph'; labels: string[] | null; delete: boolean }
  | { kind: 'ShowSchemaInfo' };

export type AdminStatement =
  | DurabilityStatement
  | ReplicationStatement
  | CoordinatorStatement
  | InfoStatement
  | TriggerStatement
  | MetadataStatement
  | GraphInfoStatement;

/** Everything the admin registry dispatches. */
export type DispatchedStatement = AdminStatement | OtherShow;

export type AdminKind = DispatchedStatement['kind'];

/** The statements a coordinator answers (Memgraph refuses everything else there). */
export const COORDINATOR_KINDS: ReadonlySet<AdminKind> = new Set<CoordinatorStatement['kind'] | 'ShowVersion'>([
  // Memgraph answers SHOW VERSION on coordinators too.
  'ShowVersion',
  'AddCoordinator',
  'RemoveCoordinator',
  'RegisterInstance',
  'UnregisterInstance',
  'SetInstanceToMain',
  'DemoteInstance',
  'UpdateInstanceConfig',
  'UpdateCoordinatorConfig',
  'ShowInstances',
  'ShowInstance',
  'ShowRoutingTable',
  'ShowReplicationLag',
  'SetCoordinatorSetting',
  'ShowCoordinatorSettings',
  'ForceResetClusterState',
  'YieldLeadership',
]);
