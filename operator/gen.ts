// `npm run gen:crd`: writes the generated files (generated.ts) under the repository root
// given as the first argument, or the current directory.
import fs from 'node:fs';
import path from 'node:path';
import { generatedFiles } from './generated.js';

const root = process.argv[2] ?? process.cwd();
for (const file of generatedFiles()) {
  const target = path.join(root, file.path);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, file.content);
  process.stdout.write(`wrote ${file.path}\n`);
}
