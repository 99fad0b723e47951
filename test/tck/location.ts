// Where the openCypher TCK is, the one way every TCK suite finds it: $MGHA_TCK_DIR (the tck/
// directory of an openCypher checkout, holding features/), else ../shared/tck beside the
// repository. Without it the TCK suites skip, and this file, as jest's global setup,
// prints one line per run saying how to get it. Only node: imports, because jest loads a
// global setup without the module mapping that test files get.
import fs from 'node:fs';
import path from 'node:path';

export function tckRoot(repoRoot: string): string {
  return process.env.MGHA_TCK_DIR ?? path.resolve(repoRoot, '..', 'shared', 'tck');
}

/** `<tck>/features`, or null when it is not there. */
export function tckFeaturesDir(repoRoot: string): string | null {
  const dir = path.join(tckRoot(repoRoot), 'features');
  return fs.existsSync(dir) ? dir : null;
}

export function tckMissingNotice(repoRoot: string): string {
  return (
    `openCypher TCK not found at ${path.join(tckRoot(repoRoot), 'features')}: the TCK suites are skipped. ` +
    'To run them: git clone https://github.com/opencypher/openCypher, then MGHA_TCK_DIR=<checkout>/tck npm test'
  );
}

/** Jest global setup (jest.config.js): runs once per jest run, not once per suite. */
export default function announceMissingTck(globalConfig: { rootDir: string }): void {
  if (tckFeaturesDir(globalConfig.rootDir) === null) process.stderr.write(`${tckMissingNotice(globalConfig.rootDir)}\n`);
}
