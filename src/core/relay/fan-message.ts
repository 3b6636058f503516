/**
 * A fan's message → their topic, as one use case. It starts with the credit check
 * (`decideFanMessage`, pure): a banned fan gets a polite refusal, a running pass makes it
 * free (a banked pass starts with it), otherwise it costs the price of its type; too few
 * credits → not relayed, the fan is told the shortfall with buy buttons. The spend and the
 * relay (or the answer replacing it, and a low-balance alert on crossing the threshold)
 * commit in one transaction through the `FanMessageStore` port. After the commit: the
 * spend observer (auto-recharge), the balance bar, the tier and the fan card.
 *
 * Album items are held back for `albumHoldMs` after the first one, so the outbox sends
 * them in one copyMessages call.
 */
import { crossedLowBalance, renderBalance } from '../balance.js';
import { AccountFrozenError, InsufficientCreditsError } from '../errors.js';
import type { FanAccount, ProductOffer } from '../fan-account.js';
import { formatDuration, formatTime } from '../info-card.js';
import { productKeyboard } from '../keyboards.js';
import type { FanProfile } from '../fan.js';
import { ledgerKeys } from '../ledger.js';
import { passIsRunning, type PassTimes } from '../passes.js';
import type { MessageType } from '../pricing.js';
import type { Translate } from '../templates.js';
import { tierFor } from '../tiers.js';
import { PRIORITY, fanPriority, type NewOutboxJob } from '../traffic/outbox.js';
import { fanNotice } from './notices.js';
import type { FanMessageDeps, FanMessageTransaction, RelaySettings } from './ports.js';

/** What the relay knows about the fan when a message arrives. */
export interface FanMessageState {
  banned: boolean;
  frozen: boolean;
  credits: number;
  /** Pass seconds bought and not started yet. */
  bankedSeconds: number;
  pass: PassTimes;
}

/** What happens to a fan message. */
export type FanMessageDecision =
  /** Not relayed: a polite refusal (banned) or an "account on hold" note (open dispute). */
  | { action: 'refuse'; reason: 'banned' | 'frozen' }
  /** Relayed for free: a pass is running, or this message starts the banked pass. */
  | { action: 'free'; reason: 'pass' | 'start_pass' | 'free_type' }
  /** Relayed for `cost` credits. */
  | { action: 'charge'; cost: number }
  /** Not relayed: the fan is `shortfall` credits short. */
  | { action: 'insufficient'; cost: number; credits: number; shortfall: number };

/**
 * The credit check every fan message starts with. A running pass makes messages free; a
 * banked pass starts with the first message after the purchase and runs continuously.
 */
export function decideFanMessage(
  state: FanMessageState,
  cost: number,
  now: Date,
): FanMessageDecision {
  if (state.banned) return { action: 'refuse', reason: 'banned' };
  if (state.frozen) return { action: 'refuse', reason: 'frozen' };
  if (passIsRunning(state.pass, now)) return { action: 'free', reason: 'pass' };
  if (state.bankedSeconds > 0) return { action: 'free', reason: 'start_pass' };
  if (cost <= 0) return { action: 'free', reason: 'free_type' };
  if (state.credits >= cost) return { action: 'charge', cost };
  return { action: 'insufficient', cost, credits: state.credits, shortfall: cost - state.credits };
}

/** A fan message, as the Telegram feature translates it from an Update. */
export interface FanMessageInput {
  profile: FanProfile;
  updateId: number;
  messageId: number;
  type: MessageType;
  /** The album it belongs to, if any. */
  mediaGroupId?: string;
}

/** What happened to a fan message. */
export type FanMessageOutcome =
  | {
      kind: 'relayed';
      /** Credits spent (0 when free). */
      charged: number;
      before: number;
      after: number;
      /** Why it was free, when it was. */
      free?: 'pass' | 'start_pass' | 'free_type';
      /** The pass this message started. */
      passStarted?: { endsAt: Date; seconds: number };
      /** The spend key was used before (a redelivered update): nothing moved this time. */
      duplicate: boolean;
    }
  | { kind: 'insufficient'; cost: number; credits: number; shortfall: number }
  | { kind: 'refused'; reason: 'banned' | 'frozen' };

/** The outcome and the fan's account right after it. */
export interface FanMessageResult {
  outcome: FanMessageOutcome;
  account: FanAccount;
}

