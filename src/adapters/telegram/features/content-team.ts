/**
 * Premium content in the admin group (issue 18):
 * - every album item posted in the group is remembered (a day), so `/lock` replying to one
 *   item takes the whole album;
 * - `/lock PRICE [title] [--usd 5] [--stars N]` as a reply to media stores a vault item;
 * - `/ppv` in a fan's topic (a reply to a vault item's message, `/ppv #ID`, or `/ppv PRICE
 *   [title]` replying to any media, which locks it on the spot) queues the item's teaser to
 *   the fan through the teaser API.
 * Answers go to the thread the command was sent in, through the outbox. Before the team
 * relay, so these commands never reach the fan.
 */
import type { Context } from 'telegraf';
import type { ContentFile } from '../../../core/content/items.js';
import type { ContentService } from '../../../core/content/service.js';
import { commandOf } from '../../../core/relay/message-kind.js';
import { PRIORITY } from '../../../core/traffic/outbox.js';
import { inAdminGroup, type BotDeps, type Feature } from '../bot-deps.js';
import { contentFileOf, type MediaMessage } from './content-media.js';

interface GroupMessage extends MediaMessage {
  message_id: number;
  message_thread_id?: number;
  is_topic_message?: boolean;
  text?: string;
  from?: { id: number };
  reply_to_message?: MediaMessage & { message_id: number };
}

/** A text for the team in the thread the command came from. */
async function answer(deps: BotDeps, message: GroupMessage, text: string): Promise<void> {
  const threadId = message.is_topic_message ? message.message_thread_id : undefined;
  await deps.outbox.enqueue([
    {
      kind: 'notice.topic',
      target: {
        type: 'chat',
        chatId: deps.adminChatId,
        ...(threadId !== undefined ? { threadId } : {}),
      },
      method: 'sendMessage',
      params: { text, reply_parameters: { message_id: message.message_id } },
      priority: PRIORITY.teamAnswer,
      dedupeKey: `content:answer:${deps.adminChatId}:${message.message_id}`,
    },
  ]);
  deps.wakeOutbox();
}

/** The message `/lock` or `/ppv` replies to; a topic's own root is no reply. */
function repliedTo(message: GroupMessage): GroupMessage['reply_to_message'] | undefined {
  const reply = message.reply_to_message;
  if (!reply || reply.message_id === message.message_thread_id) return undefined;
  return reply;
}

/** The files of the replied media: the whole album when it is one. */
async function filesOf(
  deps: BotDeps,
  content: ContentService,
  reply: NonNullable<GroupMessage['reply_to_message']>,
): Promise<ContentFile[]> {
  const own = contentFileOf(reply);
  if (!own) return [];
  if (!reply.media_group_id) return [own];
  const album = await content.albumFiles(deps.adminChatId, reply.media_group_id);
  return album.length > 0 ? album : [own];
}

/** The arguments after the command word. */
function argsOf(text: string | undefined): string {
  return (text ?? '').replace(/^\/\S+\s*/, '');
}

async function lock(deps: BotDeps, content: ContentService, message: GroupMessage, args: string) {
  const t = deps.fan.templates.forLanguage(deps.fan.adminLanguage);
  const reply = repliedTo(message);
  const files = reply ? await filesOf(deps, content, reply) : [];
  if (files.length === 0)
    return answer(
      deps,
      message,
      t(reply ? 'content.lock.no_media' : 'content.lock.usage', { currency: deps.fan.currency }),
    );
  const result = await content.lock({
    files,
    args,
    createdBy: message.from!.id,
    chatId: deps.adminChatId,
    messageIds: [message.message_id, reply!.message_id],
  });
  await answer(deps, message, result.text);
}

