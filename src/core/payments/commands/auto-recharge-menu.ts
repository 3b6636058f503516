/** `/autorecharge`: the menu (on/off, the package, the threshold) and its buttons. */
import type { FanProfile } from '../../fan.js';
import type { LocalProduct } from '../../catalog.js';
import type { Translate } from '../../templates.js';
import type { AutoRechargeSettings, PaymentFan, FanReply, ReplyButton } from '../ports.js';
import { DEFAULT_RECHARGE_THRESHOLD, RECHARGE_THRESHOLDS } from '../rules.js';
import { cardName, describeBalance } from '../texts.js';
import {
  account,
  creditPackages,
  fanText,
  priceOf,
  productButtonText,
  type CommandContext,
  type CommandResult,
} from './context.js';

/** A button of the menu. */
export type AutoRechargeAction =
  | { type: 'on' }
  | { type: 'off' }
  | { type: 'product'; productId: number }
  | { type: 'threshold'; value: number };

/** The menu with the fan's current settings. */
export async function autoRechargeMenu<Tx>(
  ctx: CommandContext<Tx>,
  fan: FanProfile,
): Promise<CommandResult> {
  const acct = await account(ctx, fan);
  const t = fanText(ctx, fan, acct);
  return { reply: rechargeMenu(t, acct, await ctx.store.activeProducts()) };
}

/** Applies a pressed button and shows the menu again. */
export async function autoRecharge<Tx>(
  ctx: CommandContext<Tx>,
  fan: FanProfile,
  action: AutoRechargeAction,
): Promise<CommandResult> {
  const acct = await account(ctx, fan);
  const t = fanText(ctx, fan, acct);
  const products = await ctx.store.activeProducts();
  const change = settingsChange(acct, creditPackages(products), action);
  if ('refused' in change) return { toast: t(change.refused) };
  await ctx.store.setAutoRecharge(fan.id, change.patch);
  const updated = await account(ctx, fan);
  return { toast: t(change.toast), reply: rechargeMenu(t, updated, products) };
}

/** What a button changes and the key of its toast, or the key of why it is refused. */
type SettingsChange = { patch: Partial<AutoRechargeSettings>; toast: string } | { refused: string };

/** What a button changes, or why it is refused. */
function settingsChange(
  acct: PaymentFan,
  credits: LocalProduct[],
  action: AutoRechargeAction,
): SettingsChange {
  switch (action.type) {
    case 'on': {
      if (acct.isFrozen) return { refused: 'payment.frozen' };
      const chosen = credits.find((p) => p.id === acct.autoRecharge.productId) ?? credits[0];
      if (!chosen) return { refused: 'payment.auto_recharge.nothing_on_sale' };
      const patch = {
        enabled: true,
        productId: chosen.id,
        threshold: acct.autoRecharge.threshold ?? DEFAULT_RECHARGE_THRESHOLD,
        consecutiveFailures: 0,
      };
      return { patch, toast: 'payment.auto_recharge.turned_on' };
    }
    case 'off':
      return { patch: { enabled: false }, toast: 'payment.auto_recharge.turned_off' };
    case 'product':
      if (!credits.some((p) => p.id === action.productId)) {
        return { refused: 'payment.package_unavailable' };
      }
      return { patch: { productId: action.productId }, toast: 'payment.auto_recharge.saved' };
    case 'threshold':
      if (!(RECHARGE_THRESHOLDS as readonly number[]).includes(action.value)) {
        return { refused: 'payment.auto_recharge.bad_threshold' };
      }
      return { patch: { threshold: action.value }, toast: 'payment.auto_recharge.saved' };
  }
}

/** The menu's text and buttons, in the fan's language (`t`). */
function rechargeMenu(t: Translate, acct: PaymentFan, products: LocalProduct[]): FanReply {
  const ar = acct.autoRecharge;
  const credits = creditPackages(products);
  const chosen = credits.find((p) => p.id === ar.productId);
  const threshold = ar.threshold ?? DEFAULT_RECHARGE_THRESHOLD;
  const lines = [
    t(ar.enabled ? 'payment.auto_recharge.status_on' : 'payment.auto_recharge.status_off'),
    chosen
      ? t('payment.auto_recharge.package', {
          label: chosen.label,
          price: priceOf(t, chosen),
          threshold,
        })
      : t('payment.auto_recharge.choose'),
    acct.savedCard
      ? t('payment.auto_recharge.card', {
          card: cardName(t, acct.savedCard.brand, acct.savedCard.last4),
        })
      : t('payment.auto_recharge.no_card'),
    t('payment.auto_recharge.balance', { balance: describeBalance(t, acct) }),
  ];
  /** A button's text, ticked when it is the current choice. */
  const choice = (text: string, ticked: boolean) =>
    ticked ? t('payment.chosen_button', { text }) : text;
  const buttons: ReplyButton[][] = [
    [
      ar.enabled
        ? { text: t('payment.auto_recharge.turn_off_button'), callbackData: 'ar:off' }
        : { text: t('payment.auto_recharge.turn_on_button'), callbackData: 'ar:on' },
    ],
    ...credits.map((p) => [
      {
        text: choice(productButtonText(t, p), p.id === ar.productId),
        callbackData: `ar:p:${p.id}`,
      },
    ]),
    RECHARGE_THRESHOLDS.map((value) => ({
      text: choice(
        t('payment.auto_recharge.threshold_button', { threshold: value }),
        value === threshold,
      ),
      callbackData: `ar:t:${value}`,
    })),
  ];
  return { text: lines.join('\n'), buttons };
}
