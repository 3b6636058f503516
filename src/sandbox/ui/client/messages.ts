/**
 * One message as a chat shows it, for both sides. Generic on purpose: it reads the simulator's
 * message view and raw Telegram fields (text, media, spoilers, paid media, invoices, buttons,
 * reactions, service messages), so what the product starts sending shows without changes here.
 * Text is always set with textContent: user text never becomes markup.
 */
import { fileUrl, formatAmount, type Button, type MessageView } from './api.js';
import { h, type Child } from './dom.js';

export interface RenderContext {
  /** The user looking at the chat (their messages sit on the right). */
  viewerId: number;
  names: Map<number, string>;
  onButton(message: MessageView, button: Button): void;
  /** The pay button of an invoice (Stars): the fan opens the payment form and pays. */
  onPayInvoice(message: MessageView): void;
  /** A locked (paid media) post: the fan pays Stars to unlock it. */
  onUnlock(message: MessageView): void;
  /** Offered on each message when set: the next message replies to this one. */
  onReply?(message: MessageView): void;
}

const MEDIA_ICONS: Record<string, string> = {
  voice: '🎤 Voice message',
  audio: '🎵 Audio',
  video: '🎬 Video',
  video_note: '⏺ Video message',
  document: '📄 Document',
  sticker: '🏷 Sticker',
  animation: '🎞 GIF',
};

function time(date: number): string {
  return new Date(date * 1000).toISOString().slice(11, 16);
}

function serviceText(message: MessageView): string {
  const raw = message.raw;
  const field = (name: string) => (raw[name] ?? {}) as Record<string, unknown>;
  switch (message.service) {
    case 'forum_topic_created':
      return `Topic “${String(field('forum_topic_created').name ?? '')}” created`;
    case 'forum_topic_edited':
      return `Topic renamed${field('forum_topic_edited').name ? ` “${String(field('forum_topic_edited').name)}”` : ''}`;
    case 'forum_topic_closed':
      return 'Topic closed';
    case 'forum_topic_reopened':
      return 'Topic reopened';
    case 'pinned_message':
      return '📌 Pinned a message';
    case 'successful_payment': {
      const paid = field('successful_payment');
      return `✅ Paid ${formatAmount(Number(paid.total_amount), String(paid.currency))}`;
    }
    case 'refunded_payment': {
      const refunded = field('refunded_payment');
      return `↩️ Refunded ${formatAmount(Number(refunded.total_amount), String(refunded.currency))}`;
    }
    default:
      return message.service ?? 'Service message';
  }
}

function photo(fileId: string, spoiler: boolean): HTMLElement {
  const img = h('img', { src: fileUrl(fileId), alt: 'Photo', loading: 'lazy' });
  img.addEventListener('error', () =>
    img.replaceWith(h('span', { class: 'media-box' }, '🖼 Photo')),
  );
  return h('div', { class: spoiler ? 'media spoiler' : 'media' }, img);
}

function media(message: MessageView): Child {
  if (!message.media) return null;
  const spoiler = message.raw.has_media_spoiler === true;
  if (message.media.kind === 'photo') return photo(message.media.fileId, spoiler);
  const raw = message.raw[message.media.kind] as
    { duration?: number; file_name?: string } | undefined;
  const extra = raw?.duration ? ` · 0:${String(raw.duration).padStart(2, '0')}` : '';
  const name = raw?.file_name ? ` · ${raw.file_name}` : '';
  return h(
    'div',
    { class: 'media-box' },
    `${MEDIA_ICONS[message.media.kind] ?? message.media.kind}${extra}${name}`,
  );
}

