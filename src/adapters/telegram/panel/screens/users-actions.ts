/**
 * The user screen's actions. The framework checks the button's permission with `can()` and
 * claims the menu's version first (a double tap acts once); behind it each write is itself
 * once-only — gifts carry the ledger key of their gift menu, ban/tier/notes/unfreeze are
 * conditional updates, a refund carries a Stripe idempotency key — and only a write that
 * changed something is audited (before/after) and told in the fan's topic.
 */
import { ErrorCodes, hasCode } from '../../../../core/errors.js';
import {
  isStarsPayment,
  MAX_GIFT_CREDITS,
  MAX_NOTE_LENGTH,
  panelGiftKeys,
  refundableCents,
  tierOf,
} from '../../../../core/fan-admin.js';
import { TextBuilder } from '../../../../core/formatted-text.js';
import { formatDuration } from '../../../../core/info-card.js';
import { formatMoney } from '../../../../core/money.js';
import { fanNotice } from '../../../../core/relay/notices.js';
import { tierFor } from '../../../../core/tiers.js';
import { PRIORITY } from '../../../../core/traffic/outbox.js';
import type { ActionResult, InputResult, ScreenContext } from '../types.js';
import { refundStarsPayment } from './users-stars-refund.js';
import { adminT, type UsersState } from './users-views.js';

type Result = ActionResult<UsersState>;
type Action = (ctx: ScreenContext, state: UsersState, args: unknown) => Promise<Result>;

/** Back to the user screen of the state's fan. */
function userOf(state: UsersState): UsersState {
  if (state.view === 'list') return state;
  return { view: 'user', fanId: state.fanId, back: state.back };
}

function fanIdOf(state: UsersState): number | null {
  return state.view === 'list' ? null : state.fanId;
}

/** A note in the fan's topic (only when they have one), once per `key`. */
async function topicNote(ctx: ScreenContext, fanId: number, text: string, key: string) {
  const account = await ctx.deps.fan.accounts.get(fanId);
  if (!account?.topic) return;
  await ctx.deps.outbox.enqueue([
    {
      kind: 'notice.topic',
      target: { type: 'topic', chatId: ctx.deps.adminChatId, fanId },
      method: 'sendMessage',
      params: { text },
      priority: PRIORITY.teamAnswer,
      fanId,
      dedupeKey: key,
    },
  ]);
  ctx.deps.wakeOutbox();
}

async function audit(
  ctx: ScreenContext,
  entry: { action: string; fanId: number; subject?: string; before?: unknown; after?: unknown },
) {
  await ctx.panel.audit.record({ actorId: ctx.actor.id, ...entry });
}

/** Gives `amount` credits once per gift menu (`nonce`); the fan and the topic are told. */
async function giveCredits(ctx: ScreenContext, state: UsersState, amount: number): Promise<string> {
  if (state.view !== 'gift' || state.kind !== 'credits') return 'Open 🎁 Gift credits again.';
  const t = adminT(ctx);
  const key = panelGiftKeys.credits(state.nonce);
  let result: { duplicate: boolean; credits: number };
  try {
    result = await ctx.deps.fan.accounts.gift(
      state.fanId,
      amount,
      key,
      `by admin ${ctx.actor.id} (panel)`,
    );
  } catch (err) {
    if (hasCode(err, ErrorCodes.idempotencyConflict)) return t('card.gift_already');
    throw err;
  }
  if (result.duplicate) return t('card.gift_already');
  await audit(ctx, {
    action: 'fans:gift',
    fanId: state.fanId,
    subject: 'credits',
    before: result.credits - amount,
    after: result.credits,
  });
  const fanAccount = await ctx.deps.fan.accounts.get(state.fanId);
  const fanT = ctx.deps.fan.templates.forLanguage(fanAccount?.languageCode);
  await ctx.deps.outbox.enqueue([
    fanNotice(state.fanId, fanT('gift.notice', { amount }), {
      dedupeKey: `gift_fan:${key}`,
      priority: PRIORITY.payment,
    }),
  ]);
  const admin = ctx.actor.firstName;
  await topicNote(
    ctx,
    state.fanId,
    t('card.gifted', { admin, amount, credits: result.credits }),
    `gift_topic:${key}`,
  );
  ctx.deps.fan.cards.request(state.fanId);
  return t('card.gift_answer', { amount });
}

const gift: Action = async (ctx, state, args) => {
  const amount = Number((args as { amount?: unknown } | null)?.amount);
  if (!Number.isSafeInteger(amount) || amount < 1 || amount > MAX_GIFT_CREDITS) return {};
  return { toast: await giveCredits(ctx, state, amount), state: userOf(state) };
};

const giftOther: Action = async () => ({
  prompt: {
    text: `🎁 How many credits? Reply with a whole number from 1 to ${MAX_GIFT_CREDITS}.`,
    input: 'gift',
    placeholder: 'e.g. 15',
    permission: 'fans:gift',
  },
});

