/** `premiumbot setup [step]`: the wizard (src/cli/setup); flags are generated from the settings table. */
import { Option } from 'commander';
import { ENV_SETTINGS } from '../../config/env-schema.js';
import { UsageError } from '../../core/errors.js';
import type { CommandModule } from '../context.js';
import { inquirerPrompter } from '../prompter.js';
import { flagOf } from '../setup/answers.js';
import { runSetup } from '../setup/run-setup.js';
import { SETUP_STEPS } from '../setup/steps/index.js';

interface SetupFlags {
  nonInteractive?: boolean;
  catalog?: string;
  exampleCatalog?: boolean;
  skipProducts?: boolean;
  skipWebhooks?: boolean;
  systemdUnit?: string;
  linkTimeout: string;
  [setting: string]: unknown;
}

/** The commander attribute of a setting flag: --bot-token → botToken. */
function attributeOf(key: string): string {
  return key.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

export const setupCommand: CommandModule = {
  register(program, ctx) {
    const command = program
      .command('setup')
      .description(
        'interactive wizard: bot, admin group, Stripe, database, public URL → .env, migrations, products, webhooks',
      )
      .argument('[step]', `re-run one step: ${SETUP_STEPS.map((s) => s.id).join(' | ')}`)
      .option(
        '--non-interactive',
        'take every answer from flags, the environment and the existing .env',
      )
      .option('--catalog <file>', 'products step: push this catalog file to Stripe')
      .option('--example-catalog', 'products step: push templates/products.example.yaml to Stripe')
      .option('--skip-products', 'products step: do nothing')
      .option('--skip-webhooks', 'webhooks step: do nothing')
      .option('--systemd-unit <file>', 'systemd step: write the unit to this file')
      .option('--link-timeout <seconds>', 'admin-group step: how long to wait for /link', '600');
    for (const setting of ENV_SETTINGS) {
      command.addOption(
        new Option(
          `${flagOf(setting.key)} <value>`,
          `${setting.key}: ${setting.description}`,
        ).hideHelp(setting.group === 'Logging'),
      );
    }
    command.action(async (step: string | undefined, opts: SetupFlags) => {
      const timeout = Number(opts.linkTimeout);
      if (!Number.isInteger(timeout) || timeout <= 0) {
        throw new UsageError(
          `--link-timeout must be a positive number of seconds (got "${opts.linkTimeout}").`,
        );
      }
      const flags: Record<string, string> = {};
      for (const setting of ENV_SETTINGS) {
        const value = opts[attributeOf(setting.key)];
        if (typeof value === 'string') flags[setting.key] = value;
      }
      const nonInteractive = Boolean(opts.nonInteractive);
      if (!nonInteractive && !process.stdin.isTTY) {
        throw new UsageError('setup asks questions, but this is not a terminal.', {
          hint: 'Run it in a terminal, or pass --non-interactive with the answers as flags (see `premiumbot setup --help`).',
        });
      }
      await runSetup(
        ctx,
        {
          nonInteractive,
          flags,
          catalog: opts.catalog,
          exampleCatalog: opts.exampleCatalog,
          skipProducts: opts.skipProducts,
          skipWebhooks: opts.skipWebhooks,
          systemdUnit: opts.systemdUnit,
          linkTimeoutSeconds: timeout,
        },
        inquirerPrompter(),
        step,
      );
    });
  },
};
