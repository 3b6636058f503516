/** Every bot feature, in the order they apply (the guard first). */
import type { Context, Telegraf } from 'telegraf';
import type { BotDeps } from '../bot.js';
import { guardFeature } from './guard.js';
import { membershipFeature } from './membership.js';
import { relayFeature } from './relay.js';

export interface Feature {
  name: string;
  register(bot: Telegraf<Context>, deps: BotDeps): void;
}

export const FEATURES: readonly Feature[] = [guardFeature, membershipFeature, relayFeature];
