/**
 * A plain teaser for drops while no richer one is wired: the item's title and price as a
 * text, one outbox job per key, at the lowest priority (fans' conversations go first).
 */
import type { Translate } from '../templates.js';
import { PRIORITY, type OutboxStore } from '../traffic/outbox.js';
import type { DropItem, DropTeasers } from './ports.js';

export function plainTeasers(deps: {
  outbox: Pick<OutboxStore, 'enqueue'>;
  item(id: number): Promise<DropItem | null>;
  /** The fan's texts (their language). */
  textsFor(fanId: number): Promise<Translate>;
}): DropTeasers {
  return {
    async send(fanId, itemId, key) {
      const [item, t] = await Promise.all([deps.item(itemId), deps.textsFor(fanId)]);
      const [id] = await deps.outbox.enqueue([
        {
          kind: 'drop.teaser',
          target: { type: 'chat', chatId: fanId },
          method: 'sendMessage',
          params: {
            text: t('drops.teaser', {
              title: item?.title ?? `#${itemId}`,
              credits: item?.priceCredits ?? 0,
            }),
          },
          priority: PRIORITY.background,
          dedupeKey: key,
          fanId,
        },
      ]);
      return id!;
    },
  };
}
