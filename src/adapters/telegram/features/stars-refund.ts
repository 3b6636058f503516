/**
 * Refunding a Telegram Stars payment: `refundStarPayment` first (outside any transaction),
 * then the refund is applied through the payment processor at once — keyed on the charge
 * (`tg_stars_refund:<charge>`, ledger `refund:stars:<charge>`), so the `refunded_payment`
 * message Telegram sends next, or a second tap, is a duplicate. A charge Telegram says is
 * already refunded (a second tap after the first call, a refund by Telegram support) is
 * applied the same way: once.
 */
import type { PaymentCommands } from '../../../core/payments/service.js';
import { BotApiError } from '../bot-api.js';
import type { TelegramSender } from '../sender.js';

export interface StarsRefundDeps {
  sender: Pick<TelegramSender, 'send'>;
  payments: Pick<PaymentCommands, 'starsRefunded'>;
  wakeOutbox(): void;
}

/** `refunded`: Telegram refunded it now; `already`: it had been refunded before. */
export type StarsRefundOutcome = 'refunded' | 'already';

/** Refunds the Stars payment `chargeId` of `fanId` and applies it once. Throws when Telegram refused. */
export async function refundStars(
  deps: StarsRefundDeps,
  fanId: number,
  chargeId: string,
): Promise<StarsRefundOutcome> {
  let outcome: StarsRefundOutcome = 'refunded';
  try {
    await deps.sender.send(
      'refundStarPayment',
      { user_id: fanId, telegram_payment_charge_id: chargeId },
      { maxAttempts: 2 },
    );
  } catch (err) {
    if (!isAlreadyRefunded(err)) throw err;
    outcome = 'already';
  }
  await deps.payments.starsRefunded({ fanId, chargeId });
  deps.wakeOutbox();
  return outcome;
}

function isAlreadyRefunded(err: unknown): boolean {
  return (
    err instanceof BotApiError &&
    err.failure.type === 'api' &&
    err.failure.description.includes('CHARGE_ALREADY_REFUNDED')
  );
}
