import { Codes, MghaError } from '../../../dataplane/errors.js';
import type { Statement } from '../../../dataplane/query/ast.js';
import { parse } from '../../../dataplane/query/parser.js';

function errorOf(text: string): MghaError {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof MghaError) return e;
    throw e;
  }
  throw new Error(`parsed: ${text}`);
}

const s = (value: string) => ({ kind: 'string', value }) as const;

describe('admin statements parse to typed nodes', () => {
  test.each<[string, Statement]>([
    ['CREATE SNAPSHOT', { kind: 'CreateSnapshot' }],
    ['create snapshot;', { kind: 'CreateSnapshot' }],
    ['SHOW SNAPSHOTS', { kind: 'ShowSnapshots' }],
    ['LOCK DATA DIRECTORY', { kind: 'LockDataDirectory' }],
    ['UNLOCK DATA DIRECTORY;', { kind: 'UnlockDataDirectory' }],
    ['DATA DIRECTORY LOCK STATUS', { kind: 'DataDirectoryLockStatus' }],
    ['SET REPLICATION ROLE TO MAIN', { kind: 'SetReplicationRole', role: 'main', port: null }],
    ['set replication role to replica with port 10000;', { kind: 'SetReplicationRole', role: 'replica', port: 10000 }],
    ['SET REPLICATION ROLE TO REPLICA', { kind: 'SetReplicationRole', role: 'replica', port: null }],
    ['SHOW REPLICATION ROLE', { kind: 'ShowReplicationRole' }],
    ['REGISTER REPLICA r1 SYNC TO "127.0.0.1"', { kind: 'RegisterReplica', name: 'r1', mode: 'sync', address: '127.0.0.1' }],
    ["REGISTER REPLICA r2 ASYNC TO '10.0.0.2:10001'", { kind: 'RegisterReplica', name: 'r2', mode: 'async', address: '10.0.0.2:10001' }],
    ['REGISTER REPLICA `my replica` STRICT_SYNC TO "h:1"', { kind: 'RegisterReplica', name: 'my replica', mode: 'strict_sync', address: 'h:1' }],
    ['DROP REPLICA r1 ;', { kind: 'DropReplica', name: 'r1' }],
    ['SHOW REPLICAS', { kind: 'ShowReplicas' }],
    [
      "ADD COORDINATOR 1 WITH CONFIG {'bolt_server': 'localhost:7690', 'coordinator_server': 'localhost:10111', 'management_server': 'localhost:10121'}",
      {
        kind: 'AddCoordinator',
        id: 1,
        config: [
          { key: 'bolt_server', value: s('localhost:7690') },
          { key: 'coordinator_server', value: s('localhost:10111') },
          { key: 'management_server', value: s('localhost:10121') },
        ],
      },
    ],
    ['REMOVE COORDINATOR 3', { kind: 'RemoveCoordinator', id: 3 }],
    [
      'REGISTER INSTANCE instance_1 WITH CONFIG {"bolt_server": "localhost:7687", "management_server": $m, "replication_server": "localhost:10001"};',
      {
        kind: 'RegisterInstance',
        name: 'instance_1',
        mode: 'sync',
        config: [
          { key: 'bolt_server', value: s('localhost:7687') },
          { key: 'management_server', value: { kind: 'param', name: 'm' } },
          { key: 'replication_server', value: s('localhost:10001') },
        ],
      },
    ],
    ["REGISTER INSTANCE i2 AS ASYNC WITH CONFIG {'bolt_server': 'b'}", { kind: 'RegisterInstance', name: 'i2', mode: 'async', config: [{ key: 'bolt_server', value: s('b') }] }],
    ['register instance i3 as strict_sync with config {}', { kind: 'RegisterInstance', name: 'i3', mode: 'strict_sync', config: [] }],
    ['UNREGISTER INSTANCE instance_1', { kind: 'UnregisterInstance', name: 'instance_1' }],
    ['SET INSTANCE instance_3 TO MAIN', { kind: 'SetInstanceToMain', name: 'instance_3' }],
    ['DEMOTE INSTANCE instance_3', { kind: 'DemoteInstance', name: 'instance_3' }],
    ["UPDATE CONFIG FOR INSTANCE i1 {'bolt_server': 'lb:7687'}", { kind: 'UpdateInstanceConfig', name: 'i1', config: [{ key: 'bolt_server', value: s('lb:7687') }] }],
    ['UPDATE CONFIG FOR COORDINATOR 2 {"bolt_server": "lb:7688"}', { kind: 'UpdateCoordinatorConfig', id: 2, config: [{ key: 'bolt_server', value: s('lb:7688') }] }],
    ['SHOW INSTANCES', { kind: 'ShowInstances' }],
    ['SHOW INSTANCE;', { kind: 'ShowInstance' }],
    ['SHOW ROUTING TABLE', { kind: 'ShowRoutingTable' }],
    ['SHOW REPLICATION LAG', { kind: 'ShowReplicationLag' }],
    ["SET COORDINATOR SETTING 'enabled_reads_on_main' TO 'true'", { kind: 'SetCoordinatorSetting', name: 'enabled_reads_on_main', value: 'true' }],
    ['SHOW COORDINATOR SETTINGS', { kind: 'ShowCoordinatorSettings' }],
    ['FORCE RESET CLUSTER STATE', { kind: 'ForceResetClusterState' }],
    ['YIELD LEADERSHIP;', { kind: 'YieldLeadership' }],
    ['SHOW SOMETHING ELSE', { kind: 'Show', what: 'SOMETHING ELSE' }],
  ])('%s', (text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  test('Cypher that starts with the same words is still a query', () => {
    for (const q of ['MATCH (n) SET n.replication = 1', 'CREATE (n:Snapshot)', 'MATCH (instance) SET instance.x = 1', 'MATCH (n) REMOVE n.coordinator']) {
      expect(parse(q).kind).toBe('Query');
    }
  });
});

describe('bad admin statements', () => {
  test.each([
    ["ADD COORDINATOR 1 WITH CONFIG {bolt_server: 'x'}", "Invalid input 'bolt_server': expected a quoted config key (e.g. 'bolt_server') (line 1, column 32)"],
    ["REGISTER INSTANCE i WITH CONFIG {'bolt_server': 7687}", "Invalid input '7687': expected a string literal or a parameter (line 1, column 49)"],
    ["REGISTER INSTANCE i WITH CONFIG {'a': 'b',}", "Invalid input '}': expected a quoted config key (e.g. 'bolt_server') (line 1, column 43)"],
    ["REGISTER INSTANCE i WITH CONFIG {'a' 'b'}", "Invalid input a string literal: expected ':' (line 1, column 38)"],
    ["REGISTER INSTANCE i AS SYNC WITH CONFIG {}", "Invalid input 'SYNC': expected ASYNC or STRICT_SYNC (line 1, column 24)"],
    ["REGISTER INSTANCE i {'a': 'b'}", "Invalid input '{': expected WITH (line 1, column 21)"],
    ["UPDATE CONFIG FOR INSTANCE i WITH CONFIG {'bolt_server': 'x'}", "Invalid input 'WITH': expected '{' (line 1, column 30)"],
    ['UPDATE CONFIG FOR REPLICA i {}', "Invalid input 'REPLICA': expected INSTANCE or COORDINATOR (line 1, column 19)"],
    ["ADD COORDINATOR one WITH CONFIG {}", "Invalid input 'one': expected a coordinator id (an integer) (line 1, column 17)"],
    ['SET INSTANCE i TO REPLICA', "Invalid input 'REPLICA': expected MAIN (line 1, column 19)"],
    ['REGISTER REPLICA r FAST TO "h"', "Invalid input 'FAST': expected SYNC, ASYNC or STRICT_SYNC (line 1, column 20)"],
    ['SET REPLICATION ROLE TO LEADER', "Invalid input 'LEADER': expected MAIN or REPLICA (line 1, column 25)"],
    ['SET REPLICATION ROLE TO REPLICA WITH PORT', 'Unexpected end of input: expected a port number (line 1, column 42)'],
    ['FORCE RESET CLUSTER STATE please', "Invalid input 'please': expected end of input (line 1, column 27)"],
  ])('%s', (text, message) => {
    const e = errorOf(text);
    expect(e.code).toBe(Codes.SyntaxError);
    if (!message.endsWith('...')) expect(e.message).toBe(message);
  });

  test('a literal of the wrong type gets Memgraph\'s message', () => {
    expect(errorOf('REGISTER REPLICA r SYNC TO 10000').message).toBe('Socket address should be a string literal!');
    expect(errorOf("SET COORDINATOR SETTING 1 TO 'x'").message).toBe('Setting name should be a string literal');
    expect(errorOf("SET COORDINATOR SETTING 'x' TO true").message).toBe('Setting value should be a string literal');
    for (const port of ['70000', '-1', '"10000"', '1.5']) {
      const e = errorOf(`SET REPLICATION ROLE TO REPLICA WITH PORT ${port}`);
      expect([e.code, e.message]).toEqual([Codes.MemgraphClientError, 'Port number invalid!']);
    }
  });
});
