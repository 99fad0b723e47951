// The admin registry through QueryEngine: dispatch by kind, "not supported yet", refusal in
// explicit transactions, notifications, config maps with parameters.
import { Codes } from '../../../dataplane/errors.js';
import { AdminRegistry, InTransaction, resolveConfig } from '../../../dataplane/query/admin-registry.js';
import { errorOf, newEngine, run, runIn, txOptions } from './engine-helpers.js';

test('a registered kind answers with its columns, rows and notifications', async () => {
  const e = newEngine();
  const seen: string[] = [];
  e.admin.register('RegisterReplica', async (stmt, ctx) => {
    seen.push(`${stmt.name} ${stmt.mode} ${stmt.address} | ${ctx.text}`);
    return { columns: [], rows: [], notifications: [{ severity: 'INFO', code: 'RegisterReplica', title: `Replica ${stmt.name} is registered.` }] };
  });
  e.admin.register('ShowReplicationRole', async () => ({ columns: ['replication role'], rows: [['main']] }));
  const r = await run(e, 'REGISTER REPLICA r1 SYNC TO "127.0.0.1:10001" ;');
  expect(seen).toEqual(['r1 sync 127.0.0.1:10001 | REGISTER REPLICA r1 SYNC TO "127.0.0.1:10001"']);
  expect(r.summary.type).toBe('s');
  expect(r.summary.notifications).toEqual([
    new Map([
      ['severity', 'INFO'],
      ['code', 'RegisterReplica'],
      ['title', 'Replica r1 is registered.'],
      ['description', ''],
    ]),
  ]);
  const role = await run(e, 'SHOW REPLICATION ROLE');
  expect([role.fields, role.rows, role.summary.notifications]).toEqual([['replication role'], [['main']], []]);
});

test('a statement nobody registered is not supported yet, with its text', async () => {
  const e = newEngine();
  expect(await errorOf(e, 'SHOW REPLICATION ROLE')).toEqual({ code: Codes.MemgraphClientError, message: 'SHOW REPLICATION ROLE is not supported yet.' });
  expect((await errorOf(e, "register instance i1 with config {'bolt_server': 'b'};")).message).toBe(
    "register instance i1 with config {'bolt_server': 'b'} is not supported yet.",
  );
  expect((await errorOf(e, 'SHOW   NONSENSE')).message).toBe('SHOW NONSENSE is not supported yet.');
});

test('an entry refused in explicit transactions fails there before its handler runs, and the transaction with it', async () => {
  const e = newEngine();
  let calls = 0;
  e.admin.register(
    'DropReplica',
    async () => {
      calls++;
      return { columns: [], rows: [] };
    },
    { refusedInTransaction: InTransaction.replication },
  );
  const tx = await e.begin(txOptions(false));
  await expect(runIn(tx, 'DROP REPLICA r1')).rejects.toMatchObject({
    code: Codes.MemgraphClientError,
    message: 'Replication clause not allowed in multicommand transactions.',
  });
  await tx.rollback();
  expect(calls).toBe(0);
  await run(e, 'DROP REPLICA r1');
  expect(calls).toBe(1);
});

test('one owner per kind; unregistering frees the kind', () => {
  const admin = new AdminRegistry();
  const off = admin.register('ShowInstances', async () => ({ columns: [], rows: [] }));
  expect(() => admin.register('ShowInstances', async () => ({ columns: [], rows: [] }))).toThrow('ShowInstances already has a handler');
  off();
  expect(admin.has('ShowInstances')).toBe(false);
  admin.register('ShowInstances', async () => ({ columns: [], rows: [] }));
  off();
  expect(admin.has('ShowInstances')).toBe(true);
});

test('config values given as parameters are resolved from the query parameters', async () => {
  const e = newEngine();
  let config: [string, string][] = [];
  e.admin.register('AddCoordinator', async (stmt, ctx) => {
    config = resolveConfig(stmt.config, ctx.params);
    return { columns: [], rows: [] };
  });
  await run(e, "ADD COORDINATOR 1 WITH CONFIG {'bolt_server': $bolt, 'coordinator_server': 'c:10111'}", { bolt: 'b:7687' });
  expect(config).toEqual([
    ['bolt_server', 'b:7687'],
    ['coordinator_server', 'c:10111'],
  ]);
  expect(await errorOf(e, "ADD COORDINATOR 1 WITH CONFIG {'bolt_server': $bolt}")).toEqual({ code: Codes.ParameterMissing, message: 'Parameter $bolt not provided.' });
  expect((await errorOf(e, "ADD COORDINATOR 1 WITH CONFIG {'bolt_server': $bolt}", { bolt: 7687n })).message).toBe("Config value of 'bolt_server' must be a string.");
});
