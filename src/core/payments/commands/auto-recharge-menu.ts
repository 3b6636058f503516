/** `/autorecharge`: the menu (on/off, the package, the threshold) and its buttons. */
import type { LocalProduct } from '../../catalog.js';
import type { AutoRechargeSettings, FanAccount, FanReply, ReplyButton } from '../ports.js';
import { DEFAULT_RECHARGE_THRESHOLD, RECHARGE_THRESHOLDS } from '../rules.js';
import { cardName, describeBalance } from '../texts.js';
import {
  account,
  creditPackages,
  priceOf,
  type CommandContext,
  type CommandResult,
  type FanIdentity,
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
  fan: FanIdentity,
): Promise<CommandResult> {
  const acct = await account(ctx, fan);
  return { reply: rechargeMenu(acct, await ctx.store.activeProducts()) };
}

/** Applies a pressed button and shows the menu again. */
export async function autoRecharge<Tx>(
  ctx: CommandContext<Tx>,
  fan: FanIdentity,
  action: AutoRechargeAction,
): Promise<CommandResult> {
  const acct = await account(ctx, fan);
  const products = await ctx.store.activeProducts();
  const change = settingsChange(acct, creditPackages(products), action);
  if ('refused' in change) return { toast: change.refused };
  await ctx.store.setAutoRecharge(fan.id, change.patch);
  const updated = await account(ctx, fan);
  return { toast: change.toast, reply: rechargeMenu(updated, products) };
}

type SettingsChange = { patch: Partial<AutoRechargeSettings>; toast: string } | { refused: string };

/** What a button changes, or why it is refused. */
function settingsChange(
  acct: FanAccount,
  credits: LocalProduct[],
  action: AutoRechargeAction,
): SettingsChange {
  switch (action.type) {
    case 'on': {
      const chosen = credits.find((p) => p.id === acct.autoRecharge.productId) ?? credits[0];
      if (!chosen) return { refused: 'Nothing is on sale right now.' };
      const patch = {
        enabled: true,
        productId: chosen.id,
        threshold: acct.autoRecharge.threshold ?? DEFAULT_RECHARGE_THRESHOLD,
        consecutiveFailures: 0,
      };
      return { patch, toast: 'Auto-recharge is on.' };
    }
    case 'off':
      return { patch: { enabled: false }, toast: 'Auto-recharge is off.' };
    case 'product':
      if (!credits.some((p) => p.id === action.productId)) {
        return { refused: 'That package is no longer available.' };
      }
      return { patch: { productId: action.productId }, toast: 'Saved.' };
    case 'threshold':
      if (!(RECHARGE_THRESHOLDS as readonly number[]).includes(action.value)) {
        return { refused: 'Choose one of the offered thresholds.' };
      }
      return { patch: { threshold: action.value }, toast: 'Saved.' };
  }
}

/** The menu's text and buttons. */
function rechargeMenu(acct: FanAccount, products: LocalProduct[]): FanReply {
  const ar = acct.autoRecharge;
  const credits = creditPackages(products);
  const chosen = credits.find((p) => p.id === ar.productId);
  const threshold = ar.threshold ?? DEFAULT_RECHARGE_THRESHOLD;
  const lines = [
    `🔁 Auto-recharge is ${ar.enabled ? 'ON' : 'OFF'}.`,
    chosen
      ? `Package: ${chosen.label} (${priceOf(chosen)}), charged when your balance drops to ${threshold} credits or below.`
      : 'Choose the package to buy automatically, and the balance that triggers it.',
    acct.savedCard
      ? `Card: ${cardName(acct.savedCard.brand, acct.savedCard.last4)}.`
      : 'No card saved yet: your card is saved for auto-recharge at your next purchase (/buy).',
    `Balance: ${describeBalance(acct)}.`,
  ];
  const buttons: ReplyButton[][] = [
    [
      ar.enabled
        ? { text: '⏹ Turn off', callbackData: 'ar:off' }
        : { text: '▶️ Turn on', callbackData: 'ar:on' },
    ],
    ...credits.map((p) => [
      {
        text: `${p.id === ar.productId ? '✓ ' : ''}${p.label} — ${priceOf(p)}`,
        callbackData: `ar:p:${p.id}`,
      },
    ]),
    RECHARGE_THRESHOLDS.map((t) => ({
      text: `${t === threshold ? '✓ ' : ''}≤ ${t}`,
      callbackData: `ar:t:${t}`,
    })),
  ];
  return { text: lines.join('\n'), buttons };
}
