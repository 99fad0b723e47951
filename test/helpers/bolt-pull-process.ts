// Pulls one query through the raw discarding Bolt client (bolt-discard.ts) in a process of
// its own, so that reading ten million records does not compete with the test's own event
// loop, and prints the counts as JSON. Build first (npx tsc -p .).
//
//   node dist/test/helpers/bolt-pull-process.js <bolt port> <fetch size> <query>
import { pullDiscarding } from './bolt-discard.js';

const [port, fetchSize, query] = process.argv.slice(2);
const pulled = await pullDiscarding(Number(port), query, { fetchSize: Number(fetchSize) });
process.stdout.write(`${JSON.stringify(pulled)}\n`);
