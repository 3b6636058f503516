/** Button presses: answerCallbackQuery, and the chat_instance of a callback query. */
import { badRequest, invalid } from '../../api-error.js';
import type { ApiDeps, MethodTable } from '../deps.js';

/** A stable, random-looking id of the kind Telegram uses for chat_instance. */
export const chatInstance = (chatId: number, botId: number): string =>
  String((BigInt(Math.abs(chatId)) * 2654435761n + BigInt(botId)) % 9007199254740991n);

function answerQueryExpired(deps: ApiDeps, createdAt: number): boolean {
  const ttl = deps.callbackQueryTtlSeconds;
  return ttl > 0 && deps.now() - createdAt > ttl * 1000;
}

export const callbackMethods: MethodTable = {
  answerCallbackQuery: (deps, { params }) => {
    const query = deps.world.callbackQueries.get(params.callback_query_id as string);
    if (!query || query.answer || answerQueryExpired(deps, query.createdAt)) {
      throw badRequest('query is too old and response timeout expired or query ID is invalid');
    }
    const text = params.text as string | undefined;
    if (text !== undefined && text.length > 200) throw invalid('MESSAGE_TOO_LONG');
    query.answer = { at: deps.now() };
    if (text !== undefined) query.answer.text = text;
    if (params.show_alert !== undefined) query.answer.show_alert = params.show_alert as boolean;
    if (params.url !== undefined) query.answer.url = params.url as string;
    return true;
  },
};