/** Quick-buy buttons in alerts and prompts: credits packs first, a few at most. */
function quickBuy(products: readonly ProductOffer[]): ProductOffer[] {
  return [...products]
    .sort((a, b) => (a.type === b.type ? 0 : a.type === 'credits' ? -1 : 1))
    .slice(0, 4);
}

/** What the outbox jobs of an outcome are built from. */
export interface AnswerContext {
  input: FanMessageInput;
  adminChatId: number;
  t: Translate;
  settings: RelaySettings;
  products: readonly ProductOffer[];
  notBefore: Date | undefined;
}

/** The jobs of a fan message's outcome (built inside the spend's transaction). */
export function jobsForOutcome(
  c: AnswerContext,
  outcome: FanMessageOutcome,
  account: FanAccount,
): NewOutboxJob[] {
  const { t } = c;
  const { messageId } = c.input;
  const fanId = c.input.profile.id;
  // Keyed on the message, not the update: Telegram restarts update ids, and a later fan's
  // message with a reused id must not find an earlier job's key.
  const message = `${fanId}:${messageId}`;
  if (outcome.kind === 'refused') {
    return [fanNotice(fanId, t(outcome.reason), { dedupeKey: `refused:${message}` })];
  }
  if (outcome.kind === 'insufficient') {
    const text = t('insufficient', {
      type: t(`type.${c.input.type}`),
      cost: outcome.cost,
      credits: outcome.credits,
      shortfall: outcome.shortfall,
    });
    return [
      fanNotice(fanId, text, {
        keyboard: productKeyboard(quickBuy(c.products), t),
        dedupeKey: `prompt:${message}`,
      }),
    ];
  }
  const jobs: NewOutboxJob[] = [
    {
      kind: 'relay.fan',
      target: { type: 'topic', chatId: c.adminChatId, fanId },
      method: 'copyMessage',
      params: { from_chat_id: fanId, message_id: messageId },
      priority: fanPriority({ tier: account.tier, hasPaid: account.totalSpentCents > 0 }),
      fanId,
      dedupeKey: `relay:fan:${message}`,
      ...(c.notBefore ? { notBefore: c.notBefore } : {}),
      // A paid relay carries its spend, so the credits come back if it is never delivered.
      ...(outcome.charged > 0 ? { spendKey: ledgerKeys.messageSpend(fanId, messageId) } : {}),
    },
  ];
  if (outcome.passStarted) {
    const left = formatDuration(outcome.passStarted.seconds);
    jobs.push(
      fanNotice(fanId, t('pass.started', { ends: formatTime(outcome.passStarted.endsAt), left }), {
        dedupeKey: `pass_started:${message}`,
        priority: PRIORITY.payment,
      }),
    );
  }
  if (
    outcome.charged > 0 &&
    crossedLowBalance(outcome.before, outcome.after, c.settings.lowBalanceThreshold)
  ) {
    const bar = renderBalance(
      { credits: outcome.after, lastTopUpBalance: account.lastTopUpBalance },
      t('balance.label'),
    );
    jobs.push(
      fanNotice(fanId, t('low_balance', { bar, credits: outcome.after }), {
        keyboard: productKeyboard(quickBuy(c.products), t),
        dedupeKey: `low_balance:${message}`,
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

/**
 * The spend already recorded for this message: under its key, or under the update id key
 * used before spends were keyed by message (an update redelivered across the upgrade),
 * recognised by its fan and the message it paid for.
 */
async function earlierSpend(
  tx: FanMessageTransaction,
  input: FanMessageInput,
  spendKey: string,
): Promise<{ creditsDelta: number } | null> {
  const earlier = await tx.earlierEntry(spendKey);
  if (earlier) return earlier;
  const legacy = await tx.earlierEntry(ledgerKeys.spend(input.updateId));
  const same = legacy?.fanId === input.profile.id && legacy.reference === referenceOf(input);
  return same ? legacy : null;
}

/** The reference stored with a fan message's ledger entry. */
function referenceOf(input: FanMessageInput): string {
  return `message:${input.messageId}`;
}

/** The decision carried out inside the transaction: the spend, the started pass, or nothing. */
async function decideAndRecord(
  tx: FanMessageTransaction,
  input: FanMessageInput,
  cost: number,
  now: Date,
): Promise<FanMessageOutcome> {
  const spendKey = ledgerKeys.messageSpend(input.profile.id, input.messageId);
  const earlier = await earlierSpend(tx, input, spendKey);
  if (earlier) {
    const after = await tx.credits();
    const charged = -earlier.creditsDelta;
    return { kind: 'relayed', charged, before: after + charged, after, duplicate: true };
  }
  const account = await tx.account();
  const credits = account.credits;
  const decision = decideFanMessage(
    {
      banned: account.banned,
      frozen: account.frozen,
      credits,
      bankedSeconds: account.bankedSeconds,
      pass: { startedAt: account.passStartedAt, endsAt: account.passEndsAt },
    },
    cost,
    now,
  );
  const reference = referenceOf(input);
  switch (decision.action) {
    case 'refuse':
      return { kind: 'refused', reason: decision.reason };
    case 'insufficient': {
      const { cost: price, shortfall } = decision;
      return { kind: 'insufficient', cost: price, credits: decision.credits, shortfall };
    }
    case 'free': {
      if (decision.reason !== 'start_pass') {
        const free = decision.reason;
        return {
          kind: 'relayed',
          charged: 0,
          before: credits,
          after: credits,
          free,
          duplicate: false,
        };
      }
      const passKey = ledgerKeys.messagePassStart(input.profile.id, input.messageId);
      const started = await tx.startPass(now, passKey, { reference });
      return {
        kind: 'relayed',
        charged: 0,
        before: credits,
        after: credits,
        free: 'start_pass',
        passStarted: { endsAt: started.passEndsAt, seconds: started.seconds },
        duplicate: started.duplicate,
      };
    }
    case 'charge':
      try {
        const spent = await tx.spend(decision.cost, spendKey, { reference, note: input.type });
        const after = spent.credits;
        return {
          kind: 'relayed',
          charged: decision.cost,
          before: after + decision.cost,
          after,
          duplicate: spent.duplicate,
        };
      } catch (err) {
        // Another instance spent first (the conditional update refused), or a dispute froze the fan.
        if (err instanceof InsufficientCreditsError) {
          const shortfall = decision.cost - err.balance;
          return { kind: 'insufficient', cost: decision.cost, credits: err.balance, shortfall };
        }
        if (err instanceof AccountFrozenError) return { kind: 'refused', reason: 'frozen' };
        throw err;
      }
  }
}

/** After the commit: auto-recharge, the balance bar, the tier and the fan card. */
async function afterCommit(
  deps: FanMessageDeps,
  { outcome, account }: FanMessageResult,
  settings: RelaySettings,
): Promise<void> {
  if (outcome.kind !== 'relayed') return;
  if (outcome.charged > 0 && !outcome.duplicate) {
    try {
      await deps.spendObserver.onCreditsSpent(account.fanId, outcome.before, outcome.after);
    } catch (err) {
      deps.logger.warn({ err, fanId: account.fanId }, 'spend observer failed');
    }
    // The low-balance alert carries the bar: then it is the burst's only balance message.
    if (crossedLowBalance(outcome.before, outcome.after, settings.lowBalanceThreshold)) {
      deps.balanceBar.shownInAlert(account.fanId);
    } else {
      deps.balanceBar.request(account.fanId);
    }
  }
  const tier = tierFor(account.totalSpentCents, settings.tierThresholds);
  if (tier !== account.tier) await deps.accounts.setTier(account.fanId, tier);
  deps.cards.request(account.fanId);
}

/** The fan message use case: decide, record and queue in one transaction, then follow up. */
export function createFanMessageHandler(
  deps: FanMessageDeps,
): (input: FanMessageInput) => Promise<FanMessageResult> {
  const albums = new AlbumHold(deps.albumHoldMs);
  return async function handleFanMessage(input) {
    const [settings, products] = await Promise.all([
      deps.settings(),
      deps.products.activeProducts(),
    ]);
    const answer: AnswerContext = {
      input,
      adminChatId: deps.adminChatId,
      t: deps.templates.forLanguage(input.profile.languageCode),
      settings,
      products,
      notBefore: albums.notBefore(input.mediaGroupId),
    };
    const now = deps.now();
    const result = await deps.store.inTransaction(input.profile, async (tx) => {
      const outcome = await decideAndRecord(tx, input, settings.costs[input.type], now);
      if (outcome.kind === 'relayed' && !outcome.duplicate) await tx.countMessage(now);
      const account = await tx.account();
      const jobs = jobsForOutcome(answer, outcome, account);
      if (jobs.length > 0) await tx.enqueue(jobs);
      return { outcome, account };
    });
    deps.wake();
    await afterCommit(deps, result, settings);
    return result;
  };
}
