// CALL … YIELD through QueryEngine, and the built-in procedures with Memgraph's columns.
import { Codes } from '../../../../dataplane/errors.js';
import { ProcedureRegistry, bindArguments, signatureOf } from '../../../../dataplane/query/procedures/registry.js';
import { builtinProcedures } from '../../../../dataplane/query/procedures/builtin.js';
import type { Procedure } from '../../../../dataplane/query/procedures/types.js';
import { errorOf, newEngine, run, rows } from '../engine-helpers.js';

async function graph() {
  const e = newEngine();
  await run(e, "CREATE (:Person {name: 'Ada', age: 36})-[:KNOWS {since: 2020}]->(:Person:Admin {name: 'Grace'}), (:City)");
  return e;
}

describe('CALL composition', () => {
  test('standalone CALL without YIELD returns every column in declared order', async () => {
    const r = await run(await graph(), 'CALL db.labels()');
    expect(r.fields).toEqual(['label']);
    expect(r.rows).toEqual([['Admin'], ['City'], ['Person']]);
  });

  test('YIELD with alias and WHERE, then RETURN', async () => {
    expect(await rows(await graph(), "CALL db.labels() YIELD label AS l WHERE l <> 'City' RETURN l ORDER BY l DESC")).toEqual([['Person'], ['Admin']]);
  });

  test('YIELD * on a standalone CALL gives all columns', async () => {
    const r = await run(newEngine(), 'CALL mg.procedures() YIELD *');
    expect(r.fields).toEqual(['name', 'signature', 'is_write', 'path', 'is_editable']);
  });

  test('MATCH … CALL … YIELD … RETURN runs the procedure per row', async () => {
    expect(await rows(await graph(), "MATCH (p:Person) CALL db.relationshipTypes() YIELD relationshipType RETURN p.name, relationshipType ORDER BY p.name")).toEqual([
      ['Ada', 'KNOWS'],
      ['Grace', 'KNOWS'],
    ]);
  });

  test('CALL … YIELD as the last clause returns the yielded columns', async () => {
    const r = await run(await graph(), 'CALL db.propertyKeys() YIELD propertyKey');
    expect(r.fields).toEqual(['propertyKey']);
    expect(r.rows).toEqual([['age'], ['name'], ['since']]);
  });

  test('unknown procedure: Memgraph\'s message', async () => {
    expect(await errorOf(newEngine(), 'CALL no.such.proc() YIELD x RETURN x')).toEqual({ code: Codes.ProcedureNotFound, message: "There is no procedure named 'no.such.proc'." });
  });

  test('CALL without YIELD inside a query: Memgraph\'s message', async () => {
    const err = await errorOf(newEngine(), 'MATCH (n) CALL db.labels() RETURN n');
    expect(err.message).toBe('CALL without YIELD may only be used on procedures which do not return any result fields.');
  });

  test('yielding a field the procedure does not have is refused', async () => {
    const err = await errorOf(newEngine(), 'CALL db.labels() YIELD nope RETURN nope');
    expect(err.message).toBe("Procedure 'db.labels' has no result field named 'nope'.");
  });

  test('arguments are counted against the signature', async () => {
    const err = await errorOf(newEngine(), 'CALL db.labels(1) YIELD label RETURN label');
    expect(err.message).toBe("'db.labels' requires 0 arguments, but 1 were given.");
  });
});

describe('built-in procedures', () => {
  test('mg.procedures lists every procedure with its signature, sorted by name', async () => {
    const r = await rows(newEngine(), 'CALL mg.procedures() YIELD name, signature, is_write, path, is_editable RETURN name, signature, is_write, path, is_editable');
    const byName = new Map(r.map((row) => [row[0], row]));
    expect(byName.get('db.labels')).toEqual(['db.labels', 'db.labels() :: (label :: STRING)', false, 'builtin', false]);
    expect([...byName.keys()]).toEqual([...byName.keys()].sort());
    expect(byName.has('schema.node_type_properties')).toBe(true);
  });

  test('mg.functions has Memgraph\'s columns (no query-module functions yet)', async () => {
    const r = await run(newEngine(), 'CALL mg.functions() YIELD *');
    expect(r.fields).toEqual(['name', 'signature', 'path', 'is_editable']);
    expect(r.rows).toEqual([]);
  });

  test('schema.node_type_properties: one row per label set and property, mandatory when every node has it', async () => {
    const e = await graph();
    await run(e, "CREATE (:Person {name: 'Lin', age: 'old'})");
    const r = await run(e, 'CALL schema.node_type_properties() YIELD *');
    expect(r.fields).toEqual(['nodeType', 'nodeLabels', 'propertyName', 'propertyTypes', 'mandatory']);
    const got = (await rows(e, 'CALL schema.node_type_properties() YIELD nodeType, propertyName, propertyTypes, mandatory RETURN nodeType, propertyName, propertyTypes, mandatory ORDER BY nodeType, propertyName'))
      .map(([t, p, types, m]) => [t, p, [...(types as string[])].sort(), m]);
    expect(got).toEqual([
      [':`Admin`:`Person`', 'name', ['String'], true],
      [':`City`', '', [], false],
      [':`Person`', 'age', ['Int', 'String'], true],
      [':`Person`', 'name', ['String'], true],
    ]);
  });

  test('schema.rel_type_properties', async () => {
    const e = await graph();
    expect(await rows(e, 'CALL schema.rel_type_properties() YIELD relType, propertyName, propertyTypes, mandatory RETURN *')).toEqual([[true, 'since', ['Int'], ':`KNOWS`']]);
  });
});

