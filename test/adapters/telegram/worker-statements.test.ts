/**
 * Issue 17, the outbox worker's side: at steady state, with fans' paid texts trickling in one
 * at a time (each relayed before the next arrives, Telegram's limits lifted as the benchmark
 * lifts them), the worker claims about once per relayed text — not again after every claim,
 * nor after every settled call — and runs no follower look-up for a head with nothing behind
 * it, no `rate_windows` read per round, and no next-due look-up while nothing waits.
 * Counted with a knex query listener over the whole process (the intake's statements
 * included), never timed. SQLite, or Postgres with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialect } from '../../helpers/db.js';
import { fanWithTopic, relayed, seedProducts, startFanHarness } from './fan-harness.js';
import type { Harness } from './harness.js';

/** Fans writing one text each, one after another. */
const FANS = 12;
/** At most this many claim statements per relayed text (6 before the change: 3 rounds of 2). */
const MAX_CLAIMS_PER_RELAY = 1.5;
/** At most this many statements per relayed text, intake and worker together (24 before, 11 after). */
const MAX_STATEMENTS_PER_RELAY = 14;

const isClaim = (sql: string) => /update\s+"?outbox"?\s+set\s+status\s*=\s*'sending'/i.test(sql);

describe(`the outbox worker's statements per relayed text on ${testDialect}`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startFanHarness({
      rateLimits: false,
      // No coalesced follow-ups (balance bar, card refresh) inside the run; the shipped idle
      // poll, so the safety net adds nothing to the count.
      fan: { balanceBarDelayMs: 600_000, cardRefreshMs: 600_000, settingsTtlMs: 60_000 },
      tuning: { idlePollMs: 5_000, limits: { timeScale: 0.00001 } },
    });
    await seedProducts(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('claims about once per relay and runs a bounded number of statements', async () => {
    const { sim, adminChatId } = h;
    const fans = [];
    // Warm-up: each fan's topic and card exist, their first text relayed.
    for (let i = 0; i < FANS; i++) fans.push(await fanWithTopic(h, `Steady${i}`, 100));
    await new Promise((resolve) => setTimeout(resolve, 300));

    const statements: string[] = [];
    const listener = (q: { sql: string }) => statements.push(q.sql);
    h.testDb.db.on('query', listener);
    try {
      for (const [i, { fan, topic }] of fans.entries()) {
        sim.control.fanSendsText(fan.id, `steady text ${i}`);
        await sim.control.waitFor(
          () => relayed(sim, adminChatId, topic.threadId).length === 2,
          15_000,
          `relay ${i}`,
        );
      }
      // Let the last call's bookkeeping finish.
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      h.testDb.db.removeListener('query', listener);
    }

    // Not counted: what frames a transaction, and what other parts poll with time whatever
    // the traffic (scaled 100× here): the admin group's availability, drops, pauses, the
    // settings and catalog revisions.
    const counted = statements.filter(
      (sql) =>
        !/^(begin|commit|notify)/i.test(sql.trim()) &&
        !/bot_state|from `drops`|from "drops"|chat_pauses|_revision/.test(sql),
    );
    const byText = new Map<string, number>();
    for (const sql of counted) byText.set(sql, (byText.get(sql) ?? 0) + 1);
    const listing = [...byText]
      .sort((a, b) => b[1] - a[1])
      .map(
        ([sql, n]) => `${(n / FANS).toFixed(2)}/relay  ${sql.replace(/\s+/g, ' ').slice(0, 160)}`,
      )
      .join('\n');
    // PB_SHOW_STATEMENTS=1 prints the statements per relay even when the test passes.
    if (process.env.PB_SHOW_STATEMENTS) console.log(`${counted.length / FANS}/relay\n${listing}`);
    const claims = counted.filter(isClaim).length;
    expect(claims / FANS, `claims per relay; statements:\n${listing}`).toBeLessThanOrEqual(
      MAX_CLAIMS_PER_RELAY,
    );
    expect(counted.length / FANS, `statements per relay:\n${listing}`).toBeLessThanOrEqual(
      MAX_STATEMENTS_PER_RELAY,
    );
    // Nothing queued behind a head: no follower look-up; nothing pending: no next-due look-up
    // after each round; the shared group budget not read on every round.
    const followers = counted.filter(
      (sql) => /f\.lane = \?/.test(sql) || /^select .* from "outbox" where "lane" = \?/i.test(sql),
    );
    expect(followers.length, listing).toBe(0);
    // (Before: one per round, 3 per relay; now at most every 100 ms, whatever the rounds.)
    const groupReads = counted.filter((sql) => /select .*sends.* from .?rate_windows/i.test(sql));
    expect(groupReads.length / FANS, listing).toBeLessThanOrEqual(1);
    const nextDue = counted.filter((sql) => /min\(.?available_at/i.test(sql));
    expect(nextDue.length / FANS, listing).toBeLessThanOrEqual(0.5);
  });
});
