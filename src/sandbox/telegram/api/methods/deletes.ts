/** Deleting messages: deleteMessage, deleteMessages. */
import { badRequest, invalid } from '../../api-error.js';
import type { ChatRecord, MessageRecord } from '../../world.js';
import { memberChat } from '../access.js';
import type { ApiDeps, MethodTable } from '../deps.js';

function assertDeletable({ world }: ApiDeps, chat: ChatRecord, record: MessageRecord): void {
  const message = record.message;
  if (message.forum_topic_created) throw badRequest("message can't be deleted");
  const own = message.from?.id === world.bot.id;
  if (own || chat.chat.type === 'private') return;
  if (!world.botHasRight(chat, 'can_delete_messages')) throw badRequest("message can't be deleted");
}

export const deleteMethods: MethodTable = {
  deleteMessage: (deps, { params }) => {
    const chat = memberChat(deps, params.chat_id);
    const record = deps.world.message(chat, params.message_id as number);
    if (!record) throw badRequest('message to delete not found');
    assertDeletable(deps, chat, record);
    record.deleted = true;
    return true;
  },
  deleteMessages: (deps, { params }) => {
    const chat = memberChat(deps, params.chat_id);
    const ids = params.message_ids as number[];
    if (ids.length < 1 || ids.length > 100)
      throw invalid('message_ids must contain 1-100 identifiers');
    const records = ids
      .map((id) => deps.world.message(chat, id))
      .filter((r): r is MessageRecord => r !== undefined);
    for (const record of records) assertDeletable(deps, chat, record);
    for (const record of records) record.deleted = true;
    return true;
  },
};
