// The whole openCypher TCK against one real server; passing scenarios must never drop below
// the committed ratchet (raise test/tck/ratchet.json as the engine improves).
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/server.js';
import { tckFeaturesDir } from './location.js';
import { runTck, writeReports } from './suite.js';

const ratchet = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test', 'tck', 'ratchet.json'), 'utf8')) as { passed: number };

// Without the TCK (location.ts) this is skipped; jest's global setup says so once.
(tckFeaturesDir(repoRoot) === null ? test.skip : test)('openCypher TCK: passing scenarios do not fall below the ratchet', async () => {
  const board = await runTck();
  if (board === null) throw new Error('the TCK disappeared while the test ran');
  writeReports(board);
  console.log(`${board.format()}\nratchet: ${ratchet.passed} passed`);
  expect(board.total.passed).toBeGreaterThanOrEqual(ratchet.passed);
}, 15 * 60 * 1000);
