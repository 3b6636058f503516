/**
 * The telegraf bot, built but not started: intake (webhook or polling) drives it through
 * `handleUpdate`, with webhookReply off so every call goes through our sender.
 * Features register in the order of features/index.ts.
 */
import { Telegraf, type Context } from 'telegraf';
import type { BotDeps } from './bot-deps.js';
import { createBotErrorReporter } from './errors.js';
import { FEATURES } from './features/index.js';
import { UpdateAlreadyProcessed } from '../../core/traffic/ports.js';

/** Builds the bot; errors are reported (log, friendly message, alert) and rethrown to the intake. */
export function createBot(deps: BotDeps): Telegraf<Context> {
  const apiRoot = deps.apiRoot.endsWith('/') ? deps.apiRoot : `${deps.apiRoot}/`;
  const bot = new Telegraf<Context>(deps.token, {
    telegram: { apiRoot, webhookReply: false },
    handlerTimeout: 30_000,
  });
  bot.botInfo = deps.botInfo;
  const report = createBotErrorReporter({
    logger: deps.logger,
    alerts: deps.alerts,
    outbox: deps.outbox,
    onEnqueued: deps.wakeOutbox,
  });
  bot.catch(async (err, ctx) => {
    // A redelivered update found already processed is no error: the intake answers it.
    if (!(err instanceof UpdateAlreadyProcessed)) await report(err, ctx);
    throw err;
  });
  for (const feature of FEATURES) feature.register(bot, deps);
  return bot;
}
