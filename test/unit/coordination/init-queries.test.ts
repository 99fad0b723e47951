// MEMGRAPH_HA_CLUSTER_INIT_QUERIES: the file's queries in order; "no leader yet" retried,
// other failures logged and skipped.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { readInitQueries, runInitQueries } from '../../../dataplane/coordination/init-queries.js';
import { Texts } from '../../../dataplane/coordination/messages.js';

test('one query per line, trailing semicolons, blank lines and // comments skipped', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-init-')), 'q.cypherl');
  fs.writeFileSync(file, "// setup\nADD COORDINATOR 1 WITH CONFIG {'bolt_server': 'a:1'};\n\n  SET INSTANCE i TO MAIN ;  \n");
  expect(readInitQueries(file)).toEqual(["ADD COORDINATOR 1 WITH CONFIG {'bolt_server': 'a:1'}", 'SET INSTANCE i TO MAIN']);
});

test('a query without a leader is retried; another failure does not stop the next query', async () => {
  const ran: string[] = [];
  let attempts = 0;
  await runInitQueries(
    ['A', 'B', 'C'],
    async (q) => {
      ran.push(q);
      if (q === 'A' && ++attempts < 3) throw new Error(Texts.leaderNotFound);
      if (q === 'B') throw new Error("Couldn't add coordinator since instance with such id already exists!");
    },
    pino({ level: 'silent' }),
    { retryMs: 5000, stopped: () => false },
  );
  expect(ran).toEqual(['A', 'A', 'A', 'B', 'C']);
});
