/**
 * A fan's message → their topic, as one use case. It starts with the credit check
 * (`decideFanMessage`, pure): a banned fan gets a polite refusal, a running pass makes it
 * free (a banked pass starts with it), otherwise it costs the price of its type; too few
 * credits → not relayed, the fan is told the shortfall with buy buttons (once per burst:
 * `promptDue`). The spend and the
 * relay (or the answer replacing it, and a low-balance alert on crossing the threshold)
 * commit in one transaction through the `FanMessageStore` port. After the commit: the
 * spend observer (auto-recharge), the balance bar, the tier and the fan card.
 *
 * Album items are held back `albumHoldMs` and carry their album's key, so the outbox sends
 * the album in one copyMessages call once its latest item's hold is over, and an album is
 * paid in full or not at all (album.ts).
 * The jobs of each outcome, and the topic title that follows the fan's name, are built in
 * fan-outcome.ts.
 */
import { crossedLowBalance } from '../balance.js';
import { AccountFrozenError, InsufficientCreditsError } from '../errors.js';
import { ledgerKeys } from '../ledger.js';
import { passIsRunning, type PassTimes } from '../passes.js';
import { tierFor } from '../tiers.js';
import { albumKey } from '../traffic/outbox.js';
import { decideAlbumItem } from './album.js';
import {
  jobsForOutcome,
  titleJob,
  type AnswerContext,
  type FanMessageInput,
  type FanMessageOutcome,
  type FanMessageResult,
} from './fan-outcome.js';
import { promptDue } from './policy.js';
import type { FanMessageDeps, FanMessageTransaction, RelaySettings } from './ports.js';

export type { FanMessageInput, FanMessageOutcome, FanMessageResult } from './fan-outcome.js';

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
  return legacySpend(tx, input);
}

/** The spend recorded for this message under its update id (the key format of before). */
async function legacySpend(
  tx: FanMessageTransaction,
  input: FanMessageInput,
): Promise<{ creditsDelta: number } | null> {
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
  // A redelivered message that was paid for is relayed as before, never refused nor charged
  // again. A charge finds its own key through the ledger's unique index (`duplicate`), so
  // only the refusals — and the key format of before — need a look-up.
  if (decision.action !== 'free') {
    const earlier =
      decision.action === 'charge'
        ? await legacySpend(tx, input)
        : await earlierSpend(tx, input, spendKey);
    if (earlier) {
      const charged = -earlier.creditsDelta;
      return {
        kind: 'relayed',
        charged,
        before: credits + charged,
        after: credits,
        duplicate: true,
      };
    }
  }
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
        const meta = { reference, note: input.type };
        const spent = await tx.spend(decision.cost, spendKey, meta, now);
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
    // Decided from the row the transaction read: with auto-recharge off there is nothing to do.
    if (account.autoRecharge !== false) {
      try {
        await deps.spendObserver.onCreditsSpent(account.fanId, outcome.before, outcome.after);
      } catch (err) {
        deps.logger.warn({ err, fanId: account.fanId }, 'spend observer failed');
      }
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

/**
 * The outcome inside the transaction: an album item is decided with its album; a message
 * refused for want of credits is quiet when the fan was prompted earlier in the burst.
 */
async function recordOutcome(
  tx: FanMessageTransaction,
  input: FanMessageInput,
  cost: number,
  now: Date,
): Promise<FanMessageOutcome> {
  const decide = () => decideAndRecord(tx, input, cost, now);
  const outcome = input.mediaGroupId
    ? await decideAlbumItem(tx, input, cost, now, decide)
    : await decide();
  if (outcome.kind !== 'insufficient') return outcome;
  // Under the fan's row lock: concurrent updates and other instances see this mark.
  if (!promptDue(await tx.promptState(), now)) return { ...outcome, quiet: true };
  await tx.markPrompted(now);
  return outcome;
}

/** The fan message use case: decide, record and queue in one transaction, then follow up. */
export function createFanMessageHandler(
  deps: FanMessageDeps,
): (input: FanMessageInput) => Promise<FanMessageResult> {
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
      // An album item waits for its siblings; the outbox holds the album until the hold of its
      // latest item is over (items handled slowly or by other instances still join it).
      // The outbox schedules in real time (a sandbox clock moved on must not hold an album).
      notBefore: input.mediaGroupId ? new Date(Date.now() + deps.albumHoldMs) : undefined,
    };
    const now = deps.now();
    const result = await deps.store.inTransaction(
      input.profile,
      async (tx) => {
        const outcome = await recordOutcome(tx, input, settings.costs[input.type], now);
        if (outcome.kind === 'relayed' && !outcome.duplicate) await tx.countMessage(now);
        const account = await tx.account();
        const jobs = jobsForOutcome(answer, outcome, account);
        // An album item's copy carries its album's key: the outbox sends the album in one call.
        const album = input.mediaGroupId && albumKey(input.profile.id, input.mediaGroupId);
        for (const job of jobs) if (album && job.kind === 'relay.fan') job.albumKey = album;
        const retitle = titleJob(answer, await tx.topicTitle());
        if (retitle) {
          await tx.setTopicTitle(retitle.params.name as string);
          jobs.push(retitle);
        }
        if (jobs.length > 0) await tx.enqueue(jobs);
        return { outcome, account };
      },
      input.updateId,
    );
    deps.wake();
    await afterCommit(deps, result, settings);
    if (result.outcome.kind === 'insufficient') {
      deps.lostSales?.attempted({ fanId: input.profile.id, messageId: input.messageId, at: now });
    }
    return result;
  };
}
