/**
 * The pass warning ("ends in 5 min") and end notice, queued by the pass-notices job. The
 * store claims each notice once (conditional update); this module only words them.
 */
import type { SettingsStore } from '../../config/settings-store.js';
import type { PassNoticeFan, PassNoticeStore, ProductCatalogPort } from '../../core/fan-account.js';
import { formatDuration } from '../../core/info-card.js';
import { formatMoment } from '../../core/time-format.js';
import type { MessageCatalog } from '../../core/templates.js';
import { PRIORITY, type NewOutboxJob } from '../../core/traffic/outbox.js';
import { productKeyboard } from '../../core/keyboards.js';
import type { PerFanRequest } from '../../core/relay/ports.js';

export interface PassNoticesDeps {
  store: PassNoticeStore;
  settings: Pick<SettingsStore, 'getAll'>;
  templates: MessageCatalog;
  products: ProductCatalogPort;
  wake: () => void;
  /** The fan cards: a pass that ended changes the card's "Pass" line. */
  cards?: PerFanRequest;
}

/** Queues the due pass notices; returns how many of each went out. */
export interface PassNotices {
  run(now: Date): Promise<{ warned: number; ended: number }>;
}

export function createPassNotices(deps: PassNoticesDeps): PassNotices {
  return {
    async run(now) {
      const settings = await deps.settings.getAll();
      const minutes = settings['pass.warning_minutes'];
      const products = await deps.products.activeProducts();
      const endedFans: number[] = [];
      const notice =
        (kind: 'warning' | 'end') =>
        (fan: PassNoticeFan): NewOutboxJob[] => {
          const t = deps.templates.forLanguage(fan.languageCode);
          const left = formatDuration((fan.passEndsAt.getTime() - now.getTime()) / 1000);
          const display = { locale: t.locale, timeZone: settings['display.time_zone'] };
          const ends = formatMoment(fan.passEndsAt, now, display);
          const text = kind === 'warning' ? t('pass.warning', { left, ends }) : t('pass.ended');
          const keyboard = productKeyboard(products, t, 4);
          if (kind === 'end') endedFans.push(fan.fanId);
          return [
            {
              kind: 'notice.pass',
              target: { type: 'chat', chatId: fan.fanId },
              method: 'sendMessage',
              params: keyboard ? { text, reply_markup: keyboard } : { text },
              priority: PRIORITY.payment,
              fanId: fan.fanId,
              dedupeKey: `pass_${kind}:${fan.fanId}:${fan.passEndsAt.getTime()}`,
            },
          ];
        };
      const warned = await deps.store.claimDue('warning', now, minutes, notice('warning'));
      const ended = await deps.store.claimDue('end', now, minutes, notice('end'));
      if (warned + ended > 0) deps.wake();
      for (const fanId of endedFans) deps.cards?.request(fanId);
      return { warned, ended };
    },
  };
}
