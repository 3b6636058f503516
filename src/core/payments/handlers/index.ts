/**
 * The Stripe event handlers, one per event kind, in one table. Each runs inside the event's
 * transaction; what it queues in `ctx.jobs` is persisted with it.
 */
import type { PaymentEvent } from '../events.js';
import { onCheckout } from './checkout.js';
import type { HandlerContext } from './context.js';
import { onDisputeClosed, onDisputeCreated } from './dispute.js';
import { onRefund } from './charge-refund.js';
import { onIntentFailed, onIntentSucceeded } from './payment-intent.js';
import { onCardAttached, onCardDetached } from './payment-method.js';
import { onStarsPaid } from './stars.js';
import { onStarsRefund } from './stars-refund.js';
import { onStarsSubscriptionLapsed } from './stars-subscription.js';

export type { HandlerContext } from './context.js';

type EventOf<K extends PaymentEvent['kind']> = Extract<PaymentEvent, { kind: K }>;

/** Applies one kind of payment event. */
type EventHandler<E extends PaymentEvent> = <Tx>(
  ctx: HandlerContext<Tx>,
  event: E,
) => Promise<void>;

type HandlerTable = { [K in PaymentEvent['kind']]: EventHandler<EventOf<K>> };

/**
 * Event kind → handler (the Stripe event types are mapped to kinds in
 * src/adapters/stripe/events.ts; Telegram's `successful_payment` in Stars is `stars.paid`,
 * built by core/payments/stars.ts).
 */
export const PAYMENT_EVENT_HANDLERS: HandlerTable = {
  'stars.paid': (ctx, e) => onStarsPaid(ctx, e.payment),
  'stars.refunded': (ctx, e) => onStarsRefund(ctx, e.refund),
  'stars.subscription_lapsed': (ctx, e) => onStarsSubscriptionLapsed(ctx, e.lapse),
  'checkout.completed': (ctx, e) => onCheckout(ctx, 'completed', e.session),
  'checkout.async_succeeded': (ctx, e) => onCheckout(ctx, 'succeeded', e.session),
  'checkout.async_failed': (ctx, e) => onCheckout(ctx, 'failed', e.session),
  'intent.succeeded': (ctx, e) => onIntentSucceeded(ctx, e.intent),
  'intent.failed': (ctx, e) => onIntentFailed(ctx, e.intent),
  'card.attached': (ctx, e) => onCardAttached(ctx, e.method),
  'card.detached': (ctx, e) => onCardDetached(ctx, e.method),
  'charge.refunded': (ctx, e) => onRefund(ctx, e.charge),
  'refund.updated': (ctx, e) => onRefund(ctx, e.charge),
  'dispute.created': (ctx, e) => onDisputeCreated(ctx, e.dispute),
  'dispute.closed': (ctx, e) => onDisputeClosed(ctx, e.dispute),
};

/** Runs the handler of the event's kind. */
export function applyPaymentEvent<Tx>(ctx: HandlerContext<Tx>, event: PaymentEvent): Promise<void> {
  const handler = PAYMENT_EVENT_HANDLERS[event.kind] as EventHandler<PaymentEvent>;
  return handler(ctx, event);
}
