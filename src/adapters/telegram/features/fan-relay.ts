/**
 * A fan's message → their topic. It starts with the credit check (core/relay-policy): a
 * banned fan gets a polite refusal, a running pass makes it free (a banked pass starts with
 * it), otherwise it costs the price of its type; too few credits → not relayed, the fan is
 * told the shortfall with buy buttons. The spend and the relay (or the answer replacing it,
 * and a low-balance alert on crossing the threshold) commit in one transaction.
 *
 * Every kind of message is copied as is (captions kept). Album items are held back for
 * `albumHoldMs` after the first one, so the outbox sends them in one copyMessages call.
 */
import { messageCosts, type Settings } from '../../../config/settings.js';
import { crossedLowBalance, renderBalance } from '../../../core/balance.js';
import type { FanAccount, FanMessageOutcome, ProductOffer } from '../../../core/fan-account.js';
import { formatDuration, formatTime } from '../../../core/info-card.js';
import { messageTypeOf, type MessageShape, type MessageType } from '../../../core/pricing.js';
import type { Translate } from '../../../core/templates.js';
import { tierFor } from '../../../core/tiers.js';
import { PRIORITY, fanPriority, type NewOutboxJob } from '../../../core/traffic/outbox.js';
import type { BotDeps } from '../bot.js';
import { fanNotice, profileOf } from '../fan-texts.js';
import { productKeyboard } from '../keyboards.js';
import type { Feature } from './index.js';
import { SERVICE_FIELDS } from '../../../core/relay-policy.js';

/** Quick-buy buttons in alerts and prompts: credits packs first, a few at most. */
function quickBuy(products: readonly ProductOffer[]): ProductOffer[] {
  return [...products]
    .sort((a, b) => (a.type === b.type ? 0 : a.type === 'credits' ? -1 : 1))
    .slice(0, 4);
}

interface JobContext {
  fanId: number;
  updateId: number;
  messageId: number;
  type: MessageType;
  t: Translate;
  settings: Settings;
  products: readonly ProductOffer[];
  notBefore: Date | undefined;
  adminChatId: number;
}

/** The jobs of a fan message's outcome (run inside the spend's transaction). */
export function jobsForOutcome(
  c: JobContext,
  outcome: FanMessageOutcome,
  account: FanAccount,
): NewOutboxJob[] {
  const { fanId, updateId, t } = c;
  if (outcome.kind === 'refused') {
    return [fanNotice(fanId, t(outcome.reason), { dedupeKey: `refused:${updateId}` })];
  }
  if (outcome.kind === 'insufficient') {
    const text = t('insufficient', {
      type: t(`type.${c.type}`),
      cost: outcome.cost,
      credits: outcome.credits,
      shortfall: outcome.shortfall,
    });
    return [
      fanNotice(fanId, text, {
        keyboard: productKeyboard(quickBuy(c.products), t),
        dedupeKey: `prompt:${updateId}`,
      }),
    ];
  }
  const jobs: NewOutboxJob[] = [
    {
      kind: 'relay.fan',
      target: { type: 'topic', chatId: c.adminChatId, fanId },
      method: 'copyMessage',
      params: { from_chat_id: fanId, message_id: c.messageId },
      priority: fanPriority({ tier: account.tier, hasPaid: account.totalSpentCents > 0 }),
      fanId,
      dedupeKey: `relay:fan:${updateId}`,
      ...(c.notBefore ? { notBefore: c.notBefore } : {}),
    },
  ];
  if (outcome.passStarted) {
    const left = formatDuration(outcome.passStarted.seconds);
    jobs.push(
      fanNotice(fanId, t('pass.started', { ends: formatTime(outcome.passStarted.endsAt), left }), {
        dedupeKey: `pass_started:${updateId}`,
        priority: PRIORITY.payment,
      }),
    );
  }
  if (
    outcome.charged > 0 &&
    crossedLowBalance(outcome.before, outcome.after, c.settings['low_balance.threshold'])
  ) {
    const bar = renderBalance(
      { credits: outcome.after, lastTopUpBalance: account.lastTopUpBalance },
      t('balance.label'),
    );
    jobs.push(
      fanNotice(fanId, t('low_balance', { bar, credits: outcome.after }), {
        keyboard: productKeyboard(quickBuy(c.products), t),
        dedupeKey: `low_balance:${updateId}`,
        priority: PRIORITY.payment,
      }),
    );
  }
  return jobs;
}

/** Per-instance memory of albums being held: media_group_id → when the first item came. */
class AlbumHold {
  private readonly firstSeen = new Map<string, number>();
  constructor(private readonly holdMs: number) {}

  notBefore(groupId: string | undefined): Date | undefined {
    if (!groupId || this.holdMs <= 0) return undefined;
    const now = Date.now();
    for (const [id, at] of this.firstSeen) if (now - at > 60_000) this.firstSeen.delete(id);
    const first = this.firstSeen.get(groupId) ?? now;
    this.firstSeen.set(groupId, first);
    return new Date(first + this.holdMs);
  }
}

async function afterCommit(
  deps: BotDeps,
  outcome: FanMessageOutcome,
  account: FanAccount,
  settings: Settings,
) {
  const fx = deps.fan;
  if (outcome.kind !== 'relayed') return;
  if (outcome.charged > 0 && !outcome.duplicate) {
    try {
      await fx.spendObserver.onCreditsSpent(account.fanId, outcome.before, outcome.after);
    } catch (err) {
      deps.logger.warn({ err, fanId: account.fanId }, 'spend observer failed');
    }
    fx.balanceBar.request(account.fanId);
  }
  const tier = tierFor(account.totalSpentCents, settings['tier.thresholds']);
  if (tier !== account.tier) await fx.accounts.setTier(account.fanId, tier);
  fx.cards.request(account.fanId);
}

export const fanRelayFeature: Feature = {
  name: 'fan-relay',
  register(bot, deps) {
    const albums = new AlbumHold(deps.fan.albumHoldMs);
    bot.on('message', async (ctx, next) => {
      if (ctx.chat.type !== 'private') return next();
      const message = ctx.message as unknown as MessageShape &
        Record<string, unknown> & {
          message_id: number;
          media_group_id?: string;
          entities?: Array<{ type: string; offset: number }>;
        };
      if (SERVICE_FIELDS.some((field) => field in message)) return next();
      // Commands (/start, /balance…) are for the bot, not the team.
      const first = message.entities?.[0];
      if (first?.type === 'bot_command' && first.offset === 0) return next();

      const fx = deps.fan;
      const from = ctx.from;
      const [settings, products] = await Promise.all([
        fx.settings.getAll(),
        fx.products.activeProducts(),
      ]);
      const type = messageTypeOf(message);
      const context: JobContext = {
        fanId: from.id,
        updateId: ctx.update.update_id,
        messageId: message.message_id,
        type,
        t: fx.templates.forLanguage(from.language_code),
        settings,
        products,
        notBefore: albums.notBefore(message.media_group_id),
        adminChatId: deps.adminChatId,
      };
      const { outcome, account } = await fx.messages.handle({
        profile: profileOf(from),
        updateId: ctx.update.update_id,
        messageId: message.message_id,
        type,
        cost: messageCosts(settings)[type],
        now: fx.now(),
        jobsFor: (result, current) => jobsForOutcome(context, result, current),
      });
      deps.wakeOutbox();
      await afterCommit(deps, outcome, account, settings);
    });
  },
};
