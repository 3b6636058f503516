/**
 * Unlocking with credits (ledger key `unlock:<fan>:<item>`: at most once per fan and item,
 * whatever the number of presses), free resends of owned items (spaced, so a double tap
 * sends once), and Stars paid-media purchases recorded in the library.
 */
import { AccountFrozenError, InsufficientCreditsError } from '../errors.js';
import type { FanProfile } from '../fan.js';
import { ledgerKeys, type LedgerStore } from '../ledger.js';
import type { Logger } from '../logger.js';
import type { MessageCatalog, Translate } from '../templates.js';
import type { ContentItem } from './items.js';
import { unlockNote } from './notes.js';
import type { ContentPurchase, ContentStore } from './ports.js';
import { decodePaidMediaPayload, deliveryJobs } from './teaser.js';

/** A fan's answer: a toast for the button, a message, and/or the shop after it. */
export interface FanAnswer {
  toast?: string;
  text?: string;
  /** Show the shop (the payment menu) after `text`: the fan needs credits. */
  shop?: boolean;
}

/** What the unlock use cases work with. */
export interface UnlockContext<Tx> {
  store: ContentStore<Tx>;
  ledger: LedgerStore<Tx>;
  templates: MessageCatalog;
  /** The team's translator (topic notes). */
  team: Translate;
  adminChatId: number;
  logger: Logger;
  now: () => Date;
  gapMs: number;
  wake: () => void;
}

/** Thrown inside an unlock's transaction when the fan turned out to own the item: rolls back. */
class AlreadyOwned extends Error {}

/** Sends an owned item again, at most once per `gapMs`. */
export async function sendOwned<Tx>(
  ctx: UnlockContext<Tx>,
  fan: FanProfile,
  item: ContentItem,
  owned: ContentPurchase,
): Promise<FanAnswer> {
  const t = ctx.templates.forLanguage(fan.languageCode);
  const at = ctx.now();
  if (!(await ctx.store.claimSend(owned.id, at, ctx.gapMs)))
    return { toast: t('content.just_sent') };
  await ctx.store.enqueue(deliveryJobs(item, fan.id, `content:send:${owned.id}:${at.getTime()}`));
  ctx.wake();
  return { toast: t('content.resent') };
}

/** The Unlock button: charge once, deliver once; owned → sent again free; short → the shop. */
export async function unlockWithCredits<Tx>(
  ctx: UnlockContext<Tx>,
  fan: FanProfile,
  itemId: number,
): Promise<FanAnswer> {
  const { store, ledger } = ctx;
  const t = ctx.templates.forLanguage(fan.languageCode);
  const item = await store.getItem(itemId);
  const owned = item ? await store.purchase(fan.id, itemId) : null;
  if (item && owned) return sendOwned(ctx, fan, item, owned);
  if (!item || !item.active)
    return { toast: t('content.unavailable'), text: t('content.unavailable') };
  const key = ledgerKeys.unlock(fan.id, item.id);
  const at = ctx.now();
  try {
    const done = await store.transaction(async (tx) => {
      await ledger.ensureUser(fan, tx);
      const meta = { kind: 'unlock' as const, reference: `content:${item.id}`, note: 'unlock' };
      const spent = await ledger.spendCredits(fan.id, item.priceCredits, key, meta, tx);
      if (spent.duplicate) return false;
      const purchase = { fanId: fan.id, itemId: item.id, source: 'credits' as const };
      const recorded = await store.recordPurchase(
        { ...purchase, credits: item.priceCredits, ledgerKey: key, sentAt: at },
        tx,
      );
      if (!recorded) throw new AlreadyOwned();
      const paid = ctx.team('content.price_credits', { credits: item.priceCredits });
      const note = unlockNote(ctx.team, ctx.adminChatId, fan, item, paid);
      const deliver = deliveryJobs(item, fan.id, `content:deliver:${fan.id}:${item.id}`);
      await store.enqueue([...deliver, note], tx);
      return true;
    });
    if (!done) return { toast: t('content.just_sent') };
    ctx.wake();
    return { toast: t('content.unlocked', { title: item.title }) };
  } catch (err) {
    if (err instanceof AlreadyOwned) return { toast: t('content.just_sent') };
    if (err instanceof AccountFrozenError)
      return { toast: t('payment.frozen'), text: t('payment.frozen') };
    if (!(err instanceof InsufficientCreditsError)) throw err;
    const text = t('content.shortfall', {
      title: item.title,
      cost: item.priceCredits,
      credits: err.balance,
      shortfall: item.priceCredits - err.balance,
    });
    return { toast: t('content.shortfall_toast'), text, shop: true };
  }
}

/** Telegram's `purchased_paid_media`: the item goes to the fan's library once, the team is told. */
export async function starsPurchased<Tx>(
  ctx: UnlockContext<Tx>,
  fan: FanProfile,
  payload: string,
): Promise<void> {
  const decoded = decodePaidMediaPayload(payload);
  if (!decoded) return;
  const item = await ctx.store.getItem(decoded.itemId);
  if (!item) return;
  const recorded = await ctx.store.transaction(async (tx) => {
    await ctx.ledger.ensureUser(fan, tx);
    const purchase = await ctx.store.recordPurchase(
      { fanId: fan.id, itemId: item.id, source: 'stars', stars: decoded.stars, sentAt: ctx.now() },
      tx,
    );
    if (!purchase) return false;
    const paid = ctx.team('content.price_stars', { stars: decoded.stars });
    await ctx.store.enqueue([unlockNote(ctx.team, ctx.adminChatId, fan, item, paid)], tx);
    return true;
  });
  if (recorded) ctx.wake();
  else ctx.logger.info({ fan: fan.id, item: item.id }, 'paid media bought by a fan who owns it');
}
