import type { FanReply } from '../ports.js';

/** Telegram `sendMessage` parameters for a reply (plain text, inline keyboard). */
export function renderReply(reply: FanReply): Record<string, unknown> {
  const params: Record<string, unknown> = { text: reply.text };
  if (reply.buttons && reply.buttons.length > 0) {
    params.reply_markup = {
      inline_keyboard: reply.buttons.map((row) =>
        row.map((b) =>
          'url' in b
            ? { text: b.text, url: b.url }
            : { text: b.text, callback_data: b.callbackData },
        ),
      ),
    };
  }
  return params;
}
