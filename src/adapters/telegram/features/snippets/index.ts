/**
 * Saved replies in the admin group (the list and its delete buttons are the `/snippets`
 * panel screen):
 * - `/snippet add NAME`, `/snippet edit NAME` as a reply to a message (text or media) save
 *   it; `/snippet delete NAME` removes it — each in the audit log (`snippets:edit`);
 * - `/s NAME` in a fan's topic sends the saved reply to the fan, placeholders filled from the
 *   fan, as a team answer (the relay's `relay.team` job, linked to the `/s` message so
 *   `/delete` and receipts work, counted in the team's figures); `/s` alone offers the saved
 *   replies as buttons. Claims apply as to any answer: a fan someone else holds (or, with
 *   `inbox.agents_own_fans_only`, not the agent's own) gets no saved reply; the sender is told.
 */
import type { Context } from 'telegraf';
import { commandOf } from '../../../../core/relay/message-kind.js';
import { can, type Actor } from '../../../../core/permissions.js';
import {
  snippetCall,
  snippetJobKey,
  snippetName,
  type Snippet,
} from '../../../../core/snippets/snippet.js';
import { decideTeamMessage } from '../../../../core/team/collision.js';
import { PRIORITY, type NewOutboxJob } from '../../../../core/traffic/outbox.js';
import { inAdminGroup, type BotDeps, type Feature } from '../../bot-deps.js';
import { actorOf, answerPress } from '../../panel/actor.js';
import { limitedToOwnFans } from '../team/held.js';
import { teamName } from '../team/topic-notes.js';
import { snippetContentOf } from './content.js';
import type { TeamInboxServices } from './services.js';

interface GroupMessage {
  message_id: number;
  message_thread_id?: number;
  is_topic_message?: boolean;
  text?: string;
  reply_to_message?: Record<string, unknown> & { message_id: number };
}

/** Buttons of the `/s` picker: at most this many saved replies, two a row. */
const PICKER_MAX = 40;

const CALLBACK = /^snip:(\d+)$/;

/** A note for the team in the topic, as a reply to the message it answers. */
function note(deps: BotDeps, message: GroupMessage, text: string, extra = {}): NewOutboxJob {
  const threadId = message.is_topic_message ? message.message_thread_id : undefined;
  return {
    kind: 'notice.topic',
    target: {
      type: 'chat',
      chatId: deps.adminChatId,
      ...(threadId === undefined ? {} : { threadId }),
    },
    method: 'sendMessage',
    params: {
      text,
      reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true },
      ...extra,
    },
    priority: PRIORITY.teamAnswer,
    dedupeKey: `snippet_note:${deps.adminChatId}:${message.message_id}`,
  };
}

async function queue(deps: BotDeps, jobs: NewOutboxJob[]): Promise<void> {
  await deps.outbox.enqueue(jobs);
  deps.wakeOutbox();
}

function translator(deps: BotDeps) {
  return deps.fan.templates.forLanguage(deps.fan.adminLanguage);
}

/** What a send did; a refusal is worded for the sender. */
type SendOutcome = { sent: true } | { sent: false; why: string };

/** Sends `snippet` to the fan of `threadId` as a team answer, if the claims allow it. */
async function sendSnippet(
  deps: BotDeps,
  inbox: TeamInboxServices,
  actor: Actor,
  threadId: number,
  snippet: Snippet,
  dedupeKey: string,
): Promise<SendOutcome> {
  const t = translator(deps);
  const fanId = await deps.fans.fanOfTopic(deps.adminChatId, threadId);
  if (fanId === null) return { sent: false, why: t('inbox.snippet.not_a_fan_topic') };
  const claim = await deps.team?.claims.claimOf(fanId);
  const decision = decideTeamMessage({
    authorId: actor.id,
    claimerId: claim?.userId ?? null,
    ownFansOnly: await limitedToOwnFans(deps, actor),
  });
  if (decision === 'not_theirs') return { sent: false, why: t('inbox.snippet.not_theirs') };
  if (decision === 'hold' && claim) {
    return {
      sent: false,
      why: t('inbox.snippet.claimed', { name: await teamName(deps, claim.userId) }),
    };
  }
  const profile = await deps.fans.profile(fanId);
  const call = snippetCall(snippet, { id: fanId, ...profile });
  await deps.outbox.enqueue([
    {
      kind: 'relay.team',
      target: { type: 'chat', chatId: fanId },
      method: call.method,
      params: call.params,
      priority: PRIORITY.teamAnswer,
      fanId,
      dedupeKey,
    },
  ]);
  deps.wakeOutbox();
  await inbox.activity.recordReply({
    fanId,
    adminId: actor.id,
    at: deps.fan.now(),
    sourceKey: dedupeKey,
  });
  return { sent: true };
}

