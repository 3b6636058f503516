/**
 * A fan frozen by an open or lost dispute cannot pay: Checkout, quick-buy and the auto-recharge
 * menu refuse (`frozenReply` in context.ts), and an auto-recharge that would fire turns itself
 * off instead, telling the fan why.
 */
import { PRIORITY } from '../../traffic/outbox.js';
import type { PaymentFan } from '../ports.js';
import type { CommandContext } from './context.js';

/** Turns auto-recharge off for a frozen fan and queues the notice (no charge is made). */
export async function stopWhenFrozen<Tx>(ctx: CommandContext<Tx>, acct: PaymentFan): Promise<void> {
  const t = ctx.templates.forLanguage(acct.languageCode);
  await ctx.store.setAutoRecharge(acct.id, { enabled: false });
  await ctx.store.enqueue([
    {
      kind: 'notice.payment',
      target: { type: 'chat', chatId: acct.id },
      method: 'sendMessage',
      params: { text: t('payment.auto_recharge.off_frozen') },
      priority: PRIORITY.payment,
      // One notice per switch-off: auto-recharge stays off until the fan turns it on again.
      dedupeKey: `autorecharge_frozen:${acct.id}:${ctx.now().getTime()}`,
      fanId: acct.id,
    },
  ]);
  ctx.onEnqueued?.();
  ctx.logger.info({ fanId: acct.id }, 'auto-recharge turned off: the fan is frozen');
}
