/**
 * Issue 17: the card posted when a fan's topic opens reads the card's data once — the
 * account, who holds the fan and their purchase from the one `view` read — and already shows
 * what the first message's spend asked a refresh for, so that pending refresh is dropped
 * instead of reading it all again 30 s later. A card that could not be posted keeps its
 * refresh (the refresh posts it). Reads are counted, no timing is asserted.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InfoCards, type CardData } from '../../../src/adapters/telegram/info-cards.js';
import { loadMessageCatalog } from '../../../src/config/message-templates.js';
import type { FanAccount } from '../../../src/core/fan-account.js';
import { silentLogger } from '../../../src/core/logger.js';

const ADMIN = -100777;
const FAN = 4242;
const REFRESH_MS = 30_000;

function account(cardMessageId: number | null): FanAccount {
  return {
    fanId: FAN,
    firstName: 'Ann',
    lastName: null,
    username: null,
    languageCode: 'en',
    tier: 'new',
    credits: 9,
    bankedSeconds: 0,
    passStartedAt: null,
    passEndsAt: null,
    totalSpentCents: 0,
    messageCount: 1,
    firstSeen: new Date('2026-12-01T00:00:00Z'),
    banned: false,
    blocked: false,
    frozen: false,
    lastTopUpBalance: 10,
    topic: { chatId: ADMIN, topicId: 5, cardMessageId },
  };
}

function setup(options: { failSend?: boolean; claimRefused?: boolean } = {}) {
  let cardMessageId: number | null = 0;
  const reads = { view: 0, get: 0, claimer: 0, sale: 0 };
  const sends: string[] = [];
  const enqueued: unknown[] = [];
  const claims: boolean[] = [];
  const cards = new InfoCards({
    sender: {
      scheduler: { rules: { group: { windowMs: 60_000 } } },
      async send(method: string) {
        sends.push(method);
        if (options.failSend) throw new Error('Bad Request: message thread not found');
        return { message_id: 900 };
      },
    } as never,
    outbox: { enqueue: async (jobs: unknown[]) => void enqueued.push(...jobs) } as never,
    accounts: {
      async get() {
        reads.get++;
        return account(cardMessageId);
      },
      async claimCard(_fan: number, _topic: number, force: boolean) {
        claims.push(force);
        return !options.claimRefused;
      },
      async setCardMessage(_fan: number, _topic: number, id: number | null) {
        cardMessageId = id;
      },
    } as never,
    templates: loadMessageCatalog(),
    adminChatId: ADMIN,
    adminLanguage: 'en',
    currency: 'usd',
    logger: silentLogger,
    refreshDelayMs: REFRESH_MS,
    wake: () => {},
    claimerOf: async () => {
      reads.claimer++;
      return null;
    },
    latestPurchase: async () => {
      reads.sale++;
      return null;
    },
    view: async (): Promise<CardData> => {
      reads.view++;
      return { account: account(cardMessageId), claimedBy: null, sale: null };
    },
  });
  return { cards, reads, sends, enqueued, claims };
}

describe('the card posted with a new topic (issue 17)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads the card once and drops the refresh the first spend asked for', async () => {
    const s = setup();
    s.cards.request(FAN); // the spend of the message that opens the topic
    expect(await s.cards.post(FAN, 5)).toBe(true);
    expect(s.sends).toEqual(['sendMessage']);
    await vi.advanceTimersByTimeAsync(REFRESH_MS * 2);
    await s.cards.flush();
    expect(s.reads).toEqual({ view: 1, get: 0, claimer: 0, sale: 0 });
    expect(s.enqueued).toEqual([]);
  });

  it('a request after the card was read still refreshes it', async () => {
    const s = setup();
    expect(await s.cards.post(FAN, 5)).toBe(true);
    s.cards.request(FAN);
    await vi.advanceTimersByTimeAsync(REFRESH_MS + 1);
    await s.cards.flush();
    expect(s.reads.view).toBe(2);
  });

  it('a card that could not be posted keeps its refresh', async () => {
    const s = setup({ failSend: true });
    s.cards.request(FAN);
    expect(await s.cards.post(FAN, 5)).toBe(false);
    await vi.advanceTimersByTimeAsync(REFRESH_MS + 1);
    // The refresh found no card (null) and posts it again.
    expect(s.reads.view).toBeGreaterThanOrEqual(2);
    expect(s.sends.length).toBeGreaterThanOrEqual(2);
  });

  it('a card left "being posted" is posted by a refresh once its claim is stale (the store decides)', async () => {
    // A process stopped between the claim and the post: the row says 0 for good. A refresh
    // asks for the claim (not forced); the store grants it only once the claim is stale.
    const refused = setup({ claimRefused: true });
    await refused.cards.refreshNow(FAN);
    await refused.cards.flush();
    expect(refused.claims).toEqual([false]);
    expect(refused.sends).toEqual([]);

    const stale = setup();
    await stale.cards.refreshNow(FAN);
    await stale.cards.flush();
    expect(stale.claims).toEqual([false]);
    expect(stale.sends).toEqual(['sendMessage']);
  });

  it('a card claimed with its topic is posted without claiming it again', async () => {
    const s = setup({ claimRefused: true });
    expect(await s.cards.post(FAN, 5, true, true)).toBe(true);
    expect(s.claims).toEqual([]);
    expect(s.sends).toEqual(['sendMessage']);
  });
});
