import {
  ALLOWED_UPDATES,
  createOperatorApi,
  type OperatorApi,
  type TgBotUser,
  type TgChat,
  type TgUpdate,
} from '../../../adapters/telegram/operator-api.js';
import { ErrorCodes, PremiumbotError, UsageError } from '../../../core/errors.js';
import { startProgress, withProgress } from '../../progress.js';
import { askSetting } from '../ask-setting.js';
import type { SetupContext, SetupStep } from '../types.js';

/** Whether the group is usable as the admin group; the reason names the fix. */
export async function verifyAdminGroup(
  api: OperatorApi,
  me: TgBotUser,
  chatId: number,
): Promise<{ ok: true; chat: TgChat } | { ok: false; reason: string; chat?: TgChat }> {
  const chat = await api.getChat(chatId);
  const name = chat.title ? `"${chat.title}"` : String(chatId);
  if (chat.type !== 'supergroup' || !chat.is_forum) {
    return {
      ok: false,
      chat,
      reason: `${name} does not have Topics enabled: open the group settings, turn on Topics, then send /link again.`,
    };
  }
  const member = await api.getChatMember(chatId, me.id);
  if (member.status !== 'administrator' && member.status !== 'creator') {
    return {
      ok: false,
      chat,
      reason: `@${me.username ?? me.first_name} is not an admin of ${name}: make it an admin with the "Manage Topics" right, then send /link again.`,
    };
  }
  if (member.status === 'administrator' && !member.can_manage_topics) {
    return {
      ok: false,
      chat,
      reason: `@${me.username ?? me.first_name} is an admin of ${name} without the "Manage Topics" right: turn it on, then send /link again.`,
    };
  }
  return { ok: true, chat };
}

function apiOf(ctx: SetupContext): OperatorApi {
  const config = ctx.answers.config();
  if (!config.botToken) {
    throw new UsageError('The bot token is not set yet.', {
      hint: 'Run `premiumbot setup bot` first.',
    });
  }
  return createOperatorApi({ token: config.botToken, apiRoot: config.telegramApiRoot });
}

async function identity(ctx: SetupContext, api: OperatorApi): Promise<TgBotUser> {
  ctx.facts.me ??= await api.getMe();
  return ctx.facts.me;
}

function isLink(update: TgUpdate, me: TgBotUser): boolean {
  const text = update.message?.text?.trim() ?? '';
  const match = /^\/link(@[A-Za-z0-9_]+)?(\s|$)/i.exec(text);
  if (!match) return false;
  return !match[1] || match[1].slice(1).toLowerCase() === (me.username ?? '').toLowerCase();
}

/** Waits for `/link` sent in a group, until a usable group is found or the time is up. */
async function waitForLink(
  ctx: SetupContext,
  api: OperatorApi,
  me: TgBotUser,
): Promise<{ chat: TgChat; from?: number }> {
  const deadline = Date.now() + ctx.options.linkTimeoutSeconds * 1000;
  const abort = new AbortController();
  const onShutdown = () => abort.abort();
  ctx.cli.signals.on('shutdown', onShutdown);
  const progress = startProgress(
    ctx.output,
    `Waiting for /link in a group (up to ${ctx.options.linkTimeoutSeconds < 120 ? `${ctx.options.linkTimeoutSeconds} s` : `${Math.round(ctx.options.linkTimeoutSeconds / 60)} min`}; Ctrl-C to stop)`,
  );
  let offset: number | undefined;
  try {
    while (Date.now() < deadline) {
      const seconds = Math.max(1, Math.min(10, Math.ceil((deadline - Date.now()) / 1000)));
      let updates: TgUpdate[];
      try {
        updates = await api.getUpdates({
          offset,
          timeout: seconds,
          allowed_updates: ALLOWED_UPDATES,
          signal: abort.signal,
        });
      } catch (err) {
        if (abort.signal.aborted) {
          throw new PremiumbotError(ErrorCodes.usage, 'Stopped waiting for /link.', {
            hint: 'Run `premiumbot setup admin-group` to try again; other answers are saved.',
          });
        }
        throw err;
      }
      for (const update of updates) {
        offset = update.update_id + 1;
        const message = update.message;
        if (!message || !isLink(update, me)) continue;
        if (message.chat.type === 'private') {
          progress.update('/link arrived in a private chat: send it in the group instead');
          continue;
        }
        const verdict = await verifyAdminGroup(api, me, message.chat.id);
        if (!verdict.ok) {
          progress.stop();
          ctx.output.out(`✖ ${verdict.reason}`);
          progress.update('Still waiting for /link');
          continue;
        }
        // Confirm the updates read so far, so serve does not see this /link again.
        await api.getUpdates({ offset, timeout: 0, allowed_updates: ALLOWED_UPDATES });
        progress.succeed(
          `Linked "${verdict.chat.title ?? verdict.chat.id}" (id ${verdict.chat.id})`,
        );
        return { chat: verdict.chat, from: message.from?.id };
      }
    }
  } catch (err) {
    progress.fail('No admin group linked');
    throw err;
  } finally {
    ctx.cli.signals.off('shutdown', onShutdown);
  }
  progress.fail('No admin group linked');
  throw new PremiumbotError(
    ErrorCodes.telegram,
    `No usable /link arrived within ${ctx.options.linkTimeoutSeconds} seconds.`,
    {
      hint: 'Check that the bot is in the group and an admin (privacy mode hides other messages), then run `premiumbot setup admin-group` again.',
    },
  );
}