const giftTime: Action = async (ctx, state, args) => {
  const seconds = Number((args as { seconds?: unknown } | null)?.seconds);
  if (state.view !== 'gift' || state.kind !== 'pass' || !ctx.panel.ledger) return {};
  if (!Number.isSafeInteger(seconds) || seconds <= 0) return {};
  const key = panelGiftKeys.pass(state.nonce);
  let granted;
  try {
    granted = await ctx.panel.ledger.grantTime(state.fanId, seconds, key, {
      note: `gift by admin ${ctx.actor.id} (panel)`,
    });
  } catch (err) {
    if (hasCode(err, ErrorCodes.idempotencyConflict))
      return { toast: 'Already gifted from this menu.', state: userOf(state) };
    throw err;
  }
  if (granted.duplicate) return { toast: 'Already gifted from this menu.', state: userOf(state) };
  const banked = granted.balance.seconds;
  await audit(ctx, {
    action: 'fans:gift',
    fanId: state.fanId,
    subject: 'pass_seconds',
    before: banked - seconds + granted.debtSettled,
    after: banked,
  });
  const time = formatDuration(seconds);
  await topicNote(
    ctx,
    state.fanId,
    `⏳ ${ctx.actor.firstName} gifted ${time} of pass time (banked).`,
    `gift_topic:${key}`,
  );
  ctx.deps.fan.cards.request(state.fanId);
  return { toast: `Gifted ${time} of pass time.`, state: userOf(state) };
};

const ban: Action = async (ctx, state, args) => {
  const fanId = fanIdOf(state);
  const banned = (args as { ban?: unknown } | null)?.ban === true;
  if (fanId === null) return {};
  if (!(await ctx.deps.fan.accounts.setBanned(fanId, banned))) {
    return { toast: banned ? 'Already banned.' : 'Not banned.', state: userOf(state) };
  }
  await audit(ctx, { action: 'fans:ban', fanId, before: !banned, after: banned });
  const t = adminT(ctx);
  const admin = ctx.actor.firstName;
  await topicNote(
    ctx,
    fanId,
    t(banned ? 'card.banned' : 'card.unbanned', { admin }),
    `panel_ban:${fanId}:${Date.now()}`,
  );
  ctx.deps.fan.cards.request(fanId);
  return { toast: banned ? '🚫 Banned.' : '✅ Unbanned.', state: userOf(state) };
};

const tier: Action = async (ctx, state, args) => {
  const fanId = fanIdOf(state);
  const raw = (args as { tier?: unknown } | null)?.tier;
  const wanted = raw === null ? null : tierOf(raw);
  const account = fanId === null ? null : await ctx.deps.fan.accounts.get(fanId);
  if (!account || (raw !== null && wanted === null)) return {};
  const thresholds = await ctx.panel.settings.get('tier.thresholds');
  const spendTier = tierFor(account.totalSpentCents, thresholds);
  const changed = await ctx.panel.fanAdmin!.setTierOverride(account.fanId, wanted, spendTier);
  if (!changed) return { toast: 'Nothing changed.', state: userOf(state) };
  await audit(ctx, {
    action: 'fans:tier',
    fanId: account.fanId,
    before: changed.before ?? `${account.tier} (spend)`,
    after: wanted ?? `${spendTier} (spend)`,
  });
  ctx.deps.fan.cards.request(account.fanId);
  return {
    toast: wanted ? `⭐ Tier set to ${wanted} by hand.` : '↩️ The tier follows spend again.',
    state: userOf(state),
  };
};

const note: Action = async () => ({
  prompt: {
    text: `📝 The private note on this fan (the team only; at most ${MAX_NOTE_LENGTH} characters). Reply with the new note; it replaces the old one.`,
    input: 'note',
    placeholder: 'e.g. prefers voice notes',
    permission: 'fans:note',
  },
});

/** Stores the note (null clears) and audits it; the reason when nothing could be stored. */
async function saveNote(
  ctx: ScreenContext,
  fanId: number,
  notes: string | null,
): Promise<string | null> {
  const facts = await ctx.panel.fanAdmin!.facts(fanId, 0);
  if (!facts) return 'No such fan.';
  if (facts.notes === notes) return null;
  if (!(await ctx.panel.fanAdmin!.setNotes(fanId, notes))) {
    return 'This fan has no topic yet: notes are possible once they have one.';
  }
  await audit(ctx, { action: 'fans:note', fanId, before: facts.notes, after: notes });
  return null;
}

const clearNote: Action = async (ctx, state) => {
  const fanId = fanIdOf(state);
  if (fanId === null) return {};
  const problem = await saveNote(ctx, fanId, null);
  return { toast: problem ?? '🗑 Note cleared.', state: userOf(state) };
};