async function ppv(
  deps: BotDeps,
  content: ContentService,
  message: GroupMessage,
  fanId: number,
  args: string,
) {
  const t = deps.fan.templates.forLanguage(deps.fan.adminLanguage);
  const reply = repliedTo(message);
  const byId = /^#?(\d{1,9})$/.exec(args.trim());
  let itemId: number | null = null;
  if (reply) itemId = await content.itemOfMessage(deps.adminChatId, reply.message_id);
  if (itemId === null && byId && !reply) itemId = Number(byId[1]);
  if (itemId === null) {
    if (!reply) return answer(deps, message, t('content.ppv.usage'));
    if (args.trim() === '') {
      const media = contentFileOf(reply);
      return answer(deps, message, t(media ? 'content.ppv.needs_price' : 'content.lock.no_media'));
    }
    const files = await filesOf(deps, content, reply);
    if (files.length === 0) return answer(deps, message, t('content.lock.no_media'));
    const locked = await content.lock({
      files,
      args,
      createdBy: message.from!.id,
      chatId: deps.adminChatId,
      messageIds: [reply.message_id],
    });
    if (!locked.ok) return answer(deps, message, locked.text);
    itemId = locked.item.id;
  }
  const sent = await content.sendTeaser({
    itemId,
    fanId,
    dedupeKey: `ppv:${deps.adminChatId}:${message.message_id}`,
  });
  if (sent.status !== 'queued') {
    return answer(deps, message, t(`content.ppv.${sent.status}`, { value: itemId }));
  }
  const item = (await content.getItem(itemId))!;
  await answer(deps, message, t('content.ppv.sent', { id: item.id, title: item.title }));
}

/** `/teaser #ID` replying to a photo: the item's teaser image; without a photo: removed. */
async function teaserImage(
  deps: BotDeps,
  content: ContentService,
  message: GroupMessage,
  args: string,
) {
  const t = deps.fan.templates.forLanguage(deps.fan.adminLanguage);
  const byId = /^#?(\d{1,9})$/.exec(args.trim());
  const item = byId ? await content.getItem(Number(byId[1])) : null;
  if (!byId) return answer(deps, message, t('content.teaser_image.usage'));
  if (!item) return answer(deps, message, t('content.ppv.unknown_item', { value: byId[1]! }));
  const reply = repliedTo(message);
  const photo = reply ? contentFileOf(reply) : null;
  if (reply && photo?.kind !== 'photo')
    return answer(deps, message, t('content.teaser_image.usage'));
  await content.updateItem(item.id, { teaserFileId: photo?.fileId ?? null });
  const key = photo ? 'content.teaser_image.set' : 'content.teaser_image.cleared';
  await answer(deps, message, t(key, { id: item.id, title: item.title }));
}

export const contentTeamFeature: Feature = {
  name: 'content-team',
  register(bot, shared) {
    const content = shared.content;
    if (!content) return;
    bot.on('message', async (ctx: Context, next) => {
      // Seen from the admin group the message was sent in (/ppv in an overflow group's topic).
      const deps = inAdminGroup(shared, ctx.chat?.id);
      if (!deps) return next();
      const message = ctx.message as GroupMessage;
      if (message.media_group_id) {
        const file = contentFileOf(message);
        if (file)
          await content.rememberAlbumPart(
            deps.adminChatId,
            message.media_group_id,
            message.message_id,
            file,
          );
      }
      const command = commandOf(message);
      if (command !== 'lock' && command !== 'ppv' && command !== 'teaser') return next();
      const args = argsOf(message.text);
      if (command === 'teaser') {
        if (!(await deps.admins.permit(ctx, 'vault:edit'))) return next();
        return teaserImage(deps, content, message, args);
      }
      if (command === 'lock') {
        if (!(await deps.admins.permit(ctx, 'vault:edit'))) return next();
        return lock(deps, content, message, args);
      }
      const threadId = message.is_topic_message ? message.message_thread_id : undefined;
      const fanId =
        threadId === undefined ? null : await deps.fans.fanOfTopic(deps.adminChatId, threadId);
      if (!(await deps.admins.permit(ctx, 'vault:send'))) return next();
      if (fanId === null)
        return answer(
          deps,
          message,
          deps.fan.templates.forLanguage(deps.fan.adminLanguage)('content.ppv.usage'),
        );
      return ppv(deps, content, message, fanId, args);
    });
  },
};
