/**
 * A fan's message in their private chat → the fan message use case (core/relay), which
 * charges, relays or refuses. This feature only translates the Update; commands and service
 * messages are left to the features after it.
 */
import { messageTypeOf, type MessageShape } from '../../../core/pricing.js';
import { messageKind } from '../../../core/relay/message-kind.js';
import type { Feature } from '../bot-deps.js';
import { profileOf } from '../fan-texts.js';

export const fanRelayFeature: Feature = {
  name: 'fan-relay',
  register(bot, deps) {
    bot.on('message', async (ctx, next) => {
      if (ctx.chat.type !== 'private') return next();
      const message = ctx.message as MessageShape & { message_id: number; media_group_id?: string };
      if (messageKind(message) !== 'content') return next();
      await deps.relay.fanMessage({
        profile: profileOf(ctx.from),
        updateId: ctx.update.update_id,
        messageId: message.message_id,
        type: messageTypeOf(message),
        mediaGroupId: message.media_group_id,
      });
    });
  },
};
