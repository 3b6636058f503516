/** `premiumbot products sync|list`: the catalog on Stripe and as the bot sees it. */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { openMigratedDatabase } from '../database.js';
import type { Db } from '../../adapters/db/knex.js';
import { createProductStore } from '../../adapters/db/product-store.js';
import { applyStripeChange, fetchRemoteCatalog } from '../../adapters/stripe/catalog.js';
import type { StripeClient } from '../../adapters/stripe/client.js';
import {
  activePrices,
  CatalogError,
  describeAmount,
  formatPrice,
  parseCatalog,
  planLocalSync,
  planStripeSync,
  type CatalogItem,
  type LocalChange,
  type StripeChange,
  type StripePlan,
} from '../../core/catalog.js';
import { UsageError } from '../../core/errors.js';
import { stripeClient } from '../clients.js';
import { configFor, type CommandModule } from '../context.js';
import { withProgress } from '../progress.js';
import type { Output } from '../ui.js';

/** Reads and validates a catalog YAML file; every problem is reported at once (exit 2). */
export function loadCatalogFile(file: string, currency: string): CatalogItem[] {
  if (!fs.existsSync(file)) {
    throw new UsageError(`The catalog file ${file} does not exist.`, {
      hint: 'Copy templates/products.example.yaml, edit it, and pass it with --catalog FILE.',
    });
  }
  let document: unknown;
  try {
    document = parseYaml(fs.readFileSync(file, 'utf8'));
  } catch (cause) {
    const where =
      cause instanceof YAMLParseError && cause.linePos ? ` (line ${cause.linePos[0].line})` : '';
    throw new UsageError(
      `The catalog file ${file} is not valid YAML${where}: ${(cause as Error).message.split('\n')[0]}`,
      {
        hint: 'Compare it with templates/products.example.yaml.',
        cause,
      },
    );
  }
  try {
    return parseCatalog(document, currency);
  } catch (cause) {
    if (cause instanceof CatalogError) {
      throw new UsageError(
        `The catalog file ${file} is not valid:\n${cause.problems.map((p) => `  - ${p}`).join('\n')}`,
        {
          hint: 'Each product needs label, type (credits | time), amount (whole number) and price ("5.00"); see templates/products.example.yaml.',
          cause,
        },
      );
    }
    throw cause;
  }
}

export interface SyncOptions {
  stripe: StripeClient;
  db: Db;
  output: Output;
  /** Items to push; undefined pulls only. */
  catalog?: CatalogItem[];
  dryRun?: boolean;
  archive?: boolean;
}

export interface SyncResult {
  stripeChanges: StripeChange[];
  localChanges: LocalChange[];
}

function describeStripeChange(change: StripeChange): string {
  switch (change.kind) {
    case 'create-product':
      return `+ create product "${change.item.label}" (${describeAmount(change.item.type, change.item.amount)}) at ${formatPrice(change.item.priceCents, change.item.currency)}`;
    case 'create-price':
      return `+ add price ${formatPrice(change.item.priceCents, change.item.currency)} to "${change.item.label}" (${change.productId})`;
    case 'rename-product':
      return `~ rename "${change.from}" to "${change.item.label}" (${change.productId})`;
    case 'reactivate-product':
      return `~ reactivate archived product "${change.item.label}" (${change.productId})`;
    case 'archive-price':
      return `- archive price ${formatPrice(change.priceCents, change.currency)} of "${change.label}" (${change.priceId})`;
    case 'archive-product':
      return `- archive product "${change.label}" (${change.productId})`;
  }
}

function describeKept(plan: StripePlan): string[] {
  return plan.kept.map((k) => {
    switch (k.kind) {
      case 'unchanged':
        return `= "${k.item.label}" at ${formatPrice(k.item.priceCents, k.item.currency)} (${k.priceId})`;
      case 'extra-price':
        return `! price ${formatPrice(k.priceCents, k.currency)} of "${k.label}" is not in the catalog; kept (use --archive to archive it)`;
      case 'extra-product':
        return `! product "${k.label}" is not in the catalog; kept (use --archive to archive it)`;
    }
  });
}

function describeLocalChange(change: LocalChange): string {
  if (change.kind === 'deactivate')
    return `- deactivate "${change.label}" (no longer an active price on Stripe)`;
  const p = change.price;
  const what = `"${p.label}" (${describeAmount(p.type, p.amount)}, ${formatPrice(p.priceCents, p.currency)}, ${p.priceId})`;
  return change.kind === 'insert'
    ? `+ add ${what}`
    : `~ update ${what}: ${change.fields.join(', ')}`;
}

/**
 * Pushes `catalog` to Stripe (creating what is missing, archiving only on request), then
 * pulls every active premiumbot price into the local table; prints both diffs.
 */
export async function runProductsSync(options: SyncOptions): Promise<SyncResult> {
  const { stripe, db, output } = options;
  const store = createProductStore(db);
  let remote = await withProgress(
    output,
    'Reading premiumbot products from Stripe',
    () => fetchRemoteCatalog(stripe),
    (r) => `Stripe has ${r.length} premiumbot product${r.length === 1 ? '' : 's'}`,
  );
  let stripeChanges: StripeChange[] = [];
  if (options.catalog) {
    const plan = planStripeSync(options.catalog, remote, { archive: Boolean(options.archive) });
    stripeChanges = plan.changes;
    output.out(`Stripe${options.dryRun ? ' (dry run: nothing is changed)' : ''}:`);
    for (const line of describeKept(plan)) output.out(`  ${line}`);
    for (const change of plan.changes) output.out(`  ${describeStripeChange(change)}`);
    if (plan.changes.length === 0) output.out('  nothing to change on Stripe');
    if (!options.dryRun && plan.changes.length > 0) {
      await withProgress(
        output,
        `Applying ${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'} on Stripe`,
        async () => {
          for (const change of plan.changes) await applyStripeChange(stripe, change);
        },
      );
      remote = await fetchRemoteCatalog(stripe);
    }
  } else {
    output.out(
      'No --catalog given: pulling what is on Stripe into the local catalog (nothing is pushed).',
    );
  }
  const local = await store.list();
  const localChanges = planLocalSync(activePrices(remote), local, options.catalog ?? []);
  output.out(`Local catalog${options.dryRun ? ' (dry run)' : ''}:`);
  for (const change of localChanges) output.out(`  ${describeLocalChange(change)}`);
  if (localChanges.length === 0) output.out('  already matches Stripe');
  if (options.dryRun && options.catalog && stripeChanges.some((c) => c.kind.startsWith('create'))) {
    output.out('  (products and prices created above would be added here too)');
  }
  if (!options.dryRun) await store.apply(localChanges);
  const summary = options.dryRun
    ? `Dry run: ${stripeChanges.length} Stripe change(s) and ${localChanges.length} local change(s) would be made.`
    : `Synced: ${stripeChanges.length} Stripe change(s), ${localChanges.length} local change(s).`;
  output.out(summary);
  return { stripeChanges, localChanges };
}

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
    formatPrice(p.priceCents, p.currency),
    p.active && p.type === 'credits' ? `/buy${p.amount}` : '',
    p.stripePriceId ?? '',
  ]);
  const header = ['id', 'status', 'label', 'gives', 'price', 'quick buy', 'stripe price'];
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
        const config = configFor(ctx, ['stripe']);
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
        const stripe = stripeClient(config);
        const db = await openMigratedDatabase(config.databaseUrl);
        try {
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
