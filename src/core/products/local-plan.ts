/**
 * `products sync` without Stripe (STRIPE_API_KEY unset: Telegram Stars only): the catalog file
 * is written straight into the local `products` table. Planned here without I/O; rows are
 * matched by type and amount (what fans buy, `/buy<N>`). A row that came from Stripe earlier
 * keeps its Stripe price and label (Stripe owns them) and only takes the Stars price and Star
 * subscription; rows of the file's own making are updated, and deactivated when the file no
 * longer lists them.
 */
import { productKey, type CatalogItem, type LocalProduct } from '../catalog.js';

/** One change to the local table. */
export type LocalOnlyChange =
  | { kind: 'insert'; item: CatalogItem; sort: number }
  | { kind: 'update'; id: number; item: CatalogItem; sort: number; fields: string[] }
  | { kind: 'deactivate'; id: number; label: string };

/** Plans the local table after `catalog`, in the file's order. */
export function planLocalOnlySync(
  catalog: readonly CatalogItem[],
  local: readonly LocalProduct[],
): LocalOnlyChange[] {
  const changes: LocalOnlyChange[] = [];
  const byKey = new Map<string, LocalProduct>();
  // Active rows first, so a key matches the row fans see.
  for (const row of [...local].sort((a, b) => Number(b.active) - Number(a.active))) {
    if (!byKey.has(productKey(row))) byKey.set(productKey(row), row);
  }
  const wanted = new Set<string>();
  catalog.forEach((item, index) => {
    const sort = (index + 1) * 10;
    wanted.add(productKey(item));
    const row = byKey.get(productKey(item));
    if (!row) {
      changes.push({ kind: 'insert', item, sort });
      return;
    }
    const fields = changedFields(row, item, sort);
    if (fields.length > 0) changes.push({ kind: 'update', id: row.id, item, sort, fields });
  });
  for (const row of local) {
    if (!row.active || row.stripePriceId !== null || wanted.has(productKey(row))) continue;
    changes.push({ kind: 'deactivate', id: row.id, label: row.label });
  }
  return changes;
}

/** What differs between a row and its catalog item (Stripe's fields only for local rows). */
function changedFields(row: LocalProduct, item: CatalogItem, sort: number): string[] {
  const fields: string[] = [];
  const own = row.stripePriceId === null;
  if (own && row.label !== item.label) fields.push('label');
  if (own && (row.priceCents !== item.priceCents || row.currency !== item.currency))
    fields.push('price');
  if ((row.stars ?? null) !== (item.stars ?? null)) fields.push('stars');
  if ((row.starsSubscription === true) !== (item.starsSubscription === true))
    fields.push('stars_subscription');
  if (!row.active) fields.push('active');
  if (row.sort !== sort) fields.push('sort');
  return fields;
}
