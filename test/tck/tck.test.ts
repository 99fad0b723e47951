// The whole openCypher TCK against one real server; passing scenarios must never drop below
// the committed ratchet (raise test/tck/ratchet.json as the engine improves).
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/server.js';
import { runTck, writeReports } from './suite.js';

const ratchet = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test', 'tck', 'ratchet.json'), 'utf8')) as { passed: number };

test('openCypher TCK: passing scenarios do not fall below the ratchet', async () => {
  const lines: string[] = [];
  const board = await runTck({ log: (l) => lines.push(l) });
  if (board === null) {
    console.warn(lines.join('\n'));
    return;
  }
  writeReports(board);
  console.log(`${board.format()}\nratchet: ${ratchet.passed} passed`);
  expect(board.total.passed).toBeGreaterThanOrEqual(ratchet.passed);
}, 15 * 60 * 1000);
