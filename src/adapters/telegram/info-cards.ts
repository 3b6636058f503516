/**
 * The user info card in each fan topic. It is posted right after the topic is created
 * (before the first relay, so it is the topic's first message), pinned only when
 * `relay.pin_card` says so (a pin costs one of the group's 20 messages a minute), and edited
 * when what it shows changes. Edits spend the admin group's shared budget, so they are
 * coalesced: at most one per fan per `refreshDelayMs`, sent at the lowest priority, and only
 * when the text actually changed.
 */
import { createHash } from 'node:crypto';
import type { FanAccount, FanAccounts } from '../../core/fan-account.js';
import { textParams } from '../../core/formatted-text.js';
import { renderCard } from '../../core/info-card.js';
import type { Logger } from '../../core/logger.js';
import type { MessageCatalog } from '../../core/templates.js';
import { BoundedMap } from '../../core/traffic/bounded-set.js';
import { PRIORITY, messageLane, type OutboxStore } from '../../core/traffic/outbox.js';
import { cardKeyboard, type InlineKeyboard } from '../../core/keyboards.js';
import { teamTexts, type SaleView } from '../../core/payments/texts.js';
import type { TelegramSender } from './sender.js';

export interface InfoCardsDeps {
  sender: TelegramSender;
  outbox: Pick<OutboxStore, 'enqueue'>;
  accounts: FanAccounts;
  templates: MessageCatalog;
  adminChatId: number;
  adminLanguage: string;
  currency: string;
  logger: Logger;
  refreshDelayMs: number;
  wake: () => void;
  now?: () => Date;
  /** `display.time_zone`: the zone of the card's dates (default UTC). */
  timeZone?: () => Promise<string>;
  /** `relay.pin_card`: pin a new card (a pin spends one of the group's messages). */
  pinCard?: () => Promise<boolean>;
  /** The name of the team member who holds the fan (null: nobody; the card says who). */
  claimerOf?: (fanId: number) => Promise<string | null>;
  /**
   * The fan's latest purchase (null: none), shown on the card: the sale note of a fan's first
   * purchase is folded into the card that opens their topic (issue 20).
   */
  latestPurchase?: (fanId: number) => Promise<SaleView | null>;
  /**
   * The account, who holds the fan and their latest purchase in one read (issue 17); without
   * it `accounts.get`, `claimerOf` and `latestPurchase` are read one by one.
   */
  view?: (fanId: number) => Promise<CardData | null>;
}

/** What a card is rendered from. */
export interface CardData {
  account: FanAccount;
  claimedBy: string | null;
  sale: SaleView | null;
}

/** Cards whose shown content is remembered (the most recently refreshed ones). */
const MAX_SHOWN_CARDS = 10_000;

/**
 * What a card shows, as a short digest: remembering 10,000 cards' text and keyboard would
 * hold ~1 KB each (issue 17: serve's RSS at 10,000 fans); a digest holds 28 characters.
 */
function shownKey(params: Record<string, unknown>): string {
  return createHash('sha1').update(JSON.stringify(params)).digest('base64');
}

export class InfoCards {
  private readonly timers = new Map<number, NodeJS.Timeout>();
  /**
   * What each card shows now (a digest of its text and keyboard), to skip edits that change
   * nothing. Bounded: a card forgotten here only costs one edit that may change nothing.
   */
  private readonly shown = new BoundedMap<number, string>(MAX_SHOWN_CARDS);
  private readonly running = new Set<Promise<unknown>>();
  private readonly now: () => Date;
  private readonly closing = new AbortController();
  /** The zone of the latest async render (`render` itself stays synchronous). */
  private timeZone: string | undefined;

