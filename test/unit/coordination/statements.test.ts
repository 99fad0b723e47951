import { MghaError, Codes } from '../../../dataplane/errors.js';
import { parse } from '../../../dataplane/query/parser.js';
import type { CoordinatorStatement } from '../../../dataplane/query/admin-ast.js';
import { commandFor, isMutating, successNotifications } from '../../../dataplane/coordination/statements.js';
import { apply } from '../../../dataplane/coordination/cluster-state.js';
import type { ClusterCommand } from '../../../dataplane/coordination/types.js';
import type { Value } from '../../../dataplane/values/model.js';
import { bootstrap } from './fixtures.js';

function command(text: string, params: Record<string, Value> = {}): ClusterCommand | MghaError {
  const stmt = parse(text) as CoordinatorStatement;
  if (!isMutating(stmt)) throw new Error(`not mutating: ${text}`);
  return commandFor(stmt, new Map(Object.entries(params)), () => 'fresh-uuid');
}

const message = (r: ClusterCommand | MghaError): string => {
  if (!(r instanceof MghaError)) throw new Error(`expected a refusal, got ${JSON.stringify(r)}`);
  return r.message;
};

describe('statements to Raft commands', () => {
  test.each<[string, ClusterCommand]>([
    [
      "REGISTER INSTANCE instance_1 WITH CONFIG {'bolt_server': 'localhost:7687', 'management_server': 'localhost:13011', 'replication_server': 'localhost:10001'}",
      { kind: 'RegisterInstance', name: 'instance_1', boltServer: 'localhost:7687', managementServer: 'localhost:13011', replicationServer: 'localhost:10001', mode: 'sync' },
    ],
    [
      "REGISTER INSTANCE i2 AS ASYNC WITH CONFIG {'replication_server': 'h:3', 'bolt_server': 'h:1', 'management_server': 'h:2'}",
      { kind: 'RegisterInstance', name: 'i2', boltServer: 'h:1', managementServer: 'h:2', replicationServer: 'h:3', mode: 'async' },
    ],
    [
      "ADD COORDINATOR 1 WITH CONFIG {'bolt_server': 'localhost:7690', 'coordinator_server': 'localhost:10111', 'management_server': 'localhost:10121'}",
      { kind: 'AddCoordinator', id: 1, boltServer: 'localhost:7690', coordinatorServer: 'localhost:10111', managementServer: 'localhost:10121' },
    ],
    ["UPDATE CONFIG FOR INSTANCE instance_1 {'bolt_server': 'ext.example.com:7687'}", { kind: 'UpdateInstanceConfig', name: 'instance_1', boltServer: 'ext.example.com:7687' }],
    ["UPDATE CONFIG FOR COORDINATOR 2 {'bolt_server': 'lb:7687'}", { kind: 'UpdateCoordinatorConfig', id: 2, boltServer: 'lb:7687' }],
    ['SET INSTANCE instance_3 TO MAIN', { kind: 'SetInstanceToMain', name: 'instance_3', mainUuid: 'fresh-uuid' }],
    ['DEMOTE INSTANCE instance_3', { kind: 'DemoteInstance', name: 'instance_3' }],
    ['UNREGISTER INSTANCE instance_3', { kind: 'UnregisterInstance', name: 'instance_3' }],
    ['REMOVE COORDINATOR 3', { kind: 'RemoveCoordinator', id: 3 }],
    ["SET COORDINATOR SETTING 'enabled_reads_on_main' TO 'true'", { kind: 'SetCoordinatorSetting', name: 'enabled_reads_on_main', value: 'true' }],
  ])('%s', (text, expected) => {
    expect(command(text)).toEqual(expected);
  });

  test('config values may be parameters', () => {
    expect(
      command('REGISTER INSTANCE i WITH CONFIG {"bolt_server": $b, "management_server": "h:2", "replication_server": "h:3"}', { b: 'h:1' }),
    ).toMatchObject({ boltServer: 'h:1' });
    const missing = command('REGISTER INSTANCE i WITH CONFIG {"bolt_server": $b, "management_server": "h:2", "replication_server": "h:3"}');
    expect((missing as MghaError).code).toBe(Codes.ParameterMissing);
    expect(message(command('REGISTER INSTANCE i WITH CONFIG {"bolt_server": $b, "management_server": "h:2", "replication_server": "h:3"}', { b: 7n }))).toBe(
      'Failed to parse config map!',
    );
  });

  test.each([
    ["REGISTER INSTANCE i WITH CONFIG {'bolt_server': 'h:1', 'management_server': 'h:2'}", 'Config map must contain exactly 3 entries: bolt_server, management_server and replication_server!'],
    [
      "REGISTER INSTANCE i WITH CONFIG {'bolt_server': 'h:1', 'management_server': 'h:2', 'replication': 'h:3'}",
      'Config map must contain replication_server entry!',
    ],
    [
      "REGISTER INSTANCE i WITH CONFIG {'bolt_server': 'h:1', 'bolt_server': 'h:9', 'replication_server': 'h:3'}",
      'Config map must contain exactly 3 entries: bolt_server, management_server and replication_server!',
    ],
    ["REGISTER INSTANCE i WITH CONFIG {'bolt_server': 'h', 'management_server': 'h:2', 'replication_server': 'h:3'}", 'Invalid bolt socket address. Address should be of form <ip>:<port> or <hostname>:<port>.'],
    [
      "REGISTER INSTANCE i WITH CONFIG {'bolt_server': 'h:1', 'management_server': 'h:70000', 'replication_server': 'h:3'}",
      'Invalid management socket address. Address should be of form <ip>:<port> or <hostname>:<port>.',
    ],
    ["ADD COORDINATOR 1 WITH CONFIG {'bolt_server': 'h:1'}", 'Config map must contain exactly 3 entries: coordinator_server, bolt_server and  management_server!'],
    ["ADD COORDINATOR 1 WITH CONFIG {'bolt_server': 'h:1', 'management_server': 'h:2', 'raft': 'h:3'}", 'Config map must contain coordinator_server entry!'],
    ["UPDATE CONFIG FOR INSTANCE i {'bolt_server': 'h:1', 'management_server': 'h:2'}", 'Config map must contain exactly 1 entry: bolt_server!'],
  ])("Memgraph's config-map refusal: %s", (text, expected) => {
    expect(message(command(text))).toBe(expected);
  });

  test("INFO notifications with Memgraph's codes and titles", () => {
    const reg = parse("REGISTER INSTANCE instance_4 WITH CONFIG {'bolt_server': 'localhost:7690', 'management_server': 'h:2', 'replication_server': 'h:3'}") as CoordinatorStatement;
    const regCmd = commandFor(reg as Parameters<typeof commandFor>[0], new Map(), () => 'u');
    expect(successNotifications(reg, regCmd as ClusterCommand)).toEqual([
      { severity: 'INFO', code: 'RegisterReplicationInstance', title: 'Coordinator has registered replication instance on localhost:7690 for instance instance_4.' },
    ]);
    expect(successNotifications({ kind: 'UnregisterInstance', name: 'x' }, null)[0]).toMatchObject({ code: 'UnregisterInstance', title: 'Coordinator has unregistered instance x.' });
    expect(successNotifications({ kind: 'DemoteInstance', name: 'x' }, null)[0]).toMatchObject({ code: 'DemoteInstanceToReplica', title: 'Coordinator has demoted instance to replica x.' });
    expect(successNotifications({ kind: 'ForceResetClusterState' }, null)[0]).toMatchObject({ code: 'ForceResetClusterState', title: 'Coordinator has force reset cluster state.' });
    expect(successNotifications({ kind: 'SetInstanceToMain', name: 'x' }, null)).toEqual([]);
  });

  test('the command of a statement applies to the state machine', () => {
    const cmd = command("REGISTER INSTANCE instance_4 AS ASYNC WITH CONFIG {'bolt_server': 'h:1', 'management_server': 'h:2', 'replication_server': 'h:3'}");
    expect(apply(bootstrap(), cmd as ClusterCommand).error).toBeNull();
    expect(isMutating({ kind: 'ShowInstances' })).toBe(false);
  });
});
