/** The bot's reactions: setMessageReaction. */
import { badRequest, forbidden, invalid } from '../../api-error.js';
import type { TgReactionType } from '../../types.js';
import { memberChat } from '../access.js';
import type { MethodTable } from '../deps.js';

/** Emoji a bot may react with (ReactionTypeEmoji in the Bot API docs). */
export const REACTION_EMOJI = new Set(
  (
    '❤ 👍 👎 🔥 🥰 👏 😁 🤔 🤯 😱 🤬 😢 🎉 🤩 🤮 💩 🙏 👌 🕊 🤡 🥱 🥴 😍 🐳 ❤‍🔥 🌚 🌭 💯 🤣 ⚡ 🍌 🏆 💔 🤨 😐 🍓 🍾 💋 🖕 😈 😴 😭 🤓 👻 ' +
    '👨‍💻 👀 🎃 🙈 😇 😨 🤝 ✍ 🤗 🫡 🎅 🎄 ☃ 💅 🤪 🗿 🆒 💘 🙉 🦄 😘 💊 🙊 😎 👾 🤷‍♂ 🤷 🤷‍♀ 😡'
  ).split(' '),
);

function checkReactions(reactions: TgReactionType[]): void {
  if (reactions.length > 1) throw badRequest('REACTIONS_TOO_MANY');
  for (const reaction of reactions) {
    if (reaction.type === 'paid') throw invalid('REACTION_INVALID');
    if (reaction.type === 'emoji' && !REACTION_EMOJI.has(reaction.emoji))
      throw invalid('REACTION_INVALID');
  }
}

export const reactionMethods: MethodTable = {
  setMessageReaction: (deps, { params }) => {
    const { world } = deps;
    const chat = memberChat(deps, params.chat_id);
    if (chat.chat.type === 'private' && chat.blocked)
      throw forbidden('bot was blocked by the user');
    const record = world.message(chat, params.message_id as number);
    if (!record) throw badRequest('message to react not found');
    const reactions = (params.reaction as TgReactionType[] | undefined) ?? [];
    checkReactions(reactions);
    if (reactions.length === 0) record.reactions.delete(world.bot.id);
    else record.reactions.set(world.bot.id, reactions);
    return true;
  },
};
