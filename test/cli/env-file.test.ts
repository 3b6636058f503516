import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { describe, expect, it } from 'vitest';
import { formatEnvValue, updateEnvFile } from '../../src/cli/env-file.js';
import { readTemplate } from '../../src/cli/templates.js';
import { tempDir } from './operator-harness.js';

describe('.env writer', () => {
  it('starts from the template, uncomments defaults it sets, and writes mode 600', () => {
    const file = path.join(tempDir(), '.env');
    const changed = updateEnvFile(
      file,
      { BOT_TOKEN: '1:abc', PORT: '9090' },
      { template: readTemplate('env.example') },
    );
    expect(changed).toEqual(['BOT_TOKEN', 'PORT']);
    const content = fs.readFileSync(file, 'utf8');
    expect(content).toMatch(/^BOT_TOKEN=1:abc$/m);
    expect(content).toMatch(/^PORT=9090$/m);
    expect(content).not.toMatch(/^# PORT=/m);
    expect(content).toContain('# --- Stripe ---');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('keeps comments, unknown lines and order; replaces in place; drops duplicate keys', () => {
    const dir = tempDir();
    const file = path.join(dir, '.env');
    fs.writeFileSync(
      file,
      '# mine\nFOO=bar\nCURRENCY=usd\n\nexport LOG_LEVEL=info\nCURRENCY=gbp\n',
      { mode: 0o644 },
    );
    updateEnvFile(file, { CURRENCY: 'eur', LOG_LEVEL: 'debug', NEW_ONE: 'x' });
    expect(fs.readFileSync(file, 'utf8')).toBe(
      '# mine\nFOO=bar\n\nLOG_LEVEL=debug\nCURRENCY=eur\nNEW_ONE=x\n',
    );
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['.env']);
  });

  it('quotes values so dotenv reads them back unchanged', () => {
    const file = path.join(tempDir(), '.env');
    const values = { A: 'has space', B: "it's #1", C: 'postgres://u:p@h:5432/db', D: 'a"b\\c' };
    updateEnvFile(file, values);
    expect(dotenv.parse(fs.readFileSync(file))).toEqual(values);
    expect(formatEnvValue('sk_test_123')).toBe('sk_test_123');
  });

  it('writes nothing when nothing changes', () => {
    const file = path.join(tempDir(), '.env');
    fs.writeFileSync(file, 'A=1\n', { mode: 0o600 });
    const before = fs.statSync(file).ino;
    expect(updateEnvFile(file, { A: '1' })).toEqual([]);
    expect(fs.statSync(file).ino).toBe(before);
  });
});
