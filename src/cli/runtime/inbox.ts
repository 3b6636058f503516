/** The team inbox's scheduled side: response-time reminders and the topics' state icons. */
import { createMemberTags } from '../../adapters/telegram/features/response-alerts/member-tags.js';
import { createResponseAlerts } from '../../adapters/telegram/features/response-alerts/runner.js';
import { createTopicStates } from '../../adapters/telegram/features/response-alerts/topic-states.js';
import type { FanServices } from '../../adapters/telegram/bot-deps.js';
import type { TelegramSender } from '../../adapters/telegram/sender.js';
import type { Logger } from '../../core/logger.js';
import type { Stores } from './stores.js';

export function buildResponseAlerts(deps: {
  stores: Stores;
  fan: FanServices;
  sender: TelegramSender;
  adminChatId: number;
  ownerIds: readonly number[];
  logger: Logger;
  wake: () => void;
}) {
  const { stores, fan, adminChatId, logger } = deps;
  return createResponseAlerts({
    store: stores.responseAlerts,
    claims: stores.claims,
    members: stores.team,
    settings: stores.settings,
    templates: fan.templates,
    adminLanguage: fan.adminLanguage,
    adminChatId,
    outbox: stores.outbox,
    wake: deps.wake,
    logger: logger.child({ component: 'response-alerts' }),
    topicStates: createTopicStates({
      store: stores.topicStates,
      outbox: stores.outbox,
      sender: deps.sender,
      adminChatId,
      logger: logger.child({ component: 'topic-states' }),
    }),
    memberTags: createMemberTags({
      members: stores.team,
      ownerIds: deps.ownerIds,
      state: stores.state,
      sender: deps.sender,
      adminChatId,
      logger: logger.child({ component: 'member-tags' }),
    }),
  });
}
