/**
 * What every payment command works with (the store, Stripe, the bot's link) and the small
 * lookups they share: the fan's account, a product on sale, its price.
 */
import type { LocalProduct } from '../../catalog.js';
import type { Logger } from '../../logger.js';
import { formatMoney } from '../../money.js';
import type { FanAccount, FanReply, PaymentGateway, PaymentStore } from '../ports.js';

/** The fan as Telegram describes them. */
export interface FanIdentity {
  id: number;
  firstName?: string | null;
  lastName?: string | null;
  username?: string | null;
}

/** A command's answer: a message for the fan and/or a short toast for a pressed button. */
export interface CommandResult {
  reply?: FanReply;
  toast?: string;
}

export interface CommandContext<Tx> {
  store: PaymentStore<Tx>;
  gateway: PaymentGateway;
  /** `https://t.me/<bot username>`: success, cancel and portal links bring the fan back. */
  botLink: string;
  logger: Logger;
  now: () => Date;
  /** Wakes the outbox worker after something was enqueued. */
  onEnqueued?: () => void;
}

export const NOTHING_ON_SALE = 'Nothing is on sale right now. Please check back later.';

/** "$5.00": what a product costs. */
export function priceOf(product: LocalProduct): string {
  return formatMoney(product.priceCents, product.currency);
}

/** The credit packages that can be bought (auto-recharge and quick-buy sell only these). */
export function creditPackages(products: LocalProduct[]): LocalProduct[] {
  return products.filter((p) => p.type === 'credits' && p.stripePriceId);
}

/** The fan's account, recording the fan first when they are new. */
export async function account<Tx>(ctx: CommandContext<Tx>, fan: FanIdentity): Promise<FanAccount> {
  const { store } = ctx;
  let acct = await store.fan(fan.id);
  if (!acct) {
    await store.transaction((tx) => store.ensureFan(fan.id, tx, fan));
    acct = await store.fan(fan.id);
  }
  if (!acct) throw new Error(`fan ${fan.id} could not be recorded`);
  return acct;
}

/** The product when it is still on sale (active, with a Stripe price). */
export async function activeProduct<Tx>(
  ctx: CommandContext<Tx>,
  productId: number,
): Promise<LocalProduct | null> {
  const product = await ctx.store.product(productId);
  return product && product.active && product.stripePriceId ? product : null;
}
