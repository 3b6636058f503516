/**
 * `/paysupport` and `/terms`, which Telegram requires of bots that sell (Stars included):
 * `/paysupport` answers the fan with the support text (`payments.support_text`, else the
 * built-in `payment.support.default` in their language) and flags it for the team — a 🚩 note
 * in the fan's topic, or in the Alerts topic when they have none; `/terms` answers with the
 * terms of sale (`payments.terms_text`, else `payment.terms.default`). Everything goes
 * through the outbox as plain text (no parse mode: an admin's text is never markup).
 */
import type { Context, Telegraf } from 'telegraf';
import { fanNotice } from '../../../core/relay/notices.js';
import { PRIORITY } from '../../../core/traffic/outbox.js';
import { personLabel } from '../alerts.js';
import type { BotDeps } from '../bot-deps.js';
import { profileOf } from '../fan-texts.js';

type PrivateContext = Context & { from: NonNullable<Context['from']> };

/** The setting's text when set, else the built-in one in the fan's language. */
async function textOf(
  deps: BotDeps,
  ctx: PrivateContext,
  key: 'payments.support_text' | 'payments.terms_text',
  fallback: string,
): Promise<string> {
  const configured = (await deps.fan.settings.getAll())[key].trim();
  if (configured !== '') return configured;
  return deps.fan.templates.forLanguage(ctx.from.language_code)(fallback);
}

async function answer(deps: BotDeps, ctx: PrivateContext, text: string, what: string) {
  await deps.outbox.enqueue([
    fanNotice(ctx.from.id, text, {
      dedupeKey: `${what}:${ctx.update.update_id}`,
      priority: PRIORITY.payment,
    }),
  ]);
}

/** The 🚩 note: in the fan's topic, or the Alerts topic when they have none yet. */
async function flagForTeam(deps: BotDeps, ctx: PrivateContext): Promise<void> {
  const fanId = ctx.from.id;
  const t = deps.fan.templates.forLanguage(deps.fan.adminLanguage);
  const text = t('payment.note.paysupport', { fan: personLabel(profileOf(ctx.from), fanId) });
  if (!(await deps.fans.topicOf(fanId))) {
    await deps.alerts.raise({ key: `paysupport:${fanId}`, severity: 'warning', text });
    return;
  }
  await deps.outbox.enqueue([
    {
      kind: 'notice.topic',
      target: { type: 'topic', chatId: deps.adminChatId, fanId },
      method: 'sendMessage',
      params: { text },
      priority: PRIORITY.payment,
      fanId,
      dedupeKey: `paysupport:${ctx.update.update_id}:topic`,
    },
  ]);
}

/** Registers /paysupport and /terms in private chats (free: never relayed or charged). */
export function registerPaySupport(bot: Telegraf<Context>, deps: BotDeps): void {
  bot.command('paysupport', async (ctx, next) => {
    if (ctx.chat.type !== 'private') return next();
    await deps.fans.ensure(profileOf(ctx.from));
    const text = await textOf(deps, ctx, 'payments.support_text', 'payment.support.default');
    await answer(deps, ctx, text, 'paysupport');
    await flagForTeam(deps, ctx);
    deps.wakeOutbox();
  });
  bot.command('terms', async (ctx, next) => {
    if (ctx.chat.type !== 'private') return next();
    const text = await textOf(deps, ctx, 'payments.terms_text', 'payment.terms.default');
    await answer(deps, ctx, text, 'terms');
    deps.wakeOutbox();
  });
}
