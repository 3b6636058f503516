/**
 * Loads the message templates (`templates/messages/<locale>.yaml`): flat maps of key → text,
 * validated at startup so a broken file is reported before the bot answers anyone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { createMessageCatalog, type MessageCatalog } from '../core/templates.js';

/** The installed `templates/messages/` folder. */
export const MESSAGES_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../templates/messages',
);

const localeFile = z.record(z.string().regex(/^[a-z0-9_.]+$/i), z.string());

const FILE_NAME = /^([a-z]{2,3}(?:-[a-z0-9]{2,8})*)(?:\.([a-z0-9_-]+))?\.ya?ml$/i;

/**
 * Reads every `<locale>.yaml` of `dir`, merged with its parts `<locale>.<part>.yaml` (one per
 * feature, e.g. `en.content.yaml`; a key may live in one file only); English (`en.yaml`) must
 * exist.
 */
export function loadMessageCatalog(dir = MESSAGES_DIR): MessageCatalog {
  const problems: string[] = [];
  const tables: Record<string, Record<string, string>> = {};
  let files: string[];
  try {
    files = fs
      .readdirSync(dir)
      .filter((f) => FILE_NAME.test(f))
      .sort();
  } catch (cause) {
    throw new ConfigError([`cannot read the message templates in ${dir}: ${String(cause)}`]);
  }
  for (const file of files) {
    const locale = (FILE_NAME.exec(file)?.[1] ?? '').toLowerCase();
    try {
      const parsed = localeFile.safeParse(parse(fs.readFileSync(path.join(dir, file), 'utf8')));
      if (!parsed.success) {
        problems.push(
          `${file}: every entry must be "key: text" (${parsed.error.issues[0]?.message})`,
        );
        continue;
      }
      const table = (tables[locale] ??= {});
      for (const [key, text] of Object.entries(parsed.data)) {
        if (key in table) problems.push(`${file}: "${key}" is defined twice for ${locale}`);
        table[key] = text;
      }
    } catch (cause) {
      problems.push(`${file}: not valid YAML (${(cause as Error).message.split('\n')[0]})`);
    }
  }
  if (!files.some((f) => /^en\.ya?ml$/i.test(f)))
    problems.push(`${path.join(dir, 'en.yaml')} is missing (English is the fallback)`);
  if (problems.length > 0) {
    throw new ConfigError(problems, 'Fix the message templates in templates/messages/.');
  }
  return createMessageCatalog(tables);
}
