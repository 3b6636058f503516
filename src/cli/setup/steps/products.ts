import fs from 'node:fs';
import path from 'node:path';
import { fetchRemoteCatalog } from '../../../adapters/stripe/catalog.js';
import { createStripeClient } from '../../../adapters/stripe/client.js';
import { loadCatalogFile } from '../../tasks/catalog-file.js';
import { runLocalCatalogSync, runProductsSync } from '../../tasks/products-sync.js';
import { openMigratedDatabase } from '../../database.js';
import { TEMPLATES_DIR } from '../../templates.js';
import type { SetupContext, SetupStep } from '../types.js';

type Choice = 'example' | 'file' | 'pull' | 'skip';

/** Copies the example catalog next to .env (once) so the operator can edit it later. */
function exampleCatalogFile(ctx: SetupContext): string {
  const target = path.join(path.dirname(ctx.envFile), 'products.yaml');
  if (!fs.existsSync(target)) {
    fs.copyFileSync(path.join(TEMPLATES_DIR, 'products.example.yaml'), target);
    ctx.output.out(
      `✔ Copied the example catalog to ${target} (edit it, then \`premiumbot products sync --catalog ${target}\`).`,
    );
  }
  return target;
}

/**
 * Without Stripe (Telegram Stars only): a catalog file (`--catalog`) goes straight to the local
 * table; otherwise the example is copied for the operator to give its products `stars:` prices.
 */
async function localCatalog(ctx: SetupContext): Promise<void> {
  const config = ctx.answers.config();
  if (ctx.options.skipProducts) {
    ctx.output.out('Skipped: run `premiumbot products sync --catalog products.yaml` when ready.');
    return;
  }
  if (!ctx.options.catalog) {
    const file = exampleCatalogFile(ctx);
    ctx.output.out(
      `No Stripe: add a Stars price to each product of ${file} (\`stars: 250\`, whole Stars, 1–10,000), then run \`premiumbot products sync --catalog ${file}\`.`,
    );
    return;
  }
  const catalog = loadCatalogFile(path.resolve(ctx.cli.cwd, ctx.options.catalog), config.currency);
  const db = await openMigratedDatabase(config.databaseUrl);
  try {
    await runLocalCatalogSync({ db, output: ctx.output, catalog });
  } finally {
    await db.destroy();
  }
}

/** The product catalog: the example catalog (or a file) pushed to Stripe, then pulled locally. */
export const productsStep: SetupStep = {
  id: 'products',
  title: 'Products',
  async run(ctx) {
    const config = ctx.answers.config();
    if (!config.stripeApiKey) return localCatalog(ctx);
    const stripe = createStripeClient({
      apiKey: config.stripeApiKey,
      apiBase: config.stripeApiBase,
    });
    let choice: Choice;
    if (ctx.options.skipProducts) choice = 'skip';
    else if (ctx.options.catalog) choice = 'file';
    else if (ctx.options.exampleCatalog) choice = 'example';
    else if (ctx.options.nonInteractive) choice = 'pull';
    else {
      const remote = await fetchRemoteCatalog(stripe);
      const active = remote.filter((p) => p.active).length;
      ctx.output.out(
        active > 0
          ? `Stripe already has ${active} premiumbot product(s).`
          : 'Stripe has no premiumbot products yet. The example catalog sells 10 credits for 5.00 and a 1 hour chat pass for 15.00.',
      );
      choice = await ctx.prompter.select<Choice>({
        message: 'Product catalog',
        choices: [
          {
            name: 'Create the example catalog on Stripe (editable later in products.yaml)',
            value: 'example',
          },
          { name: 'Use what is already on Stripe', value: 'pull' },
          { name: 'Skip for now', value: 'skip' },
        ],
        default: active > 0 ? 'pull' : 'example',
      });
    }
    if (choice === 'skip') {
      ctx.output.out('Skipped: run `premiumbot products sync --catalog products.yaml` when ready.');
      return;
    }
    const file =
      choice === 'file'
        ? path.resolve(ctx.cli.cwd, ctx.options.catalog as string)
        : choice === 'example'
          ? exampleCatalogFile(ctx)
          : undefined;
    const catalog = file ? loadCatalogFile(file, config.currency) : undefined;
    const db = await openMigratedDatabase(config.databaseUrl);
    try {
      await runProductsSync({ stripe, db, output: ctx.output, catalog });
    } finally {
      await db.destroy();
    }
  },
};
