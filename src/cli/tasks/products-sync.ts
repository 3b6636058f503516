/** The catalog sync shared by `premiumbot products sync` and the setup wizard's products step. */
import { readInstallId } from '../../adapters/db/bot-state-store.js';
import type { Db } from '../../adapters/db/knex.js';
import { createProductStore } from '../../adapters/db/product-store.js';
import { applyStripeChange, fetchRemoteCatalog } from '../../adapters/stripe/catalog.js';
import type { StripeClient } from '../../adapters/stripe/client.js';
import {
  planStripeSync,
  type StripeChange,
  type StripePlan,
} from '../../core/products/stripe-plan.js';
import {
  activePrices,
  describeAmount,
  planLocalSync,
  type CatalogItem,
  type LocalChange,
} from '../../core/catalog.js';
import { STARS_CURRENCY, formatMoney } from '../../core/money.js';
import { planLocalOnlySync, type LocalOnlyChange } from '../../core/products/local-plan.js';
import { keepLocalOrder } from '../../core/products/order.js';
import { withProgress } from '../progress.js';
import type { Output } from '../ui.js';

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

/** "$5.00", "¥500": the operator reads prices as fans do (in English). */
function formatPrice(minor: number, currency: string): string {
  return formatMoney(minor, currency, 'en');
}

/** "⭐ 250", or "none" for a product not sold for Stars. */
function starsText(stars: number | null): string {
  return stars === null ? 'none' : formatMoney(stars, STARS_CURRENCY, 'en');
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
    case 'set-stars':
      return `~ Stars price of "${change.item.label}": ${starsText(change.from)} → ${starsText(change.item.stars ?? null)} (${change.productId})`;
    case 'set-stars-subscription':
      return `~ "${change.item.label}" ${change.item.starsSubscription ? 'becomes' : 'is no longer'} a Star subscription (${change.productId})`;
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
  const stars = p.stars != null ? `, ${starsText(p.stars)}` : '';
  const what = `"${p.label}" (${describeAmount(p.type, p.amount)}, ${formatPrice(p.priceCents, p.currency)}${stars}, ${p.priceId})`;
  return change.kind === 'insert'
    ? `+ add ${what}`
    : `~ update ${what}: ${change.fields.join(', ')}`;
}

function describeLocalOnly(change: LocalOnlyChange): string {
  if (change.kind === 'deactivate') return `- deactivate "${change.label}" (not in the catalog)`;
  const { item } = change;
  const stars = item.stars != null ? `, ${starsText(item.stars)}` : ', no Stars price';
  const what = `"${item.label}" (${describeAmount(item.type, item.amount)}, ${formatPrice(item.priceCents, item.currency)}${stars})`;
  return change.kind === 'insert'
    ? `+ add ${what}`
    : `~ update ${what}: ${change.fields.join(', ')}`;
}

/**
 * Without Stripe (Telegram Stars only): writes `catalog` into the local table (matched by type
 * and amount), prints the diff. Products without a Stars price are listed but cannot be
 * bought until Stripe is configured.
 */
export async function runLocalCatalogSync(options: {
  db: Db;
  output: Output;
  catalog: CatalogItem[];
  dryRun?: boolean;
}): Promise<LocalOnlyChange[]> {
  const { db, output } = options;
  const store = createProductStore(db);
  const changes = planLocalOnlySync(options.catalog, await store.list());
  output.out(
    `No STRIPE_API_KEY: the catalog goes to the local table only (Telegram Stars)${options.dryRun ? ' (dry run)' : ''}:`,
  );
  for (const change of changes) output.out(`  ${describeLocalOnly(change)}`);
  if (changes.length === 0) output.out('  already matches the catalog');
  const unpriced = options.catalog.filter((item) => item.stars == null);
  if (unpriced.length > 0) {
    output.out(
      `  ! ${unpriced.map((i) => `"${i.label}"`).join(', ')} ha${unpriced.length === 1 ? 's' : 've'} no Stars price (\`stars:\`): not for sale without Stripe`,
    );
  }
  if (!options.dryRun) await store.applyLocalOnly(changes);
  output.out(
    options.dryRun
      ? `Dry run: ${changes.length} local change(s) would be made.`
      : `Synced: ${changes.length} local change(s).`,
  );
  return changes;
}

/**
 * Pushes `catalog` to Stripe (creating what is missing, archiving only on request), then
 * pulls every active premiumbot price into the local table; prints both diffs.
 */
export async function runProductsSync(options: SyncOptions): Promise<SyncResult> {
  const { stripe, db, output } = options;
  const store = createProductStore(db);
  // Products another install made on a shared account (`premiumbot_install`) are not ours.
  const installId = (await readInstallId(db)) ?? undefined;
  let remote = await withProgress(
    output,
    'Reading premiumbot products from Stripe',
    () => fetchRemoteCatalog(stripe, { installId }),
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
      remote = await fetchRemoteCatalog(stripe, { installId });
    }
  } else {
    output.out(
      'No --catalog given: pulling what is on Stripe into the local catalog (nothing is pushed).',
    );
  }
  const local = await store.list();
  const planned = planLocalSync(activePrices(remote), local, options.catalog ?? []);
  // A file's order wins when one is pushed; otherwise the order set from /products stays.
  const localChanges = options.catalog ? planned : keepLocalOrder(planned, local);
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