const unfreeze: Action = async (ctx, state) => {
  const fanId = fanIdOf(state);
  if (fanId === null) return {};
  const { changed, disputes } = await ctx.deps.fan.accounts.unfreeze(fanId);
  if (!changed) return { toast: 'Not frozen.', state: userOf(state) };
  await audit(ctx, { action: 'fans:unfreeze', fanId, before: true, after: false });
  const t = adminT(ctx);
  const text = t('card.unfrozen', { admin: ctx.actor.firstName, admin_id: ctx.actor.id, disputes });
  await topicNote(ctx, fanId, text, `panel_unfreeze:${fanId}:${Date.now()}`);
  ctx.deps.fan.cards.request(fanId);
  return { toast: '🧊 Unfrozen: the fan can spend again.', state: userOf(state) };
};

const refund: Action = async (ctx, state, args) => {
  const fanId = fanIdOf(state);
  const paymentId = Number((args as { paymentId?: unknown } | null)?.paymentId);
  const payment = Number.isSafeInteger(paymentId)
    ? await ctx.panel.fanAdmin!.payment(paymentId)
    : null;
  if (fanId === null || !payment || payment.fanId !== fanId)
    return { toast: 'No such payment.', state: userOf(state) };
  const left = refundableCents(payment);
  if (left > 0 && isStarsPayment(payment))
    return { toast: await refundStarsPayment(ctx, payment), state: userOf(state) };
  if (left === 0 || !payment.paymentIntentId)
    return { toast: 'Nothing left to refund on this payment.', state: userOf(state) };
  if (!ctx.panel.refunds)
    return { toast: 'Payments are not set up on this server.', state: userOf(state) };
  const amount = formatMoney(left, payment.currency, 'en');
  let refunded: { refundId: string; status: string; replayed: boolean };
  try {
    refunded = await ctx.panel.refunds.refund({
      paymentId: payment.id,
      paymentIntentId: payment.paymentIntentId,
      amountCents: left,
      refundedBeforeCents: payment.amountRefundedCents,
      currency: payment.currency,
      fanId,
      actorId: ctx.actor.id,
    });
  } catch (err) {
    ctx.deps.logger.warn({ err, paymentId }, 'panel refund failed');
    return {
      toast: `❌ Stripe did not refund ${amount}; nothing changed. See the logs.`,
      state: userOf(state),
    };
  }
  if (refunded.replayed) {
    return {
      toast: `Already refunded (${refunded.refundId}); waiting for Stripe’s confirmation.`,
      state: userOf(state),
    };
  }
  await audit(ctx, {
    action: 'payments:refund',
    fanId,
    subject: `payment #${payment.id}`,
    before: { status: payment.status, refundedCents: payment.amountRefundedCents },
    after: { refund: refunded.refundId, amountCents: left, currency: payment.currency },
  });
  return {
    toast: `💸 ${amount} refunded (${refunded.status}); the credits follow Stripe’s confirmation.`,
    state: userOf(state),
  };
};

/** The user screen's actions, by the name its buttons carry. */
export const fanActions: Record<string, Action> = {
  gift,
  gift_other: giftOther,
  gift_time: giftTime,
  ban,
  tier,
  note,
  clear_note: clearNote,
  unfreeze,
  refund,
};

const reply = (text: string) => new TextBuilder().plain(text).build();

/** A typed credit gift (the gift menu's "Other amount"). */
export async function giftInput(
  ctx: ScreenContext,
  state: UsersState,
  _args: unknown,
  text: string,
): Promise<InputResult<UsersState>> {
  const amount = Number(text.trim());
  if (!Number.isSafeInteger(amount) || amount < 1 || amount > MAX_GIFT_CREDITS) {
    return {
      ok: false,
      reply: reply(
        `❌ A whole number from 1 to ${MAX_GIFT_CREDITS}, please. Reply again, or /cancel.`,
      ),
    };
  }
  return { ok: true, reply: reply(await giveCredits(ctx, state, amount)), state: userOf(state) };
}

/** A typed note (`-` clears it). */
export async function noteInput(
  ctx: ScreenContext,
  state: UsersState,
  _args: unknown,
  text: string,
): Promise<InputResult<UsersState>> {
  const fanId = fanIdOf(state);
  const value = text.trim();
  if (fanId === null) return { ok: true };
  if (value.length > MAX_NOTE_LENGTH) {
    return {
      ok: false,
      reply: reply(
        `❌ At most ${MAX_NOTE_LENGTH} characters (this one has ${value.length}). Reply again, or /cancel.`,
      ),
    };
  }
  const problem = await saveNote(ctx, fanId, value === '' || value === '-' ? null : value);
  if (problem) return { ok: false, reply: reply(`❌ ${problem}`) };
  return { ok: true, reply: reply('📝 Note saved.'), state: userOf(state) };
}