/** `/snippet add|edit|delete NAME`. */
async function manage(
  deps: BotDeps,
  inbox: TeamInboxServices,
  actor: Actor,
  message: GroupMessage,
): Promise<void> {
  const t = translator(deps);
  const [, verb = '', rawName = ''] = (message.text ?? '').trim().split(/\s+/);
  const action = verb.toLowerCase();
  const name = snippetName(rawName);
  if (!['add', 'edit', 'delete'].includes(action) || name === null) {
    await queue(deps, [note(deps, message, t('inbox.snippet.usage'))]);
    return;
  }
  const now = deps.fan.now();
  const before = await inbox.snippets.byName(name);
  let text: string;
  if (action === 'delete') {
    const removed = await inbox.snippets.remove(name);
    text = t(removed ? 'inbox.snippet.deleted' : 'inbox.snippet.unknown', { name });
    if (removed) await audit(deps, actor, name, before, undefined);
  } else {
    const source = message.reply_to_message;
    // In a topic every message "replies" to the topic's first message: only real replies count.
    const content =
      source && source.message_id !== message.message_thread_id ? snippetContentOf(source) : null;
    if (content === null) {
      await queue(deps, [note(deps, message, t('inbox.snippet.reply_needed', { name }))]);
      return;
    }
    const done =
      action === 'add'
        ? await inbox.snippets.add(name, content, actor.id, now)
        : await inbox.snippets.update(name, content, actor.id, now);
    text = done
      ? t(action === 'add' ? 'inbox.snippet.added' : 'inbox.snippet.edited', { name })
      : t(action === 'add' ? 'inbox.snippet.exists' : 'inbox.snippet.unknown', { name });
    if (done) await audit(deps, actor, name, before, content);
  }
  await queue(deps, [note(deps, message, text)]);
}

async function audit(
  deps: BotDeps,
  actor: Actor,
  name: string,
  before: unknown,
  after: unknown,
): Promise<void> {
  const summary = (value: unknown) => {
    if (!value || typeof value !== 'object') return undefined;
    const { kind, text } = value as { kind: string; text: string | null };
    return { kind, text };
  };
  await deps.panel?.audit.record({
    actorId: actor.id,
    action: 'snippets:edit',
    subject: `snippet ${name}`,
    before: summary(before),
    after: summary(after),
  });
}

/** `/s NAME` or `/s` (the picker) in a topic. */
async function use(
  deps: BotDeps,
  inbox: TeamInboxServices,
  actor: Actor,
  message: GroupMessage,
): Promise<void> {
  const t = translator(deps);
  const threadId = message.is_topic_message ? message.message_thread_id : undefined;
  const fanId =
    threadId === undefined ? null : await deps.fans.fanOfTopic(deps.adminChatId, threadId);
  if (threadId === undefined || fanId === null) {
    await queue(deps, [note(deps, message, t('inbox.snippet.not_a_fan_topic'))]);
    return;
  }
  const rawName = (message.text ?? '').trim().split(/\s+/)[1];
  if (rawName === undefined) {
    const snippets = (await inbox.snippets.list()).slice(0, PICKER_MAX);
    if (snippets.length === 0) {
      await queue(deps, [note(deps, message, t('inbox.snippet.none'))]);
      return;
    }
    const buttons = snippets.map((s) => ({ text: s.name, callback_data: `snip:${s.id}` }));
    const rows = [];
    for (let i = 0; i < buttons.length; i += 2) rows.push(buttons.slice(i, i + 2));
    await queue(deps, [
      note(deps, message, t('inbox.snippet.pick'), { reply_markup: { inline_keyboard: rows } }),
    ]);
    return;
  }
  const name = snippetName(rawName);
  const snippet = name === null ? null : await inbox.snippets.byName(name);
  if (snippet === null) {
    await queue(deps, [note(deps, message, t('inbox.snippet.unknown', { name: rawName }))]);
    return;
  }
  const key = snippetJobKey(deps.adminChatId, message.message_id);
  const outcome = await sendSnippet(deps, inbox, actor, threadId, snippet, key);
  if (!outcome.sent) await queue(deps, [note(deps, message, outcome.why)]);
}

/** A press on the `/s` picker: sends that saved reply (a double tap sends it once). */
async function pick(deps: BotDeps, inbox: TeamInboxServices, ctx: Context): Promise<void> {
  const query = ctx.callbackQuery;
  if (!query || !('data' in query)) return;
  const t = translator(deps);
  const id = Number(CALLBACK.exec(query.data)?.[1]);
  const message = query.message as GroupMessage | undefined;
  const actor = await actorOf(deps, ctx);
  const threadId = message?.is_topic_message ? message.message_thread_id : undefined;
  if (
    !actor ||
    !can(actor, 'inbox:reply') ||
    !message ||
    ctx.chat?.id !== deps.adminChatId ||
    threadId === undefined
  ) {
    await answerPress(deps, query.id, t('inbox.snippet.refused'));
    return;
  }
  const snippet = await inbox.snippets.byId(id);
  if (!snippet) {
    await answerPress(deps, query.id, t('inbox.snippet.gone'));
    return;
  }
  const key = snippetJobKey(deps.adminChatId, message.message_id, snippet.id);
  const outcome = await sendSnippet(deps, inbox, actor, threadId, snippet, key);
  await answerPress(
    deps,
    query.id,
    outcome.sent ? t('inbox.snippet.sent', { name: snippet.name }) : outcome.why,
  );
}

export const snippetsFeature: Feature = {
  name: 'snippets',
  register(bot, shared) {
    const inbox = shared.teamInbox;
    if (!inbox) return;
    bot.action(CALLBACK, (ctx) => pick(inAdminGroup(shared, ctx.chat?.id) ?? shared, inbox, ctx));
    bot.on('message', async (ctx, next) => {
      // Seen from the admin group the command was sent in.
      const deps = inAdminGroup(shared, ctx.chat.id);
      if (!deps) return next();
      const command = commandOf(ctx.message);
      if (command !== 's' && command !== 'snippet') return next();
      const message = ctx.message as GroupMessage;
      const actor = await actorOf(deps, ctx);
      const needed = command === 's' ? 'inbox:reply' : 'snippets:edit';
      if (!actor || !can(actor, needed)) {
        if (actor?.role)
          await queue(deps, [note(deps, message, translator(deps)('inbox.snippet.refused'))]);
        return;
      }
      if (command === 's') await use(deps, inbox, actor, message);
      else await manage(deps, inbox, actor, message);
    });
  },
};