/**
 * The admin forum group: found by `/link`, verified to be a forum where the bot manages
 * topics; then each overflow group of ADMIN_CHAT_IDS is verified the same way.
 */
export const adminGroupStep: SetupStep = {
  id: 'admin-group',
  title: 'Admin group',
  requires: ['ADMIN_CHAT_ID'],
  async run(ctx) {
    const api = apiOf(ctx);
    const me = await identity(ctx, api);
    await primaryGroup(ctx, api, me);
    await overflowGroups(ctx, api, me);
  },
};

/**
 * Each overflow group (ADMIN_CHAT_IDS, when set) must be a forum where the bot manages
 * topics, like the primary: the first that is not stops setup, naming it.
 */
async function overflowGroups(ctx: SetupContext, api: OperatorApi, me: TgBotUser): Promise<void> {
  const primary = ctx.answers.get('ADMIN_CHAT_ID');
  const listed = (ctx.answers.get('ADMIN_CHAT_IDS') ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '' && id !== primary);
  for (const id of listed) {
    const verdict = await withProgress(ctx.output, `Checking the overflow admin group ${id}`, () =>
      verifyAdminGroup(api, me, Number(id)),
    );
    if (!verdict.ok)
      throw new PremiumbotError(
        ErrorCodes.telegram,
        verdict.reason.replace(/, then send \/link again\.$/, '.'),
        {
          hint: `Fix it in Telegram, or remove ${id} from ADMIN_CHAT_IDS.`,
        },
      );
    ctx.output.out(
      `✔ Overflow admin group "${verdict.chat.title ?? id}" is a forum and the bot manages topics`,
    );
  }
}

/** The primary admin group: kept (verified), or linked with `/link`. */
async function primaryGroup(ctx: SetupContext, api: OperatorApi, me: TgBotUser): Promise<void> {
  const existing = ctx.answers.get('ADMIN_CHAT_ID');
  const verifyExisting = async (value: string) => {
    const verdict = await withProgress(ctx.output, `Checking the admin group ${value}`, () =>
      verifyAdminGroup(api, me, Number(value)),
    );
    if (!verdict.ok)
      throw new PremiumbotError(ErrorCodes.telegram, verdict.reason, {
        hint: 'Fix it in Telegram, or run `premiumbot setup admin-group` to link another group.',
      });
    return `Admin group "${verdict.chat.title ?? value}" is a forum and the bot manages topics`;
  };
  if (ctx.options.nonInteractive) {
    await askSetting(ctx, 'ADMIN_CHAT_ID', { check: verifyExisting });
    return;
  }
  if (existing) {
    const keep = await ctx.prompter.confirm({
      message: `Keep the admin group ${existing}?`,
      default: true,
    });
    if (keep) {
      try {
        ctx.output.out(`✔ ${await verifyExisting(existing)}`);
        return;
      } catch (err) {
        if (!(err instanceof PremiumbotError)) throw err;
        ctx.output.out(`✖ ${err.message}`);
        ctx.output.out('  Link it again (or another group) with /link.');
      }
    }
  }
  const webhook = await api.getWebhookInfo();
  if (webhook.url !== '') {
    const remove = await ctx.prompter.confirm({
      message: `The bot has a webhook (${webhook.url}), so setup cannot read /link. Remove it while waiting? (the webhooks step sets it back)`,
      default: true,
    });
    if (!remove) {
      throw new UsageError('Cannot wait for /link while a webhook is set.', {
        hint: 'Pass the group id instead: `premiumbot setup admin-group --non-interactive --admin-chat-id -100…`.',
      });
    }
    await api.deleteWebhook();
  }
  const handle = me.username ? `@${me.username}` : 'the bot';
  ctx.output.out('Link the admin group, where your team will answer fans (one topic per fan):');
  ctx.output.out('  1. In Telegram, create a group (or open an existing private one).');
  ctx.output.out('  2. Group settings → turn on Topics.');
  ctx.output.out(
    `  3. Add ${handle} to the group and make it an admin with the "Manage Topics" right.`,
  );
  ctx.output.out('  4. Send /link in the group.');
  const linked = await waitForLink(ctx, api, me);
  ctx.answers.set('ADMIN_CHAT_ID', String(linked.chat.id));
  if (linked.from !== undefined) ctx.facts.linkedBy = linked.from;
  await api
    .sendMessage({
      chat_id: linked.chat.id,
      text: '✅ premiumbot is linked: this is the admin group. Each fan will get a topic here.',
    })
    .catch(() => undefined);
}
