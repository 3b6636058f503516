/** `/billing`: a Stripe Customer Portal session (saved cards, receipts). */
import { account, type CommandContext, type CommandResult, type FanIdentity } from './context.js';

/** The portal button; a fan who never paid is told the profile comes with the first purchase. */
export async function billing<Tx>(
  ctx: CommandContext<Tx>,
  fan: FanIdentity,
): Promise<CommandResult> {
  const acct = await account(ctx, fan);
  if (!acct.stripeCustomerId) {
    return {
      reply: {
        text: 'You have no billing profile yet: it is created with your first purchase (/buy).',
      },
    };
  }
  const url = await ctx.gateway.portalUrl(acct.stripeCustomerId, ctx.botLink);
  return {
    reply: {
      text: 'Manage your saved cards and see your receipts in the Stripe billing portal:',
      buttons: [[{ text: '🧾 Open billing portal', url }]],
    },
  };
}
