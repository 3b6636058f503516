/**
 * Issue 17: a new fan's statements are hand-written SQL texts built once — the card's
 * account read, the fan store's topic look-up, profile read, topic insert (and its read-back),
 * blocked flag, and the card's claim and message id. Each call sends the same texts for every
 * fan (so each is prepared once per connection, sqlite-client.ts / pg-client.ts) and none
 * went through knex's query builder (whose identifiers are quoted: backticks on SQLite,
 * double quotes on Postgres). Recorded with a knex query listener; the results are checked
 * too. On SQLite, or Postgres with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCardView } from '../../../src/adapters/db/card-view-store.js';
import { createFanAccountStore } from '../../../src/adapters/db/fan-account-store.js';
import { createFanStore } from '../../../src/adapters/db/fan-store.js';
import { createLedgerStore } from '../../../src/adapters/db/ledger-store.js';
import type { FanAccounts } from '../../../src/core/fan-account.js';
import type { FanDirectory } from '../../../src/core/traffic/ports.js';
import { toRequiredDate } from '../../../src/adapters/db/rows.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

const GROUP = -100700;

/** An identifier as knex's query builder quotes it. */
const KNEX_QUOTING = /`|"[a-z_]+"/;

describe("a new fan's statements (issue 17)", () => {
  let t: TestDb;
  let fans: FanDirectory;
  let accounts: FanAccounts;
  beforeAll(async () => {
    t = await createMigratedTestDb();
    fans = createFanStore(t.db);
    accounts = createFanAccountStore(t.db, createLedgerStore(t.db));
    const now = new Date();
    await t.db('users').insert([
      { id: 31, first_name: 'Ann', username: 'ann', created_at: now },
      { id: 32, first_name: 'Bob', last_name: 'Ray', language_code: 'de', created_at: now },
    ]);
  });
  afterAll(async () => {
    await t?.destroy();
  });

  /** The SQL texts `fn` sent, in order, and its result. */
  async function recorded<T>(fn: () => Promise<T>): Promise<{ result: T; texts: string[] }> {
    const texts: string[] = [];
    const listener = (query: { sql: string }) => texts.push(query.sql);
    t.db.on('query', listener);
    try {
      return { result: await fn(), texts };
    } finally {
      t.db.removeListener('query', listener);
    }
  }

  /**
   * The store calls of a new fan's first message (then of a fan who blocks the bot and of a
   * recreated topic), in order, with the texts each sent and what each returned.
   */
  async function newFan(fanId: number, topicId: number) {
    const calls: Record<string, { result: unknown; texts: string[] }> = {};
    const topic = { chatId: GROUP, topicId };
    const later = { chatId: GROUP, topicId: topicId + 1 };
    const recreated = { chatId: GROUP, topicId: topicId + 2 };
    calls.cardViewWithoutTopic = await recorded(() => readCardView(t.db, fanId));
    calls.profile = await recorded(() => fans.profile(fanId));
    calls.topicOfNone = await recorded(() => fans.topicOf(fanId));
    calls.saveTopic = await recorded(() => fans.saveTopic(fanId, topic, `fan ${fanId}`));
    calls.saveTopicTaken = await recorded(() => fans.saveTopic(fanId, later, 'late'));
    calls.topicOf = await recorded(() => fans.topicOf(fanId));
    calls.claimCard = await recorded(() => accounts.claimCard(fanId, topicId, false));
    calls.claimCardTaken = await recorded(() => accounts.claimCard(fanId, topicId, false));
    calls.claimCardWhilePosting = await recorded(() => accounts.claimCard(fanId, topicId, true));
    calls.setCardMessage = await recorded(() => accounts.setCardMessage(fanId, topicId, 500));
    calls.claimCardForced = await recorded(() => accounts.claimCard(fanId, topicId, true));
    calls.clearCardMessage = await recorded(() => accounts.setCardMessage(fanId, topicId, null));
    calls.cardView = await recorded(() => readCardView(t.db, fanId));
    calls.isBlocked = await recorded(() => fans.isBlocked(fanId));
    calls.setBlocked = await recorded(() => fans.setBlocked(fanId, true));
    calls.setBlockedAgain = await recorded(() => fans.setBlocked(fanId, true));
    calls.isBlockedNow = await recorded(() => fans.isBlocked(fanId));
    calls.setUnblocked = await recorded(() => fans.setBlocked(fanId, false));
    calls.fanOfTopic = await recorded(() => fans.fanOfTopic(GROUP, topicId));
    calls.recreateTopic = await recorded(() => fans.saveTopic(fanId, recreated, 'again', topicId));
    calls.recreateTopicTaken = await recorded(() => fans.saveTopic(fanId, later, 'x', topicId));
    return calls;
  }

  /** What `newFan` returns for a fan with no topic, no card, never blocked. */
  function expected(fanId: number, topicId: number, profile: object) {
    const topic = { chatId: GROUP, topicId };
    const recreated = { chatId: GROUP, topicId: topicId + 2 };
    const view = (stored: object | null) => ({
      account: expect.objectContaining({ fanId, blocked: false, topic: stored }) as unknown,
      claimedBy: null,
      sale: null,
    });
    return {
      cardViewWithoutTopic: view(null),
      profile: { id: fanId, ...profile },
      topicOfNone: null,
      saveTopic: topic,
      saveTopicTaken: topic,
      topicOf: topic,
      claimCard: true,
      claimCardTaken: false,
      claimCardWhilePosting: false,
      setCardMessage: undefined,
      claimCardForced: true,
      clearCardMessage: undefined,
      cardView: view({ ...topic, cardMessageId: null }),
      isBlocked: false,
      setBlocked: true,
      setBlockedAgain: false,
      isBlockedNow: true,
      setUnblocked: true,
      fanOfTopic: fanId,
      recreateTopic: recreated,
      recreateTopicTaken: recreated,
    };
  }

  it('sends one text per statement, the same for every fan, none from the query builder', async () => {
    const started = Date.now();
    const ann = await newFan(31, 700);
    const bob = await newFan(32, 800);
    for (const [call, { texts }] of Object.entries(ann)) {
      expect(texts.length, call).toBeGreaterThan(0);
      expect(bob[call]!.texts, call).toEqual(texts);
      for (const text of texts) expect(text, call).not.toMatch(KNEX_QUOTING);
    }

    const results = (calls: typeof ann) =>
      Object.fromEntries(Object.entries(calls).map(([call, { result }]) => [call, result]));
    expect(results(ann)).toEqual(
      expected(31, 700, { firstName: 'Ann', lastName: null, username: 'ann', languageCode: null }),
    );
    expect(results(bob)).toEqual(
      expected(32, 800, { firstName: 'Bob', lastName: 'Ray', username: null, languageCode: 'de' }),
    );
    // The rows written: the topic as the first save stored it, then as the recreation did.
    const rows = (await t
      .db('conversations')
      .whereIn('user_id', [31, 32])
      .orderBy('user_id')
      .select('user_id', 'chat_id', 'topic_id', 'title', 'card_message_id', 'created_at')) as Array<
      Record<string, unknown>
    >;
    expect(rows.map((r) => [r.user_id, r.chat_id, r.topic_id, r.title, r.card_message_id])).toEqual(
      [
        [31, GROUP, 702, 'again', null],
        [32, GROUP, 802, 'again', null],
      ],
    );
    for (const row of rows) {
      const at = toRequiredDate(row.created_at).getTime();
      expect(at).toBeGreaterThanOrEqual(started);
      expect(at).toBeLessThanOrEqual(Date.now());
    }
  });

  it('a first topic saved with its card claimed: one statement, the same text for every fan', async () => {
    const now = new Date();
    await t.db('users').insert([
      { id: 33, first_name: 'Cid', created_at: now },
      { id: 34, first_name: 'Dee', created_at: now },
    ]);
    const run = async (fanId: number, topicId: number) => {
      const topic = { chatId: GROUP, topicId };
      return {
        save: await recorded(() => fans.saveTopicClaimingCard!(fanId, topic, `fan ${fanId}`)),
        late: await recorded(() =>
          fans.saveTopicClaimingCard!(fanId, { chatId: GROUP, topicId: topicId + 1 }, 'late'),
        ),
        // Being posted: no other claim gets it, forced or not.
        claim: await recorded(() => accounts.claimCard(fanId, topicId, false)),
        claimForced: await recorded(() => accounts.claimCard(fanId, topicId, true)),
        view: await recorded(() => readCardView(t.db, fanId)),
      };
    };
    const cid = await run(33, 900);
    const dee = await run(34, 950);
    expect(cid.save.texts).toHaveLength(1);
    for (const [call, { texts }] of Object.entries(cid)) {
      expect(dee[call as keyof typeof dee].texts, call).toEqual(texts);
      for (const text of texts) expect(text, call).not.toMatch(KNEX_QUOTING);
    }
    expect(cid.save.result).toEqual({ topic: { chatId: GROUP, topicId: 900 }, cardClaimed: true });
    expect(cid.late.result).toEqual({ topic: { chatId: GROUP, topicId: 900 }, cardClaimed: false });
    expect([cid.claim.result, cid.claimForced.result]).toEqual([false, false]);
    expect(cid.view.result).toEqual(
      expect.objectContaining({
        account: expect.objectContaining({
          topic: { chatId: GROUP, topicId: 900, cardMessageId: 0 },
        }) as unknown,
      }),
    );
  });

  it('a fan who is not there: no card, no profile, no topic, not blocked, nothing to update', async () => {
    expect(await readCardView(t.db, 39)).toBeNull();
    expect(await fans.profile(39)).toBeNull();
    expect(await fans.topicOf(39)).toBeNull();
    expect(await fans.isBlocked(39)).toBe(false);
    expect(await fans.setBlocked(39, true)).toBe(false);
    expect(await accounts.claimCard(39, 1, true)).toBe(false);
    expect(await fans.fanOfTopic(GROUP, 1)).toBeNull();
  });
});
