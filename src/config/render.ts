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
  const needs = neededFor(s);
  return needs === '—' ? 'optional' : `required for ${needs}`;
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

/** "serve (with STRIPE_API_KEY)": the needs of a setting, including those it has with another. */
function neededFor(s: EnvSetting): string {
  const needs: string[] = [...s.requiredFor];
  if (s.requiredWith)
    needs.push(...s.requiredWith.for.map((n) => `${n} (with ${s.requiredWith!.key})`));
  if (needs.length === 0) return '—';
  return needs.join(', ') + (s.unlessSet ? ` (unless ${s.unlessSet} is set)` : '');
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
        `| \`${s.key}\` | ${s.description.replace(/\|/g, '\\|')} | ${s.default === undefined ? '—' : `\`${s.default}\``} | ${neededFor(s)} | ${s.secret ? 'yes' : 'no'} |`,
      );
    }
    out.push('');
  }
  out.push(
    'Needed for: `serve` = `premiumbot serve`; `webhook` = serve without `--polling`;',
    '`set-webhooks` = `premiumbot set-webhooks`; `telegram`/`stripe` = any command that talks to them.',
    '',
    '## Overflow admin groups',
    '',
    'Telegram lets a bot post about 20 messages a minute into one group, all topics together.',
    'When one group is not enough, create more forum supergroups with the same team, add the',
    'bot as an admin with the Manage Topics right in each, and list them in `ADMIN_CHAT_IDS`',
    '(for example `ADMIN_CHAT_ID=-1001111111111` and `ADMIN_CHAT_IDS=-1002222222222`, or only',
    '`ADMIN_CHAT_IDS=-1001111111111,-1002222222222`). The primary group (`ADMIN_CHAT_ID`, else',
    'the first of `ADMIN_CHAT_IDS`) holds the alerts topic and is where the panel is published',
    'and owner-wide commands are meant to be used. A new fan is assigned to the group with the',
    'most budget left at that moment (the shared budget of the last minute, less the work',
    'already queued for it) and stays there: their topic, card, notes and history live in that',
    'group. Team members answer and run commands in whichever group the fan lives in;',
    '`/conversations` and the panel list fans of every group. An id listed twice, an id that is',
    'not a group, or `ADMIN_CHAT_ID` listed anywhere but first is a configuration error. Do not',
    'remove a group that already holds fans: they stay assigned to it. See the operator guide.',
    '',
    '## Payment rails: Stripe and Telegram Stars',
    '',
    'Fans pay with Stripe (cards, in `CURRENCY`), with Telegram Stars (`XTR`), or either; the',
    'runtime setting `payments.rails` (below) chooses. `STRIPE_*` are optional: without',
    '`STRIPE_API_KEY` the Stripe rail is off whatever the setting says (the environment is',
    'checked before the settings table can be read, so the key decides), `serve` starts with no',
    'Stripe webhook route, and `doctor` reports the Stripe checks as not used. With',
    '`STRIPE_API_KEY` set, `STRIPE_WEBHOOK_SECRET` is required for `serve`. Telegram Stars',
    'need no configuration (no payment provider in @BotFather). `payments.rails = auto` (the',
    'default) offers Stars as soon as an active product has a Stars price (`stars:` in the',
    'catalog file, `premiumbot_stars` on the Stripe product) and Stripe whenever it is',
    'configured; `stripe`, `stars` and `both` force a choice (bounded by what is configured).',
    'See docs/payments.md.',
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
