/**
 * Issue 17: balance bars that fall due together are read in one call (`accountsOf`) and
 * queued in one `enqueue` — ten new fans writing at once cost one read, not ten. A bar whose
 * burst's low-balance alert showed the balance while it waited for its batch is not sent.
 * Calls are counted; no timing is asserted.
 */
import { describe, expect, it } from 'vitest';
import { BalanceBar } from '../../../src/adapters/telegram/balance-bar.js';
import { loadMessageCatalog } from '../../../src/config/message-templates.js';
import type { FanAccount, FanAccounts } from '../../../src/core/fan-account.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { NewOutboxJob } from '../../../src/core/traffic/outbox.js';

const DELAY_MS = 30;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function account(fanId: number): FanAccount {
  return {
    fanId,
    credits: 4,
    lastTopUpBalance: 10,
    languageCode: 'en',
    passStartedAt: null,
    passEndsAt: null,
  } as FanAccount;
}

function batchedBar() {
  const enqueued: NewOutboxJob[][] = [];
  const reads: number[][] = [];
  let singleReads = 0;
  const bar = new BalanceBar({
    accounts: {
      get: async (fanId: number) => {
        singleReads++;
        return account(fanId);
      },
    } as unknown as FanAccounts,
    accountsOf: async (fanIds) => {
      reads.push([...fanIds]);
      return new Map(fanIds.map((id) => [id, account(id)]));
    },
    outbox: {
      enqueue: async (jobs) => {
        enqueued.push([...jobs]);
        return jobs.map((_, i) => i + 1);
      },
    },
    templates: loadMessageCatalog(),
    logger: silentLogger,
    delayMs: DELAY_MS,
    batchMs: DELAY_MS,
    wake: () => {},
  });
  return { bar, enqueued, reads, singleReads: () => singleReads };
}

describe('balance bars due together (issue 17)', () => {
  it('are read once and queued in one call', async () => {
    const s = batchedBar();
    const fans = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    for (const fanId of fans) s.bar.request(fanId);
    await sleep(DELAY_MS * 6);
    await s.bar.flush();
    expect(s.reads).toEqual([fans]);
    expect(s.singleReads()).toBe(0);
    expect(s.enqueued).toHaveLength(1);
    expect(s.enqueued[0]!.map((job) => job.fanId)).toEqual(fans);
    expect(String(s.enqueued[0]![0]!.params.text)).toBe('Credits: 4/10 [████░░░░░░] 40%');
  });

  it("a bar waiting for its batch is dropped when the burst's alert showed the balance", async () => {
    const s = batchedBar();
    s.bar.request(1);
    s.bar.request(2);
    await sleep(DELAY_MS + 5); // both due, waiting for the batch
    s.bar.shownInAlert(2);
    await sleep(DELAY_MS * 4);
    await s.bar.flush();
    expect(s.enqueued.flat().map((job) => job.fanId)).toEqual([1]);
  });

  it('the shutdown flush sends what is scheduled in one batch', async () => {
    const s = batchedBar();
    s.bar.request(1);
    s.bar.request(2);
    await s.bar.flush();
    expect(s.reads).toEqual([[1, 2]]);
    expect(s.enqueued.flat().map((job) => job.fanId)).toEqual([1, 2]);
  });
});
