// Memgraph's refusals of coordinator statements on an instance that is not a coordinator
// (data instances, standalone), verbatim from interpreter.cpp `HandleCoordinatorQuery`,
// copy-paste slips included (SET INSTANCE … TO MAIN shares REGISTER INSTANCE's text).

import { Codes, MghaError } from '../errors.js';
import type { CoordinatorStatement, DispatchedStatement } from '../query/admin-ast.js';
import type { AdminRegistry } from '../query/admin-registry.js';

export const COORDINATOR_ONLY: { readonly [K in CoordinatorStatement['kind']]: string } = {
  AddCoordinator: 'Only coordinator can add coordinator instance!',
  RemoveCoordinator: 'Only coordinator can remove coordinator instance!',
  RegisterInstance: 'Only coordinator can register coordinator server!',
  UnregisterInstance: 'Only coordinator can unregister instance!',
  SetInstanceToMain: 'Only coordinator can register coordinator server!',
  DemoteInstance: 'Only coordinator can demote instance!',
  UpdateInstanceConfig: 'Only coordinator can update config!',
  UpdateCoordinatorConfig: 'Only coordinator can update config!',
  ShowInstances: 'Only coordinator can run SHOW INSTANCES.',
  ShowInstance: 'Only coordinator can run SHOW INSTANCE query.',
  ShowRoutingTable: 'Only coordinator can run SHOW ROUTING TABLE query.',
  ShowReplicationLag: 'Only coordinator can run SHOW REPLICATION LAG query.',
  SetCoordinatorSetting: 'Only coordinator can run SET COORDINATOR SETTING query.',
  ShowCoordinatorSettings: 'Only coordinator can run SHOW COORDINATOR SETTINGS query.',
  ForceResetClusterState: 'Only coordinator can force reset cluster!',
  YieldLeadership: 'Only coordinator can run YIELD LEADERSHIP query.',
};

/** The statements the coordinators' Raft state answers (COORDINATOR_KINDS also admits SHOW VERSION and the like). */
export const COORDINATOR_STATEMENT_KINDS = Object.keys(COORDINATOR_ONLY) as CoordinatorStatement['kind'][];

export function isCoordinatorStatement(stmt: DispatchedStatement): stmt is CoordinatorStatement {
  return (COORDINATOR_STATEMENT_KINDS as string[]).includes(stmt.kind);
}

/** Makes every coordinator statement fail with Memgraph's text on this (non-coordinator) instance. */
export function registerCoordinatorOnlyRefusals(admin: AdminRegistry): void {
  for (const [kind, text] of Object.entries(COORDINATOR_ONLY) as [CoordinatorStatement['kind'], string][]) {
    admin.register(kind, () => Promise.reject(new MghaError(Codes.MemgraphClientError, text)));
  }
}
