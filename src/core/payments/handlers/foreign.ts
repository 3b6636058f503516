/**
 * A refund or dispute about a charge premiumbot never made (another product on the same
 * Stripe account): nothing to apply, the event is answered 200, and the team is told once
 * per charge in the admin language (the owners in private when there is no admin group).
 */
import { PRIORITY } from '../../traffic/outbox.js';
import { teamTexts } from '../texts.js';
import { alertOwners, type HandlerContext } from './context.js';

/** Queues the one team note about a foreign charge. */
export function noteForeignCharge<Tx>(
  ctx: HandlerContext<Tx>,
  what: 'refund' | 'dispute',
  chargeId: string,
  amountCents: number,
  currency: string,
): void {
  const dedupeKey = `foreign:${chargeId}`;
  const money = { amountCents, currency };
  const text = teamTexts.foreignCharge(ctx.team, what, chargeId, money);
  if (ctx.adminChatId === undefined) {
    alertOwners(ctx, dedupeKey, () => text);
    return;
  }
  ctx.jobs.push({
    kind: 'alert',
    target: { type: 'chat', chatId: ctx.adminChatId },
    method: 'sendMessage',
    params: { text },
    priority: PRIORITY.alert,
    dedupeKey,
  });
}
