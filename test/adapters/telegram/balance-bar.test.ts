/**
 * The compact balance update goes out once per burst; when the low-balance alert (which
 * carries the bar) went out in the burst, it is the burst's only balance message.
 */
import { describe, expect, it } from 'vitest';
import { BalanceBar } from '../../../src/adapters/telegram/balance-bar.js';
import { loadMessageCatalog } from '../../../src/config/message-templates.js';
import type { FanAccount, FanAccounts } from '../../../src/core/fan-account.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { NewOutboxJob } from '../../../src/core/traffic/outbox.js';

const DELAY_MS = 40;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function barWithOutbox() {
  const sent: NewOutboxJob[] = [];
  const account = {
    fanId: 7,
    credits: 4,
    lastTopUpBalance: 10,
    languageCode: 'en',
    passStartedAt: null,
    passEndsAt: null,
  };
  const bar = new BalanceBar({
    accounts: { get: async () => account as FanAccount } as unknown as FanAccounts,
    outbox: {
      enqueue: async (jobs) => {
        sent.push(...jobs);
        return jobs.map((_, i) => i + 1);
      },
    },
    templates: loadMessageCatalog(),
    logger: silentLogger,
    delayMs: DELAY_MS,
    wake: () => {},
  });
  return { bar, sent };
}

describe('balance bar', () => {
  it('sends one update per burst', async () => {
    const { bar, sent } = barWithOutbox();
    for (let i = 0; i < 5; i++) bar.request(7);
    await sleep(DELAY_MS * 5);
    await bar.flush();
    expect(sent).toHaveLength(1);
    expect(String(sent[0]!.params.text)).toBe('Credits: 4/10 [████░░░░░░] 40%');
  });

  it('sends nothing for a burst whose low-balance alert showed the bar, then works again', async () => {
    const { bar, sent } = barWithOutbox();
    bar.request(7); // before the crossing
    bar.shownInAlert(7); // the crossing's alert carried the bar
    bar.request(7); // after it, same burst
    await sleep(DELAY_MS * 5);
    await bar.flush();
    expect(sent).toHaveLength(0);
    bar.request(7); // a later burst
    await sleep(DELAY_MS * 5);
    await bar.flush();
    expect(sent).toHaveLength(1);
  });
});
