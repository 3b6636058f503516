import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedConfigFiles } from '../../src/config/generated-files.js';
import { ENV_SETTINGS } from '../../src/config/env-schema.js';
import { repoRoot } from '../helpers/cli.js';

describe('generated configuration files', () => {
  for (const [file, expected] of Object.entries(generatedConfigFiles())) {
    it(`${file} matches the settings table (run \`npm run gen:config\` if not)`, () => {
      const actual = fs.readFileSync(path.join(repoRoot, file), 'utf8');
      expect(actual).toBe(expected);
    });
  }

  it('every declared variable appears in both files', () => {
    const files = generatedConfigFiles();
    for (const s of ENV_SETTINGS) {
      expect(files['templates/env.example']).toContain(s.key);
      expect(files['docs/configuration.md']).toContain(`\`${s.key}\``);
    }
  });
});
