/** The fan-facing messages shared by several features, as outbox jobs. */
import type { Settings } from '../../config/settings.js';
import { renderBalance } from '../../core/balance.js';
import type { FanAccount, ProductOffer } from '../../core/fan-account.js';
import type { FanProfile } from '../../core/fan.js';
import { formatDuration } from '../../core/info-card.js';
import { passState } from '../../core/passes.js';
import type { Translate } from '../../core/templates.js';
import { productKeyboard } from '../../core/keyboards.js';
import { fanNotice } from '../../core/relay/notices.js';
import type { NewOutboxJob } from '../../core/traffic/outbox.js';

/** The Telegram user fields the ledger keeps. */
export function profileOf(from: {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}): FanProfile {
  return {
    id: from.id,
    firstName: from.first_name,
    lastName: from.last_name ?? null,
    username: from.username ?? null,
    languageCode: from.language_code ?? null,
  };
}

/** Placeholders for the prices of the common message types. */
export function costVars(settings: Settings): Record<string, number> {
  return {
    text_cost: settings['cost.text'],
    photo_cost: settings['cost.photo'],
    voice_cost: settings['cost.voice'],
  };
}

/** The product list with its buy buttons. */
export function productListJob(
  fanId: number,
  products: readonly ProductOffer[],
  t: Translate,
  settings: Settings,
  dedupeKey?: string,
): NewOutboxJob {
  const keyboard = productKeyboard(products, t);
  const text = keyboard ? t('products.title', costVars(settings)) : t('products.empty');
  return fanNotice(fanId, text, { keyboard, dedupeKey });
}

/** The /balance answer: the bar, the pass, the prices. */
export function balanceText(
  account: FanAccount,
  t: Translate,
  settings: Settings,
  now: Date,
): string {
  const lines = [t('balance.title'), renderBalance(account, t('balance.label'))];
  const pass = passState({ startedAt: account.passStartedAt, endsAt: account.passEndsAt }, now, 0);
  if (pass.status === 'active' || pass.status === 'ending_soon') {
    lines.push(t('balance.pass', { left: formatDuration(pass.remainingSeconds) }));
  }
  if (account.bankedSeconds > 0) {
    lines.push(t('balance.banked', { time: formatDuration(account.bankedSeconds) }));
  }
  lines.push('', t('balance.costs', costVars(settings)), t('balance.buy_more'));
  return lines.join('\n');
}
