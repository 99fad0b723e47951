// MEMGRAPH_HA_CLUSTER_INIT_QUERIES (reference §3.1): a file of setup queries a coordinator
// runs at start, one per line (a trailing `;` allowed; blank lines and `//` comments
// skipped), as a client would. A query that finds no leader yet is retried; any other
// failure is logged and the next query runs (a restarted coordinator meets "already exists").

import fs from 'node:fs';
import type { Logger } from 'pino';
import { Texts } from './messages.js';

export function readInitQueries(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim().replace(/;$/, '').trim())
    .filter((l) => l !== '' && !l.startsWith('//'));
}

/** Failures that mean "no leader yet": worth a retry. */
function noLeaderYet(message: string): boolean {
  return message === Texts.leaderNotFound || message.includes('since coordinator is not a leader') || message === Texts.raftWriteFailed;
}

export async function runInitQueries(
  queries: readonly string[],
  run: (query: string) => Promise<void>,
  log: Logger,
  opts: { retryMs: number; stopped: () => boolean },
): Promise<void> {
  for (const query of queries) {
    const deadline = Date.now() + opts.retryMs;
    for (;;) {
      if (opts.stopped()) return;
      try {
        await run(query);
        log.info({ query }, 'cluster init query done');
        break;
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        if (noLeaderYet(message) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 200));
          continue;
        }
        log.warn({ query, err: message }, 'cluster init query failed');
        break;
      }
    }
  }
}
