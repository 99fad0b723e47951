// Developer entry point: `npm run tck [-- filter]` or `node dist/test/tck/run.js [filter]`.
// Prints the scoreboard and writes test/tck/last-scoreboard.txt and last-failures.txt.
import { runTck, writeReports, failuresFile } from './suite.js';

const filter = process.argv[2] ?? '';
const board = await runTck({ filter, log: (l) => process.stderr.write(`${l}\n`) });
if (board) {
  process.stdout.write(board.format());
  writeReports(board);
  process.stderr.write(`failure details: ${failuresFile}\n`);
}
