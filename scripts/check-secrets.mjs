#!/usr/bin/env node
// Pre-commit guard (run by lint-staged on staged files): refuses live Stripe keys,
// real-looking Telegram bot tokens and .env files. Test placeholders such as
// `sk_test_…` or `123456:TEST-TOKEN` stay allowed.
import fs from 'node:fs';
import path from 'node:path';

/** Patterns of live secrets; each names what it found. */
export const SECRET_RULES = [
  { name: 'a live Stripe secret key', pattern: /\bsk_live_[A-Za-z0-9]{10,}/ },
  { name: 'a live Stripe restricted key', pattern: /\brk_live_[A-Za-z0-9]{10,}/ },
  {
    name: 'a Telegram bot token',
    pattern: /(?<![\d])\d{8,10}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])/,
  },
];

/** True for dotenv files that may hold real values (`.env`, `.env.local`…), not examples. */
export function isEnvFile(file) {
  const base = path.basename(file);
  return /^\.env(\..+)?$/.test(base) && !/\.(example|sample|template)$/.test(base);
}

/** Problems found in the given files: `file: what` strings. */
export function findSecrets(files) {
  const problems = [];
  for (const file of files) {
    if (isEnvFile(file)) {
      problems.push(`${file}: .env files hold real secrets and are never committed`);
      continue;
    }
    let text;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue; // deleted or unreadable: nothing to check
    }
    text.split('\n').forEach((line, index) => {
      for (const rule of SECRET_RULES) {
        if (rule.pattern.test(line)) problems.push(`${file}:${index + 1}: looks like ${rule.name}`);
      }
    });
  }
  return problems;
}

const isMain =
  process.argv[1] &&
  path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const problems = findSecrets(process.argv.slice(2));
  if (problems.length > 0) {
    console.error('Commit refused: live secrets found.');
    for (const p of problems) console.error(`  ${p}`);
    console.error(
      'Use test placeholders (sk_test_…, 123456:TEST-TOKEN) and keep real values in .env (git-ignored).',
    );
    process.exit(1);
  }
}
