// `npm run gen:crd`: writes the CRD generated from the schema into crds/ (argument: repo root).
import fs from 'node:fs';
import path from 'node:path';
import { CRD_PATH, crdYaml } from './crd.js';

const target = path.join(process.argv[2] ?? process.cwd(), CRD_PATH);
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, crdYaml());
process.stdout.write(`wrote ${target}\n`);
