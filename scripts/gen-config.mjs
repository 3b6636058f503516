#!/usr/bin/env node
// Regenerates templates/env.example and docs/configuration.md from the settings tables
// (src/config/env-schema.ts and the runtime settings). Run through `npm run gen:config`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { generatedConfigFiles } = await import(path.join(root, 'dist/config/generated-files.js'));
for (const [file, content] of Object.entries(generatedConfigFiles())) {
  const target = path.join(root, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const before = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
  fs.writeFileSync(target, content);
  console.log(`${before === content ? 'unchanged' : 'wrote    '} ${file}`);
}
