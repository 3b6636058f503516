/**
 * A fan card's claim (`card_message_id` 0: being posted) is one poster's at a time — and not
 * for ever: a process that stopped between its claim and its post left 0 on the row, and
 * every refresh skipped the card from then on. A claim older than CARD_CLAIM_STALE_MS is
 * taken over by the next claim, forced or not; a fresh one never is. On SQLite, or Postgres
 * with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CARD_CLAIM_STALE_MS,
  createFanAccountStore,
} from '../../../src/adapters/db/fan-account-store.js';
import { createLedgerStore } from '../../../src/adapters/db/ledger-store.js';
import type { FanAccounts } from '../../../src/core/fan-account.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

const GROUP = -100_811;

describe('a fan card claim left behind', () => {
  let t: TestDb;
  let accounts: FanAccounts;
  beforeAll(async () => {
    t = await createMigratedTestDb();
    accounts = createFanAccountStore(t.db, createLedgerStore(t.db));
    const now = new Date();
    await t.db('users').insert([41, 42, 43].map((id) => ({ id, created_at: now })));
    await t.db('conversations').insert(
      [41, 42, 43].map((id) => ({
        user_id: id,
        chat_id: GROUP,
        topic_id: id * 10,
        title: `fan ${id}`,
        created_at: now,
        updated_at: now,
      })),
    );
  });
  afterAll(async () => {
    await t?.destroy();
  });

  /** Claims fan `id`'s card, then dates the claim `ageMs` back. */
  async function claimedAgo(id: number, ageMs: number) {
    expect(await accounts.claimCard(id, id * 10, false)).toBe(true);
    await t
      .db('conversations')
      .where('user_id', id)
      .update({ updated_at: new Date(Date.now() - ageMs) });
  }

  it('a fresh claim holds against every other claim', async () => {
    await claimedAgo(41, 1_000);
    expect(await accounts.claimCard(41, 410, false)).toBe(false);
    expect(await accounts.claimCard(41, 410, true)).toBe(false);
  });

  it('a stale claim is taken over by the next claim, and then holds again', async () => {
    await claimedAgo(42, CARD_CLAIM_STALE_MS + 60_000);
    expect(await accounts.claimCard(42, 420, false)).toBe(true);
    expect(await accounts.claimCard(42, 420, false)).toBe(false);
    await claimedAgo(43, CARD_CLAIM_STALE_MS + 60_000);
    expect(await accounts.claimCard(43, 430, true)).toBe(true);
    expect(await accounts.claimCard(43, 430, true)).toBe(false);
  });

  it('a posted card is never claimed again but by a new topic (forced)', async () => {
    await accounts.setCardMessage(42, 420, 777);
    expect(await accounts.claimCard(42, 420, false)).toBe(false);
    expect(await accounts.claimCard(42, 420, true)).toBe(true);
  });
});