function paidMedia(message: MessageView, ctx: RenderContext): Child {
  const paid = message.raw.paid_media as
    | { star_count: number; paid_media: { type: string; photo?: { file_id: string }[] }[] }
    | undefined;
  if (!paid) return null;
  // Until the fan buys it, Telegram shows them a blurred preview.
  const locked = !message.paidMediaPurchased;
  const items = paid.paid_media.map((item) => {
    const sizes = item.photo;
    const largest = sizes?.[sizes.length - 1];
    if (item.type === 'photo' && largest) return photo(largest.file_id, locked);
    return h('div', { class: 'media-box locked' }, item.type === 'video' ? '🔒 Video' : '🔒 Photo');
  });
  return h(
    'div',
    { class: 'paid-media' },
    ...items,
    locked && message.chatId === ctx.viewerId
      ? h(
          'button',
          { class: 'unlock', type: 'button', onclick: () => ctx.onUnlock(message) },
          `Unlock for ⭐ ${paid.star_count}`,
        )
      : null,
  );
}

function invoice(message: MessageView, ctx: RenderContext): Child {
  const data = message.raw.invoice as
    { title: string; description: string; currency: string; total_amount: number } | undefined;
  if (!data) return null;
  const price = formatAmount(data.total_amount, data.currency);
  return h(
    'div',
    { class: 'invoice' },
    h('strong', {}, data.title),
    h('p', {}, data.description),
    h('p', { class: 'price' }, price),
    message.buttons.length === 0 && message.chatId === ctx.viewerId
      ? h(
          'button',
          { type: 'button', class: 'pay', onclick: () => ctx.onPayInvoice(message) },
          `Pay ${price}`,
        )
      : null,
  );
}

function buttons(message: MessageView, ctx: RenderContext): Child {
  if (message.buttons.length === 0) return null;
  return h(
    'div',
    { class: 'keyboard', role: 'group', 'aria-label': 'Message buttons' },
    ...message.buttons.map((row) =>
      h(
        'div',
        { class: 'row' },
        ...row.map((button) => {
          const isPay = !button.callbackData && !button.url && message.kind === 'invoice';
          return h(
            'button',
            {
              type: 'button',
              class: button.url ? 'link' : isPay ? 'pay' : '',
              title: button.url ?? undefined,
              onclick: () => (isPay ? ctx.onPayInvoice(message) : ctx.onButton(message, button)),
            },
            button.url ? `${button.text} ↗` : button.text,
          );
        }),
      ),
    ),
  );
}

function reactions(message: MessageView): Child {
  if (message.reactions.length === 0) return null;
  return h(
    'div',
    { class: 'reactions', 'aria-label': 'Reactions' },
    ...message.reactions.map((r) => h('span', {}, r.reaction.emoji ?? '★')),
  );
}

/** The message as a list item. */
export function renderMessage(message: MessageView, ctx: RenderContext): HTMLLIElement {
  if (message.kind === 'service') {
    return h(
      'li',
      { class: 'service', 'data-message-id': message.messageId },
      serviceText(message),
    );
  }
  const mine = message.fromId === ctx.viewerId;
  const side = message.fromBot ? 'bot' : mine ? 'mine' : 'other';
  const author = message.fromBot ? 'Bot' : (ctx.names.get(message.fromId ?? 0) ?? 'Someone');
  const text = message.text ?? message.caption;
  return h(
    'li',
    {
      class: `msg ${side}${message.pinned ? ' pinned' : ''}`,
      'data-message-id': message.messageId,
      'data-kind': message.kind,
    },
    h('span', { class: 'author' }, author),
    message.replyToMessageId
      ? h('span', { class: 'reply' }, `↩ reply to #${message.replyToMessageId}`)
      : null,
    media(message),
    paidMedia(message, ctx),
    invoice(message, ctx),
    text ? h('p', { class: 'text' }, text) : null,
    buttons(message, ctx),
    reactions(message),
    h(
      'span',
      { class: 'meta' },
      ctx.onReply
        ? h(
            'button',
            {
              type: 'button',
              class: 'reply-to',
              'aria-label': `Reply to message #${message.messageId}`,
              onclick: () => ctx.onReply?.(message),
            },
            '↩ Reply',
          )
        : null,
      `#${message.messageId} · ${message.edited ? 'edited · ' : ''}${time(message.date)}`,
    ),
  );
}

/** The newest pinned message of a list, if any. */
export function latestPinned(messages: MessageView[]): MessageView | undefined {
  return [...messages].reverse().find((m) => m.pinned && !m.deleted);
}
