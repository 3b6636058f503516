import { ENV_SETTINGS, type EnvSetting } from './env-schema.js';

/** Generated-file banner; the drift test compares files against these renderers. */
const GENERATED =
  'Generated from src/config/env-schema.ts by `npm run gen:config`; do not edit by hand.';

const GROUP_ORDER: EnvSetting['group'][] = [
  'Telegram',
  'Stripe',
  'Server',
  'Database',
  'Business',
  'Logging',
];

function grouped(): [EnvSetting['group'], EnvSetting[]][] {
  return GROUP_ORDER.map(
    (g) => [g, ENV_SETTINGS.filter((s) => s.group === g)] as [EnvSetting['group'], EnvSetting[]],
  ).filter(([, list]) => list.length > 0);
}

function requiredLabel(s: EnvSetting): string {
  if (s.requiredFor.length === 0) return 'optional';
  return `required for ${s.requiredFor.join(', ')}`;
}

/** The content of `templates/env.example`. */
export function renderEnvExample(): string {
  const out: string[] = [
    `# premiumbot configuration. ${GENERATED}`,
    '# Real environment variables win over this file.',
    '',
  ];
  for (const [group, settings] of grouped()) {
    out.push(`# --- ${group} ---`);
    for (const s of settings) {
      out.push(`# ${s.description} (${requiredLabel(s)}${s.secret ? ', secret' : ''})`);
      if (s.default !== undefined) out.push(`# ${s.key}=${s.default}`);
      else out.push(`${s.key}=${s.example ?? ''}`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** Extra sections appended to docs/configuration.md (runtime settings), supplied by the caller. */
export interface ConfigDocExtras {
  runtimeSettings?: { key: string; description: string; default: string; category?: string }[];
}

/** The content of `docs/configuration.md`. */
export function renderConfigurationDoc(extras: ConfigDocExtras = {}): string {
  const out: string[] = [
    '# Configuration',
    '',
    `<!-- ${GENERATED} -->`,
    '',
    'premiumbot reads its configuration from the environment. A `.env` file in the working',
    'directory (or the file given with `--env-file PATH`) is read first; real environment',
    'variables win over it. Every missing or invalid value is reported at once, before anything',
    'starts, and the command exits with code 2. `premiumbot setup` writes the file for you;',
    '`templates/env.example` lists every variable.',
    '',
    'Secrets are masked (`****` and at most the last four characters) wherever configuration is',
    'printed, and never written to logs.',
    '',
  ];
  for (const [group, settings] of grouped()) {
    out.push(
      `## ${group}`,
      '',
      '| variable | meaning | default | needed for | secret |',
      '|---|---|---|---|---|',
    );
    for (const s of settings) {
      out.push(
        `| \`${s.key}\` | ${s.description.replace(/\|/g, '\\|')} | ${s.default === undefined ? '—' : `\`${s.default}\``} | ${
          s.requiredFor.length === 0 ? '—' : s.requiredFor.join(', ')
        } | ${s.secret ? 'yes' : 'no'} |`,
      );
    }
    out.push('');
  }
  out.push(
    'Needed for: `serve` = `premiumbot serve`; `webhook` = serve without `--polling`;',
    '`set-webhooks` = `premiumbot set-webhooks`; `telegram`/`stripe` = any command that talks to them.',
    '',
  );
  if (extras.runtimeSettings && extras.runtimeSettings.length > 0) {
    out.push(
      '## Runtime settings (database)',
      '',
      'Business settings live in the `settings` table (a key without a row has its default).',
      'Owners and admins see and change them from Telegram with `/settings` in the admin group',
      '(value, default, whether it is overridden, meaning; edit, toggle, reset, search — see the',
      'admin guide); every change is validated like everywhere else and recorded in the audit',
      'log (`/audit`). Each process caches the values and checks a one-row revision (bumped in',
      'the same transaction as every write) at most once a second, so a change made on one',
      'instance is used by every other within about a second; a row changed by hand in the',
      'database is picked up within 30 seconds.',
      '',
      '| key | category | meaning | default |',
      '|---|---|---|---|',
    );
    for (const s of extras.runtimeSettings) {
      out.push(
        `| \`${s.key}\` | ${s.category ?? ''} | ${s.description.replace(/\|/g, '\\|')} | \`${s.default}\` |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}
