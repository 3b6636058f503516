/**
 * Drops (issue 18): the store, the engine over the outbox and the vault's teaser, and the
 * runner that steps it. The progress message is edited at most every 10 (simulated) seconds,
 * a small share of the admin group's 20 messages a minute.
 */
import { createDropStore } from '../../adapters/db/drop-store.js';
import type { FanServices } from '../../adapters/telegram/bot-deps.js';
import { DropRunner } from '../../adapters/telegram/features/drops-runner.js';
import { createDropEngine, type DropEngine } from '../../core/drops/engine.js';
import type { ContentService } from '../../core/content/service.js';
import type { DropTeasers } from '../../core/drops/ports.js';
import { plainTeasers } from '../../core/drops/teasers.js';
import { formatMoney } from '../../core/money.js';
import { simulatedSecondsToMs } from '../../core/traffic/limits.js';
import { PRIORITY } from '../../core/traffic/outbox.js';
import type { TelegramContext } from './telegram.js';

/** Teasers of one drop in the outbox at once: about a second of Telegram's overall budget. */
const WINDOW = 30;
const PROGRESS_EVERY_SECONDS = 10;

/** What drops need besides the runtime's context: the fan side's texts and the vault. */
export interface DropsParts {
  fan: Pick<FanServices, 'templates' | 'adminLanguage' | 'currency'>;
  /** The vault's teaser API (without it, a plain text teaser). */
  content?: Pick<ContentService, 'sendTeaser'>;
}

export interface Drops {
  engine: DropEngine;
  runner: DropRunner;
}

export function buildDrops(context: TelegramContext, parts: DropsParts): Drops {
  const c = {
    ...parts.fan,
    content: parts.content,
    outbox: context.stores.outbox,
    wakeOutbox: context.wake,
    limits: context.tuning.limits,
    logger: context.logger.child({ component: 'drops' }),
  };
  const store = createDropStore(context.db);
  const runnerRef: { current?: DropRunner } = {};
  const teasers = c.content
    ? vaultTeasers(c.content)
    : plainTeasers({
        outbox: c.outbox,
        item: (id) => store.item(id),
        textsFor: async (fanId) => c.templates.forLanguage(await store.fanLanguage(fanId)),
      });
  const engine = createDropEngine({
    store,
    teasers,
    outbox: c.outbox,
    wakeOutbox: c.wakeOutbox,
    texts: c.templates.forLanguage(c.adminLanguage),
    money: (cents) => formatMoney(cents, c.currency, c.adminLanguage),
    now: () => new Date(),
    window: WINDOW,
    progressEveryMs: simulatedSecondsToMs(PROGRESS_EVERY_SECONDS, c.limits),
    onStarted: () => runnerRef.current?.wake(),
  });
  const runner = new DropRunner({
    step: () => engine.step(),
    logger: c.logger,
    tickMs: Math.max(20, simulatedSecondsToMs(0.25, c.limits)),
    idleMs: Math.max(100, simulatedSecondsToMs(5, c.limits)),
  });
  runnerRef.current = runner;
  return { engine, runner };
}

/**
 * The vault's teaser (the media blurred, the price, the unlock buttons) at the lowest
 * priority; an item archived meanwhile queues nothing (null: the drop stops).
 */
function vaultTeasers(content: Pick<ContentService, 'sendTeaser'>): DropTeasers {
  return {
    async send(fanId, itemId, key) {
      const result = await content.sendTeaser({
        itemId,
        fanId,
        dedupeKey: key,
        priority: PRIORITY.background,
      });
      return result.status === 'queued' ? result.jobId : null;
    },
  };
}
