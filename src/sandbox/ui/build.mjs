// Builds the sandbox page into dist/sandbox/ui/public: compiles the client TypeScript (its own
// tsconfig: DOM, ES modules the browser loads as they are) and copies the HTML, CSS and sample
// images. Run by `npm run build`; nothing is fetched at build or run time.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const out = path.join(root, 'dist/sandbox/ui/public');

fs.rmSync(out, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [
    path.join(root, 'node_modules/typescript/bin/tsc'),
    '-p',
    path.join(here, 'client/tsconfig.json'),
  ],
  { stdio: 'inherit' },
);
fs.cpSync(path.join(here, 'public'), out, { recursive: true });
console.log(`sandbox page built in ${path.relative(root, out)}`);