describe('registry', () => {
  const echo: Procedure = {
    name: 'test.echo',
    mode: 'read',
    args: [
      { name: 'x', type: 'INTEGER' },
      { name: 'opts', type: 'MAP', default: new Map() },
      { name: 'flag', type: 'BOOLEAN', default: true },
    ],
    results: [{ name: 'out', type: 'INTEGER' }],
    *run(args) {
      yield [args[0]];
    },
  };

  test('signature shows defaults as Memgraph does', () => {
    expect(signatureOf(echo)).toBe('test.echo(x :: INTEGER, opts = {} :: MAP, flag = true :: BOOLEAN) :: (out :: INTEGER)');
  });

  test('defaults are filled in and types are checked', () => {
    expect(bindArguments(echo, [1n])).toEqual([1n, new Map(), true]);
    expect(() => bindArguments(echo, ['a'])).toThrow("Argument 'x' of 'test.echo' must be of type INTEGER, got STRING.");
    expect(() => bindArguments(echo, [])).toThrow("'test.echo' requires between 1 and 3 arguments, but 0 were given.");
  });

  test('a name registers once', () => {
    const r = new ProcedureRegistry();
    r.register(echo);
    expect(() => r.register(echo)).toThrow('registered twice');
  });

  test('builtins are all listed', () => {
    expect(builtinProcedures().all().map((p) => p.name)).toEqual([
      'db.labels',
      'db.propertyKeys',
      'db.relationshipTypes',
      'mg.functions',
      'mg.procedures',
      'schema.node_type_properties',
      'schema.rel_type_properties',
    ]);
  });
});

describe('schema.assert', () => {
  const assertRows = 'YIELD label, key, keys, unique, action RETURN label, key, keys, unique, action';

  test('creates what is asked, keeps what exists, drops the rest', async () => {
    const e = newEngine();
    await run(e, 'CREATE INDEX ON :Old(p)');
    expect(await rows(e, `CALL schema.assert({Person: ['name', '']}, {Person: [['id', 'code']]}, {Person: ['name']}) ${assertRows}`)).toEqual([
      ['Person', 'name', ['name'], false, 'Created'],
      ['Person', '', [], false, 'Created'],
      ['Old', 'p', ['p'], false, 'Dropped'],
      ['Person', 'name', ['name'], false, 'Created'],
      ['Person', '[id, code]', ['id', 'code'], true, 'Created'],
    ]);
    expect(await rows(e, `CALL schema.assert({Person: ['name']}, {}, {}, false) ${assertRows}`)).toEqual([['Person', 'name', ['name'], false, 'Kept']]);
    expect(await rows(e, 'SHOW INDEX INFO')).toEqual(expect.arrayContaining([['label+property', 'Person', ['name'], 0]]));
  });

  test('plans made before the call see the new index', async () => {
    const e = newEngine();
    const q = "EXPLAIN MATCH (n:P) WHERE n.v = 1 RETURN n";
    expect(JSON.stringify(await rows(e, q))).not.toContain('ScanAllByLabelProperties');
    await run(e, 'CALL schema.assert({P: ["v"]}, {}) YIELD action RETURN action');
    expect(JSON.stringify(await rows(e, q))).toContain('ScanAllByLabelProperties');
  });
});

describe('test procedures (--test-procedures)', () => {
  test('a TCK signature and table become a procedure that answers by its argument columns', async () => {
    const { tableProcedure } = await import('../../../../dataplane/query/procedures/test-procedures.js');
    const rowsOf = (o: Record<string, bigint | string | null>[]) => o.map((r) => new Map(Object.entries(r)));
    const p = tableProcedure('test.my.proc(name :: STRING?, id :: INTEGER?) :: (city :: STRING?, country_code :: LIST? OF INTEGER?)', rowsOf([
      { name: 'Andres', id: 1n, city: 'Malmö', country_code: 46n },
      { name: 'Tobias', id: 1n, city: 'Malmö', country_code: 46n },
      { name: 'Andres', id: null, city: 'Berlin', country_code: 49n },
    ]));
    expect(signatureOf(p)).toBe('test.my.proc(name :: STRING?, id :: INTEGER?) :: (city :: STRING?, country_code :: LIST OF ANY?)');
    const run = (args: (bigint | string | null)[]) => [...p.run(args, { tx: null as never, registry: new ProcedureRegistry() })];
    expect(run(['Andres', 1n])).toEqual([['Malmö', 46n]]);
    expect(run(['Andres', null])).toEqual([['Berlin', 49n]]);
    expect(() => tableProcedure('nonsense', [])).toThrow("Cannot read the procedure signature 'nonsense'.");
  });
});
