/** The team's note in a fan's topic when the fan unlocks an item. */
import type { FanProfile } from '../fan.js';
import type { Translate } from '../templates.js';
import { PRIORITY, type NewOutboxJob } from '../traffic/outbox.js';
import type { ContentItem } from './items.js';

/** "🔓 Ada unlocked #12 "Beach set" (30 credits)." — once per fan and item. */
export function unlockNote(
  team: Translate,
  adminChatId: number,
  fan: Pick<FanProfile, 'id' | 'firstName'>,
  item: Pick<ContentItem, 'id' | 'title'>,
  paid: string,
): NewOutboxJob {
  return {
    kind: 'notice.topic',
    target: { type: 'topic', chatId: adminChatId, fanId: fan.id },
    method: 'sendMessage',
    params: {
      text: team('content.note.unlocked', {
        name: fan.firstName ?? String(fan.id),
        id: item.id,
        title: item.title,
        paid,
      }),
    },
    priority: PRIORITY.note,
    fanId: fan.id,
    dedupeKey: `content:unlocked:${fan.id}:${item.id}`,
  };
}
