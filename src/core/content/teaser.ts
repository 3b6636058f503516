/**
 * The Telegram work of premium content, as outbox jobs (pure): the teaser a fan receives
 * (Telegram paid media when the item has a Stars price, else the team's teaser image, else
 * the media blurred with `has_spoiler`, or its title and price only), and the delivery of the original media once unlocked.
 */
import { formatMoney } from '../money.js';
import type { Translate } from '../templates.js';
import { PRIORITY, type NewOutboxJob } from '../traffic/outbox.js';
import { albumGroupable, fitsPaidMedia, type ContentFile, type ContentItem } from './items.js';

/** Callback data of the teaser's buttons and the library's. */
export const CONTENT_CALLBACKS = {
  unlock: (itemId: number) => `cu:${itemId}`,
  pay: (itemId: number) => `cp:${itemId}`,
  resend: (itemId: number) => `lib:s:${itemId}`,
  libraryPage: (page: number) => `lib:p:${page}`,
} as const;

/** The payload of a Stars paid-media teaser: `pc:<item>:<stars>` (read back on purchase). */
export function paidMediaPayload(itemId: number, stars: number): string {
  return `pc:${itemId}:${stars}`;
}

/** Reads a paid-media payload back; null when it is not ours. */
export function decodePaidMediaPayload(payload: string): { itemId: number; stars: number } | null {
  const match = /^pc:(\d{1,12}):(\d{1,6})$/.exec(payload);
  if (!match) return null;
  return { itemId: Number(match[1]), stars: Number(match[2]) };
}

/** The rails a teaser offers besides credits. */
export interface TeaserRails {
  /** A "Pay $5.00" button (Stripe rail on and the item has a money price). */
  money: boolean;
  /** Telegram paid media (Stars rail on and the item fits it). */
  stars: boolean;
}

/** "30 credits or $5.00 or ⭐ 50". */
export function priceText(
  t: Translate,
  item: ContentItem,
  rails: TeaserRails,
  locale: string | null,
): string {
  const parts = [t('content.price_credits', { credits: item.priceCredits })];
  if (rails.money && item.priceCents !== null && item.currency)
    parts.push(formatMoney(item.priceCents, item.currency, locale));
  if (rails.stars && item.priceStars !== null)
    parts.push(formatMoney(item.priceStars, 'xtr', locale));
  return parts.join(t('content.price_or'));
}

/** The teaser's caption: title, what it holds, price. Plain text: the title is the team's. */
export function teaserCaption(
  t: Translate,
  item: ContentItem,
  rails: TeaserRails,
  locale: string | null,
): string {
  return t('content.teaser.caption', {
    title: item.title,
    files: item.files.length,
    price: priceText(t, item, rails, locale),
  });
}

/** The teaser's buttons: unlock with credits, and pay with money when offered. */
export function teaserKeyboard(
  t: Translate,
  item: ContentItem,
  rails: TeaserRails,
  locale: string | null,
): { inline_keyboard: { text: string; callback_data: string }[][] } {
  const rows = [
    [
      {
        text: t('content.button.unlock', { credits: item.priceCredits }),
        callback_data: CONTENT_CALLBACKS.unlock(item.id),
      },
    ],
  ];
  if (rails.money && item.priceCents !== null && item.currency) {
    rows.push([
      {
        text: t('content.button.pay', {
          price: formatMoney(item.priceCents, item.currency, locale),
        }),
        callback_data: CONTENT_CALLBACKS.pay(item.id),
      },
    ]);
  }
  return { inline_keyboard: rows };
}

const SPOILER_METHODS: Partial<Record<ContentFile['kind'], [string, string]>> = {
  photo: ['sendPhoto', 'photo'],
  video: ['sendVideo', 'video'],
  animation: ['sendAnimation', 'animation'],
};

/** The Bot API call of a teaser: paid media, a blurred photo/video, or a text. */
export function teaserCall(
  t: Translate,
  item: ContentItem,
  rails: TeaserRails,
  locale: string | null,
): { method: string; params: Record<string, unknown> } {
  const caption = teaserCaption(t, item, rails, locale);
  const reply_markup = teaserKeyboard(t, item, rails, locale);
  const common = { reply_markup, ...(item.protect ? { protect_content: true } : {}) };
  if (rails.stars && fitsPaidMedia(item)) {
    return {
      method: 'sendPaidMedia',
      params: {
        star_count: item.priceStars,
        media: item.files.map((f) => ({ type: f.kind, media: f.fileId })),
        payload: paidMediaPayload(item.id, item.priceStars!),
        caption,
        ...common,
      },
    };
  }
  if (item.teaserFileId) {
    return { method: 'sendPhoto', params: { photo: item.teaserFileId, caption, ...common } };
  }
  const first = item.files[0];
  const spoiler = first ? SPOILER_METHODS[first.kind] : undefined;
  if (item.teaser === 'spoiler' && first && spoiler) {
    const [method, field] = spoiler;
    return { method, params: { [field]: first.fileId, caption, has_spoiler: true, ...common } };
  }
  return { method: 'sendMessage', params: { text: caption, ...common } };
}

/** What a teaser job is sent with (the stable part of the teaser API). */
export interface TeaserJobInput {
  item: ContentItem;
  fanId: number;
  /** The fan's translator and locale (their Telegram language). */
  t: Translate;
  locale: string | null;
  rails: TeaserRails;
  /** Unique per teaser sent: `ppv:<chat>:<message>`, `drop:<drop>:<fan>`… */
  dedupeKey: string;
  notBefore?: Date;
  priority?: number;
}

/** The outbox job of a teaser to a fan's private chat. */
export function teaserJob(input: TeaserJobInput): NewOutboxJob {
  const call = teaserCall(input.t, input.item, input.rails, input.locale);
  return {
    kind: 'content.teaser',
    target: { type: 'chat', chatId: input.fanId },
    method: call.method,
    params: call.params,
    priority: input.priority ?? PRIORITY.payment,
    fanId: input.fanId,
    dedupeKey: input.dedupeKey,
    ...(input.notBefore ? { notBefore: input.notBefore } : {}),
  };
}

const SEND_METHODS: Record<ContentFile['kind'], string> = {
  photo: 'sendPhoto',
  video: 'sendVideo',
  animation: 'sendAnimation',
  document: 'sendDocument',
  audio: 'sendAudio',
  voice: 'sendVoice',
};

/**
 * The jobs that deliver an item's original media: one sendMediaGroup for an album Telegram
 * can group, else one message per file; the title is the caption of the first.
 */
export function deliveryJobs(item: ContentItem, fanId: number, dedupeKey: string): NewOutboxJob[] {
  const protect = item.protect ? { protect_content: true } : {};
  const base = {
    kind: 'content.delivery',
    target: { type: 'chat' as const, chatId: fanId },
    priority: PRIORITY.payment,
    fanId,
  };
  if (item.files.length > 1 && albumGroupable(item.files)) {
    const media = item.files.map((f, i) => ({
      type: f.kind,
      media: f.fileId,
      ...(i === 0 ? { caption: item.title } : {}),
    }));
    return [{ ...base, method: 'sendMediaGroup', params: { media, ...protect }, dedupeKey }];
  }
  return item.files.map((f, i) => ({
    ...base,
    method: SEND_METHODS[f.kind],
    params: { [f.kind]: f.fileId, ...(i === 0 ? { caption: item.title } : {}), ...protect },
    dedupeKey: i === 0 ? dedupeKey : `${dedupeKey}:${i}`,
  }));
}
