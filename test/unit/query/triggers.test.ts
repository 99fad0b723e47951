// Triggers in the engine: which changes they see (Memgraph's rules for objects created or
// deleted in the same transaction, net label and property changes), and persistence.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QueryEngine } from '../../../dataplane/query/engine.js';
import { InMemoryStorage } from '../../../dataplane/storage/storage.js';
import { newEngine, rows, run } from './engine-helpers.js';

/** Runs `change`, then returns what an ANY BEFORE COMMIT trigger recorded about it. */
async function seen(engine: QueryEngine, change: string): Promise<unknown[][]> {
  await run(engine, 'MATCH (s:Seen) DELETE s');
  await run(engine, 'CREATE TRIGGER rec BEFORE COMMIT EXECUTE CREATE (:Seen {c: size(createdVertices), d: size(deletedVertices), u: [x IN updatedVertices | x.event_type + ":" + coalesce(x.key, x.label)]})');
  try {
    await run(engine, change);
  } finally {
    await run(engine, 'DROP TRIGGER rec');
  }
  return rows(engine, 'MATCH (s:Seen) RETURN s.c, s.d, s.u');
}

test('objects created or deleted in the transaction report no updates; net changes only', async () => {
  const engine = newEngine();
  await run(engine, "CREATE (:A {name: 'x', n: 1})");
  expect(await seen(engine, 'CREATE (n:B) SET n.p = 1, n:C')).toEqual([[1, 0, []]]);
  expect(await seen(engine, 'CREATE (n:B) WITH n DELETE n')).toEqual([]);
  expect(await seen(engine, "MATCH (a:A) SET a.name = 'y', a.name = 'x', a.n = 2 REMOVE a:A SET a:A:D")).toEqual([[0, 0, ['set_vertex_property:n', 'set_vertex_label:D']]]);
  expect(await seen(engine, 'MATCH (a:A) REMOVE a.n')).toEqual([[0, 0, ['removed_vertex_property:n']]]);
  expect(await seen(engine, 'MATCH (a:A) SET a.z = 1 WITH a DETACH DELETE a')).toEqual([[0, 1, []]]);
});

test('a transaction that changes nothing fires no trigger; triggers survive a restart through their file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-triggers-'));
  try {
    const file = path.join(dir, 'triggers.json');
    const first = newEngine();
    first.triggers.persistTo(file);
    await run(first, 'CREATE TRIGGER t ON () CREATE AFTER COMMIT EXECUTE UNWIND createdVertices AS n SET n.seen = true');
    const second = new QueryEngine(new InMemoryStorage());
    second.triggers.persistTo(file);
    expect(await rows(second, 'SHOW TRIGGERS')).toEqual([['t', 'UNWIND createdVertices AS n SET n.seen = true', '() CREATE', 'AFTER COMMIT', null]]);
    await run(second, 'MATCH (n) RETURN n');
    await run(second, 'CREATE (:X)');
    const deadline = Date.now() + 5000;
    while ((await rows(second, 'MATCH (x:X {seen: true}) RETURN count(x)'))[0][0] !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(await rows(second, 'MATCH (x:X) RETURN x.seen')).toEqual([[true]]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
