/**
 * Acceptance (issue 5): during a time pass credits do not move; the warning and the end
 * notice reach the fan once each, even with two instances (two connection pools, two
 * schedulers) running the job at the same moment on one database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/adapters/db/knex.js';
import { createOutboxStore } from '../../src/adapters/db/outbox-store.js';
import { createPassNoticeStore } from '../../src/adapters/db/pass-notice-store.js';
import { createProductCatalog } from '../../src/adapters/db/product-catalog.js';
import { createJobLock } from '../../src/adapters/db/bot-state-store.js';
import { createUpdateStore } from '../../src/adapters/db/update-store.js';
import { createPassNotices } from '../../src/adapters/telegram/pass-notices.js';
import { loadMessageCatalog } from '../../src/config/message-templates.js';
import { createSettingsStore } from '../../src/config/settings-store.js';
import { silentLogger } from '../../src/core/logger.js';
import { passNoticesJob } from '../../src/jobs/pass-notices.js';
import { startJobScheduler, type JobScheduler } from '../../src/jobs/scheduler.js';
import type { Db } from '../../src/adapters/db/knex.js';
import type { Harness } from '../adapters/telegram/harness.js';
import {
  botMessages,
  relayed,
  seedProducts,
  sleep,
  startFanHarness,
  topicOf,
} from '../adapters/telegram/fan-harness.js';

const HOUR_MS = 3600_000;

/** Fans whose card the pass notices asked to refresh (a pass that ended changes the card). */
const cardRefreshes: number[] = [];

/**
 * An "instance": its own pool (Postgres) and scheduler, with a clock shifted by `offsetMs`.
 * SQLite is single-instance by design (one connection per process), so there the two
 * schedulers share the harness's connection.
 */
function instance(
  h: Harness,
  owner: string,
  clock: { offsetMs: number },
): { db: Db; own: boolean; scheduler: JobScheduler } {
  const own = h.testDb.dialect === 'postgres';
  const db = own ? createDb(h.testDb.url, { poolMax: 4 }) : h.testDb.db;
  const outbox = createOutboxStore(db);
  const passNotices = createPassNotices({
    store: createPassNoticeStore(db, outbox),
    settings: createSettingsStore(db, { ttlMs: 0 }),
    templates: loadMessageCatalog(),
    products: createProductCatalog(db),
    wake: () => {},
    cards: { request: (fanId) => cardRefreshes.push(fanId) },
  });
  const scheduler = startJobScheduler(
    [],
    {
      updates: createUpdateStore(db, 1),
      outbox,
      jobLock: createJobLock(db),
      logger: silentLogger,
      now: () => new Date(Date.now() + clock.offsetMs),
      passNotices,
    },
    owner,
  );
  return { db, own, scheduler };
}

describe('time passes and their notices', () => {
  let h: Harness;
  const clock = { offsetMs: 0 };
  let a: ReturnType<typeof instance>;
  let b: ReturnType<typeof instance>;
  beforeAll(async () => {
    h = await startFanHarness();
    await seedProducts(h);
    a = instance(h, 'instance-a', clock);
    b = instance(h, 'instance-b', clock);
  });
  afterAll(async () => {
    await a?.scheduler.stop();
    await b?.scheduler.stop();
    if (a?.own) await a.db.destroy();
    if (b?.own) await b.db.destroy();
    await h?.close();
  });

  it('messages are free during a pass; warning and end notice arrive once each with two instances', async () => {
    const { sim, adminChatId } = h;
    const fan = sim.control.createUser({ first_name: 'Passa' });
    const ledger = h.runtime.ledger;
    await ledger.ensureUser({ id: fan.id, firstName: 'Passa' });
    await ledger.grantCredits(fan.id, 4, 'grant:cs_passa');
    await ledger.grantTime(fan.id, 3600, 'pass_grant:cs_passa_time');

    sim.control.fanSendsText(fan.id, 'first message starts the pass');
    sim.control.fanSendsPhoto(fan.id);
    sim.control.fanSendsVoice(fan.id);
    const topic = await topicOf(sim, adminChatId, 'Passa');
    await sim.control.waitFor(
      () => relayed(sim, adminChatId, topic.threadId).length === 3,
      15_000,
      'three relays',
    );
    await sim.control.waitFor(
      () =>
        botMessages(sim, fan.id).some((m) => m.text?.startsWith('⏳ Your time pass has started')),
      10_000,
      'pass started notice',
    );
    const balance = await ledger.balance(fan.id);
    expect(balance.credits).toBe(4);
    expect(balance.seconds).toBe(0);
    expect(balance.passEndsAt!.getTime() - balance.passStartedAt!.getTime()).toBe(HOUR_MS);
    expect((await ledger.history(fan.id)).filter((e) => e.kind === 'spend')).toEqual([]);

    const warnings = () =>
      botMessages(sim, fan.id).filter((m) => m.text?.startsWith('⏳ Your time pass ends in'));
    const ends = () =>
      botMessages(sim, fan.id).filter((m) => m.text?.startsWith('⌛ Your time pass has ended'));

    // Nothing is due yet.
    await Promise.all([
      a.scheduler.runOnce(passNoticesJob, 'slot-0'),
      b.scheduler.runOnce(passNoticesJob, 'slot-0'),
    ]);
    // Four minutes before the end (warning window: 5 minutes). Both instances fire for the
    // same minute (the lock lets one run), and both also run it directly at once (the
    // conditional update lets one queue it).
    clock.offsetMs = HOUR_MS - 4 * 60_000;
    const won = await Promise.all([
      a.scheduler.runOnce(passNoticesJob, 'slot-1'),
      b.scheduler.runOnce(passNoticesJob, 'slot-1'),
    ]);
    expect(won.filter(Boolean)).toHaveLength(1);
    await Promise.all([
      a.scheduler.runOnce(passNoticesJob, 'slot-2a'),
      b.scheduler.runOnce(passNoticesJob, 'slot-2b'),
    ]);
    await sim.control.waitFor(() => warnings().length === 1, 10_000, 'warning');
    expect(warnings()[0]!.text).toContain('4 min');
    expect(
      warnings()[0]!
        .buttons.flat()
        .some((x) => x.callbackData?.startsWith('buy:')),
    ).toBe(true);

    clock.offsetMs = HOUR_MS + 1_000;
    await Promise.all([
      a.scheduler.runOnce(passNoticesJob, 'slot-3a'),
      b.scheduler.runOnce(passNoticesJob, 'slot-3b'),
      a.scheduler.runOnce(passNoticesJob, 'slot-4a'),
      b.scheduler.runOnce(passNoticesJob, 'slot-4b'),
    ]);
    await sim.control.waitFor(() => ends().length === 1, 10_000, 'end notice');
    await sleep(300);
    expect(warnings()).toHaveLength(1);
    expect(ends()).toHaveLength(1);
    expect(cardRefreshes).toEqual([fan.id]);
    expect((await ledger.balance(fan.id)).credits).toBe(4);
    expect(sim.control.violations()).toEqual([]);
  });
});