  constructor(private readonly deps: InfoCardsDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * The card's text, entities and keyboard (`claimedBy`: who holds the fan; `sale`: their
   * latest purchase).
   */
  render(
    account: FanAccount,
    claimedBy?: string | null,
    sale?: SaleView | null,
  ): Record<string, unknown> & { reply_markup: InlineKeyboard } {
    const t = this.deps.templates.forLanguage(this.deps.adminLanguage);
    const options = {
      now: this.now(),
      currency: this.deps.currency,
      timeZone: this.timeZone,
      claimedBy,
      latestPurchase: sale ? teamTexts.cardPurchase(t, sale) : null,
    };
    const text = renderCard(account, t, options);
    return { ...textParams(text), reply_markup: cardKeyboard(account, t) };
  }

  /** The card as it stands now (who holds the fan, their latest purchase), for a fresh copy. */
  async renderNow(account: FanAccount): Promise<ReturnType<InfoCards['render']>> {
    await this.readTimeZone();
    return this.render(
      account,
      await this.claimerOf(account.fanId),
      await this.saleOf(account.fanId),
    );
  }

  /** The card's data: one read when the store offers it, else the account and its parts. */
  private async data(fanId: number): Promise<CardData | null> {
    if (this.deps.view) return this.deps.view(fanId);
    const account = await this.deps.accounts.get(fanId);
    if (!account) return null;
    return { account, claimedBy: await this.claimerOf(fanId), sale: await this.saleOf(fanId) };
  }

  /** Who holds the fan, for the card (a failed read shows nobody). */
  private async claimerOf(fanId: number): Promise<string | null> {
    return (await this.deps.claimerOf?.(fanId).catch(() => null)) ?? null;
  }

  /** The fan's latest purchase, for the card (a failed read shows none). */
  private async saleOf(fanId: number): Promise<SaleView | null> {
    return (await this.deps.latestPurchase?.(fanId).catch(() => null)) ?? null;
  }

  /** Reads `display.time_zone` for the next render (a failed read keeps the last zone). */
  private async readTimeZone(): Promise<void> {
    this.timeZone = (await this.deps.timeZone?.().catch(() => undefined)) ?? this.timeZone;
  }

  /**
   * Posts and pins the card of a topic just created. Called inside topic creation (single
   * flight), so relays wait for it; a failure is logged and the next refresh posts it.
   * Resolves to true when the card was posted (it shows the fan's latest purchase).
   */
  async post(
    fanId: number,
    topicId: number,
    isNewTopic = true,
    alreadyClaimed = false,
  ): Promise<boolean> {
    // Shutting down: the database may be closing; a later refresh posts the card (a claim
    // that cannot be given back is taken over once stale).
    if (this.closing.signal.aborted) {
      if (alreadyClaimed) await this.unclaim(fanId, topicId);
      return false;
    }
    // One card per topic, whichever instance gets here first (0 marks "being posted"); a
    // new topic's card may come claimed with the topic's insert (`alreadyClaimed`).
    const claimed =
      alreadyClaimed ||
      (await this.deps.accounts.claimCard(fanId, topicId, isNewTopic).catch((err: unknown) => {
        this.deps.logger.warn({ err, fanId, topicId }, 'could not claim the fan card');
        return false;
      }));
    if (!claimed) return false;
    // The card read below shows everything asked for so far: a refresh pending for the fan
    // (the spend of the message that opened the topic asked for one) would read it all again
    // for nothing. Asked again if the card cannot be posted.
    const pending = this.cancel(fanId);
    let posted = false;
    try {
      const data = await this.data(fanId);
      if (!data) {
        await this.unclaim(fanId, topicId);
        return false;
      }
      const { account } = data;
      await this.readTimeZone();
      const params = this.render(account, data.claimedBy, data.sale);
      // The topic's own group (with several admin groups, the fan's).
      const chatId = account.topic?.chatId ?? this.deps.adminChatId;
      const maxWaitMs = this.deps.sender.scheduler.rules.group.windowMs * 2;
      const sent = await this.deps.sender.send<{ message_id: number }>(
        'sendMessage',
        { chat_id: chatId, message_thread_id: topicId, ...params, disable_notification: true },
        { maxAttempts: 3, maxWaitMs, signal: this.closing.signal },
      );
      await this.deps.accounts.setCardMessage(fanId, topicId, sent.message_id);
      posted = true;
      this.shown.set(fanId, shownKey(params));
      if (!(await this.deps.pinCard?.().catch(() => false))) return true;
      await this.deps.sender.send(
        'pinChatMessage',
        { chat_id: chatId, message_id: sent.message_id, disable_notification: true },
        { maxAttempts: 3, maxWaitMs, signal: this.closing.signal },
      );
    } catch (err) {
      this.deps.logger.warn({ err, fanId, topicId }, 'could not post the fan card');
      if (!posted) await this.unclaim(fanId, topicId);
    }
    if (!posted && pending) this.request(fanId);
    return posted;
  }

