/** `/billing`: a Stripe Customer Portal session (saved cards, receipts). */
import type { FanProfile } from '../../fan.js';
import { account, fanText, type CommandContext, type CommandResult } from './context.js';

/** The portal button; a fan who never paid is told the profile comes with the first purchase. */
export async function billing<Tx>(
  ctx: CommandContext<Tx>,
  fan: FanProfile,
): Promise<CommandResult> {
  const acct = await account(ctx, fan);
  const t = fanText(ctx, fan, acct);
  if (!acct.stripeCustomerId) return { reply: { text: t('payment.billing.no_profile') } };
  const url = await ctx.gateway.portalUrl(acct.stripeCustomerId, ctx.botLink);
  return {
    reply: {
      text: t('payment.billing.portal'),
      buttons: [[{ text: t('payment.billing.portal_button'), url }]],
    },
  };
}
