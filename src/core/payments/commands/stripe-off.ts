/**
 * The answer of a card-only command (/billing, /autorecharge, a quick-buy Confirm) when the
 * Stripe rail is off: cards are not taken here; Stars are, when any product has a Stars price.
 */
import type { FanProfile } from '../../fan.js';
import { fanText, type CommandContext, type CommandResult } from './context.js';

/** "Card payments are not available here…" (pointing at /buy when Stars are on). */
export async function stripeOff<Tx>(
  ctx: CommandContext<Tx>,
  fan: FanProfile,
): Promise<CommandResult> {
  const t = fanText(ctx, fan);
  const text = (await ctx.rails()).stars ? t('payment.stripe_off_stars') : t('payment.stripe_off');
  return { reply: { text }, toast: text };
}
