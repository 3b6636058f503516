/**
 * The fan card's quick actions, for admins in the admin group: 👤 User info (a fresh copy
 * of the card in the topic), 🎁 Gift credits (preset amounts, one `gift_menu:<query id>`
 * ledger entry per opened menu), 🚫 Ban / ✅ Unban, 🧊 Unfreeze (a dispute freeze; owners
 * only, noted in the topic). Each button needs its permission (`NEEDED`, core/permissions):
 * agents may look; gifts and bans need fans:gift / fans:ban (owners and admins).
 *
 * Nothing here waits for the admin group's budget (20/min, shared by every topic): every
 * tap is answered at once, and what it changes in the group (the card's keyboard or text,
 * a note in the topic) is queued in the outbox. A toast says so when the group is busy.
 */
import { parseCardCallback, type CardAction } from '../../../core/info-card.js';
import { ErrorCodes, hasCode } from '../../../core/errors.js';
import { ledgerKeys } from '../../../core/ledger.js';
import type { PanelAction } from '../../../core/permissions.js';
import { PRIORITY, messageLane } from '../../../core/traffic/outbox.js';
import type { BotDeps } from '../bot-deps.js';
import { fanNotice } from '../../../core/relay/notices.js';
import { cardKeyboard, giftKeyboard } from '../../../core/keyboards.js';
import { inAdminGroup, type Feature } from '../bot-deps.js';

/** The permission each card button needs (core/permissions: the one check). */
const NEEDED: Record<CardAction['action'], PanelAction> = {
  info: 'fans:view',
  gift_menu: 'fans:gift',
  back: 'fans:view',
  gift: 'fans:gift',
  ban: 'fans:ban',
  unban: 'fans:ban',
  unfreeze: 'fans:unfreeze',
};

async function answer(deps: BotDeps, queryId: string, text?: string): Promise<void> {
  await deps.sender
    .send(
      'answerCallbackQuery',
      { callback_query_id: queryId, ...(text ? { text } : {}) },
      { maxAttempts: 2 },
    )
    .catch((err: unknown) => deps.logger.debug({ err }, 'callback answer failed'));
}

async function topicNotice(deps: BotDeps, fanId: number, text: string, key: string): Promise<void> {
  await deps.outbox.enqueue([
    {
      kind: 'notice.topic',
      target: { type: 'topic', chatId: deps.adminChatId, fanId },
      method: 'sendMessage',
      params: { text },
      priority: PRIORITY.note,
      fanId,
      dedupeKey: key,
    },
  ]);
}

/**
 * Queues a new keyboard for a card message (one job per tap, in the card's own lane). What
 * the card shows is not forgotten: a background refresh that changes nothing in its text
 * then leaves an open gift menu alone.
 */
async function queueKeyboard(
  deps: BotDeps,
  card: { fanId: number; messageId: number | undefined; queryId: string },
  keyboard: unknown,
): Promise<void> {
  if (card.messageId === undefined) return;
  await deps.outbox.enqueue([
    {
      kind: 'card.keyboard',
      target: { type: 'chat', chatId: deps.adminChatId },
      lane: messageLane(deps.adminChatId, card.messageId),
      method: 'editMessageReplyMarkup',
      params: { message_id: card.messageId, reply_markup: keyboard },
      priority: PRIORITY.teamAnswer,
      fanId: card.fanId,
      dedupeKey: `card_keyboard:${card.queryId}`,
    },
  ]);
}

/** True when what a tap queued for the admin group cannot be sent right now. */
function groupBusy(deps: BotDeps): boolean {
  return deps.sender.scheduler.capacity(deps.adminChatId, deps.sender.clock()) === 0;
}

/**
 * Gives the credits of one tap of a gift menu. Every tap of one menu shares its ledger key
 * (the callback query that opened the menu), so a double tap, or a second amount tapped
 * before the menu closed, gives nothing more. Returns the admin's toast.
 */
async function giftFromMenu(
  deps: BotDeps,
  gift: {
    fanId: number;
    amount: number;
    menu: string;
    admin: { id: number; first_name: string };
    languageCode: string | null | undefined;
  },
): Promise<string> {
  const fx = deps.fan;
  const t = fx.templates.forLanguage(fx.adminLanguage);
  const { fanId, amount, menu } = gift;
  let result: { duplicate: boolean; credits: number };
  try {
    result = await fx.accounts.gift(
      fanId,
      amount,
      ledgerKeys.giftFromMenu(menu),
      `by admin ${gift.admin.id}`,
    );
  } catch (err) {
    if (hasCode(err, ErrorCodes.idempotencyConflict)) return t('card.gift_already');
    throw err;
  }
  if (result.duplicate) return t('card.gift_already');
  const admin = gift.admin.first_name;
  await topicNotice(
    deps,
    fanId,
    t('card.gifted', { admin, amount, credits: result.credits }),
    `gift_topic:${menu}`,
  );
  const fanT = fx.templates.forLanguage(gift.languageCode);
  await deps.outbox.enqueue([
    fanNotice(fanId, fanT('gift.notice', { amount }), {
      dedupeKey: `gift_fan:${menu}`,
      priority: PRIORITY.payment,
    }),
  ]);
  return t('card.gift_answer', { amount });
}

