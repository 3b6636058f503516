/**
 * The Bot API methods the simulator implements, one file per family under methods/. Each
 * receives parameters already validated and coerced against its declaration (../methods.ts) and
 * either returns the result or throws an ApiError with Telegram's envelope. Checks follow
 * Telegram's order where it matters: target chat, topic, content, reply, flood limits, then state
 * changes (access.ts).
 */
import type { TgUpdate, UpdateKind } from '../types.js';
import type { ChatRecord, MessageRecord, PaymentRecord } from '../world.js';
import type { ApiDeps, CallInput, MethodImpl } from './deps.js';
import { postSuccessfulPayment } from './methods/payments.js';
import { deliverIncoming } from './incoming.js';
import { API_METHODS } from './methods/index.js';

export type { ApiDeps, CallInput, MethodImpl } from './deps.js';
export { chatInstance } from './methods/callbacks.js';
export { chatMemberJson } from './methods/members.js';
export { REACTION_EMOJI } from './methods/reactions.js';
export { deleteTopic } from './methods/topics.js';
export { shallowMessage } from './outgoing.js';

/** The method table bound to one simulator's world, hub and limiter. */
export class BotApi {
  readonly methods: Record<string, MethodImpl>;

  constructor(private readonly deps: ApiDeps) {
    this.methods = Object.fromEntries(
      Object.entries(API_METHODS).map(([name, method]) => [
        name,
        (input: CallInput) => method(deps, input),
      ]),
    );
  }

  /** Emits an update for a message a user posted, if the bot can see it (privacy mode). */
  deliverIncoming(
    chat: ChatRecord,
    record: MessageRecord,
    kind: UpdateKind = 'message',
  ): TgUpdate | undefined {
    return deliverIncoming(this.deps, chat, record, kind);
  }

  /** A Star subscription renewed: its successful_payment, as Telegram sends it. */
  paymentReceived(payment: PaymentRecord): void {
    postSuccessfulPayment(this.deps, payment);
  }
}
