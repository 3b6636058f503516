/** How much of a chat's budget one Bot API call spends (Telegram counts messages). */

const SEND_METHODS = new Set([
  'sendMessage',
  'sendPhoto',
  'sendAudio',
  'sendDocument',
  'sendVideo',
  'sendAnimation',
  'sendVoice',
  'sendVideoNote',
  'sendPaidMedia',
  'sendLocation',
  'sendVenue',
  'sendContact',
  'sendPoll',
  'sendDice',
  'sendSticker',
  'sendInvoice',
  'copyMessage',
  'forwardMessage',
  'createForumTopic',
  'editMessageText',
  'editMessageCaption',
  'editMessageMedia',
  'editMessageReplyMarkup',
  // Telegram counts these group operations too (a pin posts a service message).
  'pinChatMessage',
  'unpinChatMessage',
  'deleteForumTopic',
]);

const BATCH_METHODS: Record<string, string> = {
  copyMessages: 'message_ids',
  forwardMessages: 'message_ids',
  sendMediaGroup: 'media',
};

/** Messages a call counts for; 0 for calls that are not limited (getMe, answerCallbackQuery…). */
export function callCost(
  method: string,
  params: Record<string, unknown>,
  perMessage = true,
): number {
  if (SEND_METHODS.has(method)) return 1;
  const listField = BATCH_METHODS[method];
  if (listField) {
    const list = params[listField];
    return perMessage && Array.isArray(list) ? Math.max(1, list.length) : 1;
  }
  return 0;
}
