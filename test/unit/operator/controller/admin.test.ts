import { describeAction, toCypher, type AdminAction } from '../../../../operator/controller/admin.js';

test.each<[AdminAction, string]>([
  [
    { kind: 'addCoordinator', id: 1, boltServer: 'c0:7687', coordinatorServer: 'c0:12000', managementServer: 'c0:10000' },
    'ADD COORDINATOR 1 WITH CONFIG {"bolt_server": "c0:7687", "coordinator_server": "c0:12000", "management_server": "c0:10000"}',
  ],
  [{ kind: 'removeCoordinator', id: 3 }, 'REMOVE COORDINATOR 3'],
  [{ kind: 'yieldLeadership' }, 'YIELD LEADERSHIP'],
  [
    { kind: 'registerInstance', name: 'graph-data-0', mode: 'SYNC', boltServer: 'd0:7687', managementServer: 'd0:10000', replicationServer: 'd0:20000' },
    'REGISTER INSTANCE `graph-data-0` WITH CONFIG {"bolt_server": "d0:7687", "management_server": "d0:10000", "replication_server": "d0:20000"}',
  ],
  [
    { kind: 'registerInstance', name: 'graph-data-2', mode: 'ASYNC', boltServer: 'd2:7687', managementServer: 'd2:10000', replicationServer: 'd2:20000' },
    'REGISTER INSTANCE `graph-data-2` AS ASYNC WITH CONFIG {"bolt_server": "d2:7687", "management_server": "d2:10000", "replication_server": "d2:20000"}',
  ],
  [{ kind: 'unregisterInstance', name: 'graph-data-2' }, 'UNREGISTER INSTANCE `graph-data-2`'],
  [{ kind: 'setInstanceToMain', name: 'graph-data-1' }, 'SET INSTANCE `graph-data-1` TO MAIN'],
  [{ kind: 'demoteInstance', name: 'graph-data-0' }, 'DEMOTE INSTANCE `graph-data-0`'],
  [{ kind: 'updateInstanceConfig', name: 'graph-data-0', boltServer: 'db0.example.com:7687' }, 'UPDATE CONFIG FOR INSTANCE `graph-data-0` {"bolt_server": "db0.example.com:7687"}'],
  [{ kind: 'updateCoordinatorConfig', id: 2, boltServer: 'c.example.com:7687' }, 'UPDATE CONFIG FOR COORDINATOR 2 {"bolt_server": "c.example.com:7687"}'],
  [{ kind: 'setCoordinatorSetting', name: 'instance_down_timeout_sec', value: '3' }, "SET COORDINATOR SETTING 'instance_down_timeout_sec' TO '3'"],
])('%j renders in Memgraph grammar', (action, cypher) => {
  expect(toCypher(action)).toBe(cypher);
  expect(describeAction(action)).not.toBe('');
});

test('names and values cannot break out of their quotes', () => {
  expect(toCypher({ kind: 'setInstanceToMain', name: 'a`b' })).toBe('SET INSTANCE `a``b` TO MAIN');
  expect(toCypher({ kind: 'setCoordinatorSetting', name: "x'", value: '\\' })).toBe("SET COORDINATOR SETTING 'x\\'' TO '\\\\'");
});