  /** Gives a card's claim back (no card): the next refresh posts it. Best effort. */
  private async unclaim(fanId: number, topicId: number): Promise<void> {
    await this.deps.accounts.setCardMessage(fanId, topicId, null).catch(() => {});
  }

  /** Asks for the card to be brought up to date (coalesced). */
  request(fanId: number): void {
    // After the shutdown flush: the next start refreshes what changed.
    if (this.timers.has(fanId) || this.closing.signal.aborted) return;
    const timer = setTimeout(() => {
      this.timers.delete(fanId);
      this.track(this.refreshNow(fanId));
    }, this.deps.refreshDelayMs);
    timer.unref();
    this.timers.set(fanId, timer);
  }

  /**
   * Queues an edit of the card now (after an admin action, at `priority`), if it changed.
   * Never waits for the group's budget, so an update's handler may await it: a card that
   * still has to be posted is posted in the background.
   */
  async refreshNow(fanId: number, priority: number = PRIORITY.background): Promise<void> {
    this.cancel(fanId);
    try {
      const data = await this.data(fanId);
      const account = data?.account;
      const messageId = account?.topic?.cardMessageId;
      if (!data || !account || !account.topic || messageId === undefined) return;
      if (messageId === null || messageId === 0) {
        // The card could not be posted when the topic was created (null), or is being
        // posted (0): post it now if the claim is ours to take — a claim is taken over only
        // once it is stale, left by a process that stopped before it posted
        // (fan-account-store.ts). Not during a shutdown: the next refresh after a restart does.
        if (this.closing.signal.aborted) return;
        return this.track(this.post(fanId, account.topic.topicId, false));
      }
      await this.readTimeZone();
      const params = this.render(account, data.claimedBy, data.sale);
      const key = shownKey(params);
      if (this.shown.get(fanId) === key) return;
      this.shown.set(fanId, key);
      await this.deps.outbox.enqueue([
        {
          kind: 'card.edit',
          target: { type: 'chat', chatId: account.topic.chatId },
          lane: messageLane(account.topic.chatId, messageId),
          method: 'editMessageText',
          params: { message_id: messageId, ...params },
          priority,
          fanId,
        },
      ]);
      this.deps.wake();
    } catch (err) {
      this.deps.logger.warn({ err, fanId }, 'could not refresh the fan card');
    }
  }

  /** Drops the fan's pending refresh; true when there was one. */
  private cancel(fanId: number): boolean {
    const pending = this.timers.get(fanId);
    if (!pending) return false;
    clearTimeout(pending);
    this.timers.delete(fanId);
    return true;
  }

  /** Forgets what a card showed (its keyboard was changed by hand, e.g. the gift menu). */
  forget(fanId: number): void {
    this.shown.delete(fanId);
  }

  /**
   * Shutdown: queues pending refreshes now and waits for them. A card post waiting for the
   * group's budget gives up (the card is posted by a later refresh).
   */
  async flush(): Promise<void> {
    this.closing.abort(new Error('shutting down'));
    for (const [fanId, timer] of this.timers) {
      clearTimeout(timer);
      this.timers.delete(fanId);
      this.track(this.refreshNow(fanId));
    }
    // A refresh may start more work (a card post) while it runs: wait until none is left.
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private track(run: Promise<unknown>): void {
    const tracked = run.finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }
}