export const cardActionsFeature: Feature = {
  name: 'card-actions',
  register(bot, shared) {
    bot.action(/^card:/, async (ctx) => {
      // The card's own group (a fan in an overflow group has their card there).
      const deps = inAdminGroup(shared, ctx.chat?.id) ?? shared;
      const fx = deps.fan;
      const t = fx.templates.forLanguage(fx.adminLanguage);
      const query = ctx.callbackQuery;
      const action = 'data' in query ? parseCardCallback(query.data) : null;
      const actor = action ? await deps.admins.permit(ctx, NEEDED[action.action]) : null;
      if (!action || !actor) {
        const ownersOnly = action !== null && NEEDED[action.action] === 'fans:unfreeze';
        return answer(deps, query.id, t(ownersOnly ? 'card.owners_only' : 'card.admins_only'));
      }
      const fanId = action.fanId;
      const account = await fx.accounts.get(fanId);
      if (!account) return answer(deps, query.id);
      const updateId = ctx.update.update_id;
      const admin = ctx.from.first_name;
      const card = { fanId, messageId: query.message?.message_id, queryId: query.id };
      const setKeyboard = (keyboard: unknown) => queueKeyboard(deps, card, keyboard);
      const refreshCard = () => fx.cards.refreshNow(fanId, PRIORITY.background);
      /** Answers the tap; `text`, or a word that the group is busy and the card follows. */
      const done = (text?: string) => {
        deps.wakeOutbox();
        return answer(deps, query.id, text ?? (groupBusy(deps) ? t('card.queued') : undefined));
      };
      switch (action.action) {
        case 'info': {
          const { reply_markup: _keyboard, ...card } = await fx.cards.renderNow(account);
          await deps.outbox.enqueue([
            {
              kind: 'notice.topic',
              target: { type: 'topic', chatId: deps.adminChatId, fanId },
              method: 'sendMessage',
              params: card,
              priority: PRIORITY.teamAnswer,
              fanId,
              dedupeKey: `card_info:${updateId}`,
            },
          ]);
          // The pinned card too: its flags and buttons (🧊 Unfreeze) may be behind.
          fx.cards.forget(fanId);
          await refreshCard();
          return done();
        }
        case 'gift_menu': {
          const settings = await fx.settings.getAll();
          await setKeyboard(giftKeyboard(fanId, settings['gift.presets'], t, query.id));
          return done();
        }
        case 'back':
          await setKeyboard(cardKeyboard(account, t));
          return done();
        case 'gift': {
          const presets = (await fx.settings.getAll())['gift.presets'];
          if (action.menu === null || !presets.includes(action.amount)) {
            // A stale menu (presets changed, or made before menus were keyed): show the current one.
            await setKeyboard(giftKeyboard(fanId, presets, t, query.id));
            return done(t('card.gift_stale'));
          }
          const text = await giftFromMenu(deps, {
            fanId,
            amount: action.amount,
            menu: action.menu,
            admin: ctx.from,
            languageCode: account.languageCode,
          });
          await setKeyboard(cardKeyboard(account, t));
          await refreshCard();
          return done(text);
        }
        case 'unfreeze': {
          const { changed, disputes } = await fx.accounts.unfreeze(fanId);
          if (changed) {
            deps.logger.info({ fanId, adminId: ctx.from.id, disputes }, 'owner unfroze a fan');
            const note = t('card.unfrozen', { admin, admin_id: ctx.from.id, disputes });
            await topicNotice(deps, fanId, note, `unfreeze:${query.id}`);
          }
          await refreshCard();
          return done();
        }
        case 'ban':
        case 'unban': {
          const banned = action.action === 'ban';
          if (await fx.accounts.setBanned(fanId, banned)) {
            await topicNotice(
              deps,
              fanId,
              t(banned ? 'card.banned' : 'card.unbanned', { admin }),
              `ban:${updateId}`,
            );
          }
          await refreshCard();
          return done();
        }
      }
    });
  },
};
