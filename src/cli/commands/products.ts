/** `premiumbot products sync|list`: the catalog on Stripe and as the bot sees it. */
import path from 'node:path';
import { openMigratedDatabase } from '../database.js';
import type { Db } from '../../adapters/db/knex.js';
import { createProductStore } from '../../adapters/db/product-store.js';
import { describeAmount } from '../../core/catalog.js';
import { UsageError } from '../../core/errors.js';
import { STARS_CURRENCY, formatMoney } from '../../core/money.js';
import { stripeClient } from '../clients.js';
import { configFor, type CommandModule } from '../context.js';
import { loadCatalogFile } from '../tasks/catalog-file.js';
import { runLocalCatalogSync, runProductsSync } from '../tasks/products-sync.js';
import type { Output } from '../ui.js';

/** Prints the local catalog. */
export async function printProducts(db: Db, output: Output): Promise<void> {
  const products = await createProductStore(db).list();
  if (products.length === 0) {
    output.out(
      'No products yet: run `premiumbot products sync --catalog products.yaml` (or `premiumbot setup products`).',
    );
    return;
  }
  const rows = products.map((p) => [
    String(p.id),
    p.active ? 'active' : 'inactive',
    p.label,
    describeAmount(p.type, p.amount),
    formatMoney(p.priceCents, p.currency, 'en'),
    p.stars != null ? formatMoney(p.stars, STARS_CURRENCY, 'en') : '',
    p.active && p.type === 'credits' ? `/buy${p.amount}` : '',
    p.stripePriceId ?? '',
  ]);
  const header = ['id', 'status', 'label', 'gives', 'price', 'stars', 'quick buy', 'stripe price'];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => (r[i] as string).length)),
  );
  const format = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  output.out(format(header));
  for (const row of rows) output.out(format(row));
  const active = products.filter((p) => p.active).length;
  output.out(`${active} active, ${products.length - active} inactive.`);
}

/** `premiumbot products sync|list`. */
export const productsCommand: CommandModule = {
  register(program, ctx) {
    const products = program
      .command('products')
      .description('sync the product catalog with Stripe, or list it');
    products
      .command('sync')
      .description(
        'push a catalog file to Stripe (creates, never deletes) and pull active premiumbot prices locally',
      )
      .option(
        '--catalog <file>',
        'catalog YAML to push (see templates/products.example.yaml); without it, only pulls',
      )
      .option('--dry-run', 'show the diff without changing anything')
      .option('--archive', 'archive Stripe prices/products that are not in the catalog')
      .action(async (opts: { catalog?: string; dryRun?: boolean; archive?: boolean }) => {
        // Without STRIPE_API_KEY (Telegram Stars only) the file goes to the local table.
        const config = configFor(ctx, []);
        if (!config.stripeApiKey && !opts.catalog) {
          throw new UsageError('Without STRIPE_API_KEY there is nothing to pull: pass --catalog.', {
            hint: 'Run `premiumbot products sync --catalog products.yaml` (Stars prices: `stars:`), or set STRIPE_API_KEY.',
          });
        }
        if (opts.archive && !opts.catalog) {
          throw new UsageError(
            '--archive needs --catalog: it archives what the catalog does not list.',
            {
              hint: 'Run `premiumbot products sync --catalog products.yaml --archive`.',
            },
          );
        }
        const catalog = opts.catalog
          ? loadCatalogFile(path.resolve(ctx.cwd, opts.catalog), config.currency)
          : undefined;
        const db = await openMigratedDatabase(config.databaseUrl);
        try {
          if (!config.stripeApiKey) {
            await runLocalCatalogSync({
              db,
              output: ctx.output,
              catalog: catalog!,
              dryRun: opts.dryRun,
            });
            return;
          }
          const stripe = stripeClient(config);
          await runProductsSync({
            stripe,
            db,
            output: ctx.output,
            catalog,
            dryRun: opts.dryRun,
            archive: opts.archive,
          });
        } finally {
          await db.destroy();
        }
      });
    products
      .command('list')
      .description('show the catalog as the bot sees it (the local products table)')
      .action(async () => {
        const config = configFor(ctx, []);
        const db = await openMigratedDatabase(config.databaseUrl);
        try {
          await printProducts(db, ctx.output);
        } finally {
          await db.destroy();
        }
      });
  },
};
